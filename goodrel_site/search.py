"""The search index: Pagefind, run over exactly the public story and event pages (they
carry their filters, sort keys and metadata as data-pagefind attributes).

The index comes in shards, each a Pagefind bundle of its own that the search page
merges (Pagefind's mergeIndex: the scripts and WebAssembly load once, each merged
bundle adds its small entry file and the chunks a search needs). A shard holds the
pages of a run of dates: a year, or a month of a busy year, and neighbouring quiet
years together, oldest first, so that an edit, or a new story, changes one shard and
leaves the others' boundaries where they were. A shard's bundle is kept in the site's
cache under the digest of its pages, and Pagefind runs again only for a shard whose
pages changed. The shards are ordered newest first: the first is the primary bundle at
/pagefind/, and /pagefind/shards.json lists the others' folders for the search page,
which sorts by date by taking them in turn."""

from __future__ import annotations

import errno
import functools
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import zlib
from datetime import date
from pathlib import Path
from typing import NamedTuple

from . import sitefiles
from .kinds import DATED, VOCABULARIES
from .output import Tree, link_or_copy
from .records import digest
from .site import Site

# Pagefind also writes its ready-made interfaces (about 400 KB); the search page uses
# only the JavaScript API, so they are not published. Nor, outside the primary bundle,
# its scripts and WebAssembly: merged bundles load only their index.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
PRIMARY_ONLY = ("pagefind.js", "pagefind-worker.js", "wasm.")
# Pages per shard, at most (unless one day has more), for a site of up to SHARD_SITE
# pages; for each doubling of a larger site, twice as many, up to SHARD_MOST. A shard
# is indexed again whole when one of its pages changes: Pagefind takes about 3 ms a
# page, so smaller shards make an edit quicker; but each Pagefind run costs some
# setting up, and each shard is more (small) requests on a reader's first search.
# Measured at 5,000 stories, two at a time: 16.4 s in shards of 500 pages, 13.7 s in
# shards of 1,000, 16.8 s in one (docs/performance.md). SHARD_MOST bounds Pagefind's
# memory, about 0.5 MB a page: two processes at once stay under 2 GB.
SHARD_PAGES = 500
SHARD_SITE = 4000
SHARD_MOST = 2000
SHARDS_FILE = "shards.json"
# A word on every indexed page (hidden from readers), so that browsing with no query is
# a search for it. Pagefind's own filter-only search, search(null), fetches every chunk
# of the word index: 12 MB for 5,000 stories, where this word's chunk is about 30 KB.
EVERY_PAGE_WORD = "goodrelpage"
# The index's filters (named as in the search page's URL) and the vocabulary each
# takes its keys from.
VOCABULARY_FILTERS = tuple((v.one, v.name) for v in VOCABULARIES)


class Indexed(NamedTuple):
    """A page to index: its file in the output, its date, and what identifies its
    content (the digest the store names it by)."""

    rel: str
    day: date
    content: str


class Running(NamedTuple):
    """A Pagefind process indexing a shard: its staging folder, the bundle it makes, and
    the number of pages it was given."""

    process: subprocess.Popen
    staging: Path
    bundle: Path
    pages: int


def filter_groups(site: Site) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The search page's filter groups: (filter, theme string key of its heading,
    [(value, label)]), every value the public content can have, in reading order.
    (The kind's labels are theme string keys; a language is labelled by the page's
    script, which knows language names.)"""
    entries = site.stories + site.events
    years = sorted({str(e.date.year) for e in entries}, reverse=True)
    languages = sorted({e.lang or site.settings.language for e in entries})
    groups = [("kind", "filter_kind", [(kind.name, kind.folder) for kind in DATED])]
    groups += [
        (name, vocab, [(t.key, t.label) for t in site.terms[vocab]])
        for name, vocab in VOCABULARY_FILTERS
        if site.terms[vocab]  # (a site may define no measures)
    ]
    groups += [
        ("year", "filter_year", [(y, y) for y in years]),
        ("language", "filter_language", [(code, code) for code in languages]),
        ("organisation", "filter_organisation", [(o.slug, o.name) for o in site.organisations]),
    ]
    return groups


def shard_limit(pages: int) -> int:
    """The most pages a shard of a site of this many indexed pages holds (SHARD_PAGES…).
    It changes only as a site doubles in size (when every shard is made again, once)."""
    limit = SHARD_PAGES
    while pages > SHARD_SITE * limit // SHARD_PAGES and limit < SHARD_MOST:
        limit *= 2
    return min(limit, SHARD_MOST)


def shards(pages: list[Indexed], limit: int | None = None) -> list[list[Indexed]]:
    """The pages in shards of runs of dates, newest shard first (see the module)."""
    limit = limit or shard_limit(len(pages))
    units = _units(sorted(pages, key=lambda p: (p.day, p.rel)), limit, (lambda d: d.year, lambda d: d.month))
    found: list[list[Indexed]] = []
    for unit in units:  # oldest first: neighbours together while they fit
        if found and len(found[-1]) + len(unit) <= limit:
            found[-1] += unit
        else:
            found.append(list(unit))
    return found[::-1]


def _units(pages: list[Indexed], limit: int, levels: tuple) -> list[list[Indexed]]:
    """Runs of dates of at most `limit` pages: years, a busy year by months, a busy
    month in runs of `limit` (one day's pages kept together)."""
    groups: list[list[Indexed]] = []
    for page in pages:
        if groups and levels and levels[0](groups[-1][0].day) == levels[0](page.day):
            groups[-1].append(page)
        else:
            groups.append([page])
    result = []
    for group in groups:
        if len(group) <= limit:
            result.append(group)
        elif len(levels) > 1:
            result += _units(group, limit, levels[1:])
        else:
            result += _runs(group, limit)
    return result


def _runs(pages: list[Indexed], limit: int) -> list[list[Indexed]]:
    runs: list[list[Indexed]] = [[]]
    for page in pages:
        if len(runs[-1]) >= limit and runs[-1][-1].day != page.day:
            runs.append([])
        runs[-1].append(page)
    return runs


def index(tree: Tree, pages: list[Indexed], cache: Path, language: str, jobs: int) -> None:
    """Index the pages (already written into `tree`) into the output's /pagefind/ and
    its merged shards, running Pagefind only for shards not kept in `cache`; afterwards
    `cache` holds this build's shards and nothing else."""
    from pagefind import __version__ as pagefind_version  # (the bundles' format)

    found = shards(pages)  # (none for a site with nothing public: Pagefind makes no empty index,
    # and the search page says that search is not available, with links to browse)
    keys = [digest(pagefind_version, language, [(p.rel, p.content) for p in shard]) for shard in found]
    sitefiles.folder(cache.parent, cache)  # (never a link out of the site's cache)
    # A kept bundle is checked as a new one is: one cut short by an earlier build (before
    # bundles were checked, or by a disk that failed later) is made again, not published.
    missing = [
        (shard, key)
        for shard, key in zip(found, keys, strict=True)
        if not (cache / key).is_dir() or bundle_problem(cache / key, len(shard))
    ]
    _run_all([(tree.path, shard, cache / key, language) for shard, key in missing], jobs)
    folders = [f"pagefind-{key[:12]}" if n else "pagefind" for n, key in enumerate(keys)]
    for folder, key in zip(folders, keys, strict=True):
        bundle = cache / key
        for path in sorted(bundle.rglob("*")):
            name = path.relative_to(bundle).as_posix()
            if path.is_file() and (folder == "pagefind" or not name.startswith(PRIMARY_ONLY)):
                tree.link(f"{folder}/{name}", path)
    if found:
        tree.write(f"pagefind/{SHARDS_FILE}", json.dumps(folders[1:]) + "\n")
    for old in cache.iterdir():  # nothing of a page no longer indexed stays behind
        if old.name not in keys:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)


def _run_all(work: list[tuple[Path, list[Indexed], Path, str]], jobs: int) -> None:
    """Index each shard, up to `jobs` Pagefind processes at a time."""
    running: list[Running] = []
    try:
        for site, shard, bundle, language in work:
            while len(running) >= max(1, jobs):
                _finish(running.pop(0))
            running.append(_start(site, shard, bundle, language))
        while running:
            _finish(running.pop(0))
    finally:
        for process, staging, _, _ in running:
            process.kill()
            process.wait()
            shutil.rmtree(staging, ignore_errors=True)


def _start(site: Path, shard: list[Indexed], bundle: Path, language: str) -> Running:
    # The shard's pages are hard-linked into a folder of their own for Pagefind to read,
    # at the same paths, so that results carry the site's URLs.
    staging = Path(tempfile.mkdtemp(prefix=f".{bundle.name}.", dir=bundle.parent))
    for page in shard:
        (staging / "site" / page.rel).parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(site / page.rel, staging / "site" / page.rel)
    # Pagefind's command line, not its Python API: the API's service answers that the
    # index is written while its writes may still be under way, and the API then stops
    # it, so on a busy machine a file could be published cut short (Pagefind issue
    # #1271, fixed after 1.5.2). The command line finishes writing before it exits. One
    # index for every language (in the site's language): Pagefind would otherwise split
    # the index by <html lang>, and the search page (in English) could never find the
    # Urdu or Polish versions. The language filter narrows by language instead.
    process = subprocess.Popen(
        [
            _pagefind(),
            "--site",
            str(staging / "site"),
            "--output-path",
            str(staging / "bundle"),
            "--force-language",
            language.split("-")[0],
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Running(process, staging, bundle, len(shard))


@functools.cache
def _pagefind() -> str:
    """Pagefind's program, as the pagefind-bin package installs it (run directly: through
    `python -m pagefind` each shard paid for a Python start)."""
    from pagefind_bin import get_executable

    return str(get_executable())


def _finish(running: Running) -> None:
    process, staging, bundle, pages = running
    try:
        said, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"Pagefind could not index the pages: {said.strip()}")
        for name in UNUSED:
            (staging / "bundle" / name).unlink(missing_ok=True)
        # Pagefind exits 0 when its writes fail (a full disk): what it wrote is checked
        # before it is kept or published, and a bundle that fails is neither.
        problem = bundle_problem(staging / "bundle", pages)
        if problem:
            raise OSError(
                errno.EIO,
                f"Pagefind's search index is incomplete ({problem}); is the disk full? free some space and try again",
            )
        shutil.rmtree(bundle, ignore_errors=True)  # (a kept bundle that failed its check)
        os.replace(staging / "bundle", bundle)  # whole, or not at all
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# Every index file Pagefind writes is gzip, and inside it starts with this.
PAGEFIND_MAGIC = b"pagefind_dcd"
ENTRY_FILE = "pagefind-entry.json"


def bundle_problem(bundle: Path, pages: int) -> str | None:
    """What is wrong with a Pagefind bundle of `pages` pages, or None: its entry file
    names one language of that many pages, whose metadata file is there; the scripts are
    there and not empty; there is a fragment for each page and some word index; and every
    index file is whole gzip (its length and checksum agree) starting with Pagefind's
    magic. About 4 ms for the bundled site's 44 pages."""
    try:
        entry = json.loads((bundle / ENTRY_FILE).read_text("utf-8"))
        (language,) = entry["languages"].values()
        count, meta = language["page_count"], bundle / f"pagefind.{language['hash']}.pf_meta"
    except (OSError, UnicodeError, ValueError, KeyError, TypeError, AttributeError):
        return f"{ENTRY_FILE} is missing or unreadable"
    if count != pages:
        return f"{ENTRY_FILE} names {count} pages, not {pages}"
    for name in ("pagefind.js", "pagefind-worker.js"):
        if not (bundle / name).is_file() or (bundle / name).stat().st_size == 0:
            return f"{name} is missing or empty"
    files = [meta, *sorted(bundle.glob("wasm.*.pagefind")), *sorted(bundle.glob("*/*.pf_*"))]
    if len(list(bundle.glob("fragment/*.pf_fragment"))) != pages or not any(bundle.glob("index/*.pf_index")):
        return "a page's fragment or the word index is missing"
    for path in files:
        try:
            whole = gzip.decompress(path.read_bytes())
        except (OSError, EOFError, zlib.error):
            return f"{path.relative_to(bundle).as_posix()} is missing or cut short"
        if not whole.startswith(PAGEFIND_MAGIC):
            return f"{path.relative_to(bundle).as_posix()} is not a Pagefind file"
    return None
