"""Draw a sharing image, theme/static/share.png: the picture that link previews (and
feeds and search results) show for a page or item with no picture of its own.

The default theme's says nothing of any one site (the site's two circles only), so
every new site can use it as it is. A site may draw its own, with its title,
description and address from its site.yaml, over the default theme's:

    .venv/bin/python -m goodrel_site.share_image [--site DIR] [--out PATH]

(run it again after changing the site's title or description). `--default` draws the
default theme's picture. Pillow and the font it ships draw them, so the same command
gives the same picture anywhere."""

from __future__ import annotations

import argparse
import io
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlparse

from PIL import Image, ImageDraw, ImageFont

from . import sitefiles
from .problems import ContentError
from .validate import load_settings

WIDTH, HEIGHT = 1200, 630  # the size link previews ask for (1.91:1)
SCALE = 2  # drawn twice as large, then reduced, for smooth edges
PAPER, INK, INK_SOFT = (251, 248, 243), (31, 28, 25), (61, 56, 50)
ACCENT, TEAL = (161, 58, 22), (11, 90, 97)


def draw_default() -> Image.Image:
    """The default theme's picture: the logo's two circles, large and centred (a search
    result shows the middle of it), over the home page's soft ones."""
    image = _circles(
        (
            (1010, 190, 250, TEAL, 26),
            (190, 470, 260, ACCENT, 20),
            (530, 315, 150, ACCENT, 217),
            (670, 315, 150, TEAL, 204),
        )
    )
    return _finish(image)


def draw(title: str, description: str, address: str) -> Image.Image:
    """A site's own picture: its title, description and address beside the circles."""
    image = _circles(
        (
            (1010, 190, 250, TEAL, 26),
            (900, 420, 290, ACCENT, 23),
            (130, 135, 55, ACCENT, 217),
            (180, 135, 55, TEAL, 204),
        )
    )
    pen = ImageDraw.Draw(image)
    # Title (three lines at most) and description (two), set upwards from above the address.
    heading = _lines(title, 20, 3)
    words = _lines(description, 52, 2)
    top = 520 - 82 * len(heading) - 18 - 44 * len(words)
    for line in heading:
        pen.text((75 * SCALE, top * SCALE), line, fill=INK, font=ImageFont.load_default(68 * SCALE))
        top += 82
    top += 18
    for line in words:
        pen.text((75 * SCALE, top * SCALE), line, fill=INK_SOFT, font=ImageFont.load_default(32 * SCALE))
        top += 44
    pen.text((75 * SCALE, 548 * SCALE), address, fill=TEAL, font=ImageFont.load_default(30 * SCALE))
    return _finish(image)


def _circles(circles: tuple[tuple[int, int, int, tuple[int, int, int], int], ...]) -> Image.Image:
    """The paper with translucent circles (x, y, radius, colour, alpha) on it."""
    size = (WIDTH * SCALE, HEIGHT * SCALE)
    image = Image.new("RGB", size, PAPER)
    for x, y, r, colour, alpha in circles:
        layer = Image.new("RGBA", size, (0, 0, 0, 0))
        ImageDraw.Draw(layer).ellipse(
            [(x - r) * SCALE, (y - r) * SCALE, (x + r) * SCALE, (y + r) * SCALE], fill=(*colour, alpha)
        )
        image.paste(layer, mask=layer)
    return image


def _finish(image: Image.Image) -> Image.Image:
    """The accent rule along the foot, and the picture at its size."""
    ImageDraw.Draw(image).rectangle([0, (HEIGHT - 14) * SCALE, WIDTH * SCALE, HEIGHT * SCALE], fill=ACCENT)
    # A palette of 64 colours keeps the file small; the picture has few colours.
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS).quantize(64, dither=Image.Dither.NONE)


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width)
    return (
        lines
        if len(lines) <= most
        else lines[: most - 1] + [textwrap.shorten(" ".join(lines[most - 1 :]), width, placeholder="…")]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("."), help="the folder holding site.yaml")
    parser.add_argument("--out", type=Path, help="where to write (default: SITE/theme/static/share.png)")
    parser.add_argument(
        "--default", action="store_true", help="the default theme's picture, which names no site (give --out)"
    )
    args = parser.parse_args(argv)
    root = args.site.resolve()
    out = args.out.absolute() if args.out else root / "theme" / "static" / "share.png"
    if args.out:
        out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if args.default:
            picture = draw_default()
        else:
            settings = load_settings(root)  # (read and checked as every build reads it)
            picture = draw(
                settings.title, settings.description, urlparse(settings.base_url).hostname or settings.base_url
            )
        data = io.BytesIO()
        picture.save(data, "PNG", optimize=True)
        # Into the site (or, with --out, the folder named), never through a link.
        sitefiles.write(root if args.out is None else out.parent, out, data.getvalue())
    except sitefiles.Refused as err:
        sys.exit(f"{err.problem}")
    except ContentError as err:
        sys.exit(str(err))


if __name__ == "__main__":
    main()
