"""Time the build against Hugo + Pagefind and against the floor, on generated sites, as
medians of several runs.

    python benchmarks/run.py                    # 1,000 and 5,000 stories, 3 runs each
    python benchmarks/run.py --sizes 5000 --runs 5
    python benchmarks/run.py --large            # adds 50,000 stories (slow: about an hour)

For each size it generates (once, deterministically) a site under --work, then times
in fresh subprocesses: the floor on all cores (floor.py); Debian's Hugo, if `hugo` is
installed (hugo.py), alone and followed by Pagefind (a full rebuild, what Hugo does for
any edit), both in the setup this benchmark used before and as a peer runs it (Hugo's
defaults, Pagefind over the articles it marks), the latter alternating run by run with
our clean build with search, so that both see the same machine; our full build
without the search index; a rebuild with nothing changed (which finds that it has
nothing to do); an edit to one story's text and one to its title, each built and then
put back; and, with search (the default build): a clean full build (no cache, no
earlier output), a rebuild with nothing changed, a story saved unchanged (its times
change, its text does not), and the two edits again. Peak memory is the largest
resident set of any one process (its peak resident set, from getrusage), and the sum
over the build's process tree (proportional set size, so pages shared by forked
workers count once), sampled from /proc every 50 ms.
Prints a Markdown table: seconds, and the ratios to Hugo + Pagefind and to the
all-cores floor measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NOW = "2026-11-28"
HUGO = "Hugo, its defaults and a plain layout"
HUGO_PAGEFIND = "Hugo + Pagefind, full rebuild (Pagefind over the marked articles)"
HUGO_BARE = "Hugo, earlier setup (one layout, lists and feeds off)"
HUGO_PAGEFIND_BARE = "Hugo + Pagefind, earlier setup (Pagefind over every page, unmarked)"
CLEAN_WITH_SEARCH = "full build, with search (clean: no cache, no spare)"


def _tree_pss(pid: int) -> int:
    """Proportional resident memory (bytes) of a process and all its descendants: pages
    shared by forked workers count once in all, not once per process."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def measure(argv: list[str], cwd: Path = REPO) -> dict:
    """Run a command; its wall time, the largest single-process peak RSS (from a fresh
    wrapper's RUSAGE_CHILDREN, so earlier runs do not count) and the sampled peak
    memory of the whole process tree."""
    wrapper = (
        "import resource, subprocess, sys, json, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "t = time.perf_counter() - t\n"
        "print(json.dumps({'rc': r.returncode, 'seconds': t, 'stderr': r.stderr.decode()[-2000:],"
        " 'max_rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))\n"
    )
    load = os.getloadavg()[0]  # (the machine's business just before: printed beside each figure)
    proc = subprocess.Popen([sys.executable, "-c", wrapper, *argv], cwd=cwd, stdout=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_pss(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    result = json.loads(out)
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result['stderr']}")
    result["tree_pss"] = peak
    result["load"] = load
    return result


def build_cmd(site: Path, out: Path, search: bool, jobs: int | None = None) -> list[str]:
    cmd = [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--out", str(out), "--now", NOW]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    return cmd + ([] if search else ["--no-search"])


def clear_cache(site: Path) -> None:
    shutil.rmtree(site / ".goodrel-cache", ignore_errors=True)


def story_to_edit(site: Path, run: int) -> Path:
    stories = sorted((site / "stories").glob("*.md"))
    return stories[(run * 7919) % len(stories)]


def bench_size(n: int, runs: int, work: Path, search: bool) -> list[dict]:
    site = work / f"site-{n}"
    stamp = site / ".generated"
    if not stamp.exists() or stamp.read_text().strip() != str(n):
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(site), "--stories", str(n)], check=True)
        stamp.write_text(str(n))
    if (site / "theme").is_symlink():  # (made by an earlier version of generate.py)
        (site / "theme").unlink()
    out = work / f"out-{n}"
    files = len(list((site / "stories").glob("*.md"))) + len(list((site / "events").glob("*.md")))
    rows = []

    def row(what: str, results: list[dict]) -> dict:
        seconds = statistics.median(r["seconds"] for r in results)
        found = {
            "stories": n,
            "what": what,
            "seconds": seconds,
            "ms_per_story": 1000 * seconds / files,
            "max_rss": max(r["max_rss"] for r in results),
            "tree_pss": max(r["tree_pss"] for r in results),
            "load": max(r["load"] for r in results),
            "runs": [round(r["seconds"], 3) for r in results],
        }
        rows.append(found)
        print(f"  {what}: {seconds:.2f} s (runs {found['runs']})", file=sys.stderr, flush=True)
        return found

    floor_out = work / f"floor-{n}"

    def floor(*extra: str) -> dict:
        shutil.rmtree(floor_out, ignore_errors=True)  # the floor writes into a new folder
        return measure([sys.executable, str(HERE / "floor.py"), str(site), "--out", str(floor_out), *extra])

    row("floor, all cores", [floor() for _ in range(runs)])
    hugo = shutil.which("hugo")

    def clean_build(with_search: bool) -> dict:
        clear_cache(site)  # a clean build: no cache and no earlier output to replace
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out.parent / f".{out.name}.goodrel-spare", ignore_errors=True)
        return measure(build_cmd(site, out, with_search))

    def clean_builds(with_search: bool) -> list[dict]:
        return [clean_build(with_search) for _ in range(runs)]

    if hugo:
        sys.path.insert(0, str(HERE))
        from hugo import peer_command, project

        for bare in (True, False):  # the earlier setup, then the peer's (hugo.py)
            root = project(site, bare)
            alone, with_search, ours = [], [], []
            for _ in range(runs):
                shutil.rmtree(root / "public", ignore_errors=True)
                alone.append(measure(peer_command(hugo, root, search=False)))
            row(HUGO_BARE if bare else HUGO, alone)
            if search:
                for _ in range(runs):  # alternating with our clean build, so both see the same machine
                    shutil.rmtree(root / "public", ignore_errors=True)
                    with_search.append(measure(peer_command(hugo, root, search=True)))
                    if not bare:
                        ours.append(clean_build(True))
                row(HUGO_PAGEFIND_BARE if bare else HUGO_PAGEFIND, with_search)
                if ours:
                    row(CLEAN_WITH_SEARCH + ", alternating with Hugo + Pagefind", ours)
            shutil.rmtree(root)

    def edited(how, with_search: bool, offset: int) -> list[dict]:
        """A story changed, built (timed), then put back and built again (untimed)."""
        results = []
        for run in range(runs):
            path = story_to_edit(site, run + offset)
            original = path.read_text("utf-8")
            path.write_text(how(original, run), "utf-8")
            try:
                results.append(measure(build_cmd(site, out, with_search)))
            finally:
                path.write_text(original, "utf-8")
                measure(build_cmd(site, out, with_search))
        return results

    def text(original: str, run: int) -> str:
        return original + f"\nA sentence added in edit {run}.\n"

    def title(original: str, run: int) -> str:
        return original.replace("\ntitle: ", f"\ntitle: Edited {run} ", 1)

    row("full build, no search", clean_builds(False))
    row("rebuild, nothing changed", [measure(build_cmd(site, out, False)) for _ in range(runs)])
    row("one story's text edited, no search", edited(text, False, 0))
    row("one story's title edited, no search", edited(title, False, runs))
    if search:
        row(CLEAN_WITH_SEARCH, clean_builds(True))
        row("rebuild with search, nothing changed", [measure(build_cmd(site, out, True)) for _ in range(runs)])
        touched = []
        for run in range(runs):
            os.utime(story_to_edit(site, run))  # saved again as it was: nothing to render
            touched.append(measure(build_cmd(site, out, True)))
        row("one story saved unchanged, with search", touched)
        row("one story's text edited, with search (default build)", edited(text, True, 2 * runs))
        row("one story's title edited, with search (default build)", edited(title, True, 3 * runs))
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| stories | what | median s | × Hugo + Pagefind | × floor (all cores) | peak memory, largest process"
        " | peak memory, all processes | load average before (highest) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    floors = {r["stories"]: r["seconds"] for r in rows if r["what"] == "floor, all cores"}
    hugos = {r["stories"]: r["seconds"] for r in rows if r["what"] == HUGO_PAGEFIND}
    for r in rows:
        versus = f"{r['seconds'] / hugos[r['stories']]:.2f}" if r["stories"] in hugos else "–"
        lines.append(
            f"| {r['stories']:,} | {r['what']} | {r['seconds']:.2f} | {versus} | "
            f"{r['seconds'] / floors[r['stories']]:.2f} | {r['max_rss'] / 2**20:,.0f} MB | "
            f"{r['tree_pss'] / 2**20:,.0f} MB | {r['load']:.1f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{len(os.sched_getaffinity(0))} cores ({cpu}), {memory:.0f} GB memory, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"load average before the run {os.getloadavg()[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--large", action="store_true", help="also 50,000 stories")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-search", dest="search", action="store_false", help="skip the search-index rows")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/goodrel-bench"),
        help="where generated sites and outputs go (default: %(default)s)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    sizes = args.sizes + ([50_000] if args.large and 50_000 not in args.sizes else [])
    args.work.mkdir(parents=True, exist_ok=True)
    header = machine()
    print(header, file=sys.stderr)
    rows = []
    started = time.perf_counter()
    for n in sizes:
        print(f"{n} stories:", file=sys.stderr, flush=True)
        rows += bench_size(n, args.runs if n < 50_000 else max(1, min(args.runs, 2)), args.work, args.search)
    if args.json:
        args.json.write_text(json.dumps({"machine": header, "rows": rows}, indent=2))
    print(f"Machine: {header}. Medians of {args.runs} runs; all in {time.perf_counter() - started:.0f} s.\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
