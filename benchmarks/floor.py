"""The floor: the least work any Python generator must do for a site, timed on the
same corpus as the real build, to say how close the build comes to it.

    python benchmarks/floor.py SITE [--jobs N] [--out DIR]

For every Markdown file under SITE/stories and SITE/events: read it, split the front
matter, load it with PyYAML (libyaml's safe loader), render the body with
markdown-it-py (CommonMark), fill one trivial autoescaped Jinja template and write
the page. With --jobs above 1 the files are shared among forked worker processes in
chunks, as the build does. Prints one line of JSON: files, seconds, ms per file.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ meta.title }}</title></head>
<body><main><h1>{{ meta.title }}</h1><p>{{ meta.summary }}</p>{{ body }}</main></body></html>
"""

_state: tuple | None = None


def _setup(out: Path) -> None:
    global _state
    env = jinja2.Environment(autoescape=True)
    _state = (MarkdownIt("commonmark"), env.from_string(TEMPLATE), out)


def _page(path: str) -> None:
    md, template, out = _state
    text = Path(path).read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=yaml.CSafeLoader)
    html = template.render(meta=meta, body=jinja2.utils.markupsafe.Markup(md.render(body)))
    target = out / Path(path).parent.name / Path(path).stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, "utf-8")


def _chunk(paths: list[str]) -> int:
    for path in paths:
        _page(path)
    return len(paths)


def run(site: Path, out: Path, jobs: int) -> int:
    paths = sorted(str(p) for folder in ("stories", "events") for p in (site / folder).glob("*.md"))
    if jobs <= 1:
        _setup(out)
        return _chunk(paths)
    size = max(1, min(200, len(paths) // (jobs * 4)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    with multiprocessing.get_context("fork").Pool(jobs, _setup, (out,)) as pool:
        return sum(pool.imap_unordered(_chunk, chunks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--out", type=Path, help="where to write (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="floor-"))
    started = time.perf_counter()
    files = run(args.site, out, args.jobs)
    seconds = time.perf_counter() - started
    if args.out is None:
        shutil.rmtree(out)
    print(
        json.dumps(
            {
                "files": files,
                "jobs": args.jobs,
                "seconds": round(seconds, 4),
                "ms_per_file": round(1000 * seconds / files, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
