"""Pictures cost a bounded amount of work: each is decoded once to make all its sizes
(not once a size and format), and the pictures a site shows, counted from their
headers, stay within limits.PICTURE_PIXELS_PER_BUILD, or the build stops with one line
naming the picture that goes past it, before any of it is decoded (planning reads the
headers only); `check` says the same, and decodes each picture whole only within it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import NOW, build, run, story, tree_hashes, write
from PIL import Image, ImageFile

from goodrel_site import images, limits
from goodrel_site.records import FOLDER


def picture(site: Path, name: str, fmt: str, size=(2000, 1500)) -> None:
    path = site / "stories" / "images" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (120, 80, 40)).save(path, fmt)


def pictured(site: Path, slug: str, name: str) -> None:
    write(site, f"stories/{slug}.md", story(slug.title(), f"image: {{src: images/{name}, alt: A picture}}\n"))


class Counts:
    """Pictures opened and decoded (pixels read), in this process."""

    def __init__(self, monkeypatch):
        self.opened = self.decoded = 0
        open_, load = Image.open, ImageFile.ImageFile.load

        def opening(*args, **kwargs):
            self.opened += 1
            return open_(*args, **kwargs)

        def loading(im):
            self.decoded += bool(im.tile)  # (without tiles, the pixels are there already)
            return load(im)

        monkeypatch.setattr(Image, "open", opening)
        monkeypatch.setattr(ImageFile.ImageFile, "load", loading)


@pytest.mark.parametrize(("name", "fmt"), [("a.jpg", "JPEG"), ("a.png", "PNG"), ("a.webp", "WEBP")])
def test_each_picture_is_decoded_once_for_all_its_sizes(site, monkeypatch, name, fmt):
    picture(site, name, fmt)
    pictured(site, "pictured", name)
    images._plan.cache_clear()
    counts = Counts(monkeypatch)
    made = []
    cached = images.cached

    def counted(image, cache):
        before = (counts.opened, counts.decoded)
        names = cached(image, cache)
        made.append((counts.opened - before[0], counts.decoded - before[1], len(names)))
        return names

    monkeypatch.setattr(images, "cached", counted)
    assert build(site) == 0
    # Three widths, two formats each: six files from one open and one decode.
    assert made == [(1, 1, 6)]
    # The whole build: planned from the header alone, decoded only to make the sizes.
    assert counts.decoded == 1
    for width in (480, 960, 1600):
        assert len(list((site / "public/media").glob(f"a-*-{width}.*"))) == 2


def test_pictures_past_the_budget_stop_the_build_naming_the_one_that_crosses_it(site, capsys, monkeypatch):
    monkeypatch.setattr(limits, "PICTURE_PIXELS_PER_BUILD", 5_000_000)  # a picture is 3,000,000
    picture(site, "a.png", "PNG")
    picture(site, "b.png", "PNG")
    pictured(site, "one", "a.png")
    assert build(site) == 0
    before = tree_hashes(site / "public")
    media = sorted(p.name for p in (site / FOLDER / "media").iterdir())
    capsys.readouterr()
    pictured(site, "two", "b.png")
    for cache in ("incremental", "clean"):
        if cache == "clean":
            shutil.rmtree(site / FOLDER)
        images._plan.cache_clear()
        counts = Counts(monkeypatch)
        assert build(site) == 1, cache
        err = capsys.readouterr().err
        assert err.startswith(
            "stories/two.md:9: the picture 'b.png' (2,000 x 1,500) takes the site's pictures past the "
            "5,000,000 pixels allowed in all: save smaller copies of the largest pictures"
        ), (cache, err)
        assert "Traceback" not in err
        assert tree_hashes(site / "public") == before, cache
        assert counts.decoded == 0  # planned from their headers: nothing decoded past the budget
    assert media  # (the incremental case kept the cache as it was)


def test_a_picture_in_a_text_past_the_budget_is_named_by_its_path(site, capsys, monkeypatch):
    monkeypatch.setattr(limits, "PICTURE_PIXELS_PER_BUILD", 5_000_000)
    picture(site, "a.png", "PNG")
    picture(site, "b.png", "PNG")
    pictured(site, "one", "a.png")
    write(site, "stories/two.md", story("Two") + "\n![A picture](images/b.png)\n")
    assert build(site) == 1
    err = capsys.readouterr().err
    assert err.startswith("stories/images/b.png: the picture 'b.png' (2,000 x 1,500) takes the site's pictures past"), (
        err
    )
    assert not (site / "public").exists()


def checked(site: Path, capsys, monkeypatch) -> tuple[Counts, str]:
    """`check` run afresh (nothing planned or decoded before), exit 1: what it decoded, and said."""
    images._plan.cache_clear()
    images._verify.cache_clear()
    counts = Counts(monkeypatch)
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    said = capsys.readouterr()
    return counts, said.out + said.err


def test_check_counts_the_pictures_before_decoding_any(site, capsys, monkeypatch):
    monkeypatch.setattr(limits, "PICTURE_PIXELS_PER_BUILD", 5_000_000)
    picture(site, "a.png", "PNG")
    picture(site, "b.png", "PNG")
    pictured(site, "one", "a.png")
    pictured(site, "two", "b.png")
    counts, said = checked(site, capsys, monkeypatch)
    assert "stories/two.md:9: the picture 'b.png' (2,000 x 1,500) takes the site's pictures past" in said
    assert counts.decoded == 0


def test_check_still_finds_a_damaged_picture_by_decoding_it_once(site, capsys, monkeypatch):
    picture(site, "a.png", "PNG")
    path = site / "stories" / "images" / "a.png"
    path.write_bytes(path.read_bytes()[:-4000])  # (its header whole: planned, then found cut short)
    pictured(site, "one", "a.png")
    counts, said = checked(site, capsys, monkeypatch)
    assert "stories/one.md:9: the image 'images/a.png' is damaged or cut short" in said
    assert counts.decoded == 1
    assert build(site) == 1
    assert "stories/one.md:9: the image 'images/a.png' is damaged or cut short" in capsys.readouterr().err
