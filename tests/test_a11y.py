"""Accessibility in a real browser: axe-core finds nothing on any page type (light and
dark), every page has its landmarks, the keyboard alone gets around a story, nothing
overflows a 320 px screen, the accessibility statement is linked everywhere, and
screenshots are kept for a person to look at (tests/artifacts/, not in git)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"

PAGES = {
    "home": "/",
    "story": "/stories/rumour-clinic/",  # image, pull quote and outcomes
    "story-image": "/stories/five-a-side-in-the-rain/",
    "story-urdu": "/stories/five-a-side-in-the-rain-ur/",
    "event": "/events/oldham-2013/",
    "stories": "/stories/",
    "stories-page-2": "/stories/page/2/",
    "term": "/categories/common-purpose/",
    "vocabulary": "/categories/",
    "organisations": "/organisations/",
    "organisation": "/organisations/threadmill-community-trust/",
    "free-page": "/about/",
    "not-found": "/404.html",
    "regions": "/regions/",
    "search": "/search/",
    "figures": "/figures/",
    "data": "/data/",
    "accessibility": "/accessibility/",
    "measures": "/measures/",
    "measure": "/measures/get-on-well/",  # a chart, its table, the results and their stories
    "areas": "/areas/",
    "area": "/areas/oldham/",  # figures shown and figures withheld
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def violations(axe, page) -> list[str]:
    found = axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in found]


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(name, page, bundled_url, axe):
    page.goto(bundled_url + PAGES[name])
    page.wait_for_load_state("networkidle")
    assert violations(axe, page) == []


LANDMARKS = """() => {
  const named = el => el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby');
  const top = sel => [...document.querySelectorAll(sel)].filter(el => !el.parentElement.closest('main, article, aside, section, nav'));
  return {banner: top('header').length, main: document.querySelectorAll('main').length,
          contentinfo: top('footer').length, navs: document.querySelectorAll('nav').length,
          unnamed: [...document.querySelectorAll('nav')].filter(n => !named(n)).map(n => n.outerHTML.slice(0, 80)),
          skip: document.querySelector('a')?.getAttribute('href')};
}"""


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_landmarks_a_screen_reader_jumps_between(name, page, bundled_url):
    """What the accessibility statement promises: one header, one main area, one footer,
    every menu named, and the skip link first."""
    page.goto(bundled_url + PAGES[name])
    found = page.evaluate(LANDMARKS)
    assert (found["banner"], found["main"], found["contentinfo"]) == (1, 1, 1), found
    assert found["navs"] >= 2 and not found["unnamed"], found
    assert found["skip"] == "#main"


def test_the_accessibility_statement_is_linked_from_every_page(bundled):
    for url in ("/", "/stories/rumour-clinic/", "/search/", "/404.html"):
        path = bundled / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
        assert 'href="/accessibility/"' in path.read_text("utf-8"), url
    text = (bundled / "accessibility/index.html").read_text("utf-8")
    for tested in ("axe", "Tab key", "landmarks", "JavaScript switched off", "not yet tested"):
        assert tested in text, tested


@pytest.mark.parametrize("name", ["home", "story", "story-urdu", "event", "regions", "vocabulary"])
def test_axe_finds_no_violations_in_the_dark_scheme(name, browser, bundled_url, axe):
    context = browser.new_context(color_scheme="dark")
    try:
        tab = context.new_page()
        tab.goto(bundled_url + PAGES[name])
        assert tab.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(251, 248, 243)"
        assert violations(axe, tab) == []
    finally:
        context.close()


FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {tag: el.tagName, id: el.id, href: el.getAttribute('href'),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          visible: el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0};
}"""


def test_keyboard_alone_gets_around_a_story(page, bundled_url):
    page.goto(bundled_url + PAGES["story"])
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_STYLE)
    assert first["href"] == "#main", "the skip link comes first"
    assert first["visible"] and first["outline"] != "none" and first["width"] >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # from main, Tab continues into the story's own links, each visibly focused
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        assert state["tag"] in ("A", "BUTTON", "INPUT", "SELECT", "SUMMARY", "TEXTAREA"), state
        assert state["visible"] and state["outline"] != "none" and state["width"] >= 2, state
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
        reached.append(state["href"])
    assert "/stories/" in reached, "the first link after the skip is the breadcrumb trail"


@pytest.mark.parametrize("name", PAGES)
def test_nothing_overflows_a_320px_screen(name, browser, bundled_url):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        tab = context.new_page()
        tab.goto(bundled_url + PAGES[name])
        tab.wait_for_load_state("networkidle")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


@pytest.mark.parametrize("name", ["home", "story", "event", "regions"])
def test_pages_work_without_javascript(name, browser, bundled_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(bundled_url + PAGES[name])
        assert tab.locator("h1").is_visible()
        tab.locator("nav.primary a", has_text="Stories").click()
        assert tab.url.endswith("/stories/")
    finally:
        context.close()


def test_print_keeps_the_story_and_the_sample_notice_and_drops_the_menus(page, bundled_url):
    page.goto(bundled_url + PAGES["story"])
    page.emulate_media(media="print")
    assert not page.locator("nav.primary").is_visible()
    assert not page.locator(".site-footer nav").first.is_visible()
    assert page.locator(".sample-banner").is_visible()
    assert page.locator("article .prose").is_visible() and page.locator("aside.facts").is_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_for_review(width, browser, bundled_url):
    """Not an assertion about looks: pictures of the key pages for a person to review."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        for name in ("home", "story", "event", "regions"):
            tab.goto(bundled_url + PAGES[name])
            # lazy images below the fold would show as empty boxes in a full-page picture
            tab.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
            tab.wait_for_function("[...document.images].every(i => i.complete)")
            target = ARTIFACTS / f"{name}-{width}.png"
            tab.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
    finally:
        context.close()
