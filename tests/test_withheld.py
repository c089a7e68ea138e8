"""Withheld means withheld, everywhere and at once: after the build that withholds a
story, no byte of the output, of the spare folder beside it or of the build cache
(Pagefind's compressed index unpacked) names it, shows its picture or holds its text.
The one copy left is the cache of parsed content files (.goodrel-cache/sources/),
which holds every content file as it is in the site's folder, like git does."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import NOW, run, story, write
from PIL import Image

MARKER = "Zqxwithheldmarker"


def _scan(folder: Path, *words: str) -> list[str]:
    """Every file under `folder` (compressed ones unpacked, names too) holding a word."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "sources" in path.relative_to(folder).parts:
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        for word in words:
            if word.encode() in data or word.lower() in path.name.lower():
                found.append(f"{path.relative_to(folder)}: {word}")
    return found


@pytest.fixture
def marked(site: Path) -> Path:
    """A site with a public story full of a marker word, a picture, a translation (whose
    page names its original) and an alias."""
    Image.new("RGB", (640, 400), (10, 200, 90)).save(site / "stories" / "zqxpicture.png")
    write(
        site,
        "stories/marked.md",
        story(
            f"The {MARKER} story",
            f"""\
        slug: marked
        aliases: [/old/{MARKER.lower()}-address/]
        image: {{src: zqxpicture.png, alt: A picture of {MARKER}}}
        """,
        )
        + f"\nWords about {MARKER} in the text.\n",
    )
    write(site, "stories/translated.md", story("Przetłumaczona", "lang: pl\ntranslation_of: marked\n"))
    return site


def _build(site: Path) -> int:
    return run("build", "--site", str(site), "--now", NOW.isoformat())


@pytest.mark.parametrize(
    "withhold",
    [
        ("{status: given", "{status: withdrawn"),
        ("status: published", "status: draft"),
        ("consent:", "publish_on: 2027-01-01\nconsent:"),
        ("consent:", "unpublish_on: 2026-01-01\nconsent:"),
    ],
)
def test_a_withheld_story_leaves_no_trace_beside_the_output_or_in_the_cache(marked: Path, withhold):
    assert _build(marked) == 0
    public, spare, cache = marked / "public", marked / ".public.goodrel-spare", marked / ".goodrel-cache"
    assert _scan(public, MARKER, "/stories/marked/", "zqxpicture")  # (the scan finds what is there)
    path = marked / "stories" / "marked.md"
    text = path.read_text("utf-8")
    assert withhold[0] in text
    path.write_text(text.replace(withhold[0], withhold[1], 1), "utf-8")
    assert _build(marked) == 0
    for folder in (public, spare, cache):
        assert folder.is_dir()
        assert _scan(folder, MARKER, MARKER.lower(), "/stories/marked/", "zqxpicture") == []


def test_a_translation_never_names_a_withheld_original(marked: Path):
    path = marked / "stories" / "marked.md"
    path.write_text(path.read_text("utf-8").replace("{status: given", "{status: withdrawn"), "utf-8")
    assert _build(marked) == 0
    page = (marked / "public" / "stories" / "translated" / "index.html").read_text("utf-8")
    assert "Przetłumaczona" in page and "marked" not in page and MARKER not in page
