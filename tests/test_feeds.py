"""Feeds and discovery: valid Atom and JSON Feed 1.1 of the latest public stories (a
story and its translations one entry), an Atom feed for every term and one for the
events, each linked from its page; a sitemap of exactly the public pages with the day
each last changed, and robots.txt pointing at it."""

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
from goodrel_site.kinds import VOCABULARY
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
    latest = public.listed[:FEED_LENGTH]
    assert [e.id for e in feed.entries] == [BASE + s.url for s in latest]
    for entry, one in zip(feed.entries, latest, strict=True):
        assert entry.title == one.title
        assert entry.links[0].rel == "alternate" and entry.links[0].href == BASE + one.url
        assert entry.summary == one.summary
        assert entry.published.startswith(one.date.isoformat())
        assert entry.updated.startswith((one.updated or one.date).isoformat())
        # its other languages are links of the one entry, each with its language
        own = one.lang or "en"
        alternates = {link.get("hreflang", own): link.href for link in entry.links if link.rel == "alternate"}
        versions = public.translations.get(one.url, ())
        assert alternates == {own: BASE + one.url, **{(s.lang or "en"): BASE + s.url for s in versions}}
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
    latest = public.listed[:FEED_LENGTH]
    assert [item["id"] for item in feed["items"]] == [BASE + s.url for s in latest]
    for item, one in zip(feed["items"], latest, strict=True):
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")  # one is required
        assert item["url"] == BASE + one.url and item["title"] == one.title
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        assert datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")).date() == one.date
        assert item["language"] == (one.lang or public.settings.language)
        # its own picture, else the site's sharing picture: never another one's
        assert item["image"].startswith(BASE + ("/media/" if one.image else "/assets/share.png?v="))
        assert (bundled / item["image"][len(BASE) + 1 :].split("?")[0]).is_file()


def atom_feeds(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("feed.xml") if not p.relative_to(out).as_posix().startswith("pagefind"))


def test_every_term_and_the_events_have_a_well_formed_feed_linked_from_their_pages(bundled, public):
    feeds = atom_feeds(bundled)
    # (a vocabulary named inside outcomes, the measures, has pages of results, not listings with feeds)
    listed = [ts for name, ts in public.terms.items() if not VOCABULARY[name].within]
    expected = {"feed.xml", "events/feed.xml"} | {f"{t.url[1:]}feed.xml" for ts in listed for t in ts}
    assert {p.relative_to(bundled).as_posix() for p in feeds} == expected
    for path in feeds:
        raw = path.read_bytes()
        ET.fromstring(raw)  # well-formed XML
        feed = feedparser.parse(raw)
        assert not feed.bozo and feed.version == "atom10", (path, feed.get("bozo_exception"))
        url = "/" + path.relative_to(bundled).as_posix()
        assert any(link.rel == "self" and link.href == BASE + url for link in feed.feed.links)
        page = url[: -len("feed.xml")]
        assert feed.feed.link == BASE + page and feed.feed.id == BASE + page
        assert all(e.title and e.id and e.updated for e in feed.entries)
        # Atom: at most one alternate link per language in an entry
        for entry in feed.entries:
            langs = [link.get("hreflang") for link in entry.links if link.rel == "alternate"]
            assert len(langs) == len(set(langs)), (url, entry.id)
        if page == "/":
            continue
        html = BeautifulSoup((bundled / page.lstrip("/") / "index.html").read_text("utf-8"), "html.parser")
        linked = [link for link in html.find_all("link", rel="alternate", type="application/atom+xml")]
        assert linked[0]["href"] == url and feed.feed.title == linked[0]["title"], url
        assert html.select_one(f"a.feed-link[href='{url}']"), url


def test_a_term_feed_has_its_newest_stories_each_once_and_a_region_its_events(bundled, public):
    region = next(
        t
        for t in public.terms["regions"]
        if t.events and len(public.once(t.stories)) > 1 and any(public.translations.get(s.url) for s in t.stories)
    )
    feed = feedparser.parse((bundled / region.url.lstrip("/") / "feed.xml").read_bytes())
    items = sorted(public.once(region.stories) + region.events, key=lambda e: (-e.date.toordinal(), e.slug))
    assert [e.id for e in feed.entries] == [BASE + e.url for e in items[:FEED_LENGTH]]
    assert feed.feed.title == f"{region.label} · {public.settings.title}"
    events = feedparser.parse((bundled / "events/feed.xml").read_bytes())
    assert [e.id for e in events.entries] == [BASE + e.url for e in public.events[:FEED_LENGTH]]
    assert events.feed.title == f"Events · {public.settings.title}"


def test_feeds_leave_out_everything_withheld(bundled, public):
    hidden = withheld_slugs(public)
    for path in [bundled / "feed.json", bundled / "sitemap.xml", *atom_feeds(bundled)]:
        body = path.read_text("utf-8")
        for slug in hidden:
            assert f"/stories/{slug}/" not in body, (path, slug)


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
    listed = {loc[len(BASE) :] for loc in locs}
    assert listed == public_pages(bundled)
    assert {s.url for s in public.stories} | {e.url for e in public.events} <= listed
    assert "/404.html" not in listed


def test_sitemap_says_when_each_page_last_changed(bundled, public):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    found = {
        url.find("s:loc", ns).text[len(BASE) :]: url.find("s:lastmod", ns)
        for url in ET.fromstring((bundled / "sitemap.xml").read_bytes()).findall("s:url", ns)
    }
    lastmod = {url: node.text for url, node in found.items() if node is not None}
    for one in public.stories:
        assert lastmod[one.url] == (one.updated or one.date).isoformat()
    for event in public.events:
        assert lastmod[event.url] == event.date.isoformat()
    changed = lambda items: max((getattr(i, "updated", None) or i.date) for i in items).isoformat()  # noqa: E731
    assert lastmod["/stories/"] == changed(public.listed[: public.settings.per_page])
    term = public.terms["categories"][0]
    assert lastmod[term.url] == changed(public.once(term.stories)[: public.settings.per_page])
    assert lastmod["/figures/"] == changed(public.stories + public.events)
    # a free page has no date of its own to give
    assert all(page.url not in lastmod for page in public.pages)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) for day in lastmod.values())


def test_robots_points_at_the_sitemap(bundled):
    robots = (bundled / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {BASE}/sitemap.xml" in robots and "Disallow: /\n" not in robots


def test_feeds_carry_markup_in_content_as_text(site):
    title = 'Tea & <b>talk</b> at "the hub"'
    write(site, "stories/first.md", story("X").replace("title: X", "title: 'Tea & <b>talk</b> at \"the hub\"'"))
    assert build(site) == 0
    entry = feedparser.parse((site / "public/feed.xml").read_bytes()).entries[0]
    assert entry.title == title and entry.title_detail.type == "text/plain"
    assert json.loads((site / "public/feed.json").read_text("utf-8"))["items"][0]["title"] == title
