"""Shared measures of change and local areas (issue 22): the catalogue and the ONS list,
outcomes pooled by measure on /measures/KEY/, each area's brief and its data, the
outcomes table of the open data, the safeguarding threshold and withheld items, the
errors editors get at their lines, and the editors' tools (schema, web editor, blanks)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, run, story, write
from test_exports import frictionless_report

from goodrel_site import areas, cms, limits, new, schema
from goodrel_site.models import Settings
from goodrel_site.validate import load_settings

SETTINGS = yaml.safe_load((REPO / "site.yaml").read_text("utf-8"))


def outcome(measure: str, value, baseline=None, evidence: str | None = None, unit: str = "") -> str:
    lines = f"  - indicator: result of {measure}\n    measure: {measure}\n    value: {value}\n"
    lines += f"    baseline: {baseline}\n" if baseline is not None else ""
    lines += f"    evidence: {evidence}\n" if evidence else ""
    return lines + (f"    unit: {unit}\n" if unit else "")


def item(area: str, *outcomes: str, extra: str = "") -> str:
    return f"area: {area}\n{extra}outcomes:\n" + "".join(outcomes)


def event(slug: str, area: str, *outcomes: str) -> str:
    return (
        f"---\ntitle: Gathering {slug}\nsummary: People met.\ndate: 2014-05-01\nstatus: published\n"
        f"region: london\nplace: Hackney\nhosts: [Hackney Together]\n{item(area, *outcomes)}---\n\nWhat happened.\n"
    )


@pytest.fixture
def measured(tmp_path: Path) -> Path:
    """Public stories and an event reporting measures in Hackney and Newham, a
    translation (counted once), a draft and a withdrawn story (counted nowhere)."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    s1 = item(
        "hackney",
        outcome("get-on-well", 70, 60, "self-reported"),
        outcome("people-mixing", 20, evidence="observed"),
        extra="organisations: [Dalston Dialogue]\n",
    )
    write(root, "stories/one.md", story("Story one", s1))
    write(root, "stories/two.md", story("Story two", item("hackney", outcome("get-on-well", 80, 50, "evaluated"))))
    write(
        root,
        "stories/two-ur.md",
        story("Story two in Urdu", "lang: ur\ntranslation_of: two\n" + item("hackney", outcome("get-on-well", 80, 50))),
    )
    write(
        root,
        "events/hackney-2014.md",
        event("hackney-2014", "hackney", outcome("get-on-well", 66, None, "self-reported")),
    )
    write(root, "stories/five.md", story("Story five", item("newham", outcome("get-on-well", 75, 70, "self-reported"))))
    draft = story("Secret draft", item("hackney", outcome("get-on-well", 10, 90, "observed")))
    write(root, "stories/draft.md", draft.replace("status: published", "status: draft"))
    gone = story("Taken down", item("camden", outcome("get-on-well", 11, 91, "observed")))
    write(root, "stories/gone.md", gone.replace("status: given", "status: withdrawn"))
    assert build(root) == 0
    return root


def html(root: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((root / "public" / url.strip("/") / "index.html").read_text("utf-8"), "html.parser")


def rows(table) -> list[list[str]]:
    return [[" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]


# -- the catalogue and the list of areas --------------------------------------------


def test_the_bundled_and_starter_sites_ship_a_catalogue_of_measures_from_public_frameworks():
    for path in (REPO / "site.yaml", REPO / "goodrel_site/starter/site.yaml"):
        measures = Settings.model_validate(yaml.safe_load(path.read_text("utf-8"))).measures
        assert len(measures) >= 8
        assert {m.unit for m in measures.values()} >= {"percent", "count", "score"}
        assert all(m.source and m.framework and m.licence for m in measures.values()), path
        frameworks = " ".join(m.framework or "" for m in measures.values())
        for name in ("Indicators of Integration", "Community Life Survey", "Northern Ireland Good Relations"):
            assert name in frameworks
        assert "National Survey for Wales" in frameworks and "Nesta" in frameworks
        assert "National Indicator 1" in measures["get-on-well"].framework


def test_the_engine_lists_every_district_of_england_and_wales_with_its_ons_code_and_region():
    found = areas.areas()
    assert len(found) == 318
    assert sum(a.code.startswith("E") for a in found.values()) == 296
    assert sum(a.code.startswith("W") for a in found.values()) == 22
    assert found["oldham"].code == "E08000004" and found["oldham"].region == "north-west"
    assert found["bristol"].name == "Bristol, City of" and found["cardiff"].region == "wales"
    assert all(re.fullmatch(r"[EW]0[6-9]\d{6}", a.code) for a in found.values())
    assert len({a.code for a in found.values()}) == 318
    regions = {(a.region, a.region_code, a.region_name) for a in found.values()}
    assert len(regions) == 10 and ("london", "E12000007", "London") in regions
    assert set(SETTINGS["regions"]) - {"national"} == {r for r, _, _ in regions} - {"wales"}
    said = areas.source()
    assert "Office for National Statistics" in said and "April 2023" in said and "Open Government Licence" in said


# -- what check refuses, at its line ---------------------------------------------------


def check(site: Path, capsys, rel: str, text: str) -> str:
    write(site, rel, text)
    capsys.readouterr()
    code = run("check", "--site", str(site), "--now", NOW.isoformat())
    said = capsys.readouterr()
    return f"{code}\n{said.out}{said.err}"


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            "outcomes:\n  - indicator: x\n    measure: get-on-wel\n    value: 70\n",
            "stories/bad.md:11: unknown measure 'get-on-wel'; did you mean 'get-on-well'? allowed: get-on-well,",
        ),
        (
            "outcomes:\n  - indicator: x\n    measure: get-on-well\n    value: 70\n    unit: people\n",
            "stories/bad.md:13: the measure 'get-on-well' is in percent, not 'people': write unit: percent",
        ),
        (
            "outcomes:\n  - indicator: x\n    measure: get-on-well\n    value: 120\n",
            "stories/bad.md:12: value in item 1 of 'outcomes' is 120, but a percentage is from 0 to 100",
        ),
        (
            "outcomes:\n  - indicator: x\n    measure: people-mixing\n    value: 4\n    baseline: many\n",
            "stories/bad.md:13: baseline in item 1 of 'outcomes' is 'many', but a measure in count takes a number",
        ),
        (
            "outcomes:\n  - indicator: x\n    measure: people-mixing\n    value: 4.5\n",
            "stories/bad.md:12: value in item 1 of 'outcomes' is 4.5, but a count is a whole number, 0 or more",
        ),
        ("area: hackny\n", "stories/bad.md:9: unknown area 'hackny'; did you mean 'hackney'?"),
        (
            "area: oldham\n",
            "stories/bad.md:7: Oldham (area: oldham) is in the region 'north-west', not 'london': write region: north-west",
        ),
    ],
    ids=["unknown-measure", "unit", "percent", "words-for-a-count", "fraction-count", "unknown-area", "region"],
)
def test_check_refuses_a_wrong_measure_or_area_at_its_line(site, capsys, extra, expected):
    said = check(site, capsys, "stories/bad.md", story("Bad", extra))
    assert said.startswith("1\n") and expected in said, said


def test_an_event_is_checked_the_same_way(site, capsys):
    said = check(site, capsys, "events/bad.md", event("bad", "hackney", outcome("get-on-well", 70, unit="people")))
    assert "events/bad.md:14: the measure 'get-on-well' is in percent, not 'people'" in said, said


def test_a_measure_in_words_and_a_score_take_what_they_say(site, capsys):
    settings = (site / "site.yaml").read_text("utf-8")
    settings += "  how-it-felt: {label: How it felt, description: In their words., unit: text}\n"
    (site / "site.yaml").write_text(settings, "utf-8")
    extra = item("hackney", outcome("how-it-felt", "much warmer"), outcome("evidence-level", 2.5, 1))
    assert check(site, capsys, "stories/ok.md", story("Fine", extra)).startswith("0\n")


def test_the_region_is_not_checked_against_an_area_on_a_site_with_regions_of_its_own(site, capsys):
    settings = (site / "site.yaml").read_text("utf-8").replace("  north-west: {label: North West,", "  gm: {label: GM,")
    (site / "site.yaml").write_text(settings, "utf-8")
    text = story("Mine", "area: oldham\n").replace("region: london", "region: gm")
    assert check(site, capsys, "stories/mine.md", text).startswith("0\n")


def test_a_site_yaml_measure_needs_a_known_unit(site, capsys):
    settings = (site / "site.yaml").read_text("utf-8") + "  odd: {label: Odd, description: Odd., unit: litres}\n"
    (site / "site.yaml").write_text(settings, "utf-8")
    said = check(site, capsys, "stories/first.md", (site / "stories/first.md").read_text("utf-8"))
    line = settings.splitlines().index("  odd: {label: Odd, description: Odd., unit: litres}") + 1
    assert f"site.yaml:{line}:" in said and "'percent', 'count', 'score' or 'text'" in said, said


# -- the measures' pages -------------------------------------------------------------------


def test_a_measures_page_says_what_it_is_and_pools_every_public_result(measured):
    page = html(measured, "/measures/get-on-well/")
    text = " ".join(page.get_text(" ").split())
    assert "People from different backgrounds get on well" in page.h1.get_text()
    assert "Community Life Survey" in text and "Open Government Licence v3.0" in text
    assert page.find("a", href=SETTINGS["measures"]["get-on-well"]["source"])
    # The pooled table, recomputed by hand: one, two (its translation not again), the
    # event and five; the draft and the withdrawn story nowhere.
    pooled = rows(page.find("table", class_="pooled"))
    assert pooled[1:] == [
        ["self-reported", "3", "2", "65.0", "72.5", "+7.5"],
        ["evaluated", "1", "1", "50.0", "80.0", "+30.0"],
        ["All results", "4", "3", "60.0", "75.0", "+15.0"],
    ]
    chart = page.find("svg", class_="bars")
    assert [t.get_text() for t in chart.find_all("text", class_="bar-value")] == ["3", "1"]
    reported = [r[0] for r in rows(page.find("section", attrs={"aria-labelledby": "results"}).table)[1:]]
    assert sorted(reported) == ["Gathering hackney-2014", "Story five", "Story one", "Story two"]
    assert "Secret draft" not in text and "Taken down" not in text and "Story two in Urdu" not in text


def test_the_measures_are_listed_charted_on_figures_and_linked_from_their_stories(measured):
    listing = html(measured, "/measures/")
    assert listing.find("a", href="/measures/get-on-well/")
    figures = html(measured, "/figures/")
    chart = figures.find("section", attrs={"aria-labelledby": "by_measures"})
    table = dict((r[0], r[1]) for r in rows(chart.table)[1:])
    assert table["People from different backgrounds get on well"] == "3"  # stories, each once
    assert table["People taking part across groups"] == "1"
    one = html(measured, "/stories/one/")
    assert one.find("a", class_="measure-link", href="/measures/get-on-well/")
    assert one.find("a", href="/areas/hackney/").get_text() == "Hackney"
    assert html(measured, "/events/hackney-2014/").find("a", href="/areas/hackney/")


# -- the areas' briefs ---------------------------------------------------------------------


def test_an_areas_brief_has_its_items_organisations_measures_and_region(measured):
    page = html(measured, "/areas/hackney/")
    text = " ".join(page.get_text(" ").split())
    assert page.h1.get_text() == "Hackney" and "E09000012" in text
    assert page.find("a", href="/regions/london/")
    assert {a["href"] for a in page.select(".card a, article a") if a["href"].startswith("/stories/")} >= {
        "/stories/one/",
        "/stories/two/",
    }
    assert page.find("a", href="/events/hackney-2014/")
    orgs = [a.get_text() for a in page.find("section", attrs={"aria-labelledby": "area-organisations"}).find_all("a")]
    assert orgs == ["Dalston Dialogue", "Hackney Together"]
    # Three items report get-on-well here: its figures; one reports people-mixing: withheld.
    tables = page.find_all("table", class_="pooled")
    assert len(tables) == 1 and rows(tables[0])[-1] == ["All results", "3", "2", "55.0", "75.0", "+20.0"]
    assert "Fewer than 3 public items report this measure here" in text
    assert "Secret draft" not in text
    assert page.find("link", rel="stylesheet", href=re.compile(r"measures"))
    href = page.find("link", href=re.compile("measures"))["href"].split("?")[0]
    css = (measured / "public" / href.lstrip("/")).read_text("utf-8")
    assert "size: A4" in css and "@media print" in css


def test_an_areas_brief_downloads_as_json_and_csv(measured):
    data = json.loads((measured / "public/data/areas/hackney.json").read_text("utf-8"))
    assert (data["area"], data["code"], data["region"], data["region_code"]) == (
        "hackney",
        "E09000012",
        "london",
        "E12000007",
    )
    assert [s["slug"] for s in data["stories"]] == ["one", "two"] and [e["slug"] for e in data["events"]] == [
        "hackney-2014"
    ]
    assert data["organisations"] == ["Dalston Dialogue", "Hackney Together"]
    by_key = {m["measure"]: m for m in data["measures"]}
    assert by_key["people-mixing"]["figures"] is None and by_key["people-mixing"]["items"] == 1
    assert by_key["get-on-well"]["figures"][-1] == {
        "evidence": "all",
        "results": 3,
        "with_baseline": 2,
        "mean_baseline": 55.0,
        "mean_value": 75.0,
        "mean_change": 20.0,
    }
    assert data["figures_from_at_least"] == limits.AREA_FIGURE_MIN_ITEMS == 3
    table = list(csv.DictReader(io.StringIO((measured / "public/data/areas/hackney.csv").read_text("utf-8-sig"))))
    assert [(r["kind"], r["slug"], r["measure"]) for r in table] == [
        ("event", "hackney-2014", "get-on-well"),
        ("story", "one", "get-on-well"),
        ("story", "one", "people-mixing"),
        ("story", "two", "get-on-well"),
    ]
    page = html(measured, "/areas/hackney/")
    assert page.find("a", href="/data/areas/hackney.csv") and page.find("a", href="/data/areas/hackney.json")


def test_the_areas_page_lists_only_areas_that_public_items_name(measured):
    page = html(measured, "/areas/")
    listed = [r[:3] for r in rows(page.table)[1:]]
    assert listed == [["Hackney", "E09000012", "London"], ["Newham", "E09000025", "London"]]
    assert not (measured / "public/areas/camden").exists()  # named only by the withdrawn story
    assert not (measured / "public/data/areas/camden.json").exists()
    newham = " ".join(html(measured, "/areas/newham/").get_text(" ").split())
    assert "Fewer than 3 public items report this measure here" in newham and "72.5" not in newham


def test_withheld_items_are_in_no_byte_of_the_output(measured):
    for path in (measured / "public").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".xml"):
            text = path.read_text("utf-8")
            assert "Secret draft" not in text and "Taken down" not in text, path
            assert "camden" not in text.lower(), path  # the area only the withdrawn story names


# -- the open data ---------------------------------------------------------------------------


def test_the_open_data_has_a_table_of_outcomes_and_the_areas_of_stories_and_events(measured):
    data = measured / "public" / "data"
    table = json.loads((data / "outcomes.json").read_text("utf-8"))
    assert [(r["kind"], r["slug"], r["n"], r["measure"], r["area"], r["area_code"]) for r in table] == [
        ("event", "hackney-2014", 1, "get-on-well", "hackney", "E09000012"),
        ("story", "five", 1, "get-on-well", "newham", "E09000025"),
        ("story", "one", 1, "get-on-well", "hackney", "E09000012"),
        ("story", "one", 2, "people-mixing", "hackney", "E09000012"),
        ("story", "two", 1, "get-on-well", "hackney", "E09000012"),
    ]
    assert table[2] == {
        "kind": "story",
        "slug": "one",
        "n": 1,
        "indicator": "result of get-on-well",
        "measure": "get-on-well",
        "value": 70,
        "baseline": 60,
        "unit": None,
        "evidence": "self-reported",
        "area": "hackney",
        "area_code": "E09000012",
        "region": "london",
    }
    header = next(csv.reader(io.StringIO((data / "outcomes.csv").read_text("utf-8-sig"))))
    assert header == list(table[0])
    stories = {r["slug"]: r for r in json.loads((data / "stories.json").read_text("utf-8"))}
    assert (stories["one"]["area"], stories["one"]["area_code"]) == ("hackney", "E09000012")
    assert stories["one"]["outcomes"][0]["measure"] == "get-on-well"
    events = json.loads((data / "events.json").read_text("utf-8"))
    assert events[0]["area_code"] == "E09000012" and events[0]["outcomes"][0]["value"] == 66
    package = json.loads((data / "datapackage.json").read_text("utf-8"))
    described = {r["name"]: r for r in package["resources"]}
    assert described["outcomes-csv"]["schema"]["primaryKey"] == ["kind", "slug", "n"]
    report = frictionless_report(data)
    assert report.valid, report.flatten(["resourceName", "type", "note"])
    counted = {task.name: task.stats["rows"] for task in report.tasks if task.type == "table"}
    assert counted["outcomes-csv"] == counted["outcomes-json"] == 5
    terms = json.loads((data / "vocabularies.json").read_text("utf-8"))["measures"]
    assert terms[0]["key"] == "get-on-well" and terms[0]["unit"] == "percent" and terms[0]["source"]


# -- the editors' tools ------------------------------------------------------------------------


def test_the_json_schema_and_the_web_editor_offer_the_measures_and_areas_as_lists(site):
    settings = load_settings(site)
    for kind in ("story", "event"):
        found = schema.generate(kind, settings)
        measure = found["$defs"]["Outcome"]["properties"]["measure"]["anyOf"][0]
        assert measure["enum"] == list(settings.measures)
        area = found["properties"]["area"]["anyOf"][0]
        assert area["enum"] == list(areas.areas()) and "oldham" in area["enum"]
    settings = Settings.model_validate({**settings.model_dump(), "cms": {"repo": "a/b"}})
    for collection in cms.config(settings)["collections"][:2]:
        fields = {f["name"]: f for f in collection["fields"]}
        area = fields["area"]
        assert area["widget"] == "select" and {"label": "Oldham", "value": "oldham"} in area["options"]
        inner = {f["name"]: f for f in fields["outcomes"]["fields"]}
        assert inner["measure"]["widget"] == "select"
        assert [o["value"] for o in inner["measure"]["options"]] == list(settings.measures)


def test_the_blanks_name_the_area_and_the_measures(site):
    settings = load_settings(site)
    for kind in ("story", "event"):
        text = new.blank(kind, settings, "A title", NOW, "preview")
        assert "# area: " in text and "#     measure: " in text
        assert "get-on-well" in text  # the site's measures, listed beside the field


def test_a_measures_source_must_be_a_web_address(site, capsys):
    settings = (site / "site.yaml").read_text("utf-8")
    bad = "  odd: {label: Odd, description: Odd., unit: count, source: 'javascript:alert(1)'}"
    (site / "site.yaml").write_text(settings + bad + "\n", "utf-8")
    said = check(site, capsys, "stories/first.md", (site / "stories/first.md").read_text("utf-8"))
    assert said.startswith("1\n") and f"site.yaml:{len(settings.splitlines()) + 1}:" in said, said


def test_figures_pools_each_reported_measure(measured):
    section = html(measured, "/figures/").find("section", attrs={"aria-labelledby": "measures-pooled"})
    table = {r[0]: r[1:] for r in rows(section.table)[1:]}
    assert table == {
        "People from different backgrounds get on well": ["4", "+15.0"],
        "People taking part across groups": ["1", "–"],
    }
    assert section.find("a", href="/measures/get-on-well/")
