"""One set of counts: a story told in several languages is one story. Every listing,
count, tile, map and feed of the built site shows each story once (by its lead
version, with links to its other languages), and every number equals the one the
/figures/ page gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, story, write

from goodrel_site.stages import load_site


def soup_of(out: Path, url: str) -> BeautifulSoup:
    path = out / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def number(words: str) -> int:
    """The first whole number in a text ("12 stories · 3 events" gives 12)."""
    return int(re.search(r"\d+", words).group())


def figures(out: Path) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The /figures/ page's totals, and each chart's rows (label: stories) by chart."""
    soup = soup_of(out, "/figures/")
    totals = {text(div.dt): int(text(div.dd)) for div in soup.select("dl.stats > div")}
    charts = {
        section.h2["id"]: {text(tr.th): int(text(tr.find_all("td")[-1])) for tr in section.select("tbody tr")}
        for section in soup.select("section.chart")
    }
    return totals, charts


def cards(out: Path, url: str, section: str = "main") -> list[str]:
    """Where the cards of a listing (all its pages) lead, in order."""
    found = []
    while url:
        soup = soup_of(out, url)
        found += [a["href"] for a in soup.select(f"{section} .cards :is(h2, h3) a")]
        following = soup.select_one("nav.pager a[rel=next]")
        url = following["href"] if following else None
    return found


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


def versions_of(public) -> dict[str, str]:
    """Each public story's address -> the key of the story it tells (its original's slug)."""
    return {s.url: s.translation_of or s.slug for s in public.stories}


def test_every_count_of_stories_is_the_figures_number(bundled, public):
    totals, charts = figures(bundled)
    stories = totals["Stories"]
    groups = set(versions_of(public).values())
    assert stories == len(groups) < len(public.stories), "the bundled site has translations"
    assert totals["Translations (not counted again)"] == len(public.stories) - stories
    home = soup_of(bundled, "/")
    assert text(home.select_one("section[aria-labelledby=latest] a.more")) == f"All stories ({stories})"
    assert {text(d.dt): int(text(d.dd)) for d in home.select(".stats .stat")}["Stories published"] == stories
    assert number(text(soup_of(bundled, "/stories/").select_one(".page-head .meta"))) == stories
    listed = cards(bundled, "/stories/")
    assert len(listed) == stories and {versions_of(public)[url] for url in listed} == groups

    for vocab in ("categories", "approaches", "divides", "themes", "regions"):
        chart = charts[f"by_{vocab}"]
        tiles = {
            text(tile.h2.a): number(text(tile.select_one(".count")))
            for tile in soup_of(bundled, f"/{vocab}/").select(".tiles .tile")
        }
        assert tiles == chart, vocab
        for term in public.terms[vocab]:
            page = soup_of(bundled, term.url)
            assert number(text(page.select_one(".page-head .meta"))) == chart[term.label], term.url
            shown = cards(bundled, term.url, "section[aria-labelledby=term-stories]")
            assert len(shown) == len({versions_of(public)[url] for url in shown}) == chart[term.label], term.url
    home_tiles = {
        text(t.h3.a): number(text(t.select_one(".count"))) for t in home.select("[aria-labelledby=kinds] .tile")
    }
    assert home_tiles == charts["by_categories"]
    for url in ("/", "/regions/"):
        svg = soup_of(bundled, url).select_one("svg.map")
        for shape in svg.select("a[aria-label]"):
            label, _, count = shape["aria-label"].rpartition(": ")
            assert number(count) == charts["by_regions"][label], (url, label)
    assert {text(li.a): number(text(li.select_one(".count"))) for li in home.select(".region-list li")} == charts[
        "by_regions"
    ]
    assert sum(charts["by_year"].values()) == stories


def test_organisation_and_event_pages_show_each_story_once(bundled, public):
    for org in public.organisations:
        shown = cards(bundled, org.url, "section[aria-labelledby=org-stories]")
        assert len(shown) == len({versions_of(public)[url] for url in shown}), org.url
        page = soup_of(bundled, org.url)
        assert number(text(page.select_one(".page-head .meta"))) == len(shown), org.url
    index = {a["href"]: li for li in soup_of(bundled, "/organisations/").select(".org-list li") for a in [li.a]}
    for org in public.organisations:
        if org.stories:
            assert number(text(index[org.url].select_one(".count"))) == len(public.once(org.stories))
    for event in public.events:
        shown = cards(bundled, event.url, "section[aria-labelledby=told-here]")
        assert len(shown) == len({versions_of(public)[url] for url in shown}), event.url
        told = soup_of(bundled, event.url).select_one("section[aria-labelledby=told-here] .section-head p")
        assert (number(text(told)) if told else 0) == len(shown), event.url


def test_a_card_links_to_its_story_in_every_language(bundled, public):
    told = [s for s in public.listed if public.translations.get(s.url)]
    assert told
    soup = soup_of(bundled, "/stories/")
    for page in range(2, 10):
        if not (bundled / f"stories/page/{page}").exists():
            break
        soup.main.extend(soup_of(bundled, f"/stories/page/{page}/").main.contents)
    for one in told:
        card = soup.find("a", href=one.url).find_parent("li", class_="card")
        versions = {a["hreflang"]: a["href"] for a in card.select(".versions a")}
        assert versions == {(s.lang or "en"): s.url for s in public.translations[one.url]}
        assert all(a["lang"] == a["hreflang"] for a in card.select(".versions a"))


def test_translations_of_a_withheld_original_are_one_story(site, tmp_path):
    """The original is a draft: its two public translations are one story, listed by the
    one in the site's language, and named wherever any of them is filed."""
    write(site, "stories/told.md", story("Told", "status: draft\n").replace("status: published\n", "", 1))
    write(site, "stories/told-pl.md", story("Opowiedziana", "lang: pl\ntranslation_of: told\n"))
    write(
        site,
        "stories/told-en.md",
        story("Told again", "lang: en\ntranslation_of: told\norganisations: [Only In English]\n"),
    )
    out = tmp_path / "out"
    assert build(site, out) == 0
    totals, charts = figures(out)
    assert totals["Stories"] == 2 and totals["Translations (not counted again)"] == 1
    assert cards(out, "/stories/") == ["/stories/first/", "/stories/told-en/"]  # one day: by slug
    assert charts["by_regions"]["London"] == 2
    assert cards(out, "/regions/london/", "section[aria-labelledby=term-stories]") == [
        "/stories/first/",
        "/stories/told-en/",
    ]
    assert cards(out, "/organisations/only-in-english/") == ["/stories/told-en/"]
    card = soup_of(out, "/stories/").find("a", href="/stories/told-en/").find_parent("li")
    assert [(a["hreflang"], a["href"]) for a in card.select(".versions a")] == [("pl", "/stories/told-pl/")]
