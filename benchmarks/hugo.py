"""Hugo on the same corpus with one trivial template, for comparison with the floor.

    python benchmarks/hugo.py SITE [--hugo /usr/bin/hugo]

Makes a Hugo project in SITE.hugo/ whose content is the corpus's stories and events
(hard links, so nothing is copied), with one layout like the floor's (title, summary,
body), taxonomies, feeds and list pages turned off, and times one `hugo` build into
a fresh folder. Hugo uses all cores. Prints one line of JSON, as floor.py does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

CONFIG = """baseURL = "https://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]
"""
LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>{{ .Content }}</main></body></html>
"""


def project(site: Path) -> Path:
    root = site.with_name(site.name + ".hugo")
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIG)
    (root / "layouts" / "_default" / "single.html").write_text(LAYOUT)
    for folder in ("stories", "events"):
        target = root / "content" / folder
        target.mkdir(parents=True)
        for path in (site / folder).glob("*.md"):
            (target / path.name).hardlink_to(path)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--hugo", default=shutil.which("hugo") or "/usr/bin/hugo")
    args = parser.parse_args(argv)
    root = project(args.site.resolve())
    out = root / "public"
    started = time.perf_counter()
    subprocess.run([args.hugo, "--source", str(root), "--destination", str(out), "--quiet"], check=True)
    seconds = time.perf_counter() - started
    files = len(list((root / "content").glob("*/*.md")))
    shutil.rmtree(root)
    print(json.dumps({"files": files, "seconds": round(seconds, 4), "ms_per_file": round(1000 * seconds / files, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
