"""Feeds and discovery: valid Atom and JSON Feed 1.1 of the latest public stories, a
sitemap of exactly the public pages, and robots.txt pointing at it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import NOW, REPO, build, story, write
from goodrel_site.feeds import FEED_LENGTH
from goodrel_site.stages import load_site

BASE = "https://goodrel.example.org"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


def withheld_slugs(public) -> set[str]:
    """Stories in the source that the build date keeps off the site."""
    sources = {p.stem for p in (REPO / "stories").glob("*.md")}
    shown = {s.path.split("/")[-1][:-3] for s in public.stories}
    hidden = sources - shown
    assert hidden, "the bundled site has withheld stories to check against"
    return hidden


def test_atom_feed_is_valid_and_lists_the_latest_public_stories(bundled, public):
    feed = feedparser.parse((bundled / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == public.settings.title
    assert feed.feed.id == BASE + "/"
    assert feed.feed.author == public.settings.publisher  # Atom needs an author; entries inherit it
    assert any(link.rel == "self" and link.href == BASE + "/feed.xml" for link in feed.feed.links)
    latest = public.stories[:FEED_LENGTH]
    assert [e.id for e in feed.entries] == [BASE + s.url for s in latest]
    for entry, story in zip(feed.entries, latest):
        assert entry.title == story.title
        assert entry.link == BASE + story.url
        assert entry.summary == story.summary
        assert entry.published.startswith(story.date.isoformat())
        assert entry.updated.startswith((story.updated or story.date).isoformat())
    # the Atom namespace and required elements, checked without feedparser's leniency
    root = ET.fromstring((bundled / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for entry in root.findall("a:entry", ns):
        for required in ("a:id", "a:title", "a:updated"):
            assert entry.find(required, ns) is not None and entry.find(required, ns).text


def test_json_feed_has_every_required_field_of_version_1_1(bundled, public):
    feed = json.loads((bundled / "feed.json").read_text("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == public.settings.title
    assert feed["home_page_url"] == BASE + "/" and feed["feed_url"] == BASE + "/feed.json"
    assert isinstance(feed["items"], list) and feed["items"]
    assert all(author.get("name") for author in feed["authors"])
    latest = public.stories[:FEED_LENGTH]
    assert [item["id"] for item in feed["items"]] == [BASE + s.url for s in latest]
    for item, story in zip(feed["items"], latest):
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")  # one is required
        assert item["url"] == BASE + story.url and item["title"] == story.title
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        assert datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")).date() == story.date
        assert item["language"] == (story.lang or public.settings.language)
        if story.image:
            assert item["image"].startswith(BASE + "/media/")
            assert (bundled / item["image"][len(BASE) + 1:]).is_file()


def test_feeds_leave_out_everything_withheld(bundled, public):
    hidden = withheld_slugs(public)
    for name in ("feed.xml", "feed.json", "sitemap.xml"):
        body = (bundled / name).read_text("utf-8")
        for slug in hidden:
            assert f"/stories/{slug}/" not in body, (name, slug)


def public_pages(out: Path) -> set[str]:
    """Every HTML page in the output that a search engine should know: not the
    not-found page, not redirect stubs, not Pagefind's own files."""
    found = set()
    for path in out.rglob("index.html"):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("pagefind/"):
            continue
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        found.add("/" + rel[: -len("index.html")])
    return found


def test_sitemap_lists_exactly_the_public_pages(bundled, public):
    root = ET.fromstring((bundled / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(BASE + "/") for loc in locs)
    listed = {loc[len(BASE):] for loc in locs}
    assert listed == public_pages(bundled)
    assert {s.url for s in public.stories} | {e.url for e in public.events} <= listed
    assert "/404.html" not in listed


def test_robots_points_at_the_sitemap(bundled):
    robots = (bundled / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {BASE}/sitemap.xml" in robots and "Disallow: /\n" not in robots


def test_feeds_carry_markup_in_content_as_text(site):
    title = "Tea & <b>talk</b> at \"the hub\""
    write(site, "stories/first.md", story("X").replace("title: X", "title: 'Tea & <b>talk</b> at \"the hub\"'"))
    assert build(site) == 0
    entry = feedparser.parse((site / "public/feed.xml").read_bytes()).entries[0]
    assert entry.title == title and entry.title_detail.type == "text/plain"
    assert json.loads((site / "public/feed.json").read_text("utf-8"))["items"][0]["title"] == title
