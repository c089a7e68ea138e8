"""How long a saved edit takes to appear in `serve`: from writing a story file to the
preview serving the changed page, and to the search index catching up.

    python benchmarks/serve_edit.py [--stories 5000] [--runs 7]

Runs `build.py serve` on a copy of the bundled site and on a generated site of
--stories stories (benchmarks/generate.py), edits one story's title --runs times,
polling the page every 10 ms, and prints the median, fastest and slowest times. The
search index is waited for between edits, as an editor pausing to read would.
Run by hand; timings are kept out of the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_for(condition, timeout: float, step: float = 0.01) -> float:
    """Seconds until condition() holds (polling every `step`), or raise."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError
        time.sleep(step)
    return time.perf_counter() - started


def measure(site: Path, runs: int) -> dict:
    port, log = free_port(), site.parent / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--site", str(site), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        startup = wait_for(lambda: "Previewing" in log.read_text(), timeout=900, step=0.1)

        def search() -> tuple[int, bytes]:
            """The index as a reader's browser finds it: the primary bundle's entry and
            the list of the other shards (a shard indexed again gets a new folder)."""
            status, entry = get(port, "/pagefind/pagefind-entry.json")
            return status, entry + get(port, "/pagefind/shards.json")[1]

        wait_for(lambda: search()[0] == 200, timeout=900, step=0.1)
        story = next(p for p in sorted((site / "stories").glob("*.md")) if get(port, f"/stories/{p.stem}/")[0] == 200)
        url, original = f"/stories/{story.stem}/", story.read_text("utf-8")
        pages, indexes = [], []
        for run in range(runs):
            marker = f"Edited for the benchmark, run {run}"
            index_before = search()[1]
            started = time.perf_counter()
            story.write_text(re.sub(r"(?m)^title: .*$", f"title: {marker}", original, count=1), "utf-8")
            wait_for(lambda marker=marker: marker.encode() in get(port, url)[1], timeout=600)
            pages.append(time.perf_counter() - started)
            wait_for(lambda before=index_before: search()[1] != before, timeout=600, step=0.05)
            indexes.append(time.perf_counter() - started)
        story.write_text(original, "utf-8")
        loads = [float(s) for s in re.findall(r"Ready in ([0-9.]+) s", log.read_text())]
        return {
            "startup": startup,
            "first load": loads[0],
            "page": pages,
            "search": indexes,
            "reloads": loads[1 : 1 + runs],
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def bundled_copy(folder: Path) -> Path:
    site = folder / "bundled"
    site.mkdir()
    shutil.copy(REPO / "site.yaml", site)
    for name in ("stories", "events", "pages", "theme"):
        shutil.copytree(REPO / name, site / name)
    return site


def generated(folder: Path, stories: int) -> Path:
    site = folder / f"generated-{stories}"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "generate.py"),
            str(site),
            "--stories",
            str(stories),
            "--copy-theme",
        ],
        check=True,
    )
    return site


def report(name: str, pages: int, found: dict) -> None:
    def spread(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s (fastest {min(values):.2f}, slowest {max(values):.2f})"

    print(f"\n{name}: {pages} story files")
    print(f"  start-up to serving: {found['startup']:.1f} s (reading the site {found['first load']:.1f} s)")
    print(f"  edit to page served: {spread(found['page'])}")
    print(f"  of which reading the change: {spread(found['reloads'])}")
    print(f"  edit to search index updated: {spread(found['search'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=5000, help="size of the generated site")
    parser.add_argument("--runs", type=int, default=7, help="edits per site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-edit-") as tmp:
        for site in (bundled_copy(Path(tmp)), generated(Path(tmp), args.stories)):
            found = measure(site, args.runs)
            report(site.name, len(list((site / "stories").glob("*.md"))), found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
