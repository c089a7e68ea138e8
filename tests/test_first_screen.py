"""What a page opens on, in headless Chromium at a phone's size and a wide screen's: an
event page's date, place and attendance are on the first screen, and the one picture
a page opens on (a story's or event's lead picture, the home page's first featured
story) loads at once with high priority while every other picture loads lazily."""

from __future__ import annotations

import pytest
from conftest import NOW, REPO, build, serve_folder, write
from PIL import Image

from goodrel_site.stages import load_site

SCREENS = [{"width": 375, "height": 667}, {"width": 1280, "height": 800}]

PICTURES = """() => [...document.images].map(img => ({
  src: img.getAttribute('src'), loading: img.getAttribute('loading'),
  priority: img.getAttribute('fetchpriority'), top: img.getBoundingClientRect().top,
  lead: Boolean(img.closest('.lead-image, .feature'))}))"""


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


@pytest.fixture(params=SCREENS, ids=["375px", "1280px"])
def tab(request, browser):
    context = browser.new_context(viewport=request.param)
    yield context.new_page()
    context.close()


def bottom(tab, selector: str) -> float:
    box = tab.locator(selector).first.bounding_box()
    return box["y"] + box["height"]


def test_an_event_page_leads_with_its_facts(tab, bundled_url, public):
    screen = tab.viewport_size["height"]
    for event in public.events:
        tab.goto(bundled_url + event.url)
        facts = tab.locator(".item-head .item-facts")
        assert facts.locator(f"time[datetime='{event.date.isoformat()}']").count() == 1
        assert event.place in facts.inner_text()
        assert bottom(tab, ".item-head .item-facts time") <= screen, event.url
        assert bottom(tab, f".item-head .item-facts a[href='/regions/{event.region}/']") <= screen, event.url
        if event.attendees is not None:
            number = facts.locator("dd.big").first
            assert number.inner_text() == str(event.attendees)
            assert bottom(tab, ".item-head .item-facts dd.big") <= screen, event.url
        assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]


def pictures(tab, url: str) -> list[dict]:
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    return tab.evaluate(PICTURES)


def opens_on_one_picture(found: list[dict]) -> dict:
    """The page's first picture is the eager one; every other is lazy and lower."""
    eager = [p for p in found if p["loading"] == "eager"]
    assert len(eager) == 1 and eager[0] is found[0] and eager[0]["lead"], found
    assert eager[0]["priority"] == "high"
    assert all(p["loading"] == "lazy" and p["priority"] is None for p in found[1:]), found
    assert all(p["top"] >= eager[0]["top"] for p in found[1:])
    return eager[0]


def test_the_picture_a_page_opens_on_loads_first(tab, bundled_url):
    screen = tab.viewport_size["height"]
    home = opens_on_one_picture(pictures(tab, bundled_url + "/"))
    assert home["top"] < screen * 1.2  # the first featured story, at the fold on a phone
    story = opens_on_one_picture(pictures(tab, bundled_url + "/stories/five-a-side-in-the-rain/"))
    assert story["top"] < screen, "the lead picture starts on the first screen"
    # A page that opens on no picture of its own loads every picture lazily.
    for url in ("/stories/mediating-the-parking-dispute/", "/stories/", "/categories/common-purpose/"):
        assert all(p["loading"] == "lazy" for p in pictures(tab, bundled_url + url)), url


def test_an_events_lead_picture_loads_first(tab, site, tmp_path):
    Image.new("RGB", (1200, 800), (90, 130, 120)).save(site / "events" / "hall.jpg")
    text = (site / "events/leeds-2013.md").read_text("utf-8")
    write(
        site,
        "events/leeds-2013.md",
        text.replace("attendees: 30\n", "attendees: 30\nimage: {src: hall.jpg, alt: The hall}\n"),
    )
    out = tmp_path / "out"
    assert build(site, out) == 0
    server, url = serve_folder(out)
    try:
        found = pictures(tab, url + "/events/leeds-2013/")
        lead = opens_on_one_picture(found)
        assert lead["src"].startswith("/media/hall-")
        assert bottom(tab, ".item-head .item-facts") <= tab.viewport_size["height"]
    finally:
        server.shutdown()
