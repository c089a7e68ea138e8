"""What pictures cost: time and peak memory to check and make every size of
(a) one 7,000 x 7,000 WebP of a few dozen bytes, (b) six of them, (c) one ordinary
12 MP photo (4,000 x 3,000 JPEG). Each case runs in a fresh process, so that its
peak memory is its own.

    python benchmarks/pictures.py

Prints one line of JSON per case: seconds and peak resident memory in MB. Run it with
PYTHONPATH pointing at another checkout to compare with that one's goodrel_site.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

CASES = {"one huge webp": 1, "six huge webps": 6, "a 12 MP jpeg": 1}


def _pictures(case: str, folder: Path) -> list[Path]:
    if case == "a 12 MP jpeg":
        path = folder / "photo.jpg"
        Image.radial_gradient("L").resize((4000, 3000)).convert("RGB").save(path, "JPEG", quality=90)
        return [path]
    paths = []
    for n in range(CASES[case]):
        path = folder / f"huge-{n}.webp"
        Image.new("RGB", (7000, 7000), (n * 40, 90, 120)).save(path, "WEBP", lossless=True)
        paths.append(path)
    return paths


def _run(case: str) -> None:
    from goodrel_site import images

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _pictures(case, folder)
        (folder / "cache" / "media").mkdir(parents=True)
        start = time.perf_counter()
        for path in paths:
            images.cached(images.plan(path), folder / "cache" / "media")
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": case, "seconds": round(seconds, 2), "peak_mb": round(peak_mb)}))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--case":
        _run(sys.argv[2])
        return
    for case in CASES:
        subprocess.run([sys.executable, __file__, "--case", case], check=True)


if __name__ == "__main__":
    main()
