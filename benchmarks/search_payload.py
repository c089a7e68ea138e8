"""Bytes a first search transfers, measured in Chromium.

    python benchmarks/search_payload.py SITE_OUTPUT [--query football] [--query ...]

Serves a built site (any output folder with a search index) on localhost, opens
/search/?q=WORD in a fresh headless Chromium (Debian's, no download) with an empty
cache, waits until the results are shown, and sums the bodies of every response for
/pagefind/ and the shards' /pagefind-<digest>/ (page and worker requests alike, counted
by the files' sizes): the scripts, the WebAssembly, the metadata, the index and filter
chunks and the fragments of the first page of results. Each query is measured in its own fresh browser context, then
browsing with no query at all.

The local server sends files as they are. Pagefind's index files and WebAssembly are
compressed already; its scripts are not, so the second figure is what a server that
gzips text (as most do) would send.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import shutil
import sys
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
KINDS = (
    ("fragment/", "fragments"),
    ("index/", "index chunks"),
    ("filter/", "filter chunks"),
    (".pf_meta", "metadata"),
    ("wasm", "WebAssembly"),
    (".js", "script"),
    (".json", "entry"),
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def kind(path: str) -> str:
    return next((name for marker, name in KINDS if marker in path), "other")


def measure(browser, site: Path, base: str, query: str | None) -> tuple[Counter, int]:
    """Bytes per kind of /pagefind/ file for one first search in an empty browser, and
    the same total as a compressing server would send it."""
    context = browser.new_context()
    page = context.new_page()
    paths: set[str] = set()
    # Requests from the page and from Pagefind's worker alike.
    context.on("request", lambda request: paths.add(urlsplit(request.url).path))
    page.goto(base + "/search/" + (f"?q={quote(query)}" if query else ""))
    page.wait_for_function(
        "() => document.getElementById('search-status').textContent !== ''"
        " && !document.querySelector('.search-results[aria-busy]')"
    )
    page.wait_for_timeout(500)  # let any request still in flight land
    context.close()
    sizes: Counter = Counter()
    compressed = 0
    for path in sorted(p for p in paths if p.startswith("/pagefind")):  # (/pagefind-<digest>/: shards)
        data = (site / path.lstrip("/")).read_bytes()
        sizes[kind(path)] += len(data)
        # Pagefind's index files and WebAssembly are gzipped already; text is not.
        compressed += len(gzip.compress(data, 6)) if path.endswith((".js", ".json")) else len(data)
    return sizes, compressed


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A quiet local server for a built site, in a thread; it and its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder (with pagefind/)")
    parser.add_argument("--query", action="append", help="a query to measure (repeatable); default: football")
    args = parser.parse_args(argv)
    if not (args.site / "pagefind" / "pagefind.js").exists():
        parser.error(f"{args.site} has no pagefind/ index: build it with search")
    pages = sum(1 for bundle in args.site.glob("pagefind*") for _ in (bundle / "fragment").iterdir())

    from playwright.sync_api import sync_playwright

    server, base = serve(args.site)
    print(f"{args.site}: {pages} pages indexed")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for query in (args.query or ["football"]) + [None]:
                sizes, compressed = measure(browser, args.site, base, query)
                parts = ", ".join(f"{name} {size / 1024:.1f}" for name, size in sizes.most_common())
                label = f"q={query!r}" if query else "browse (no query)"
                print(
                    f"  {label}: {sum(sizes.values()) / 1024:.1f} KiB from /pagefind/ as served "
                    f"({parts}); {compressed / 1024:.1f} KiB with the scripts gzipped"
                )
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
