"""A story's pull quote where the editor puts it: a paragraph of its own that says
`[pull quote]` places the story's quote (its front matter's `quote`) there; without
one, the quote follows the text. Misuse is an error at its line, from `check` and
from the build; the placed quote sits between the paragraphs around it on a phone
and on a wide screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, build, run, serve_folder, story, write

QUOTE = 'quote: {text: "We cook, then we talk.", attribution: A volunteer}\n'
TEXT = "\n\nThe first paragraph.\n\n[pull quote]\n\nThe last paragraph.\n"


def page(out: Path, slug: str = "first") -> BeautifulSoup:
    return BeautifulSoup((out / "stories" / slug / "index.html").read_text("utf-8"), "html.parser")


def test_the_marker_places_the_quote_in_the_text(site, tmp_path):
    write(site, "stories/first.md", story("First story", QUOTE) + TEXT)
    write(site, "stories/second.md", story("Second story", QUOTE))  # no marker
    out = tmp_path / "out"
    assert build(site, out) == 0
    soup = page(out)
    quotes = soup.select("figure.pullquote")
    assert len(quotes) == 1, "placed once, not also after the text"
    placed = quotes[0]
    assert placed.parent.get("class") == ["prose"]
    assert placed.find_previous_sibling("p").get_text() == "The first paragraph."
    assert placed.find_next_sibling("p").get_text() == "The last paragraph."
    assert placed.blockquote.get_text(strip=True) == "We cook, then we talk."
    assert placed.figcaption.get_text(strip=True) == "A volunteer"
    assert "[pull quote]" not in soup.get_text()
    after = page(out, "second").select("figure.pullquote")
    assert len(after) == 1 and after[0].parent.get("class") != ["prose"]
    assert after[0].find_previous_sibling("div", class_="prose")


@pytest.mark.parametrize(
    "text, line, says",
    [
        # a story() file's text ends at line 11 (12 with the quote), then an empty line
        ("\n[pull quote]\n", 13, "this file has no quote"),
        ("\nSee [pull quote] here.\n", 13, "must be a paragraph of its own"),
        ("\n- a point\n- [pull quote]\n", 14, "must be a paragraph of its own"),
        ("\n[Pull quote]\n\nText.\n\n[pull quote]\n", 18, "already is at line 14"),
    ],
)
def test_check_reports_a_misplaced_marker_at_its_line(site, capsys, text, line, says):
    quoted = "already" in says
    write(site, "stories/first.md", story("First story", QUOTE if quoted else "") + text)
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    err = capsys.readouterr().err
    found = [row for row in err.splitlines() if row.startswith(f"stories/first.md:{line}:")]
    assert found and says in found[0], err
    assert build(site) == 1, "the build refuses it too"


def test_an_event_or_page_has_no_quote_to_place(site, capsys):
    path = site / "events/leeds-2013.md"
    path.write_text(path.read_text("utf-8") + "\n[pull quote]\n", "utf-8")
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    assert "events/leeds-2013.md:14: '[pull quote]' places the story's pull quote" in capsys.readouterr().err


@pytest.mark.parametrize(
    "viewport", [{"width": 375, "height": 800}, {"width": 1280, "height": 800}], ids=["375px", "1280px"]
)
def test_the_placed_quote_reads_between_its_paragraphs(browser, bundled, viewport):
    """The bundled rumour clinic story places its quote after the account of the day."""
    server, url = serve_folder(bundled)
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    try:
        tab.goto(url + "/stories/rumour-clinic/")
        quote = tab.locator(".prose figure.pullquote")
        assert quote.count() == 1 and tab.locator("figure.pullquote").count() == 1
        box = quote.bounding_box()
        before = tab.locator(".prose figure.pullquote + h2").bounding_box()
        listed = tab.locator(".prose ul:has(+ figure.pullquote)").bounding_box()
        assert listed["y"] + listed["height"] <= box["y"] and box["y"] + box["height"] <= before["y"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()
        server.shutdown()
