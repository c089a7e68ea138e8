"""What shared measures and local areas cost a build: a generated site built as it is,
then with every story and event given an area (a district of its region) and two
outcomes that name measures, medians of several full builds without the search index.

    python benchmarks/measures.py                  # 2,000 stories, 3 runs each
    python benchmarks/measures.py --stories 5000 --runs 5
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402
from goodrel_site.areas import areas  # noqa: E402

MEASURED = (
    ("get-on-well", "self-reported"),
    ("social-bridges", "observed"),
    ("influence-local-decisions", "evaluated"),
)


def add_measures(root: Path, seed: int = 1) -> int:
    """Give every story and event of a generated site an area and two outcomes; how many
    files were changed."""
    rng = random.Random(seed)
    by_region: dict[str, list[str]] = {}
    for area in areas().values():
        by_region.setdefault(area.region, []).append(area.key)
    changed = 0
    for path in sorted((root / "stories").glob("*.md")) + sorted((root / "events").glob("*.md")):
        text = path.read_text("utf-8")
        region = re.search(r"^region: (\S+)$", text, re.M)
        if region is None or region[1] not in by_region:
            continue
        head, _, body = text[4:].partition("\n---\n")
        items = []
        for measure, evidence in rng.sample(MEASURED, 2):
            baseline = rng.randint(20, 70)
            items += [  # (unindented, as the generator writes its lists)
                f"- indicator: {measure} among participants",
                f"  measure: {measure}",
                f"  value: {baseline + rng.randint(0, 25)}",
                f"  baseline: {baseline}",
                f"  evidence: {evidence}",
            ]
        area = f"area: {rng.choice(by_region[region[1]])}"
        if re.search(r"^outcomes:\s*$", head, re.M):  # before the outcomes it has
            head = re.sub(r"^outcomes:\s*$", "\n".join([area, "outcomes:", *items]), head, count=1, flags=re.M)
        else:
            head = "\n".join([head.rstrip("\n"), area, "outcomes:", *items])
        path.write_text("---\n" + head.rstrip("\n") + "\n---\n" + body, "utf-8")
        changed += 1
    return changed


def timed_build(root: Path) -> float:
    out = root.parent / f"{root.name}-out"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root / ".goodrel-cache", ignore_errors=True)
    start = time.perf_counter()
    command = [str(Path(sys.executable).parent / "goodrel"), "build", "--site", str(root), "--out", str(out)]
    subprocess.run([*command, "--no-search", "--quiet", "--now", "2026-11-28"], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/goodrel-measures-bench"))
    args = parser.parse_args()
    plain, measured = args.work / "plain", args.work / "measured"
    for root in (plain, measured):
        shutil.rmtree(root, ignore_errors=True)
        generate(root, stories=args.stories, events=args.stories // 20, seed=7)
    files = add_measures(measured)
    print(f"{args.stories} stories, {args.stories // 20} events; {files} files given an area and two measures")
    print("| site | median full build s (no search) | runs |")
    print("|---|---:|---|")
    for name, root in (("as generated", plain), ("with areas and measures", measured)):
        runs = [timed_build(root) for _ in range(args.runs)]
        print(f"| {name} | {statistics.median(runs):.2f} | {', '.join(f'{r:.2f}' for r in runs)} |")


if __name__ == "__main__":
    main()
