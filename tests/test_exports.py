"""Open data: the exports round-trip to the front matter, carry each item's text,
hold nothing withheld, open correctly as CSV, validate against their own JSON Schemas
and against the Frictionless data package that describes them (build date, licence,
sample flag, every file and column), and the codebook page describes every field and
vocabulary."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, story, write

from goodrel_site.codebook import DATASETS, csv_columns
from goodrel_site.export import PRIVATE
from goodrel_site.stages import load_site

DERIVED = {"slug", "url", "lang", "image", "anonymised", "event", "translation_of", "stories", "text", "area_code"}


def front_matter(path: Path) -> dict:
    """The file's front matter as plain YAML, read independently of the build."""
    text = path.read_text("utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def as_json(value):
    """A YAML value as the JSON export writes it (dates as YYYY-MM-DD)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    return value


def same(exported, written) -> bool:
    """The exported value says what the file says; parts the file leaves out are null."""
    if isinstance(written, dict):
        return (
            isinstance(exported, dict)
            and all(same(exported.get(k), v) for k, v in written.items())
            and all(exported[k] is None for k in set(exported) - set(written))
        )
    if isinstance(written, list):
        return (
            isinstance(exported, list)
            and len(exported) == len(written)
            and all(same(e, w) for e, w in zip(exported, written, strict=True))
        )
    return exported == as_json(written)


def load_export(out: Path, name: str):
    return json.loads((out / "data" / name).read_text("utf-8"))


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


@pytest.mark.parametrize("dataset", ["stories", "events"])
def test_every_public_item_appears_once_with_its_front_matter(bundled, public, dataset):
    rows = load_export(bundled, f"{dataset}.json")
    entries = getattr(public, dataset)
    assert sorted(r["slug"] for r in rows) == sorted(e.slug for e in entries)
    by_slug = {r["slug"]: r for r in rows}
    for entry in entries:
        row = by_slug[entry.slug]
        assert row["url"] == "https://goodrel.example.org" + entry.url
        written = front_matter(REPO / entry.path)
        for key, value in written.items():
            if key in PRIVATE or key == "slug":
                continue
            if key == "image":
                expected = {k: v for k, v in value.items() if k not in ("src", "decorative")}
                assert same({k: v for k, v in row["image"].items() if k != "url"}, expected)
                assert (bundled / row["image"]["url"].split("/", 3)[3]).is_file()
            elif key in ("event", "translation_of"):
                assert row[key] == value  # the bundled content links only public items
            else:
                assert same(row[key], value), f"{entry.path}: {key}"
        # Keys the file leaves out are exported empty, never invented; `updated` may
        # come from the file's git history, as on the page.
        for key in set(row) - set(written) - DERIVED:
            expected = as_json(entry.updated) if key == "updated" else row[key]
            assert row[key] == expected and (key == "updated" or row[key] in (None, [], False)), (
                f"{entry.path}: {key} = {row[key]!r}"
            )


def test_story_fields_that_the_build_derives(bundled, public):
    rows = {r["slug"]: r for r in load_export(bundled, "stories.json")}
    urdu = rows["five-a-side-in-the-rain-ur"]
    assert urdu["lang"] == "ur" and urdu["translation_of"] == "five-a-side-in-the-rain"
    assert rows["five-a-side-in-the-rain"]["lang"] == "en"
    for s in public.stories:
        assert rows[s.slug]["anonymised"] == s.consent.anonymised
    events = {r["slug"]: r for r in load_export(bundled, "events.json")}
    for event in public.events:
        told = sorted(s.slug for s in public.stories if s.event == event.slug)
        assert sorted(events[event.slug]["stories"]) == told


def test_nothing_withheld_appears_in_any_export(bundled, public):
    assert public.withheld, "the bundled site has withheld items to check against"
    data = "\n".join(p.read_text("utf-8") for p in sorted((bundled / "data").iterdir()) if p.is_file())
    for path in sorted(public.withheld):
        meta = front_matter(REPO / path)
        slug = meta.get("slug") or Path(path).stem
        assert f'"{slug}"' not in data and f"/{slug}/" not in data, path
        assert meta["title"] not in data, path
    for row in load_export(bundled, "stories.json"):
        assert "consent" not in row and "status" not in row and "publish_on" not in row


def test_links_to_withheld_items_are_dropped(site, tmp_path):
    """A public story told at a draft event, and a translation of a draft story, do not
    name them in the data."""
    write(
        site,
        "events/draft-day.md",
        """\
        ---
        title: Draft day
        summary: Not yet public.
        date: 2013-06-01
        status: draft
        region: london
        place: Hackney
        hosts: [Secret Hosts]
        ---

        Notes.
        """,
    )
    write(site, "stories/hidden.md", story("Hidden original").replace("status: published", "status: draft"))
    write(site, "stories/told.md", story("Told at a draft", "event: draft-day\n"))
    write(site, "stories/hidden-pl.md", story("Tłumaczenie", "lang: pl\ntranslation_of: hidden\n"))
    assert build(site, tmp_path / "out") == 0
    rows = {r["slug"]: r for r in load_export(tmp_path / "out", "stories.json")}
    assert rows["told"]["event"] is None
    assert rows["hidden-pl"]["translation_of"] is None
    text = "".join(p.read_text("utf-8") for p in sorted((tmp_path / "out/data").iterdir()))
    assert "draft-day" not in text and "Secret Hosts" not in text and '"hidden"' not in text


@pytest.mark.parametrize("dataset", ["stories", "events"])
def test_csv_opens_in_a_spreadsheet_and_matches_the_json(bundled, dataset):
    raw = (bundled / "data" / f"{dataset}.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8")), "a BOM, so spreadsheets read UTF-8"
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    # Records end in CRLF; the only other line breaks are those inside a text's cell.
    inside = sum(cell.count("\n") for row in table for cell in row.values())
    assert raw.count(b"\r\n") == len(table) + 1 and raw.replace(b"\r\n", b"").count(b"\n") == inside
    rows = load_export(bundled, f"{dataset}.json")
    assert list(table[0]) == csv_columns(DATASETS[dataset])
    assert [t["slug"] for t in table] == [r["slug"] for r in rows]
    for cells, row in zip(table, rows, strict=True):
        assert cells["title"] == row["title"] and cells["url"] == row["url"]
        assert cells["region"] == row["region"] and cells["date"] == row["date"]
        assert cells["text"].lstrip("'") == row["text"] and len(row["text"]) > 200
        if dataset == "stories":
            assert cells["categories"] == "; ".join(row["categories"])
            assert cells["quote.text"] == (row["quote"] or {}).get("text", "")
            assert (json.loads(cells["outcomes"]) if cells["outcomes"] else []) == row["outcomes"]


def test_csv_cells_never_run_as_formulas(site, tmp_path):
    write(
        site,
        "stories/formula.md",
        story('"=HYPERLINK(\\"http://x\\")"', 'place: "+44 calc"\ntags: ["@SUM(A1)", "-1", "plain"]\n'),
    )
    assert build(site, tmp_path / "out") == 0
    text = (tmp_path / "out/data/stories.csv").read_text("utf-8-sig")
    cells = {r["slug"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}["formula"]
    assert cells["title"] == '\'=HYPERLINK("http://x")'
    assert cells["place"] == "'+44 calc"
    assert cells["tags"] == "'@SUM(A1); -1; plain"
    # The JSON keeps the value as written.
    rows = {r["slug"]: r for r in load_export(tmp_path / "out", "stories.json")}
    assert rows["formula"]["title"] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("name", ["stories", "events", "vocabularies"])
def test_exports_validate_against_their_schemas(bundled, name):
    schema = load_export(bundled, f"{name}.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    data = load_export(bundled, f"{name}.json")
    assert not [e.message for e in validator.iter_errors(data)]


def test_the_schemas_reject_what_the_codebook_does_not_allow(bundled):
    schema = load_export(bundled, "stories.schema.json")
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    good = load_export(bundled, "stories.json")[0]
    for bad in (
        {**good, "region": "atlantis"},
        {**good, "categories": []},
        {**good, "date": "11/07/2013"},
        {**good, "secret": 1},
        {k: v for k, v in good.items() if k != "summary"},
    ):
        assert not validator.is_valid([bad]), bad


def test_the_codebook_page_describes_every_field_vocabulary_and_the_licence(bundled, public):
    soup = BeautifulSoup((bundled / "data/index.html").read_text("utf-8"), "html.parser")
    listed = {code.get_text() for code in soup.select("table.codebook th code")}
    for dataset in ("stories", "events"):
        for row in load_export(bundled, f"{dataset}.json"):
            for key, value in row.items():
                assert key in listed, key
                if isinstance(value, dict):
                    assert {f"{key}.{part}" for part in value} <= listed
    for vocab, terms in public.terms.items():
        section = soup.find(id=f"vocabulary-{vocab}").find_next("table")
        assert [c.get_text() for c in section.select("tbody th code")] == [t.key for t in terms]
    licence = soup.find("a", rel="license")
    assert licence["href"] == public.settings.licence.url
    links = {a["href"] for a in soup.find_all("a")}
    assert {
        "/data/stories.json",
        "/data/stories.csv",
        "/data/stories.schema.json",
        "/data/events.json",
        "/data/events.csv",
        "/data/events.schema.json",
        "/data/datapackage.json",
    } <= links


def test_exports_are_identical_across_builds(site, tmp_path):
    assert build(site, tmp_path / "a") == 0
    assert build(site, tmp_path / "b") == 0
    for name in sorted(p.name for p in (tmp_path / "a/data").iterdir()):
        assert (tmp_path / "a/data" / name).read_bytes() == (tmp_path / "b/data" / name).read_bytes()


# ---- The text ----

BODY = """\
The first paragraph, with a [link](https://example.org/) and *emphasis*,
running over two lines.

## A heading

1. first step;
2. second step, with `code`:
   - a nested point

- a plain point

| Week | Dish |
|---|---|
| 1 | Soup |

> Quoted words.[^1]

<b>raw</b> stays as written.

[^1]: Where the quote comes from.
"""


def test_each_item_carries_its_text_as_plain_text(site, tmp_path):
    write(site, "stories/shaped.md", story("Shaped").replace("Body of Shaped.", BODY))
    assert build(site, tmp_path / "out") == 0
    rows = {r["slug"]: r for r in load_export(tmp_path / "out", "stories.json")}
    assert rows["shaped"]["text"] == (
        "The first paragraph, with a link and emphasis, running over two lines.\n\n"
        "A heading\n\n"
        "1. first step;\n2. second step, with code:\n  - a nested point\n\n"
        "- a plain point\n\n"
        "Week | Dish\n1 | Soup\n\n"
        "Quoted words.[1]\n\n"
        "<b>raw</b> stays as written.\n\n"
        "[1] Where the quote comes from."
    )
    assert rows["first"]["text"] == "Body of First story."
    events = {r["slug"]: r for r in load_export(tmp_path / "out", "events.json")}
    assert events["leeds-2013"]["text"] == "What happened."
    cells = {
        r["slug"]: r
        for r in csv.DictReader(io.StringIO((tmp_path / "out/data/stories.csv").read_text("utf-8-sig"), newline=""))
    }
    assert cells["shaped"]["text"] == rows["shaped"]["text"]


# ---- The data package ----


def package(out: Path) -> dict:
    return load_export(out, "datapackage.json")


def frictionless_report(folder: Path):
    """Frictionless checks the descriptor against the Data Package spec and every table
    against its Table Schema (types, constraints, keys, links), all offline."""
    from frictionless import validate

    return validate(str(folder / "datapackage.json"))


def test_the_data_package_says_when_under_what_licence_and_whether_sample(bundled, public):
    described = package(bundled)
    assert described["profile"] == "data-package"
    assert described["created"] == f"{NOW.isoformat()}T00:00:00Z", "the build date"
    assert described["licenses"] == [{"title": "CC BY 4.0", "path": public.settings.licence.url}]
    assert described["sample_content"] is True and "sample stories" in described["description"]
    assert described["homepage"] == "https://goodrel.example.org/data/"
    assert described["contributors"][0]["title"] == public.settings.publisher


def test_the_data_package_describes_every_file_and_column(bundled):
    described = package(bundled)
    files = {p.name for p in (bundled / "data").iterdir() if p.is_file()} - {"datapackage.json", "index.html"}
    resources = {r["path"]: r for r in described["resources"]}
    assert set(resources) == files
    for path, resource in resources.items():
        data = (bundled / "data" / path).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), path
        assert resource["title"] and resource["mediatype"].startswith(("text/csv", "application/"))
    for dataset in ("stories", "events"):
        rows = load_export(bundled, f"{dataset}.json")
        header = next(csv.reader(io.StringIO((bundled / "data" / f"{dataset}.csv").read_text("utf-8-sig"))))
        for fmt, columns in (("csv", header), ("json", list(rows[0]))):
            fields = resources[f"{dataset}.{fmt}"]["schema"]["fields"]
            assert [f["name"] for f in fields] == columns, (dataset, fmt)
            assert all(f["description"] and f["type"] for f in fields)
    report = frictionless_report(bundled / "data")
    assert report.valid, report.flatten(["resourceName", "type", "note"])
    rows = {task.name: task.stats["rows"] for task in report.tasks if task.type == "table"}
    assert rows == {
        **{"stories-csv": 33, "stories-json": 33, "events-csv": 11, "events-json": 11},
        **{"outcomes-csv": 50, "outcomes-json": 50},
    }


def test_the_data_package_rejects_what_the_codebook_does_not_allow(bundled, tmp_path):
    """Broken copies of the CSV are caught: a region outside the vocabulary, a story told
    at an event that is not in the data, a missing title, a date that is no date."""
    folder = tmp_path / "data"
    shutil.copytree(bundled / "data", folder)
    path = folder / "stories.csv"
    table = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
    table[0]["region"] = "atlantis"
    table[1]["event"] = "nowhere-2013"
    table[2]["title"] = ""
    table[3]["date"] = "11/07/2013"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)
    path.write_text("\ufeff" + buffer.getvalue(), "utf-8")
    described = package(tmp_path)
    for resource in described["resources"]:
        if resource["path"] == "stories.csv":
            resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(described), "utf-8")
    report = frictionless_report(folder)
    found = {(row[0], row[1]) for row in report.flatten(["rowNumber", "type"])}
    assert found == {(2, "constraint-error"), (3, "foreign-key"), (4, "constraint-error"), (5, "type-error")}


def test_a_site_of_real_stories_says_so_in_its_data_package(site, tmp_path):
    settings = (site / "site.yaml").read_text("utf-8").replace("sample_content: true", "sample_content: false")
    (site / "site.yaml").write_text(settings, "utf-8")
    assert build(site, tmp_path / "out") == 0
    described = package(tmp_path / "out")
    assert described["sample_content"] is False and "sample" not in described["description"]
    assert frictionless_report(tmp_path / "out/data").valid
