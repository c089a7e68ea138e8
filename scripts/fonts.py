"""Copy the theme's typefaces from the npm packages into theme/static/fonts/, so that
the site serves its own fonts and a fresh clone needs no npm to preview it.

Run it after changing a font's version in package.json (the files it writes are
committed):

    npm ci
    .venv/bin/pip install "fonttools[woff]==4.69.1"
    .venv/bin/python scripts/fonts.py

Only the faces and subsets the theme's site.css declares are copied: Source Serif 4
(the reading face) in latin and latin-ext, regular, italic and semibold; and Noto
Nastaliq Urdu in one weight, cut down from the package's whole Arabic script (159 KB)
to the letters, marks, digits and punctuation Urdu is written with (about 103 KB),
which is the one part that needs fonttools. Each face's licence (SIL OFL 1.1) is
copied beside it.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "node_modules" / "@fontsource"
OUT = ROOT / "theme" / "static" / "fonts"

SERIF = "source-serif-4"
SERIF_FILES = [
    f"{subset}-{face}" for subset in ("latin", "latin-ext") for face in ("400-normal", "400-italic", "600-normal")
]

NASTALIQ = "noto-nastaliq-urdu"
# Urdu's alphabet (the Arabic letters it shares and its own: ٹ پ چ ڈ ڑ ژ ک گ ں ھ ہ ۃ ی ے),
# the vowel marks, both sets of digits, its punctuation (، ؛ ؟ ۔) and the joiners and
# direction marks; site.css's unicode-range for the face is this same list.
URDU = (
    "U+060C,U+061B,U+061F,U+0621-063A,U+0640-0655,U+0660-066D,U+0670,U+0679,U+067E,U+0686,"
    "U+0688,U+0691,U+0698,U+06A9,U+06AF,U+06BA-06BB,U+06BE,U+06C0-06C3,U+06CC,U+06D2-06D5,"
    "U+06F0-06F9,U+200C-200F,U+FDF2,U+FDFA"
)


def pinned(name: str) -> str:
    """The version package.json pins, which must be the one installed."""
    wanted = json.loads((ROOT / "package.json").read_text("utf-8"))["devDependencies"][f"@fontsource/{name}"]
    installed = json.loads((PACKAGES / name / "package.json").read_text("utf-8"))["version"]
    if installed != wanted:
        sys.exit(f"node_modules has @fontsource/{name} {installed}, package.json pins {wanted}: run npm ci")
    return wanted


def main() -> None:
    from fontTools import subset  # only this script needs fonttools

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for name in (SERIF, NASTALIQ):
        print(f"@fontsource/{name} {pinned(name)}")
        shutil.copyfile(PACKAGES / name / "LICENSE", OUT / f"{name}-LICENSE.txt")
    for part in SERIF_FILES:
        shutil.copyfile(PACKAGES / SERIF / "files" / f"{SERIF}-{part}.woff2", OUT / f"{SERIF}-{part}.woff2")
    subset.main(
        [
            str(PACKAGES / NASTALIQ / "files" / f"{NASTALIQ}-arabic-400-normal.woff2"),
            f"--unicodes={URDU}",
            "--layout-features=*",  # Nastaliq's joins and stacking are all in its layout tables
            "--flavor=woff2",
            f"--output-file={OUT / f'{NASTALIQ}-urdu-400-normal.woff2'}",
        ]
    )
    for path in sorted(OUT.iterdir()):
        print(f"  {path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
