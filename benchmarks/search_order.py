"""Whether an index in shards ranks results as one index would, measured in Chromium.

    python benchmarks/search_order.py SITE_OUTPUT [--query football] [--query ...]

Makes a copy of a built site (hard links) whose search index is one Pagefind bundle
over the same pages, serves both, and for each query (by default twenty common words
of the generated sites) opens /search/?q=WORD in headless Chromium (Debian's, no
download) on each, and compares the first ten results: how many of one's ten are among
the other's, and whether the first is the same. Also prints what a first search
transfers from each (see search_payload.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from search_payload import CHROMIUM, measure, serve

QUERIES = (
    "community",
    "young",
    "football",
    "mediation",
    "faith",
    "council",
    "housing",
    "festival",
    "volunteers",
    "rumours",
    "school",
    "refugees",
    "garden",
    "elders",
    "tenants",
    "music",
    "police",
    "dialogue",
    "market",
    "women",
)


def single_index_copy(site: Path, into: Path) -> Path:
    """The site's pages (hard links) with one Pagefind bundle over them."""
    copy = into / "single"
    shutil.copytree(site, copy, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind*"))
    from pagefind_bin import get_executable

    subprocess.run(
        [
            str(get_executable()),
            "--site",
            str(copy),
            "--glob",
            "{stories,events}/*/index.html",
            "--force-language",
            "en",
            "--quiet",
        ],
        check=True,
    )
    (copy / "pagefind" / "shards.json").write_text("[]\n")
    return copy


def first_ten(browser, base: str, query: str) -> list[str]:
    page = browser.new_context().new_page()
    page.goto(f"{base}/search/?q={quote(query)}")
    page.wait_for_function(
        "() => document.getElementById('search-status').textContent !== ''"
        " && !document.querySelector('.search-results[aria-busy]')"
    )
    found = page.eval_on_selector_all("#search-list > li h3 a", "links => links.map(a => a.getAttribute('href'))")
    page.context.close()
    return found[:10]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder, with its search index")
    parser.add_argument("--query", action="append", help="a query (repeatable); default: twenty common words")
    args = parser.parse_args(argv)
    shards = json.loads((args.site / "pagefind" / "shards.json").read_text())
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(dir=args.site.parent) as tmp:
        single = single_index_copy(args.site, Path(tmp))
        (sharded_server, sharded), (single_server, one) = serve(args.site), serve(single)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                overlaps, same_first = [], 0
                for query in args.query or QUERIES:
                    got, want = first_ten(browser, sharded, query), first_ten(browser, one, query)
                    overlaps.append(len(set(got) & set(want)) / max(1, len(want)))
                    same_first += bool(got and want and got[0] == want[0])
                print(f"{args.site}: {len(shards) + 1} shards against one index, {len(overlaps)} queries")
                print(
                    f"  first ten results in common: {100 * sum(overlaps) / len(overlaps):.0f}% on average, "
                    f"{100 * min(overlaps):.0f}% at worst; the same first result for {same_first} queries"
                )
                for label, folder, base in (("shards", args.site, sharded), ("one index", single, one)):
                    sizes, compressed = measure(browser, folder, base, "community")
                    print(
                        f"  first search for 'community' ({label}): {sum(sizes.values()) / 1024:.1f} KiB as "
                        f"served, {compressed / 1024:.1f} KiB with the scripts gzipped"
                    )
                browser.close()
        finally:
            sharded_server.shutdown()
            single_server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
