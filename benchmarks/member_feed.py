"""What a member's network feed (/data/network.json) costs its builds: the same
generated site built with half its stories offered to the network (generate.py's) and
with none, each as a clean build (no cache, no search index: what a CI run without a
kept cache does) and as a rebuild after one offered story's text is edited.

    python benchmarks/member_feed.py                  # 1,000 stories, 3 runs each
    python benchmarks/member_feed.py --sizes 1000 5000 --runs 5

Prints a Markdown table of medians in processor seconds (the build's and its render
workers'), with the stories offered and the feed's
size; the difference between the two rows of a kind is what the feed costs.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import shutil
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from goodrel_site.network import feed  # noqa: E402
from goodrel_site.options import Options  # noqa: E402
from goodrel_site.pipeline import build  # noqa: E402
from goodrel_site.records import FOLDER  # noqa: E402

BUILD_DATE = date(2026, 11, 28)
OFFERED = "  network: true\n"  # (how generate.py's YAML writes it)


def _generate():
    spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def timed(root: Path, out: Path, cache: bool) -> float:
    """The build's processor seconds, its own and its render workers' (a machine shared
    with other work stretches its wall-clock time, not these)."""
    start = _cpu()
    build(Options(site=root, out=out, now=BUILD_DATE, search=False, cache=cache))
    return _cpu() - start


def _cpu() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def measure(root: Path, edited: Path, runs: int) -> tuple[list[float], list[float]]:
    """Clean builds, and rebuilds after an edit of `edited`'s text, each `runs` times."""
    clean, edit = [], []
    text = edited.read_text("utf-8")
    for run in range(runs):
        shutil.rmtree(root / FOLDER, ignore_errors=True)
        clean.append(timed(root, root.parent / f"{root.name}-clean", cache=False))
        timed(root, root / "public", cache=True)  # (the cache the edit is built against)
        edited.write_text(text + f"\nA sentence added, the {run}th.\n", "utf-8")
        edit.append(timed(root, root / "public", cache=True))
        edited.write_text(text, "utf-8")
    return clean, edit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| stories | offered | feed | clean build, no search (CPU s) | one offered story's text edited (CPU s) |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="goodrel-feed-bench-") as folder:
        for size in args.sizes:
            offering = Path(folder) / f"{size}-offering"
            _generate()(offering, stories=size, events=size // 50, seed=7)
            alone = Path(folder) / f"{size}-alone"
            shutil.copytree(offering, alone, symlinks=True)
            for story in (alone / "stories").glob("*.md"):
                story.write_text(story.read_text("utf-8").replace(OFFERED, ""), "utf-8")
            edited = next(p for p in sorted((offering / "stories").glob("*.md")) if OFFERED in p.read_text("utf-8"))
            for root in (offering, alone):
                clean, edit = measure(root, root / "stories" / edited.name, args.runs)
                written = (root / "public" / feed.PATH.lstrip("/")).read_bytes()
                offered = written.count(b'{"id": ')
                print(
                    f"| {size:,} | {offered:,} | {len(written) / 1e6:.1f} MB | "
                    f"{statistics.median(clean):.2f} | {statistics.median(edit):.2f} |"
                )


if __name__ == "__main__":
    main()
