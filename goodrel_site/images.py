"""Images: each published picture resized into a few widths, as WebP with a JPEG or
PNG fallback, under content-hashed names, with all metadata (EXIF, GPS) stripped."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageOps

from .output import Tree

WIDTHS = (480, 960, 1600)
VERSION = "1"  # bump when the processing below changes, to refresh cached files


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    webp: str  # site url
    fallback: str  # site url


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
        return ", ".join(f"{prefix}{getattr(v, kind)} {v.width}w" for v in self.variants)


def plan(source: Path) -> ImageSet:
    """The urls and sizes an image will have, from its bytes and header alone (read
    again only when the file changes: a preview runs for hours)."""
    st = os.stat(source)
    return _plan(source, (st.st_size, st.st_mtime_ns, st.st_ino))


@lru_cache(maxsize=None)
def _plan(source: Path, signature: tuple[int, int, int]) -> ImageSet:
    data = source.read_bytes()
    digest = hashlib.sha256(VERSION.encode() + data).hexdigest()[:12]
    with Image.open(source) as im:
        width, height = _oriented_size(im)
        alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    fallback_ext = "png" if alpha else "jpg"
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    stem = source.stem.lower()
    variants = tuple(
        Variant(w, round(height * w / width),
                f"/media/{stem}-{digest}-{w}.webp", f"/media/{stem}-{digest}-{w}.{fallback_ext}")
        for w in widths)
    return ImageSet(source, digest, width, height, alpha, variants)


def _oriented_size(im: Image.Image) -> tuple[int, int]:
    orientation = im.getexif().get(0x0112, 1)
    return (im.height, im.width) if orientation in (5, 6, 7, 8) else (im.width, im.height)


def process(image: ImageSet, out: Tree, cache: Path) -> None:
    """Put every variant of the image under media/ in the output, linked from the
    media cache."""
    for name in cached(image, cache):
        out.link(f"media/{name}", cache / name)


def cached(image: ImageSet, cache: Path) -> list[str]:
    """Make every variant of the image in the media cache, unless already there (its
    names are content-hashed); return their file names."""
    names = []
    for variant in image.variants:
        for url in (variant.webp, variant.fallback):
            name = url.rsplit("/", 1)[1]
            target = cache / name
            if not target.exists():
                tmp = cache / f".{name}.{os.getpid()}.{threading.get_ident()}"
                _encode(image, variant, url, tmp)
                tmp.replace(target)
            names.append(name)
    return names


def _encode(image: ImageSet, variant: Variant, url: str, target: Path) -> None:
    with Image.open(image.source) as im:
        # Apply the camera's rotation, then drop EXIF, GPS, XMP and comments: only pixels go out.
        im = ImageOps.exif_transpose(im)
        im = im.convert("RGBA" if image.alpha else "RGB")
        im = im.resize((variant.width, variant.height), Image.Resampling.LANCZOS)
        # A new image from the raw pixels carries no info dict: no EXIF, ICC or XMP to leak.
        clean = Image.frombytes(im.mode, im.size, im.tobytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.endswith(".webp"):
        clean.save(target, "WEBP", quality=78, method=4)
    elif url.endswith(".png"):
        clean.save(target, "PNG", optimize=True)
    else:
        clean.save(target, "JPEG", quality=80, optimize=True, progressive=True)
