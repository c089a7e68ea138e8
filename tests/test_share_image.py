"""The default sharing image: the committed theme/static/share.png is what
goodrel_site.share_image draws for the default theme (naming no site, so that every
new site can use it), of the size link previews ask for, small, and published with the
theme's files; a site may draw its own, with its name, over it."""

from __future__ import annotations

from conftest import REPO, build
from PIL import Image, ImageChops, ImageStat

from goodrel_site import share_image

COMMITTED = REPO / "theme/static/share.png"


def difference(a, b) -> float:
    """Mean difference of two pictures' pixels, 0 to 255."""
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def test_the_committed_picture_is_what_the_script_draws(tmp_path):
    made = tmp_path / "share.png"
    share_image.main(["--default", "--out", str(made)])
    committed = Image.open(COMMITTED)
    assert committed.size == (1200, 630) and COMMITTED.stat().st_size < 60_000
    # Pixel for pixel, give or take a newer Pillow's anti-aliasing; if this fails, run
    # `.venv/bin/python -m goodrel_site.share_image --default --out theme/static/share.png`
    # and commit the new picture.
    # It names no site by construction: draw_default() is given nothing of any site.
    assert difference(Image.open(made), committed) < 1.0


def test_another_site_gets_its_own_picture_over_the_default(site, tmp_path):
    text = (site / "site.yaml").read_text("utf-8")
    (site / "site.yaml").write_text(
        text.replace("title: Untold Stories of Good Relations", "title: Another Site Entirely"), "utf-8"
    )
    share_image.main(["--site", str(site)])  # (the site has no theme of its own: the default)
    own = site / "theme/static/share.png"
    assert difference(Image.open(own), Image.open(COMMITTED)) > 1.0
    assert build(site, tmp_path / "out") == 0
    assert (tmp_path / "out/assets/share.png").read_bytes() == own.read_bytes()


def test_it_is_published_with_the_theme(site, tmp_path):
    assert build(site, tmp_path / "out") == 0
    assert (tmp_path / "out/assets/share.png").read_bytes() == COMMITTED.read_bytes()
