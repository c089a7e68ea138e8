"""Hostile front matter under 64 KB: how long `check`, `build` and `serve` take to load
or refuse it, and their peak memory. Target (docs/security.md): under 1 s and 200 MB
each. Run by hand:

    .venv/bin/python benchmarks/front_matter.py [--runs N]

Each case is one story in a small site (the bundled site.yaml and theme). For each
command: the whole process's wall time and peak resident memory (its rusage), and, for
serve, the load time it prints itself. The commands' own start-up (Python and the
imports) is in the wall time; the load time alone is the 'serve load' column."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serve_edit import free_port

REPO = Path(__file__).resolve().parent.parent
HEAD = (
    "title: Hostile\nsummary: S\ndate: 2014-03-01\nstatus: published\ncategories: [common-purpose]\n"
    "region: london\nconsent: {status: given, date: 2014-01-10}\n"
)
LIMIT = 64 * 1024 - 1


def _fill(make) -> str:
    """The largest text `make(n)` gives that stays under 64 KB (found by doubling, then
    halving: never a text much larger than that is made, so that this process stays
    small; its children inherit its peak memory in their figures)."""
    high = 1
    while len(make(high)) <= LIMIT:
        high *= 2
    low = high // 2
    while low + 1 < high:
        mid = (low + high) // 2
        low, high = (mid, high) if len(make(mid)) <= LIMIT else (low, mid)
    return make(low)


def bomb(levels: int) -> str:
    return "".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(levels))


CASES = {
    "ordinary story": lambda: HEAD + "place: Leeds\ntags: [a, b]\n",
    "alias bomb, 600 bytes": lambda: HEAD + bomb(10),
    "alias bomb, 64 KB": lambda: _fill(lambda n: HEAD + bomb(10) + "x: [" + ", ".join(["*b9"] * n) + "]\n"),
    "flow nesting 900 deep": lambda: HEAD + "tags: " + "[" * 900 + "]" * 900 + "\n",
    "block nesting, 64 KB": lambda: _fill(lambda n: HEAD + "".join(" " * i + "a:\n" for i in range(n))),
    "one 64 KB text": lambda: _fill(lambda n: HEAD + "place: " + "x" * n + "\n"),
    "one list, 64 KB": lambda: _fill(lambda n: HEAD + "tags: [" + ", ".join(["t"] * n) + "]\n"),
    "list of mappings, 64 KB": lambda: _fill(lambda n: HEAD + "outcomes:\n" + "  - {indicator: a, value: 1}\n" * n),
    "64 KB of unknown keys": lambda: _fill(lambda n: HEAD + "".join(f"k{i}: v\n" for i in range(n))),
    "a 64 KB number": lambda: _fill(lambda n: HEAD + "outcomes: [{indicator: a, value: " + "9" * n + "}]\n"),
    "20-digit numbers, 64 KB": lambda: _fill(
        lambda n: HEAD + "outcomes:\n" + "  - {indicator: a, value: 99999999999999999999}\n" * n
    ),
    "anchors without aliases": lambda: _fill(lambda n: HEAD + "".join(f"k{i}: &a{i} v\n" for i in range(n))),
    "escaped control characters": lambda: _fill(lambda n: HEAD + 'place: "' + "\\x07" * n + '"\n'),
}


def site(folder: Path, front: str) -> Path:
    root = folder / "site"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "stories").mkdir()
    (root / "stories" / "hostile.md").write_text(f"---\n{front}---\n\nBody.\n", "utf-8")
    return root


def measured(command: list[str], until: str | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and output of one process (for serve: until it
    prints `until`, then stopped)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = ""
    if until:
        for line in process.stdout:
            output += line
            if re.search(until, line):
                break
        seconds = time.perf_counter() - started
        process.send_signal(signal.SIGTERM)
        output += process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if not until:
        seconds = time.perf_counter() - started
        output = process.stdout.read()
    return seconds, usage.ru_maxrss / 1024, output


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--runs", type=int, default=3)
    runs = options.parse_args().runs
    goodrel = [sys.executable, str(REPO / "build.py")]
    print(
        f"{'case':28} {'bytes':>6} | {'check s':>7} {'MB':>4} | {'build s':>7} {'MB':>4} | "
        f"{'serve s':>7} {'MB':>4} {'load':>5} | result"
    )
    for name, make in CASES.items():
        front = make()
        assert len(front) <= LIMIT, name
        with tempfile.TemporaryDirectory() as folder:
            root = site(Path(folder), front)
            rows = []
            for _ in range(runs):
                shutil.rmtree(root / ".goodrel-cache", ignore_errors=True)  # a build from scratch
                shutil.rmtree(Path(folder) / "out", ignore_errors=True)
                check = measured(goodrel + ["check", "--site", str(root), "--now", "2026-11-28"])
                build = measured(
                    goodrel
                    + [
                        "build",
                        "--site",
                        str(root),
                        "--out",
                        str(Path(folder) / "out"),
                        "--now",
                        "2026-11-28",
                        "--no-search",
                        "--jobs",
                        "1",
                    ]
                )
                serve = measured(
                    goodrel + ["serve", "--site", str(root), "--port", str(free_port())], until=r"^(Ready|Failed) .*"
                )
                load = float(re.search(r"(?:Ready in |Failed \()([0-9.]+) s", serve[2])[1])
                rows.append((check, build, serve, load))
            result = next((line for line in check[2].splitlines() if "stories/hostile.md" in line), "loaded")
            med = statistics.median
            print(
                f"{name:28} {len(front):>6} | {med(r[0][0] for r in rows):7.2f} {max(r[0][1] for r in rows):4.0f} | "
                f"{med(r[1][0] for r in rows):7.2f} {max(r[1][1] for r in rows):4.0f} | "
                f"{med(r[2][0] for r in rows):7.2f} {max(r[2][1] for r in rows):4.0f} "
                f"{med(r[3] for r in rows):5.2f} | {result[:90]}",
                flush=True,
            )


if __name__ == "__main__":
    main()
