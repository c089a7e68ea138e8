"""What the home page and the listings show a reader, measured in headless Chromium at a
phone's size (375x812) and a laptop's (1280x800): a story on the home page's first
screen; cards without a picture of their own designed as text, with no placeholder art
and no picture repeated in one listing; search results without the site's picture
standing in for a missing one; the sample banner and the header's targets compact."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

SCREENS = {"375px": {"width": 375, "height": 812}, "1280px": {"width": 1280, "height": 800}}


@pytest.fixture(params=list(SCREENS))
def tab(request, browser):
    context = browser.new_context(viewport=SCREENS[request.param])
    yield context.new_page()
    context.close()


def test_the_home_pages_first_screen_shows_a_story(tab, bundled_url):
    tab.goto(bundled_url + "/")
    screen = tab.viewport_size["height"]
    headline = tab.locator("main .card :is(h2, h3) a").first
    box = headline.bounding_box()
    assert box["y"] + box["height"] <= screen, (box, screen)
    # Its category too, so the reader sees what kind of story it is.
    eyebrow = tab.locator("main .card .eyebrow").first.bounding_box()
    assert eyebrow["y"] + eyebrow["height"] <= screen


TEXT_CARD = """() => [...document.querySelectorAll('.card:not(.has-image)')].map(card => ({
  pictures: card.querySelectorAll('img, picture, svg').length,
  before: getComputedStyle(card, '::before').content,
  after: getComputedStyle(card, '::after').content,
  rule: getComputedStyle(card).borderTopWidth,
  headline: parseFloat(getComputedStyle(card.querySelector('h2, h3')).fontSize)}))"""


@pytest.mark.parametrize("url", ["/", "/stories/", "/categories/common-purpose/", "/stories/rumour-clinic/"])
def test_a_card_without_a_picture_is_a_text_card_with_no_placeholder_art(tab, bundled_url, url):
    tab.goto(bundled_url + url)
    cards = tab.evaluate(TEXT_CARD)
    assert cards, url
    for card in cards:
        assert card["pictures"] == 0, card
        assert card["before"] in ("none", "normal") and card["after"] in ("none", "normal"), card
        assert card["rule"] == "4px", card  # the category's rule heads it instead
        assert card["headline"] >= 20, card


def listing_pages(out: Path):
    for path in sorted(out.rglob("*.html")):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        if soup.select(".cards .card"):
            yield path, soup


def test_no_listing_repeats_a_picture_and_every_pictured_card_is_its_storys_own(bundled):
    checked = 0
    for path, soup in listing_pages(bundled):
        for cards in soup.select("ul.cards"):
            pictures = [img["src"].rsplit("-", 1)[0] for img in cards.select("img")]
            assert len(pictures) == len(set(pictures)), (path, pictures)
            for card in cards.select(".card"):
                assert bool(card.select("img")) == ("has-image" in card["class"]), (path, card["class"])
            checked += 1
    assert checked > 20


def test_search_results_show_no_picture_for_an_item_without_one(page, bundled_url):
    page.goto(bundled_url + "/search/?q=indicator")
    page.wait_for_selector(".search-result")
    page.wait_for_load_state("networkidle")
    found = page.evaluate("""() => [...document.querySelectorAll('.search-result')].map(li => ({
      title: li.querySelector('h3').textContent, thumbs: [...li.querySelectorAll('img')].map(i => i.src)}))""")
    assert len(found) > 3
    assert all("share.png" not in src for item in found for src in item["thumbs"]), found
    by_title = {item["title"]: item["thumbs"] for item in found}
    assert by_title["Measuring the temperature: a shared toolkit for local relations"] == []


def test_the_sample_banner_takes_at_most_two_lines_on_a_phone_and_one_on_a_laptop(tab, bundled_url):
    tab.goto(bundled_url + "/stories/")
    box = tab.locator(".sample-banner p").bounding_box()
    line = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('.sample-banner p')).lineHeight)")
    lines = round((box["height"] - 2 * 4.8) / line)
    assert lines <= (2 if tab.viewport_size["width"] < 600 else 1), (box, line)


def test_every_link_in_the_header_is_a_44_px_target(tab, bundled_url):
    tab.goto(bundled_url + "/")
    for link in tab.locator(".primary a").all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (link.inner_text(), box)
    search = tab.locator(".primary a[href$='/search/']").bounding_box()
    assert search["height"] >= 44 and search["width"] >= 44
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]
