"""The /figures/ page: counts computed from the public content, each chart's numbers
also in a table, and bars drawn to scale."""

from __future__ import annotations

from collections import Counter

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, story, write

from goodrel_site.stages import load_site


def tables(out):
    """Each chart section's table as {row label: [numbers]}, by section id, and its SVG."""
    soup = BeautifulSoup((out / "figures/index.html").read_text("utf-8"), "html.parser")
    found = {}
    for section in soup.select("section.chart"):
        rows = {
            tr.th.get_text(strip=True): [int(td.get_text()) for td in tr.find_all("td")]
            for tr in section.select("tbody tr")
        }
        found[section.h2["id"]] = (rows, section.find("svg"))
    return soup, found


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


def test_counts_match_the_content(bundled, public):
    _, found = tables(bundled)
    public_slugs = {s.slug for s in public.stories}
    counted = [s for s in public.stories if s.translation_of not in public_slugs]
    assert len(counted) < len(public.stories), "the bundled site has translations to skip"
    for vocab, field in (
        ("categories", "categories"),
        ("approaches", "approaches"),
        ("divides", "divides"),
        ("themes", "themes"),
        ("regions", "region"),
    ):
        rows, _ = found[f"by_{vocab}"]
        for term in public.terms[vocab]:
            expected = sum(1 for s in counted if term.key in (getattr(s, field) if field != "region" else [s.region]))
            assert rows[term.label] == [expected], (vocab, term.key)
    years = Counter(s.date.year for s in counted)
    rows, _ = found["by_year"]
    assert rows == {str(y): [years[y]] for y in range(min(years), max(years) + 1)}
    rows, _ = found["attendance_by_region"]
    expected = {}
    for e in public.events:
        label = public.settings.regions[e.region].label
        events, people = expected.get(label, [0, 0])
        expected[label] = [events + 1, people + (e.attendees or 0)]
    assert rows == expected


def test_totals_and_each_chart_drawn_to_scale(bundled, public):
    soup, found = tables(bundled)
    totals = {div.dt.get_text(strip=True): int(div.dd.get_text()) for div in soup.select("dl.stats > div")}
    assert totals["Events"] == len(public.events)
    assert totals["People attending"] == sum(e.attendees or 0 for e in public.events)
    for chart_id, (rows, svg) in found.items():
        assert svg["aria-hidden"] == "true", "the table carries the numbers for screen readers"
        values = [numbers[-1] for numbers in rows.values()]
        bars = [float(r["width"]) for r in svg.find_all("rect")]
        assert [t.get_text() for t in svg.select("text.bar-value")] == [str(v) for v in values]
        longest = max(bars)
        for value, length in zip(values, bars, strict=True):
            assert length == pytest.approx(longest * value / max(values), abs=0.1), chart_id


def test_withheld_and_translated_stories_are_not_counted(site, tmp_path):
    write(site, "stories/second.md", story("Second", "region: north-east\n").replace("region: london\n", "", 1))
    write(
        site,
        "stories/second-ur.md",
        story("دوسری", "lang: ur\ntranslation_of: second\nregion: north-east\n").replace("region: london\n", "", 1),
    )
    write(
        site,
        "stories/hidden.md",
        story("Hidden", "region: south-west\n")
        .replace("region: london\n", "", 1)
        .replace("status: published", "status: draft"),
    )
    assert build(site, tmp_path / "out") == 0
    _, found = tables(tmp_path / "out")
    regions, _ = found["by_regions"]
    assert regions["North East"] == [1] and regions["London"] == [1] and regions["South West"] == [0]
    assert found["attendance_by_region"][0] == {"Yorkshire and the Humber": [1, 30]}
