"""The search index: Pagefind, run over exactly the public story and event
pages (they carry their filters, sort keys and metadata as data-pagefind attributes)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .site import Site

# The output holds only public items, so these are exactly the public stories and
# events. (Redirect pages under these folders have no data-pagefind-body: skipped.)
PAGES = "{stories,events}/*/index.html"
# Pagefind also writes its ready-made interfaces (about 400 KB); the search page uses
# only the JavaScript API, so they are not published.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# Pagefind holds about 0.6 KB of memory per indexed word while it builds (its known
# trouble past some 30,000 pages): 5,000 stories of 800 words take 2.4 GB, so 50,000
# would take 24 GB. Above this many pages the index is built in shards, one Pagefind
# process after another, each a bundle of its own (/pagefind/, /pagefind-2/, …) that
# the search page merges (Pagefind's mergeIndex), listed in /pagefind/shards.json.
SHARD_PAGES = 3000
SHARDS_FILE = "shards.json"
_SORT_DATE = re.compile(r'data-pagefind-sort="date">([0-9-]+)<')
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


def build_index(out: Path, language: str) -> None:
    """Index the written story and event pages into out/pagefind (and, for a large
    site, more bundles listed in out/pagefind/shards.json)."""
    pages = sorted(p.relative_to(out) for folder in ("stories", "events")
                   for p in (out / folder).glob("*/index.html"))
    if len(pages) > SHARD_PAGES:
        # Newest first, so that each shard holds a run of dates: the search page sorts
        # by date by taking the shards in turn.
        pages.sort(key=lambda rel: _SORT_DATE.findall((out / rel).read_text("utf-8")) or [""], reverse=True)
    shards = [pages[i:i + SHARD_PAGES] for i in range(0, len(pages), SHARD_PAGES)]
    if len(shards) <= 1:
        _index(out, out / "pagefind", language)
        (out / "pagefind" / SHARDS_FILE).write_text("[]\n", "utf-8")
        return
    merged = []
    for number, shard in enumerate(shards, 1):
        bundle = "pagefind" if number == 1 else f"pagefind-{number}"
        # Each shard's pages are hard-linked into a folder of their own for Pagefind to
        # read, at the same paths, so that results carry the site's URLs.
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.shard-", dir=out.parent))
        try:
            for rel in shard:
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                os.link(out / rel, staging / rel)
            _index(staging, out / bundle, language)
        finally:
            shutil.rmtree(staging)
        if number > 1:
            merged.append(f"/{bundle}/")
    (out / "pagefind" / SHARDS_FILE).write_text(json.dumps(merged) + "\n", "utf-8")


def _index(site: Path, bundle: Path, language: str) -> None:
    # Pagefind's command line (as the pagefind package runs it), not its Python API: the
    # API's service answers that the index is written while its writes may still be
    # under way, and the API then stops it, so on a busy machine a file could be
    # published cut short (Pagefind issue #1271, fixed after 1.5.2; seen here as a
    # search page that never loaded). The command line finishes writing before it exits.
    # One index for every language (in the site's language): Pagefind would otherwise
    # split the index by <html lang>, and the search page (in English) could never find
    # the Urdu or Polish versions. The language filter narrows by language instead.
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--glob", PAGES,
                           "--output-path", str(bundle), "--force-language", language.split("-")[0],
                           "--quiet"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"Pagefind could not index {site}: {(done.stderr or done.stdout).strip()}")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
