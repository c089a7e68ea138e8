"""The theme's typefaces, as a reader's browser gets them: every face served by the site
itself as woff2 with font-display swap (no address outside the site in any stylesheet),
each file the stylesheet names present with its licence, the Nastaliq face fetched only
where Urdu is shown, and what a first visit to a story page downloads in fonts, measured
in headless Chromium, within its budget."""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO

FONTS = REPO / "theme" / "static" / "fonts"
# What a first visit to a story page fetches in fonts: the reading face's regular and
# semibold (and their latin-ext halves on a Polish page).
FONT_BUDGET = 120 * 1024
# An Urdu page fetches those Latin faces too (for the site's English labels, names and
# the English stories it links to) and the one Nastaliq file on top: Nastaliq draws
# each letter in many joined shapes, so even cut down to Urdu's letters alone
# (scripts/fonts.py) the face is about 100 KB, and no Nastaliq is smaller.
NASTALIQ_BUDGET = 105 * 1024

FACES = re.compile(r"@font-face\s*{([^}]*)}")


def faces() -> list[str]:
    return FACES.findall((REPO / "theme" / "static" / "site.css").read_text("utf-8"))


def test_every_face_is_a_local_woff2_shown_at_once_in_a_fallback():
    found = faces()
    assert len(found) >= 3
    for face in found:
        urls = re.findall(r"url\(([^)]*)\)", face)
        assert urls and all(re.fullmatch(r"fonts/[a-z0-9-]+\.woff2", u) for u in urls), face
        assert all((FONTS / u.removeprefix("fonts/")).is_file() for u in urls), face
        assert 'format("woff2")' in face and "font-display: swap" in face, face
        assert "unicode-range:" in face, face
    # Every file shipped is one the stylesheet uses, or a licence.
    named = {u.removeprefix("fonts/") for face in found for u in re.findall(r"url\(([^)]*)\)", face)}
    shipped = {p.name for p in FONTS.iterdir()}
    assert {n for n in shipped if not n.endswith("-LICENSE.txt")} == named
    for family in {re.sub(r"-(latin|latin-ext|urdu)-\d+-\w+\.woff2$", "", n) for n in named}:
        assert "SIL Open Font License" in (FONTS / f"{family}-LICENSE.txt").read_text("utf-8"), family


def test_no_stylesheet_or_page_loads_anything_from_outside_the_site(bundled):
    for css in (bundled / "assets").rglob("*.css"):
        text = css.read_text("utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css
        assert "@import" not in text, css
    for url in ("/", "/stories/rumour-clinic/", "/stories/five-a-side-in-the-rain-ur/"):
        html = (bundled / url.lstrip("/") / "index.html").read_text("utf-8")
        assert not re.search(r"<link[^>]+href=\"(https?:)?//[^\"]*\"[^>]*rel=\"(stylesheet|preload)\"", html)
        assert not re.search(r"<link[^>]+rel=\"(stylesheet|preload)\"[^>]+href=\"(https?:)?//", html)
    for face in faces():
        assert re.search(r"url\(fonts/[^)]+\)", face)


def test_the_fonts_the_built_site_serves_are_the_themes_files(bundled):
    for path in FONTS.glob("*.woff2"):
        assert (bundled / "assets" / "fonts" / path.name).read_bytes() == path.read_bytes()


FETCHED = """() => document.fonts.ready.then(() => performance.getEntriesByType('resource')
  .filter(e => e.name.endsWith('.woff2'))
  .map(e => ({name: e.name.split('/').pop(), bytes: e.encodedBodySize, local: e.name.startsWith(location.origin)})))"""


def fetched(browser, url: str, width: int) -> list[dict]:
    context = browser.new_context(viewport={"width": width, "height": 812})
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    found = tab.evaluate(FETCHED)
    context.close()
    return found


@pytest.mark.parametrize("width", [375, 1280])
def test_a_first_visit_to_a_story_page_fetches_its_fonts_within_the_budget(browser, bundled_url, width, capsys):
    rows = {}
    for url in (
        "/stories/rumour-clinic/",
        "/stories/five-a-side-in-the-rain/",
        "/stories/polish-saturday-school-open-day-pl/",
        "/stories/five-a-side-in-the-rain-ur/",
        "/",
        "/stories/",
    ):
        found = fetched(browser, bundled_url + url, width)
        assert found and all(f["local"] for f in found), found
        latin = sum(f["bytes"] for f in found if "nastaliq" not in f["name"])
        nastaliq = sum(f["bytes"] for f in found if "nastaliq" in f["name"])
        rows[url] = latin, nastaliq
        assert latin < FONT_BUDGET, (url, found)
        # The Nastaliq face comes only with Urdu text, and only Urdu pages have any: on
        # others, a link to the Urdu version names it in a face already on the device.
        assert bool(nastaliq) == url.endswith("-ur/"), (url, found)
        assert nastaliq < NASTALIQ_BUDGET, (url, found)
    with capsys.disabled():
        print(f"\nfonts fetched on a first visit at {width} px (bytes: latin faces + nastaliq)")
        for url, (latin, nastaliq) in rows.items():
            print(f"  {url:48} {latin:7} + {nastaliq:7}")


def test_the_fonts_come_from_npm_packages_at_pinned_versions():
    """scripts/fonts.py copies from the @fontsource packages package.json pins exactly,
    and package-lock.json holds those same versions."""
    pins = json.loads((REPO / "package.json").read_text("utf-8"))["devDependencies"]
    lock = json.loads((REPO / "package-lock.json").read_text("utf-8"))["packages"]
    script = (REPO / "scripts" / "fonts.py").read_text("utf-8")
    fontsource = {name: version for name, version in pins.items() if name.startswith("@fontsource/")}
    assert fontsource
    for name, version in fontsource.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock[f"node_modules/{name}"]["version"] == version
        assert f'"{name.removeprefix("@fontsource/")}"' in script
