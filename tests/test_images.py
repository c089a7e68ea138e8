"""Images: resized into a few widths as WebP with a JPEG or PNG fallback, served with
srcset, width, height and lazy loading under content-hashed names, and stripped of
every piece of metadata: a photo must never reveal where a storyteller lives."""

from __future__ import annotations

import hashlib
import re
import struct
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import build, story, write
from PIL import ExifTags, Image, ImageDraw

from goodrel_site import images

ALT = "Two neighbours carrying a bench across a car park"


def photo_with_gps(path: Path, size=(1200, 800), orientation: int = 1) -> Path:
    """A JPEG as a phone would save it: camera make, date, rotation and a GPS fix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.new("RGB", size, (214, 122, 60))
    draw = ImageDraw.Draw(im)
    draw.rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(20, 90, 100))
    draw.ellipse((size[0] // 2, size[1] // 3, size[0] - 40, size[1] - 40), fill=(250, 240, 220))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.DateTime] = "2013:07:11 18:30:00"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (53.0, 32.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 7.0, 12.0)
    im.save(path, "JPEG", exif=exif, quality=90)
    with Image.open(path) as check:  # the test is only worth something if the fix is there
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude]
    return path


def with_image(site: Path, image: str, body: str = "") -> None:
    text = story("First story", f"event: leeds-2013\nimage:\n{image}")
    write(site, "stories/first.md", text + body)


def page(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "public/stories/first/index.html").read_text("utf-8"), "html.parser")


def jpeg_segments(data: bytes) -> list[int]:
    """The marker of every segment before the image data (APP1 holds EXIF and XMP)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: pixels follow
            break
        markers.append(marker)
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]
    return markers


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, at = [], 12
    while at < len(data):
        fourcc, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        chunks.append(fourcc)
        at += 8 + size + (size & 1)
    return chunks


def published_files(site: Path) -> list[Path]:
    return sorted((site / "public/media").iterdir())


def test_published_photos_carry_no_location_or_camera_data(site):
    photo_with_gps(site / "stories/images/bench.jpg")
    with_image(site, f"  src: images/bench.jpg\n  alt: {ALT}\n")
    assert build(site) == 0
    files = published_files(site)
    assert {f.suffix for f in files} == {".webp", ".jpg"}
    for path in files:
        data = path.read_bytes()
        with Image.open(path) as im:
            assert not im.getexif(), path.name
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(im.info), path.name
        if path.suffix == ".jpg":
            assert not {0xE1, 0xED} & set(jpeg_segments(data)), path.name  # no APP1 (EXIF, XMP), APP13
        else:
            assert webp_chunks(data)[0] in (b"VP8 ", b"VP8L", b"VP8X")
            assert not {b"EXIF", b"XMP ", b"ICCP"} & set(webp_chunks(data)), path.name


def test_camera_rotation_is_applied_before_the_metadata_goes(site):
    photo_with_gps(site / "stories/images/bench.jpg", size=(1200, 800), orientation=6)
    with_image(site, f"  src: images/bench.jpg\n  alt: {ALT}\n")
    assert build(site) == 0
    for path in published_files(site):
        with Image.open(path) as im:
            assert im.height > im.width, path.name  # shot sideways, shown upright


def test_widths_srcset_sizes_and_loading(site):
    photo_with_gps(site / "stories/images/bench.jpg", size=(2000, 1000))
    with_image(site, f"  src: images/bench.jpg\n  alt: {ALT}\n  caption: Moving day.\n  credit: A. Neighbour\n")
    assert build(site) == 0
    figure = page(site).select_one("figure.lead-image")
    source, img = figure.find("source"), figure.find("img")
    assert source["type"] == "image/webp"
    webp = [entry.split() for entry in source["srcset"].split(", ")]
    fallback = [entry.split() for entry in img["srcset"].split(", ")]
    assert [w for _, w in webp] == [w for _, w in fallback] == [f"{w}w" for w in images.WIDTHS]
    for url, width in webp + fallback:
        with Image.open(site / "public" / url.lstrip("/")) as im:
            assert f"{im.width}w" == width and im.height == round(im.width / 2)
    # The lead picture is what the page opens on: fetched at once (test_loading.py).
    assert img["alt"] == ALT and img["loading"] == "eager" and img["fetchpriority"] == "high"
    assert (img["width"], img["height"]) == ("960", "480")
    assert img["src"] in [url for url, _ in fallback] and source.get("sizes") == img.get("sizes")
    assert "Moving day." in figure.figcaption.get_text() and "A. Neighbour" in figure.figcaption.get_text()


def test_names_carry_a_hash_of_the_content(site):
    path = photo_with_gps(site / "stories/images/bench.jpg")
    with_image(site, f"  src: images/bench.jpg\n  alt: {ALT}\n")
    assert build(site) == 0
    digest = hashlib.sha256(images.VERSION.encode() + path.read_bytes()).hexdigest()[:12]
    first = {f.name for f in published_files(site)}
    assert first and all(re.fullmatch(rf"bench-{digest}-\d+\.(webp|jpg)", name) for name in first)
    assert build(site) == 0
    assert {f.name for f in published_files(site)} == first  # same bytes, same names
    photo_with_gps(path, size=(1200, 801))
    assert build(site) == 0
    assert not {f.name for f in published_files(site)} & first  # new picture, new names


def test_transparent_pictures_fall_back_to_png(site):
    target = site / "stories/images/logo.png"
    target.parent.mkdir(parents=True)
    Image.new("RGBA", (600, 300), (10, 90, 100, 0)).save(target)
    with_image(site, "  src: images/logo.png\n  alt: The project's logo\n")
    assert build(site) == 0
    assert {f.suffix for f in published_files(site)} == {".webp", ".png"}


def test_pictures_in_the_body_are_processed_too(site):
    photo_with_gps(site / "stories/images/bench.jpg")
    with_image(site, f"  src: images/bench.jpg\n  alt: {ALT}\n", "\n![The bench in its new place](images/bench.jpg)\n")
    assert build(site) == 0
    body = page(site).select_one(".prose img")
    assert body["alt"] == "The bench in its new place" and body["loading"] == "lazy"


def test_a_missing_image_fails_the_build_naming_the_line(site, capsys):
    with_image(site, f"  src: images/nowhere.jpg\n  alt: {ALT}\n")
    assert build(site) == 1
    err = capsys.readouterr().err
    assert re.search(r"stories/first\.md:\d+: .*image file not found: 'images/nowhere\.jpg'", err)
    assert not (site / "public").exists()


def test_missing_alt_text_fails_the_build(site, capsys):
    photo_with_gps(site / "stories/images/bench.jpg")
    with_image(site, "  src: images/bench.jpg\n")
    assert build(site) == 1
    assert "image.alt is required" in capsys.readouterr().err
    with_image(site, f"  src: images/bench.jpg\n  alt: {ALT}\n", "\n![](images/bench.jpg)\n")
    assert build(site) == 1
    assert re.search(r"stories/first\.md:\d+: .*needs alt text", capsys.readouterr().err)


def test_a_decorative_image_has_empty_alt(site):
    photo_with_gps(site / "stories/images/bench.jpg")
    with_image(site, "  src: images/bench.jpg\n  decorative: true\n")
    assert build(site) == 0
    assert page(site).select_one("figure.lead-image img")["alt"] == ""
