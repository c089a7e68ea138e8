"""Pictures belong to their item: a story's or event's sharing picture (og:image,
twitter:image), its search thumbnail and its feed picture are its own image or the
site's sharing picture (theme/static/share.png, 1200x630), never another item's; and
a search excerpt comes from the text, not from the page's head (category label,
title, summary, date)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, serve_folder
from PIL import Image
from test_search import open_search, results

from goodrel_site import images
from goodrel_site.stages import load_site
from goodrel_site.validate import image_path

BASE = "https://goodrel.example.org"
SHARE = re.compile(r"^/assets/share\.png\?v=[0-9a-f]{10}$")


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


def own_image(site, item) -> images.ImageSet | None:
    return images.plan(image_path(site.root, item, item.image.src)) if item.image else None


def test_a_page_shares_its_own_picture_or_the_sites(bundled, public):
    shared = set()
    for item in public.stories + public.events:
        soup = BeautifulSoup((bundled / item.url.lstrip("/") / "index.html").read_text("utf-8"), "html.parser")
        meta = {m.get("property") or m.get("name"): m["content"] for m in soup.head.find_all("meta", content=True)}
        assert meta["twitter:image"] == meta["og:image"] and meta["twitter:card"] == "summary_large_image"
        url = meta["og:image"][len(BASE) :]
        found = own_image(public, item)
        if found:
            assert url == found.default.fallback, item.url
            assert meta["og:image:alt"] == item.image.alt
        else:
            assert SHARE.match(url), (item.url, url)
            shared.add(item.url)
        with Image.open(bundled / url.split("?")[0].lstrip("/")) as picture:
            assert picture.size == (int(meta["og:image:width"]), int(meta["og:image:height"]))
    assert shared, "the bundled site has items without a picture"
    # Pages that are not an item's share the site's picture, of the size previews ask for.
    for page in ("/", "/stories/", "/about/"):
        soup = BeautifulSoup((bundled / page.lstrip("/") / "index.html").read_text("utf-8"), "html.parser")
        assert SHARE.match(soup.head.find("meta", property="og:image")["content"][len(BASE) :])
        assert soup.head.find("meta", property="og:image:width")["content"] == "1200"
        assert soup.head.find("meta", property="og:image:height")["content"] == "630"


@pytest.fixture(params=[{"width": 375, "height": 800}, {"width": 1280, "height": 800}], ids=["375px", "1280px"])
def sized(request, browser):
    context = browser.new_context(viewport=request.param)
    tab = context.new_page()
    tab.troubles = []
    yield tab
    context.close()


def test_a_search_result_shows_its_own_picture_or_none(sized, bundled, bundled_url, public):
    """A story without a picture, on a page that shows related stories' pictures: no
    thumbnail, never the first picture on its page (issue 24 took away the stand-in)."""
    by_url = {item.url: item for item in public.stories + public.events}
    open_search(sized, bundled_url, [("q", "youth")])
    found = results(sized)
    borrowed = 0
    for url in found:
        item = by_url[url]
        thumb = sized.locator("#search-list > li", has=sized.locator(f"h3 a[href='{url}']")).locator("img.search-thumb")
        own = own_image(public, item)
        if not own:
            assert thumb.count() == 0, url
            page = (bundled / url.lstrip("/") / "index.html").read_text("utf-8")
            borrowed += '<img src="/media/' in page  # another item's picture is on its page
            continue
        assert thumb.get_attribute("src") == own.variants[0].webp, url
        thumb.scroll_into_view_if_needed()  # (loaded lazily)
        sized.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert borrowed, "a result whose page shows other items' pictures"


def test_excerpts_come_from_the_text_not_the_head(page, bundled_url, public):
    by_url = {item.url: item for item in public.stories + public.events}
    labels = {term.label.lower() for term in public.terms["categories"]} | {"event report"}
    for query in ("youth", "mediation", "allotment"):
        open_search(page, bundled_url, [("q", query)])
        found = results(page)
        assert found, query
        for url in found:
            item = by_url[url]
            result = page.locator("#search-list > li", has=page.locator(f"h3 a[href='{url}']"))
            excerpt = " ".join(result.locator(".search-excerpt").text_content().split())
            first_words = excerpt.lower()[:40]
            assert not any(first_words.startswith(label) for label in labels), (url, excerpt)
            assert " ".join(item.title.split()).lower()[:30] not in first_words, (url, excerpt)
            summary = " ".join(item.summary.split())
            assert summary[:60] not in excerpt and summary[-60:] not in excerpt, (url, excerpt)
            assert not excerpt.startswith("Published"), (url, excerpt)


def test_a_fixture_without_pictures_shares_the_sites_picture_everywhere(site, tmp_path):
    out = tmp_path / "out"
    assert build(site, out) == 0
    for page in ("stories/first/index.html", "events/leeds-2013/index.html"):
        html = (out / page).read_text("utf-8")
        assert re.search(r'data-pagefind-meta="image">/assets/share\.png\?v=', html), page
        assert not re.search(r'og:image" content="[^"]*/media/', html), page
    assert Path(out / "assets/share.png").read_bytes() == (REPO / "theme/static/share.png").read_bytes()


def test_without_an_image_of_its_own_pagefind_takes_the_first_picture_on_the_page(page, tmp_path):
    """Why every story and event page gives its search thumbnail (_search_data.html):
    left to itself, Pagefind takes the first picture after the h1 anywhere on the page,
    outside the indexed article too (a related story's card)."""
    folder = tmp_path / "site"
    (folder / "story").mkdir(parents=True)
    (folder / "story/index.html").write_text(
        "<html><body><article data-pagefind-body><h1>A story</h1><p>Words about allotments.</p>"
        "</article><aside><img src='/media/someone-elses.png' alt=''></aside></body></html>",
        "utf-8",
    )
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder)], check=True, capture_output=True)
    server, url = serve_folder(folder)
    try:
        page.goto(url + "/story/")
        found = page.evaluate("""async () => {
            const pf = await import('/pagefind/pagefind.js');
            const search = await pf.search('allotments');
            return (await search.results[0].data()).meta;
        }""")
    finally:
        server.shutdown()
    assert found["image"] == "/media/someone-elses.png"
