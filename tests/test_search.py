"""The search page in headless Chromium, against the built bundled site served on
localhost: queries, filters (OR within a group, AND across groups) and date ranges
checked against the slugs computed from the content, browsing with no query, sort
order, the state in the URL and Back, keyboard use, the page on a phone (results
first, filters behind a button) and markup in content shown as text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from conftest import NOW, REPO, serve_folder
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from goodrel_site.stages import load_site

DONE = (
    "() => { const box = document.querySelector('.search-results');"
    " return box.dataset.shown === location.pathname + location.search"
    " && !box.hasAttribute('aria-busy'); }"
)
FILTER_FIELDS = {"category": "categories", "approach": "approaches", "divide": "divides", "theme": "themes"}


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


def open_search(page, base: str, params: list[tuple[str, str]] | None = None) -> None:
    page.goto(base + "/search/" + ("?" + urlencode(params) if params else ""))
    try:
        page.wait_for_function(DONE)
    except PlaywrightTimeout:
        pytest.fail(
            f"the search page at {page.url} never showed its results; the page said: {page.troubles or 'nothing'}"
        )


def results(page) -> list[str]:
    """Every result's URL, in order, showing more until all are shown."""
    more = page.locator("#search-more")
    while more.is_visible():
        before = page.locator("#search-list > li").count()
        more.click()
        page.wait_for_function(f"() => document.querySelectorAll('#search-list > li').length > {before}")
    return page.eval_on_selector_all("#search-list > li h3 a", "links => links.map(a => a.getAttribute('href'))")


def dates(page) -> list[str]:
    results(page)
    return page.eval_on_selector_all("#search-list time", "times => times.map(t => t.dateTime)")


def expected(site, dates: tuple[str, str] = ("", "9999"), **chosen: list[str]) -> set[str]:
    """URLs of the public items matching every group (any value within a group), dated
    within `dates` (both days included)."""
    found = set()
    for entry in site.stories + site.events:
        if not dates[0] <= entry.date.isoformat() <= dates[1]:
            continue
        values = {
            "kind": [entry.kind],
            "region": [entry.region],
            "year": [str(entry.date.year)],
            "language": [entry.lang or site.settings.language],
        }
        for name, field in FILTER_FIELDS.items():
            values[name] = getattr(entry.meta, field, [])
        if all(set(values[group]) & set(keys) for group, keys in chosen.items()):
            found.add(entry.url)
    return found


def test_an_english_word_finds_its_story(page, bundled_url):
    open_search(page, bundled_url, [("q", "football")])
    assert "/stories/five-a-side-in-the-rain/" in results(page)
    assert page.locator("#search-status").text_content().endswith("for “football”")
    marked = page.locator("#search-list mark").all_text_contents()
    assert marked and all(word.lower() == "football" for word in marked)


@pytest.mark.parametrize(
    "query, first",
    [
        ("football", "/stories/five-a-side-in-the-rain/"),
        ("rumour clinic", "/stories/rumour-clinic/"),
        ("allotment", "/stories/allotment-across-the-fence/"),
        ("phone tree", "/stories/lockdown-phone-tree/"),
    ],
)
def test_words_of_a_title_or_summary_rank_its_story_first(page, bundled_url, query, first):
    """The head of a page is not indexed (excerpts come from the text), so its title and
    summary count through the metadata, weighted by the search page."""
    open_search(page, bundled_url, [("q", query)])
    assert results(page)[0] == first


def test_the_index_holds_only_each_page_main_content(page, bundled_url):
    open_search(page, bundled_url)
    record = page.evaluate("""async () => {
        const pf = await import("/pagefind/pagefind.js");
        const found = await pf.search("football");
        for (const result of found.results) {
            const data = await result.data();
            if (data.url === "/stories/five-a-side-in-the-rain/") return data;
        }
    }""")
    assert "Forty young men aged sixteen" in record["content"]
    for outside in ("Press kit", "Related stories", "Skip to content", "Cite this story"):
        assert outside not in record["content"]
    assert record["meta"]["title"] == "Five-a-side in the rain" and record["meta"]["place"] == "Oldham"
    assert record["meta"]["date"] == "2013-07-11" and record["meta"]["image"].startswith("/media/")
    assert record["filters"]["region"] == ["north-west"] and record["filters"]["kind"] == ["story"]
    assert record["filters"]["organisation"] == ["north-star-youth-sport", "threadmill-community-trust"]


def test_a_word_from_the_urdu_translation_finds_it(page, bundled_url):
    open_search(page, bundled_url, [("q", "فٹبال")])
    found = results(page)
    assert "/stories/five-a-side-in-the-rain-ur/" in found
    item = page.locator("#search-list > li", has=page.locator("a[href='/stories/five-a-side-in-the-rain-ur/']"))
    assert item.get_attribute("lang") == "ur"


def test_a_place_name_finds_the_stories_and_events_there(page, bundled_url, public):
    open_search(page, bundled_url, [("q", "Peterborough")])
    there = {e.url for e in public.stories + public.events if e.place == "Peterborough"}
    assert len(there) >= 2 and there <= set(results(page))


@pytest.mark.parametrize(
    "chosen",
    [
        {"region": ["london", "north-west"]},
        {"region": ["london", "north-west"], "category": ["common-purpose"]},
        {"divide": ["faith", "age"], "theme": ["segregation", "immigration"], "year": ["2013"]},
        {"kind": ["event"], "region": ["yorkshire-and-the-humber", "west-midlands"]},
        {"language": ["ur", "pl"]},
    ],
)
def test_filters_or_within_a_group_and_across_groups(page, bundled_url, public, chosen):
    params = [(group, key) for group, keys in chosen.items() for key in keys]
    open_search(page, bundled_url, params)
    want = expected(public, **chosen)
    assert want, "a combination that matches something"
    found = results(page)
    assert len(found) == len(set(found)) and set(found) == want
    for group, keys in chosen.items():
        for key in keys:
            assert page.locator(f"input[name='{group}'][value='{key}']").is_checked()


def test_filter_values_are_keys_shown_by_their_labels(page, bundled_url, public):
    open_search(page, bundled_url)
    for vocab, group in (("categories", "category"), ("regions", "region"), ("themes", "theme")):
        for term in public.terms[vocab]:
            label = page.locator(f"input[name='{group}'][value='{term.key}'] ~ span .search-value")
            assert label.text_content() == term.label
    org = public.organisations[0]
    assert (
        page.locator(f"input[name='organisation'][value='{org.slug}'] ~ span .search-value").text_content() == org.name
    )
    assert page.locator("input[name='language'][value='ur'] ~ span .search-value").text_content() == "Urdu (اردو)"


def test_counts_say_what_choosing_a_value_would_give(page, bundled_url, public):
    open_search(page, bundled_url, [("region", "london"), ("category", "common-purpose")])

    def count(group, key):
        text = page.locator(f"input[name='{group}'][value='{key}'] ~ span [data-count]").text_content()
        return int(text.strip("()"))

    # Within the chosen region group, each value counts as if added (other groups held).
    for term in public.terms["regions"]:
        assert count("region", term.key) == len(expected(public, region=[term.key], category=["common-purpose"]))
    for term in public.terms["categories"]:
        assert count("category", term.key) == len(expected(public, region=["london"], category=[term.key]))
    # A closed group is counted when it is opened.
    page.locator("[data-group='divide'] summary").click()
    page.wait_for_function(
        "() => document.querySelector(\"input[name='divide'] ~ span [data-count]\").textContent !== ''"
    )
    for term in public.terms["divides"]:
        assert count("divide", term.key) == len(
            expected(public, region=["london"], category=["common-purpose"], divide=[term.key])
        )


def test_browsing_with_no_query_shows_everything_newest_first(page, bundled_url, public):
    open_search(page, bundled_url)
    assert page.locator("#search-q").input_value() == ""
    assert page.locator("#search-sort").input_value() == "newest"
    found = results(page)
    assert set(found) == {e.url for e in public.stories + public.events}
    shown = dates(page)
    assert shown == sorted(shown, reverse=True)
    assert page.locator("#search-status").text_content() == f"{len(found)} results"
    assert not page.locator("#search-list .search-excerpt").count(), "no excerpt without a query"


def test_sort_orders(page, bundled_url, public):
    open_search(page, bundled_url, [("region", "north-west"), ("sort", "oldest")])
    shown = dates(page)
    assert len(shown) == len(expected(public, region=["north-west"])) and shown == sorted(shown)
    open_search(page, bundled_url, [("q", "young"), ("sort", "newest")])
    shown = dates(page)
    assert len(shown) > 3 and shown == sorted(shown, reverse=True)
    open_search(page, bundled_url, [("q", "young")])
    assert page.locator("#search-sort").input_value() == "relevance"
    assert dates(page) != sorted(shown, reverse=True), "relevance is not date order"


def test_the_url_holds_the_state_and_back_restores_it(page, bundled_url, public):
    open_search(
        page, bundled_url, [("q", "community"), ("region", "london"), ("region", "north-west"), ("sort", "oldest")]
    )
    assert page.locator("#search-q").input_value() == "community"
    assert page.locator("#search-sort").input_value() == "oldest"
    assert page.locator("[data-group='region']").get_attribute("open") is not None
    first = results(page)
    page.locator("input[name='region'][value='yorkshire-and-the-humber']").check()
    page.wait_for_function(DONE)
    assert "region=yorkshire-and-the-humber" in page.url
    # Values in the page's order, so one state has one address.
    assert page.url.endswith("?q=community&region=north-west&region=yorkshire-and-the-humber&region=london&sort=oldest")
    wider = results(page)
    assert set(first) < set(wider)
    page.go_back()
    page.wait_for_function(DONE)
    assert "yorkshire" not in page.url
    assert not page.locator("input[name='region'][value='yorkshire-and-the-humber']").is_checked()
    assert page.locator("input[name='region'][value='london']").is_checked()
    assert results(page) == first
    page.go_forward()
    page.wait_for_function(DONE)
    assert page.locator("input[name='region'][value='yorkshire-and-the-humber']").is_checked()


def test_typing_makes_one_history_entry_and_clear_removes_filters(page, bundled_url):
    open_search(page, bundled_url, [("region", "east-midlands")])
    page.locator("#search-q").press_sequentially("mediation", delay=20)
    page.wait_for_function("() => location.search.includes('q=mediation')")
    page.wait_for_function(DONE)
    assert "/stories/mediating-the-parking-dispute/" in results(page)
    page.go_back()  # past the whole word typed, not letter by letter
    page.wait_for_function(DONE)
    assert page.url.endswith("/search/?region=east-midlands")
    assert page.locator("#search-q").input_value() == ""
    page.locator("#search-clear").click()
    page.wait_for_function(DONE)
    assert page.url.endswith("/search/")
    assert not page.locator("input[type=checkbox]:checked").count()


def test_keyboard_and_screen_reader(page, bundled_url):
    open_search(page, bundled_url)
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    page.locator("#search-q").focus()
    page.keyboard.type("dialogue")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search === '?q=dialogue'")
    page.wait_for_function(DONE)
    assert "for “dialogue”" in status.text_content()
    # Open a group and choose a value without the mouse.
    page.locator("[data-group='kind'] summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "kind"
    page.keyboard.press("Space")
    page.wait_for_function("() => location.search === '?q=dialogue&kind=story'")
    page.wait_for_function(DONE)
    # Every control has an accessible name.
    for box in page.locator(".search-filters input[type=checkbox]").all()[:12]:
        assert box.evaluate("b => b.closest('label').textContent.trim().length > 0")
    # "Show more" moves focus to the first new result.
    open_search(page, bundled_url)
    page.locator("#search-more").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('#search-list > li:nth-child(11)') !== null")


def test_search_page_has_no_accessibility_violations(sized, bundled_url):
    from axe_playwright_python.sync_playwright import Axe

    page = sized
    open_search(
        page, bundled_url, [("q", "young"), ("region", "london"), ("region", "north-west"), ("from", "2013-01-01")]
    )
    if narrow(page):
        page.locator("#search-filters-toggle").click()  # the open panel too
    found = Axe().run(page, context={"include": [[".search"]]})
    assert found.violations_count == 0, found.generate_report()


def test_without_javascript_the_page_points_to_browsing(browser, bundled_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(bundled_url + "/search/?q=football")
    assert not page.locator(".search").is_visible()
    for href in ("/stories/", "/categories/", "/regions/"):
        assert page.locator(f"main a[href='{href}']").first.is_visible()
    context.close()


PAYLOAD = """\
---
title: "Football <img src=x onerror=alert(1)> and <script>alert(2)</script>"
summary: "A summary with <b>bold</b> & <script>alert(3)</script> in it."
date: 2014-03-01
status: published
categories: [common-purpose]
region: london
place: "<i>Hackney</i>"
consent: {status: given, date: 2014-01-10}
---

Football talk <img src=x onerror=alert(4)> and `<script>alert(5)</script>` &lt;mark&gt; fake.
"""


@pytest.fixture(scope="module")
def payload_url(tmp_path_factory):
    """A copy of the bundled site with one story whose title and body carry markup."""
    root = tmp_path_factory.mktemp("payload") / "site"
    root.mkdir()
    for name in ("stories", "events", "pages"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    (root / "stories/markup-payload.md").write_text(PAYLOAD, "utf-8")
    out = root.parent / "public"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "build",
            "--site",
            str(root),
            "--out",
            str(out),
            "--now",
            NOW.isoformat(),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    server, url = serve_folder(out)
    yield url
    server.shutdown()


def test_markup_in_content_is_shown_as_text(page, payload_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_search(page, payload_url, [("q", "football")])
    item = page.locator("#search-list > li", has=page.locator("a[href='/stories/markup-payload/']"))
    assert item.locator("h3 a").text_content() == "Football <img src=x onerror=alert(1)> and <script>alert(2)</script>"
    assert (
        item.locator(".search-summary").text_content()
        == "A summary with <b>bold</b> & <script>alert(3)</script> in it."
    )
    assert "<i>Hackney</i>" in item.locator(".meta").text_content()
    excerpt = item.locator(".search-excerpt")
    assert "<img src=x onerror=alert(4)>" in excerpt.text_content()
    assert "<mark>" in excerpt.text_content(), "the text '<mark>' stays text"
    assert excerpt.locator("mark").all_text_contents()[0] == "Football"
    assert not page.locator(
        "#search-list script, #search-list img:not(.search-thumb), #search-list b, #search-list i"
    ).count()
    assert not dialogs


def test_pagefind_default_interface_is_neither_used_nor_published(bundled):
    html = (bundled / "search/index.html").read_text("utf-8")
    assert "pagefind-ui" not in html and "PagefindUI" not in html
    assert (bundled / "pagefind/pagefind.js").is_file()
    assert (
        not list((bundled / "pagefind").glob("pagefind-*ui.*"))
        and not (bundled / "pagefind/pagefind-highlight.js").exists()
    )


# ---- On a phone and on a wide screen ----

PHONE = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 800}


@pytest.fixture(params=[PHONE, WIDE], ids=["375px", "1280px"])
def sized(request, browser):
    """A tab at a phone's width and at a wide screen's."""
    context = browser.new_context(viewport=request.param)
    tab = context.new_page()
    tab.troubles = []
    tab.on("pageerror", lambda err: tab.troubles.append(f"uncaught: {err}"))
    yield tab
    context.close()


def narrow(page) -> bool:
    return page.viewport_size["width"] < 960


def on_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + 40 < locator.page.viewport_size["height"]


def open_filters(page) -> None:
    """On a phone the filters open from their button; on a wide screen they are shown."""
    if narrow(page):
        page.locator("#search-filters-toggle").click()


def test_results_come_first_and_the_filters_say_how_many_are_chosen(sized, bundled_url, public):
    page = sized
    open_search(page, bundled_url, [("q", "young"), ("region", "london"), ("region", "north-west")])
    first = page.locator("#search-list > li").first
    assert on_first_screen(first), "the first result is on the first screen"
    toggle, filters = page.locator("#search-filters-toggle"), page.locator("#search-filters")
    if narrow(page):
        assert not filters.is_visible()
        assert toggle.text_content().strip() == "Filters (2 chosen)"
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and filters.is_visible()
    else:
        assert not toggle.is_visible(), "a wide screen shows the filters beside the results"
        assert filters.is_visible()
        assert filters.bounding_box()["x"] + filters.bounding_box()["width"] <= first.bounding_box()["x"]
    page.locator("[data-group='kind'] summary").click()
    page.locator("input[name='kind'][value='story']").check()
    page.wait_for_function(DONE)
    found = results(page)
    assert set(found) == expected(public, region=["london", "north-west"], kind=["story"]) & set(found)
    assert page.locator("[data-chosen='kind']").text_content() == " (1 chosen)"
    if narrow(page):
        assert toggle.text_content().strip() == "Filters (3 chosen)"
        show = page.locator("#search-show")
        assert show.text_content() == f"Show results ({len(found)})"
        show.click()
        assert not filters.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.id") == "search-filters-toggle"
        assert on_first_screen(page.locator("#search-list > li").first)
        toggle.click()
        page.keyboard.press("Escape")
        assert not filters.is_visible()
        toggle.click()
        page.locator("[data-group='kind'] summary").focus()
        page.keyboard.press("Escape")  # from within the panel: closed, back on the button
        assert not filters.is_visible()
        assert page.evaluate("document.activeElement.id") == "search-filters-toggle"
    else:
        assert not page.locator("#search-show").is_visible()


def test_typing_updates_the_results_in_view(sized, bundled_url):
    page = sized
    open_search(page, bundled_url)
    page.locator("#search-q").press_sequentially("football", delay=20)  # no Enter
    page.wait_for_function("() => location.search === '?q=football'")
    page.wait_for_function(DONE)
    first = page.locator("#search-list > li").first
    assert first.locator("h3 a").get_attribute("href") in (
        "/stories/five-a-side-in-the-rain/",
        "/stories/five-a-side-in-the-rain-ur/",
    )
    assert on_first_screen(first) and on_first_screen(page.locator("#search-status"))
    assert page.locator("#search-status").text_content().endswith("for “football”")


# ---- Date range ----


def test_a_date_range_keeps_the_items_dated_within_it(page, bundled_url, public):
    open_search(page, bundled_url, [("from", "2013-05-01"), ("to", "2014-03-31")])
    want = expected(public, dates=("2013-05-01", "2014-03-31"))
    assert 5 < len(want) < len(public.stories + public.events), "a range that leaves some out"
    shown = dates(page)
    assert set(results(page)) == want and len(shown) == len(want)
    assert shown == sorted(shown, reverse=True) and "2013-05-01" <= min(shown) and max(shown) <= "2014-03-31"
    assert page.locator("#search-from").input_value() == "2013-05-01"
    assert page.locator("#search-to").input_value() == "2014-03-31"
    assert page.locator("#search-status").text_content() == f"{len(want)} results, from 1 May 2013 until 31 March 2014"
    assert page.locator("[data-chosen='year']").text_content() == " (2 chosen)"
    # Both days are included: a range of one event's day finds it.
    oldham = next(e for e in public.events if e.url == "/events/oldham-2013/")
    day = oldham.date.isoformat()
    open_search(page, bundled_url, [("from", day), ("to", day)])
    assert set(results(page)) == expected(public, dates=(day, day)) and oldham.url in results(page)


@pytest.mark.parametrize(
    "chosen",
    [
        {"q": "young", "region": ["london", "north-west"]},
        {"category": ["common-purpose", "tackling-tensions"], "kind": ["story"]},
    ],
)
def test_a_date_range_narrows_queries_filters_and_counts(page, bundled_url, public, chosen):
    q = chosen.pop("q", "")
    params = ([("q", q)] if q else []) + [(g, k) for g, keys in chosen.items() for k in keys]
    open_search(page, bundled_url, params + [("from", "2013-06-01"), ("to", "2014-12-31")])
    found = set(results(page))
    if not q:
        assert found == expected(public, dates=("2013-06-01", "2014-12-31"), **chosen)
    else:
        open_search(page, bundled_url, params)
        assert found == {url for url in results(page) if url in expected(public, dates=("2013-06-01", "2014-12-31"))}
        open_search(page, bundled_url, params + [("from", "2013-06-01"), ("to", "2014-12-31")])
    # Every counted value says what choosing it would give within the range.
    if page.locator("[data-group='region']").get_attribute("open") is None:
        page.locator("[data-group='region'] summary").click()
    page.wait_for_function(
        "() => document.querySelector(\"input[name='region'] ~ span [data-count]\").textContent !== ''"
    )
    for term in public.terms["regions"]:
        text = page.locator(f"input[name='region'][value='{term.key}'] ~ span [data-count]").text_content()
        if not q:
            others = {g: k for g, k in chosen.items() if g != "region"}
            assert int(text.strip("()")) == len(
                expected(public, dates=("2013-06-01", "2014-12-31"), region=[term.key], **others)
            ), term.key


def test_date_fields_make_history_and_a_reversed_or_impossible_range_is_mended(page, bundled_url):
    open_search(page, bundled_url, [("region", "london")])
    page.locator("[data-group='year'] summary").click()
    page.locator("#search-from").fill("2014-01-01")
    page.wait_for_function("() => location.search === '?region=london&from=2014-01-01'")
    page.wait_for_function(DONE)
    assert all(d >= "2014-01-01" for d in dates(page))
    page.locator("#search-to").fill("2015-12-31")
    page.wait_for_function("() => location.search.endsWith('&from=2014-01-01&to=2015-12-31')")
    page.wait_for_function(DONE)
    page.go_back()
    page.wait_for_function(DONE)
    assert page.locator("#search-to").input_value() == "" and page.locator("#search-from").input_value() == "2014-01-01"
    page.locator("#search-clear").click()
    page.wait_for_function(DONE)
    assert page.url.endswith("/search/") and page.locator("#search-from").input_value() == ""
    open_search(page, bundled_url, [("from", "2014-12-31"), ("to", "2013-01-01")])
    assert page.url.endswith("?from=2013-01-01&to=2014-12-31"), "the ends in order"
    open_search(page, bundled_url, [("from", "2013-02-30"), ("to", "soon")])
    assert page.url.endswith("/search/") and page.locator("#search-from").input_value() == ""


def test_a_date_range_chosen_on_a_phone_and_a_wide_screen(sized, bundled_url, public):
    page = sized
    open_search(page, bundled_url, [("q", "community")])
    before = set(results(page))
    open_filters(page)
    page.locator("[data-group='year'] summary").click()
    page.locator("#search-from").fill("2013-01-01")
    page.wait_for_function(DONE)
    page.locator("#search-to").fill("2013-06-30")
    page.wait_for_function("() => location.search === '?q=community&from=2013-01-01&to=2013-06-30'")
    page.wait_for_function(DONE)
    if narrow(page):
        assert page.locator("#search-filters-toggle").text_content().strip() == "Filters (2 chosen)"
        page.locator("#search-show").click()
    found = set(results(page))
    assert found == {url for url in before if url in expected(public, dates=("2013-01-01", "2013-06-30"))}
    assert found and on_first_screen(page.locator("#search-list > li").first)
