"""The search index: Pagefind, run in-process over exactly the public story and event
pages (they carry their filters, sort keys and metadata as data-pagefind attributes)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from .site import Site

# The output holds only public items, so these are exactly the public stories and
# events. (Redirect pages under these folders have no data-pagefind-body: skipped.)
PAGES = "{stories,events}/*/index.html"
# Pagefind also writes its ready-made interfaces (about 400 KB); the search page uses
# only the JavaScript API, so they are not published.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# A word on every indexed page (hidden from readers), so that browsing with no query is
# a search for it. Pagefind's own filter-only search, search(null), fetches every chunk
# of the word index: 12 MB for 5,000 stories, where this word's chunk is about 30 KB.
EVERY_PAGE_WORD = "goodrelpage"
# The index's filters (named as in the search page's URL) and the vocabulary each
# takes its keys from.
VOCABULARY_FILTERS = (("category", "categories"), ("approach", "approaches"),
                      ("divide", "divides"), ("theme", "themes"), ("region", "regions"))


def filter_groups(site: Site) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The search page's filter groups: (filter, theme string key of its heading,
    [(value, label)]), every value the public content can have, in reading order.
    (The kind's labels are theme string keys; a language is labelled by the page's
    script, which knows language names.)"""
    entries = site.stories + site.events
    years = sorted({str(e.date.year) for e in entries}, reverse=True)
    languages = sorted({e.lang or site.settings.language for e in entries})
    groups = [("kind", "filter_kind", [("story", "stories"), ("event", "events")])]
    groups += [(name, vocab, [(t.key, t.label) for t in site.terms[vocab]])
               for name, vocab in VOCABULARY_FILTERS]
    groups += [("year", "filter_year", [(y, y) for y in years]),
               ("language", "filter_language", [(code, code) for code in languages]),
               ("organisation", "filter_organisation", [(o.slug, o.name) for o in site.organisations])]
    return groups


def build_index(out: Path, language: str) -> int:
    """Index the written story and event pages into out/pagefind; return the page count."""
    # asyncio.run refuses a thread whose event loop is already running (a caller using
    # Playwright's sync API, or a notebook), so the index is built in a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _index(out, language)).result()


async def _index(out: Path, language: str) -> int:
    # One add_directory call: Pagefind reads the files itself. (Adding pages one by one
    # costs a 0.1 s polling round trip each in the Python API.)
    # One index for every language (in the site's language): Pagefind would otherwise
    # split the index by <html lang>, and the search page (in English) could never find
    # the Urdu or Polish versions. The language filter narrows by language instead.
    config = IndexConfig(output_path=str(out / "pagefind"), force_language=language.split("-")[0])
    async with PagefindIndex(config=config) as index:  # writes on exit
        result = await index.add_directory(str(out), glob=PAGES)
    for name in UNUSED:
        (out / "pagefind" / name).unlink(missing_ok=True)
    return result["page_count"]
