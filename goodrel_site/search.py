"""The search index: Pagefind, run in-process over exactly the public story and event
pages (they carry their filters, sort keys and metadata as data-pagefind attributes)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

# The output holds only public items, so these are exactly the public stories and
# events. (Redirect pages under these folders have no data-pagefind-body: skipped.)
PAGES = "{stories,events}/*/index.html"


def build_index(out: Path) -> int:
    """Index the written story and event pages into out/pagefind; return the page count."""
    return asyncio.run(_index(out))


async def _index(out: Path) -> int:
    # One add_directory call: Pagefind reads the files itself. (Adding pages one by one
    # costs a 0.1 s polling round trip each in the Python API.)
    bundle = str(out / "pagefind")
    async with PagefindIndex(config=IndexConfig(output_path=bundle)) as index:  # writes on exit
        result = await index.add_directory(str(out), glob=PAGES)
    return result["page_count"]
