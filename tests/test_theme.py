"""The reader's theme, checked in the built HTML: every page type shows what the
content says, in its language, with sharing metadata, and stays light."""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, story, write

from goodrel_site import regionmap
from goodrel_site.render import organisation_url
from goodrel_site.stages import load_site

BASE = "https://goodrel.example.org"
WEIGHT_BUDGET = 30 * 1024  # a story page's HTML, CSS and JavaScript, gzipped


@pytest.fixture(scope="module")
def public():
    """The bundled site as the build sees it: only what is public on the build date."""
    site, _ = load_site(REPO, NOW)
    return site


def soup_of(out: Path, url: str) -> BeautifulSoup:
    path = out / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def html_pages(out: Path):
    """Every page a reader can land on (redirect stubs left out)."""
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("pagefind/"):
            continue
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        yield rel, soup


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


@functools.cache
def strings(lang: str) -> dict:
    """The theme's words for a language, English where it has none."""
    english = yaml.safe_load((REPO / "theme/strings/en.yaml").read_text("utf-8"))
    path = REPO / f"theme/strings/{lang}.yaml"
    return {**english, **(yaml.safe_load(path.read_text("utf-8")) if path.exists() else {})}


def links(node) -> list[str]:
    return [a["href"] for a in node.find_all("a", href=True)]


# ---- Every page ----


def test_every_page_has_its_language_landmarks_one_h1_and_the_sample_banner(bundled):
    count = 0
    for rel, soup in html_pages(bundled):
        count += 1
        html = soup.html
        assert html.get("lang"), rel
        assert html.get("dir") in ("ltr", "rtl"), rel
        assert len(soup.find_all("h1")) == 1, rel
        assert len(soup.find_all("main")) == 1 and soup.main.get("id") == "main", rel
        assert soup.find("header") and soup.find("footer") and soup.find("nav"), rel
        first_link = soup.body.find("a")
        assert first_link.get("href") == "#main" and "skip" in first_link.get("class", []), rel
        assert soup.title and soup.title.string.strip(), rel
        # the bundled site is sample content: every page says so, in its language, above all else
        banner = soup.select_one("header .sample-banner")
        assert banner and strings(html["lang"])["sample_banner"] in text(banner), rel
        # nothing is fetched from another site: no CDN, no web fonts
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src"), ("source", "srcset")):
            for node in soup.find_all(tag, attrs={attr: True}):
                if tag == "link" and node.get("rel") not in (["stylesheet"], ["icon"], ["preload"]):
                    continue
                assert node[attr].startswith("/"), (rel, node)
    assert count > 100


def test_urdu_story_is_right_to_left_and_translations_link_both_ways(bundled, public):
    pairs = [s for s in public.stories if s.translation_of]
    assert {s.lang for s in pairs} >= {"ur", "pl"}
    for translation in pairs:
        original = next(s for s in public.stories if s.slug == translation.translation_of)
        page = soup_of(bundled, translation.url)
        assert page.html["lang"] == translation.lang
        assert page.html["dir"] == ("rtl" if translation.lang == "ur" else "ltr")
        for here, there in ((translation, original), (original, translation)):
            soup = soup_of(bundled, here.url)
            alternates = {
                link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)
            }
            assert alternates[there.lang or "en"] == BASE + there.url, here.url
            visible = soup.select_one("nav.translations a[hreflang='%s']" % (there.lang or "en"))
            assert visible["href"] == there.url and visible["lang"] == (there.lang or "en")


def test_urdu_page_speaks_urdu_and_marks_english_labels(bundled):
    words = yaml.safe_load((REPO / "theme/strings/ur.yaml").read_text("utf-8"))
    soup = soup_of(bundled, "/stories/five-a-side-in-the-rain-ur/")
    nav = [text(a) for a in soup.select("nav.primary a")]
    assert nav[:4] == [words["stories"], words["events"], words["browse"], words["regions"]]
    assert text(soup.select_one("a.skip")) == words["skip"]
    assert text(soup.select_one("#at-a-glance")) == words["at_a_glance"]
    # vocabulary labels come from site.yaml in English: marked so a screen reader says them in English
    for chip in soup.select(".facts .chips a"):
        assert chip["lang"] == "en" and chip["dir"] == "ltr"


# ---- Home ----


def titles(node) -> list[str]:
    """Where the cards in a listing lead (not the links to their other languages)."""
    return [a["href"] for a in node.select(".cards :is(h2, h3) a")]


def test_home_shows_featured_latest_categories_figures_search_and_map(bundled, public):
    soup = soup_of(bundled, "/")
    featured = [s.url for s in public.listed if s.featured][:3]
    assert featured and titles(soup.select_one("section[aria-labelledby=featured]")) == featured
    latest = [s.url for s in public.listed if s.url not in featured][:6]
    assert titles(soup.select_one("section[aria-labelledby=latest]")) == latest
    tiles = soup.select("section[aria-labelledby=kinds] .tile")
    assert len(tiles) == 6
    for tile, term in zip(tiles, public.terms["categories"], strict=True):
        n = len(public.once(term.stories))
        assert tile.a["href"] == term.url and text(tile.a) == term.label
        assert text(tile.select_one(".count")) == f"{n} stor{'y' if n == 1 else 'ies'}"
    # the figures, counted here from the content itself: a story and its translations once
    counted = {s.translation_of or s.slug for s in public.stories}
    stats = {text(div.dt): text(div.dd) for div in soup.select(".stats .stat")}
    assert stats == {
        "Stories published": str(len(counted)),
        "Events held": str(len(public.events)),
        "People attending": str(sum(e.attendees or 0 for e in public.events)),
        "Organisations represented": str(sum(e.organisations_represented or 0 for e in public.events)),
    }
    form = soup.select_one("form[role=search]")
    assert form["action"] == "/search/" and form.find("input", attrs={"name": "q"})
    assert soup.select_one("svg.map") and soup.select_one(".region-list")


# ---- Story ----


def full_story(public):
    return next(
        s
        for s in public.stories
        if s.image
        and s.quote
        and s.outcomes
        and s.event
        and s.organisations
        and s.approaches
        and s.divides
        and s.themes
        and s.place
    )


def test_story_page_shows_every_field(bundled, public):
    story = full_story(public)
    soup = soup_of(bundled, story.url)
    article = soup.find("article")
    assert text(article.h1) == story.title
    assert text(article.select_one(".lead")) == " ".join(story.summary.split())
    assert article.find("time", datetime=story.date.isoformat())
    assert story.place in text(article.select_one(".item-head .meta"))
    hrefs = links(soup.select_one("aside.facts"))
    for vocab, field in (
        ("categories", "categories"),
        ("approaches", "approaches"),
        ("divides", "divides"),
        ("themes", "themes"),
    ):
        for key in getattr(story, field):
            assert f"/{vocab}/{key}/" in hrefs
    assert f"/regions/{story.region}/" in hrefs
    assert public.story_event[story.url].url in hrefs
    for name in story.organisations:
        assert organisation_url(name) in hrefs
    figure = article.select_one("figure.lead-image")
    assert figure.img["alt"] == story.image.alt
    caption = text(figure.figcaption)
    assert story.image.caption in caption and story.image.credit in caption
    quote = article.select_one("figure.pullquote")
    assert text(quote.blockquote) == " ".join(story.quote.text.split())
    assert story.quote.attribution in text(quote.figcaption)
    rows = article.select(".outcomes tbody tr")
    assert len(rows) == len(story.outcomes)
    for row, outcome in zip(rows, story.outcomes, strict=True):
        measure = public.settings.measures[outcome.measure].label if outcome.measure else None
        assert text(row.th) == (f"{outcome.indicator} {measure}" if measure else outcome.indicator)
        if measure:  # the shared measure it reports, linked
            assert row.th.a["href"] == f"/measures/{outcome.measure}/"
        cells = [text(td) for td in row.find_all("td")]
        assert str(outcome.value) in cells[0]
        if outcome.baseline is not None:
            assert str(outcome.baseline) in cells[1]
        if outcome.evidence:
            assert cells[2] == outcome.evidence
    related = soup.select_one("section.related")
    assert titles(related) == [s.url for s in public.related[story.url]]


def test_story_sharing_tags_and_json_ld(bundled, public):
    story = full_story(public)
    soup = soup_of(bundled, story.url)
    meta = {m.get("property") or m.get("name"): m["content"] for m in soup.find_all("meta", content=True)}
    assert soup.find("link", rel="canonical")["href"] == BASE + story.url
    assert meta["og:url"] == BASE + story.url and meta["og:type"] == "article"
    assert meta["og:title"] == story.title == meta["twitter:title"]
    assert meta["twitter:card"] == "summary_large_image"
    image = meta["og:image"]
    assert image.startswith(BASE + "/media/") and (bundled / image[len(BASE) + 1 :]).is_file()
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "Article" and data["headline"] == story.title
    assert data["datePublished"] == story.date.isoformat() and data["url"] == BASE + story.url
    assert data["image"]["url"] == image


def test_event_page_shows_every_field_and_its_stories(bundled, public):
    event = next(
        e
        for e in public.events
        if e.hosts and e.sectors and e.questions and e.attendees is not None and e.organisations_represented is not None
    )
    soup = soup_of(bundled, event.url)
    assert text(soup.h1) == event.title
    # the facts under the title (test_event_facts.py: within a phone's first screen)
    head = soup.select_one(".item-head .item-facts")
    assert head.find("time", datetime=event.date.isoformat())
    assert event.place in text(head) and f"/regions/{event.region}/" in links(head)
    for value in (str(event.attendees), str(event.organisations_represented)):
        assert value in text(head)
    facts = soup.select_one("aside.facts")
    for value in event.sectors:
        assert value in text(facts)
    for name in event.hosts:
        assert organisation_url(name) in links(facts)
    assert [text(li) for li in soup.select(".questions li")] == [" ".join(q.split()) for q in event.questions]
    told = soup.select_one("section[aria-labelledby=told-here]")
    assert titles(told) == [s.url for s in public.once(public.event_stories.get(event.url, ()))]
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "Event" and data["startDate"] == event.date.isoformat()
    assert data["location"]["address"]["addressLocality"] == event.place


# ---- Listings and browsing ----


@pytest.mark.parametrize("kind", ["stories", "events"])
def test_listings_are_paginated_newest_first(bundled, public, kind):
    items = public.listed if kind == "stories" else public.events
    per = public.settings.per_page
    pages = math.ceil(len(items) / per)
    seen = []
    for n in range(1, pages + 1):
        url = f"/{kind}/" + (f"page/{n}/" if n > 1 else "")
        soup = soup_of(bundled, url)
        seen += [a["href"] for a in soup.select(".cards h2 a")]
        pager = soup.select_one("nav.pager")
        if pages > 1:
            assert (pager.find("a", rel="next") is not None) == (n < pages)
            assert (pager.find("a", rel="prev") is not None) == (n > 1)
    assert seen == [item.url for item in items]
    assert not (bundled / f"{kind}/page/{pages + 1}").exists()


def test_vocabulary_index_and_term_pages_give_descriptions_and_counts(bundled, public):
    for vocab, terms in public.terms.items():
        index = soup_of(bundled, f"/{vocab}/")
        tiles = index.select(".tiles .tile")
        assert [t.a["href"] for t in tiles] == [term.url for term in terms]
        for tile, term in zip(tiles, terms, strict=True):
            assert text(tile.p) == " ".join(term.description.split())
            assert text(tile.select_one(".count")).startswith(f"{len(public.once(term.stories))} ")
        for term in terms:
            page = soup_of(bundled, term.url)
            assert text(page.h1) == term.label
            assert text(page.select_one(".lead")) == " ".join(term.description.split())
            assert text(page.select_one(".page-head .meta")).startswith(f"{len(public.once(term.stories))} ")


def test_cards_on_a_categorys_page_say_that_category(bundled, public):
    """Browsing a category, every card is labelled with it (not with its story's first
    category); elsewhere a card says its story's first category."""
    labels = {t.key: t.label for t in public.terms["categories"]}
    by_url = {s.url: s for s in public.stories}
    for term in public.terms["categories"]:
        cards = soup_of(bundled, term.url).select("section[aria-labelledby=term-stories] .card")
        assert cards and all(text(card.select_one(".eyebrow")) == term.label for card in cards), term.url
    others = [
        card
        for url in ("/stories/", "/regions/london/")
        for card in soup_of(bundled, url).select(".card:not(.event-card)")
    ]
    for card in others:
        story = by_url[card.select_one("h2 a, h3 a")["href"]]
        assert text(card.select_one(".eyebrow")) == labels[story.categories[0]]
    assert any(len(by_url[c.select_one("h2 a, h3 a")["href"]].categories) > 1 for c in others)


def test_organisation_index_and_pages_list_their_stories_and_events(bundled, public):
    index = soup_of(bundled, "/organisations/")
    assert [a["href"] for a in index.select(".org-list a")] == [o.url for o in public.organisations]
    for org in public.organisations:
        page = soup_of(bundled, org.url)
        assert text(page.h1) == org.name
        assert [a["href"] for a in page.select("section .cards h3 a")] == [s.url for s in public.once(org.stories)] + [
            e.url for e in org.events
        ]


def test_free_page_and_the_helpful_404(bundled, public):
    about = next(p for p in public.pages if p.slug == "about")
    soup = soup_of(bundled, about.url)
    assert text(soup.h1) == about.title and soup.select_one(".prose h2")
    missing = soup_of(bundled, "/404.html")
    assert missing.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert not missing.find("link", rel="canonical")
    assert missing.select_one("form[role=search]")["action"] == "/search/"
    assert {"/", "/stories/", "/categories/", "/regions/"} <= set(links(missing.main))


# ---- The regions map ----


def test_map_arcs_are_shared_borders_or_coast():
    uses = {name: 0 for name in regionmap.ARCS}
    for region in regionmap.REGIONS.values():
        for name in region["arcs"]:
            uses[name] += 1
    for name, count in uses.items():
        expected = 1 if name.startswith(("coast-", "wales-", "scotland-")) else 2
        assert count == expected, name


def crosses(a, b, c, d) -> bool:
    """Whether segments ab and cd properly cross."""

    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def test_each_region_outline_is_a_simple_polygon():
    for key, region in regionmap.REGIONS.items():
        points = regionmap.ring(region["arcs"])
        assert len(points) == len(set(points)), key
        edges = list(zip(points, points[1:] + points[:1], strict=True))
        for i, (a, b) in enumerate(edges):
            for c, d in edges[i + 2 :]:
                assert not crosses(a, b, c, d), (key, a, b, c, d)


def test_map_shades_and_label_lines():
    assert [regionmap.shade(n, 8) for n in (0, 1, 2, 3, 5, 8)] == [0, 1, 1, 2, 3, 4]
    assert regionmap.shade(0, 0) == 0
    assert regionmap.lines("London") == ["London"]
    assert regionmap.lines("Yorkshire and the Humber") == ["Yorkshire and", "the Humber"]


def test_map_links_every_region_with_its_count(bundled, public):
    for url in ("/", "/regions/"):
        svg = soup_of(bundled, url).select_one("svg.map")
        shapes = {a["href"]: a["aria-label"] for a in svg.find_all("a") if a.get("aria-label")}
        assert set(shapes) == {t.url for t in public.terms["regions"]}
        for term in public.terms["regions"]:
            n = len(public.once(term.stories))
            assert shapes[term.url] == f"{term.label}: {n} stor{'y' if n == 1 else 'ies'}"
        labels = svg.select_one("g.labels")
        assert labels["aria-hidden"] == "true"
        assert all(a["tabindex"] == "-1" for a in labels.find_all("a"))
    listed = soup_of(bundled, "/").select(".region-list a")
    assert [a["href"] for a in listed] == [t.url for t in public.terms["regions"]]


# ---- Fixture sites ----


def test_json_ld_and_sharing_tags_escape_markup_in_content(site):
    title = "</script><script>alert('x')</script> & \"friends\""
    write(
        site,
        "stories/first.md",
        story("Plain", "event: leeds-2013\n").replace(
            "title: Plain", f"title: '{title.replace(chr(39), chr(39) * 2)}'"
        ),
    )
    assert build(site) == 0
    page = (site / "public/stories/first/index.html").read_text("utf-8")
    assert "<script>alert" not in page
    soup = BeautifulSoup(page, "html.parser")
    script = soup.find("script", type="application/ld+json").string
    assert "<" not in script and ">" not in script and "'" not in script
    assert json.loads(script)["headline"] == title
    assert soup.find("meta", property="og:title")["content"] == title


def test_no_sample_banner_when_the_content_is_real(site):
    settings = (site / "site.yaml").read_text("utf-8")
    (site / "site.yaml").write_text(settings.replace("sample_content: true", "sample_content: false"), "utf-8")
    assert build(site) == 0
    for rel, soup in html_pages(site / "public"):
        assert not soup.select_one(".sample-banner"), rel


# ---- Strings ----


def template_keys(*names: str) -> set[str]:
    keys = set()
    for name in names:
        source = (REPO / "theme/templates" / name).read_text("utf-8")
        keys |= set(re.findall(r"\bt\.(\w+)", source)) | set(re.findall(r"\bt\[\"([\w-]+)\"\]", source))
    return keys


def test_translations_cover_every_word_of_a_translated_story_page():
    english = yaml.safe_load((REPO / "theme/strings/en.yaml").read_text("utf-8"))
    needed = template_keys("base.html", "story.html", "_macros.html") - {"language_names"}
    needed |= {
        f"evidence_{level}{suffix}" for level in ("evaluated", "observed", "self-reported") for suffix in ("", "_means")
    }
    assert needed <= set(english)
    for lang in ("ur", "pl"):
        words = yaml.safe_load((REPO / f"theme/strings/{lang}.yaml").read_text("utf-8"))
        assert set(words) <= set(english), f"{lang}.yaml has keys en.yaml does not"
        assert not needed - set(words), f"{lang}.yaml lacks {sorted(needed - set(words))}"
        for key in ("months", "months_short"):
            assert len(words[key]) == 12


# ---- Weight ----

PAGE_TYPES = {
    "home": "/",
    "story": "/stories/rumour-clinic/",
    "story (Urdu)": "/stories/five-a-side-in-the-rain-ur/",
    "event": "/events/oldham-2013/",
    "stories listing": "/stories/",
    "term": "/categories/common-purpose/",
    "vocabulary": "/categories/",
    "regions map": "/regions/",
    "organisations": "/organisations/",
    "free page": "/about/",
    "404": "/404.html",
    "search": "/search/",
    "measure": "/measures/get-on-well/",
    "area brief": "/areas/oldham/",
}


def page_weight(out: Path, url: str) -> tuple[int, int, int]:
    """Gzipped bytes of the page's HTML, and of the CSS and JavaScript it loads
    (images and the search index, fetched only on use, excluded)."""
    path = out / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
    raw = path.read_bytes()
    soup = BeautifulSoup(raw, "html.parser")
    css = js = 0
    for node, attr in [(n, "href") for n in soup.find_all("link", rel="stylesheet")] + [
        (n, "src") for n in soup.find_all("script", src=True)
    ]:
        size = len(gzip.compress((out / node[attr].split("?")[0].lstrip("/")).read_bytes()))
        if attr == "href":
            css += size
        else:
            js += size
    return len(gzip.compress(raw)), css, js


def test_a_story_page_weighs_under_30_kb_gzipped(bundled, capsys):
    rows = {name: page_weight(bundled, url) for name, url in PAGE_TYPES.items()}
    with capsys.disabled():
        print("\npage weight, gzipped bytes: html + css + js = total")
        for name, (html, css, js) in rows.items():
            print(f"  {name:16} {html:6} + {css:5} + {js:5} = {html + css + js:6}")
    for name in ("story", "story (Urdu)", "measure", "area brief"):
        assert sum(rows[name]) < WEIGHT_BUDGET, (name, rows[name])
