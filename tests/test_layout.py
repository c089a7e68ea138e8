"""Layout in headless Chromium at a phone's width and a wide screen's: a grid that mixes
cards with and without pictures keeps its rows even with no card left half empty and no
cover drawn for a card without a picture, a
grid of text cards stays compact, a story without a picture ends its head on a rule,
the figures page sets each chart beside its table on a wide screen, and the press
kit's headings stand above its labels."""

from __future__ import annotations

import pytest

MIXED = "/stories/"  # twelve stories, one with a picture
TEXT_ONLY = "/"  # the home page's latest stories have no pictures

CARDS = """sel => [...document.querySelectorAll(sel + ' > .card')].map(card => {
  const box = card.getBoundingClientRect(), img = card.querySelector('img');
  const summary = card.querySelector('.summary').getBoundingClientRect();
  const meta = card.querySelector('.meta').getBoundingClientRect();
  return {top: Math.round(box.top), height: Math.round(box.height), image: Boolean(img),
          top_height: img ? img.getBoundingClientRect().height
                          : parseFloat(getComputedStyle(card, '::before').height) || 0,
          gap: meta.top - summary.bottom};
})"""


@pytest.fixture(params=[375, 1280], ids=["375px", "1280px"])
def tab(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    yield context.new_page()
    context.close()


def cards(tab, base, url, grid=".cards"):
    tab.goto(base + url)
    tab.wait_for_load_state("networkidle")
    return tab.evaluate(CARDS, f"main {grid}")


def test_a_mixed_grid_has_even_rows_and_no_half_empty_card(tab, bundled_url):
    found = cards(tab, bundled_url, MIXED)
    pictured = [c for c in found if c["image"]]
    assert pictured and len(pictured) < len(found), "the listing mixes cards with and without pictures"
    for card in found:
        assert card["gap"] < 60, f"a card with {card['gap']:.0f} px of nothing between its summary and date"
    # A card without a picture is a text card at every width: no drawn cover (issue 24).
    assert all(card["top_height"] == 0 for card in found if not card["image"])
    if tab.viewport_size["width"] >= 640:
        rows = {}
        for card in found:
            rows.setdefault(card["top"], set()).add(card["height"])
        assert len(rows) >= 3 and all(len(heights) == 1 for heights in rows.values())


def test_a_grid_of_text_cards_stays_compact(tab, bundled_url):
    latest = cards(tab, bundled_url, TEXT_ONLY, "[aria-labelledby=latest] .cards")
    assert len(latest) == 6 and not any(c["image"] for c in latest)
    assert all(c["top_height"] == 0 and c["gap"] < 60 for c in latest), "no drawn cover where no card has a picture"


def test_a_story_without_a_picture_ends_its_head_on_a_rule(tab, bundled_url):
    rule = "() => getComputedStyle(document.querySelector('.item-head')).borderBottomStyle"
    tab.goto(bundled_url + "/stories/mediating-the-parking-dispute/")
    assert not tab.locator("article .lead-image").count()
    assert tab.evaluate(rule) == "solid"
    text = tab.locator("article .prose").bounding_box()
    head = tab.locator(".item-head").bounding_box()
    assert text["y"] - (head["y"] + head["height"]) >= 16, "a clear break before the text"
    tab.goto(bundled_url + "/stories/five-a-side-in-the-rain/")
    assert tab.locator("article .lead-image img").is_visible() and tab.evaluate(rule) == "none"


def test_each_chart_sits_beside_its_table_on_a_wide_screen(tab, bundled_url):
    tab.goto(bundled_url + "/figures/")
    chart = tab.locator("#by_categories").locator("xpath=..")
    bars, table = chart.locator("svg.bars").bounding_box(), chart.locator("table").bounding_box()
    if tab.viewport_size["width"] >= 960:
        assert table["x"] >= bars["x"] + bars["width"] and abs(table["y"] - bars["y"]) < 40
    else:
        assert table["y"] >= bars["y"] + bars["height"]
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]


def test_the_press_kit_headings_stand_above_its_labels(tab, bundled_url):
    tab.goto(bundled_url + "/stories/five-a-side-in-the-rain/")
    size = "sel => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize)"
    heading, label = tab.evaluate(size, ".presskit h3"), tab.evaluate(size, ".presskit-facts dt")
    assert heading >= label * 1.2, (heading, label)
