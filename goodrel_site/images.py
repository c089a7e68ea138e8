"""Images: each published picture resized into a few widths, as WebP with a JPEG or
PNG fallback, under content-hashed names, with all metadata (EXIF, GPS) stripped.

A picture is untrusted input: it is read only as a regular file of at most
limits.IMAGE_BYTES, decoded only by Pillow's JPEG, PNG, WebP and GIF readers, refused
past limits.IMAGE_PIXELS before any pixel is decoded, and planned from its header
alone: only once the site's pictures are counted (over_budget) is one decoded whole,
once, to make its sizes (cached) or, by `check`, to find a damaged or cut-short file as
the build would (verify)."""

from __future__ import annotations

import hashlib
import io
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageOps

from . import limits, sitefiles, urls
from .problems import ImageError, Problem
from .slugs import slugify

WIDTHS = (480, 960, 1600)
VERSION = "2"  # bump when the processing below changes, to refresh cached files


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    webp: str  # site path (raw: urls.path escapes it where it is written)
    fallback: str  # site path


@dataclass(frozen=True)
class ImageSet:
    source: Path
    digest: str
    width: int
    height: int
    alpha: bool
    variants: tuple[Variant, ...]

    @property
    def default(self) -> Variant:
        """The variant for the plain `src`: about 960 wide."""
        return min(self.variants, key=lambda v: abs(v.width - 960))

    def srcset(self, kind: str, prefix: str = "") -> str:
        """The `srcset` of one kind of file ("webp" or "fallback"), its addresses below `prefix`."""
        return ", ".join(f"{prefix}{urls.path(getattr(v, kind))} {v.width}w" for v in self.variants)


_DAMAGED = "is damaged or cut short: open it in an image editor and save it again"


def find(root: Path, owner: str, src: str) -> ImageSet:
    """The picture a content file (`owner`, relative to the site root) names by `src`,
    checked and planned; ImageError, whose message names `src`, if it cannot be used."""
    path = (root / owner).parent / src
    try:
        real = sitefiles.inspect(root, path)
    except sitefiles.Refused as err:
        if err.problem.message == "does not exist":
            raise ImageError(
                path, f"image file not found: '{src}' (the path is relative to {owner}, e.g. 'images/photo.jpg')"
            ) from None
        raise ImageError(path, f"the image '{src}' {err.problem.message}") from None
    try:
        return plan(Path(real))
    except ImageError as err:
        raise ImageError(err.source, f"the image '{src}' {err.message}") from None


def plan(source: Path) -> ImageSet:
    """The urls and sizes an image will have (read again only when the file changes:
    a preview runs for hours). `source` is a real path inside the site (find, or
    validate.image_path). ImageError if it is not a picture the site can use."""
    try:
        st = os.stat(source)
    except OSError as err:
        raise ImageError(source, f"cannot be read ({err.strerror}): was it moved or deleted meanwhile?") from None
    return _plan(source, (st.st_size, st.st_mtime_ns, st.st_ino))


@cache
def _plan(source: Path, signature: tuple[int, int, int]) -> ImageSet:
    data = _read(source)
    digest = hashlib.sha256(VERSION.encode() + data).hexdigest()[:12]
    with _opened(source, data) as im:
        try:
            width, height = _oriented_size(im)
            alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
        except Exception:  # Pillow raises many kinds of error for a damaged file
            raise ImageError(source, _DAMAGED) from None
    fallback_ext = "png" if alpha else "jpg"
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    # The file's name as a slug: the output holds only names every host and file system
    # takes as they are (no quote, '#', '?', space or comma; a non-Latin name transliterated).
    stem = slugify(source.stem) or "picture"
    variants = tuple(
        Variant(
            w,
            max(1, round(height * w / width)),
            f"/media/{stem}-{digest}-{w}.webp",
            f"/media/{stem}-{digest}-{w}.{fallback_ext}",
        )
        for w in widths
    )
    return ImageSet(source, digest, width, height, alpha, variants)


def verify(image: ImageSet) -> None:
    """Decode a planned picture whole (a JPEG at an eighth of its size, which still
    reads every byte), as making its sizes would: ImageError if it is damaged or cut
    short. For `check`, once the site's pictures are counted (the build finds the same
    when it makes the sizes)."""
    _verify(image.source, image.digest)


@cache
def _verify(source: Path, digest: str) -> None:
    data = _read(source)
    if hashlib.sha256(VERSION.encode() + data).hexdigest()[:12] != digest:
        raise ImageError(source, "changed while the site was being checked: check again")
    with _opened(source, data) as im:
        try:
            if im.format == "JPEG":
                im.draft(None, (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
        except Exception:  # Pillow raises many kinds of error for a damaged file
            raise ImageError(source, _DAMAGED) from None


def _read(source: Path) -> bytes:
    try:
        return sitefiles.read_regular(source, limits.IMAGE_BYTES)
    except sitefiles.Refused as err:
        raise ImageError(source, err.problem.message) from None
    except OSError as err:
        raise ImageError(source, f"cannot be read ({err.strerror}): was it moved or deleted meanwhile?") from None


def _opened(source: Path, data: bytes) -> Image.Image:
    """The picture in `data`, its header read and its size checked; no pixel decoded."""
    try:
        im = Image.open(io.BytesIO(data), formats=limits.IMAGE_FORMATS)
    except Image.DecompressionBombError:  # (Pillow's own limit, higher than ours)
        raise ImageError(
            source,
            f"has far more pixels than the {limits.IMAGE_PIXELS:,} pixels "
            "allowed: save a smaller copy (1,600 pixels wide is plenty)",
        ) from None
    except Exception:  # Pillow raises many kinds of error for what it cannot read
        raise ImageError(
            source,
            "is not a JPEG, PNG, WebP or GIF picture: save it as one of "
            "these (a renamed file of another kind does not work)",
        ) from None
    width, height = im.size
    if width * height > limits.IMAGE_PIXELS or max(width, height) > limits.IMAGE_SIDE:
        im.close()
        raise ImageError(
            source,
            f"is {width:,} x {height:,} pixels; at most {limits.IMAGE_PIXELS:,} "
            f"pixels and {limits.IMAGE_SIDE:,} a side are allowed: save a "
            "smaller copy (1,600 pixels wide is plenty)",
        )
    return im


def _oriented_size(im: Image.Image) -> tuple[int, int]:
    orientation = 1 if _late_exif(im) else im.getexif().get(0x0112, 1)
    return (im.height, im.width) if orientation in (5, 6, 7, 8) else (im.width, im.height)


def _late_exif(im: Image.Image) -> bool:
    """Whether a picture's EXIF (its camera's rotation) could only come after its pixels:
    a PNG with no eXIf chunk before them, where Pillow would decode the whole picture to
    look for one. Such a rotation is never applied, so that the header alone plans it."""
    return im.format == "PNG" and "exif" not in im.info


def over_budget(used: dict[Path, tuple[ImageSet, str, int, str]]) -> list[Problem]:
    """The picture that takes the site's pictures past limits.PICTURE_PIXELS_PER_BUILD,
    counted from their headers before any variant is made, in the order of their paths
    (so that every build of the same site, whatever its cache holds, finds the same
    one); `used` gives each picture, the file and line that first shows it, and how a
    problem there names it."""
    total = 0
    for source in sorted(used):
        image, path, line, _ = used[source]
        total += image.width * image.height
        if total > limits.PICTURE_PIXELS_PER_BUILD:
            return [
                Problem(
                    path,
                    line,
                    f"the picture '{source.name}' ({image.width:,} x {image.height:,}) takes the site's pictures "
                    f"past the {limits.PICTURE_PIXELS_PER_BUILD:,} pixels allowed in all: save smaller copies "
                    "of the largest pictures (1,600 pixels wide is plenty), or show fewer",
                )
            ]
    return []


def cached(image: ImageSet, cache: Path) -> list[str]:
    """Make every variant of the image in the media cache, unless already there (its
    names are content-hashed); return their file names. The picture is decoded at most
    once here: every variant is made from the one decoded image."""
    names = {url: url.rsplit("/", 1)[1] for v in image.variants for url in (v.webp, v.fallback)}
    # (cache: a folder in the site's cache, never through a link)
    if any(not (cache / name).exists() for name in names.values()):
        for url, data in _encode(image):
            sitefiles.write(cache.parent, cache / names[url], data)
    return list(names.values())


def _encode(image: ImageSet) -> list[tuple[str, bytes]]:
    """Every variant's files, largest first, each smaller one resized from the one
    before (1,600 to 960 to 480 loses nothing a reader sees, and costs a fraction of
    resizing the whole picture again)."""
    data = _read(image.source)
    if hashlib.sha256(VERSION.encode() + data).hexdigest()[:12] != image.digest:
        raise ImageError(image.source, "changed while the site was being built: build again")
    made = []
    try:
        with _opened(image.source, data) as opened:
            im = _decoded(opened, image)
            for variant in sorted(image.variants, key=lambda v: -v.width):
                im = im.resize((variant.width, variant.height), Image.Resampling.LANCZOS)
                # A new image from the raw pixels carries no info dict: no EXIF, ICC or XMP to leak.
                clean = Image.frombytes(im.mode, im.size, im.tobytes())
                made += [(variant.webp, _save(clean, variant.webp)), (variant.fallback, _save(clean, variant.fallback))]
    except ImageError:
        raise
    except Exception:  # Pillow raises many kinds of error for a damaged file
        raise ImageError(image.source, _DAMAGED) from None
    return made


def _decoded(im: Image.Image, image: ImageSet) -> Image.Image:
    """The picture decoded once, upright, in the mode of its output files. A JPEG is
    decoded at the smallest of 1/1 to 1/8 of its size that still covers the largest variant."""
    if im.format == "JPEG":
        scale = max(v.width for v in image.variants) / image.width
        im.draft(None, (max(1, math.ceil(im.width * scale)), max(1, math.ceil(im.height * scale))))
    late = _late_exif(im)  # (asked before the pixels are read, as when it was planned)
    im.load()
    # Apply the camera's rotation, then drop EXIF, GPS, XMP and comments: only pixels go out.
    upright = im if late else ImageOps.exif_transpose(im)
    return upright.convert("RGBA" if image.alpha else "RGB")


def _save(clean: Image.Image, url: str) -> bytes:
    encoded = io.BytesIO()
    if url.endswith(".webp"):
        clean.save(encoded, "WEBP", quality=78, method=4)
    elif url.endswith(".png"):
        clean.save(encoded, "PNG", optimize=True)
    else:
        clean.save(encoded, "JPEG", quality=80, optimize=True, progressive=True)
    return encoded.getvalue()
