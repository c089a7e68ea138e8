"""One content file's text in hostile shapes (issue 19, class 7): how long rendering
it takes and its peak memory, at growing sizes, to see which grow faster than the
text. Run by hand:

    .venv/bin/python benchmarks/markdown_shapes.py                      # 100 KB to 800 KB
    .venv/bin/python benchmarks/markdown_shapes.py --sizes 10000000     # the file limit
    .venv/bin/python benchmarks/markdown_shapes.py --shapes table stars --build

Each measurement is a fresh process (its own rusage: wall time and peak resident
memory, Python's start-up and imports included), making the text itself and rendering
it with markdown.render as a page does (plain text included); with --build, the whole
`build` (search included) of a site of one story with that text. The ratio column is
the time over the previous size's: about 2 for each doubling is linear. A text past
limits.MARKDOWN_PIECES is refused at a line, after bounded work, whatever its size.
tests/test_markdown_shapes.py uses the shapes below."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STORY = """\
---
title: A shape
summary: One story of one shape.
date: 2014-03-01
status: published
categories: [common-purpose]
region: london
consent: {status: given, date: 2014-01-10}
---

"""
PROSE = (
    "Neighbours met in the *community hall* on Tuesday evenings, and **everyone** was welcome,\n"
    "whatever their language; the `tea urn` was always on and [the notes](https://example.org/notes)\n"
    "were shared afterwards.\n\n"
)


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: unit * max(1, n // len(unit))


def _story(n: int) -> str:
    """Prose as stories are written: headings, paragraphs, lists, a quotation, a table."""
    section = (
        "## What happened\n\n"
        + PROSE * 6
        + "- the first thing\n- the second thing\n- the third thing\n\n"
        + "> We did not expect so many people.\n\n"
        + "| when | who |\n|---|---|\n| May | 30 people |\n| June | 45 people |\n\n"
    )
    return _repeat(section)(n)


SHAPES: dict[str, Callable[[int], str]] = {
    # What texts are: these must render.
    "prose": _repeat(PROSE),
    "story": _story,
    "long lines": _repeat("word " * 2000 + "\n\n"),
    # One piece of Markdown for every few characters.
    "table": lambda n: "|a|b|c|d|\n|-|-|-|-|\n" + _repeat("|a|b|c|d|\n")(n),
    "wide table": lambda n: "|a" * (n // 4) + "|\n" + "|-" * (n // 4) + "|\n",
    "empty cells": lambda n: "|" + "a|" * 256 + "\n|" + "-|" * 256 + "\n" + _repeat("|\n")(n),
    "list items": _repeat("- a\n"),
    "numbered items": _repeat("1. a\n"),
    "quoted lists": _repeat("> - a\n"),
    "nested lists": _repeat("".join("  " * depth + "- a\n" for depth in range(30))),
    "nested quotes": lambda n: ">" * n + " a\n",
    "headings": _repeat("## Same\n\n"),
    "underlined headings": _repeat("a\n=\n"),
    "short lines": _repeat("a\n"),
    "empty lines": _repeat("\n"),
    "hard breaks": _repeat("a  \n"),
    "pull quotes": _repeat("[pull quote]\n\n"),
    # Runs of one mark: each a delimiter, a bracket or a place the rules try.
    "*_": _repeat("*_"),
    "stars": lambda n: "a" + "*" * n + "a",
    "emphasis": _repeat("*a* "),
    "open emphasis": _repeat("_a "),
    "[": _repeat("["),
    "![": _repeat("!["),
    "[a](": _repeat("[a]("),
    "<": _repeat("<"),
    "backticks": lambda n: "".join("`" * (i % 50 + 1) + " " for i in range(n // 26)),
    "&amp;": _repeat("&amp;"),
    "<b>": _repeat("<b>"),
    # Links, references and notes.
    "links": _repeat("[a](https://example.org/) "),
    "autolinks": _repeat("<https://example.org> "),
    "link references": lambda n: "".join(f"[r{i}]: /u{i}\n" for i in range(n // 14)),
    "footnotes": lambda n: "".join(f"x[^{i}]\n\n[^{i}]: n\n\n" for i in range(n // 20)),
    "images": _repeat("![a](photo.jpg) "),
}


def one(shape: str, size: int) -> None:
    """In the measured process: make the text and render it; print what came of it."""
    sys.path.insert(0, str(REPO))
    from goodrel_site import markdown

    text = SHAPES[shape](size)
    result = markdown.render("story.md", text, 1, markdown._NOWHERE)
    errors = [p for p in result.problems if "pieces of Markdown" in p.message]
    print(f"refused at line {errors[0].line}" if errors else "rendered")


def build(shape: str, size: int, work: Path) -> list[str]:
    """A site of one story with the text, and the command that builds it."""
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "stories").mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    (site / "stories" / "shape.md").write_text(STORY + SHAPES[shape](size), "utf-8")
    out = ["--out", str(work / "out"), "--now", "2026-11-28", "--quiet"]
    return [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), *out]


def measure(command: list[str]) -> tuple[float, float, str]:
    """Wall time, peak memory (MB) and the last line said, of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    last = (said.strip().splitlines() or ["(nothing)"])[-1]
    return time.perf_counter() - started, usage.ru_maxrss / 1024, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES), metavar="SHAPE")
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 200_000, 400_000, 800_000])
    parser.add_argument("--build", action="store_true", help="time whole builds, not the rendering alone")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # (the measured process)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]))
        return
    print("| shape | size | seconds | ratio | peak MB | result |")
    print("|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="goodrel-shapes-") as folder:
        for shape in args.shapes:
            previous = None
            for size in args.sizes:
                if args.build:
                    command = build(shape, size, Path(folder))
                else:
                    command = [sys.executable, __file__, "--one", shape, str(size)]
                seconds, peak, said = measure(command)
                ratio = f"{seconds / previous:.1f}" if previous else ""
                print(f"| {shape} | {size:,} | {seconds:.2f} | {ratio} | {peak:.0f} | {said[:90]} |", flush=True)
                previous = seconds


if __name__ == "__main__":
    main()
