"""The incremental build cache, kept in the site's .goodrel-cache/ folder (never published).

A rebuild must give the same bytes as a clean build, so nothing is reused on trust:

- Sources: each content file's parsed front matter and body, reused while the file's
  size, times and inode are unchanged. The file is looked at (stat) before it is read,
  so an edit made during a build is seen by the next one. Validation always runs.
- Pages and generated files: reused when their key matches and everything they read
  of the Site while they were made still reads the same. The key covers the code and
  library versions, the theme, the settings, the build date and options, the page's
  template and its context (the front matter of every entry in it, and the body of
  the page's own entry). Everything else is noted as it is read, through a watching
  view of the Site (`WatchedSite`): a related-stories list, a term's stories, whether
  a URL is a preview, where a Markdown link points, an image file. Entries reached
  that way count by their front matter (and image): a body shows only on its own page.

Reused files are hard-linked from the store into the output being made (output.Tree:
copied where links are impossible), so the output is always complete and swapped in
whole. Index files are marshal data (plain values, nothing executable), written
atomically.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
import zlib
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import BaseModel

from . import images
from .load import LoadError, Source, content_files, load_source
from .markdown import Links
from .models import Entry, Settings
from .output import Tree, link_or_copy, relpath
from .problems import Problem
from .records import (FOLDER, SEARCHED, code_version, digest, file_digest, read_record, signature,
                      text_digests, write_record)
from .site import Organisation, Site, Term
from .validate import image_path

_MISSING = "<missing>"
PRUNE_AFTER = 3600  # seconds an unused stored file is kept (see _prune)
_PLAIN = {str, int, float, bool, type(None)}


class Sources:
    """Content files as loaded (front matter parsed, body split), reused while their
    stat signature is unchanged. Kept in shards, so that one edit rewrites a small
    file, not all of them. A long-running preview keeps one Sources: the shards stay
    in memory, and an unchanged file gives the very same Source object each time
    (so validation can be skipped for it, see validate.Validated)."""

    SHARDS = 64

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / FOLDER / "sources"
        # source path -> (front-matter values digest, body digest, text_digests' front
        # matter): the first two for page keys, the last two for patch.py
        self.digests: dict[str, tuple[str, str, str]] = {}
        self._shards: list[dict] | None = None
        self._objects: dict[str, tuple[tuple, Source]] = {}  # path -> (record, its Source)

    def _shard(self, rel: str) -> int:
        return zlib.crc32(rel.encode()) % self.SHARDS

    def _source(self, rel: str, record: tuple) -> Source:
        known = self._objects.get(rel)
        if known is None or known[0] is not record:
            known = self._objects[rel] = (record, Source(rel, *record[1:6]))
        return known[1]

    def load(self, root: Path) -> tuple[list[Source], list[Problem]]:
        shards = self._shards or [read_record(self.folder / str(i), code_version()) or {}
                                  for i in range(self.SHARDS)]
        files, todo = {}, []
        for path, kind in content_files(root):
            rel = path.relative_to(root).as_posix()
            sig = signature(path)  # before reading: a later edit changes it
            record = shards[self._shard(rel)].get(rel)
            if record is not None and record[0] == sig and record[1] == kind:
                files[rel] = record
            else:
                files[rel] = None
                todo.append((path, kind, sig))
        loaded, problems = _load_all(root, todo)
        files.update(loaded)
        fresh: list[dict] = [{} for _ in range(self.SHARDS)]
        for rel, record in files.items():
            if record is not None:
                fresh[self._shard(rel)][rel] = record
        for i, (new, old) in enumerate(zip(fresh, shards)):
            if new != old:
                write_record(self.folder / str(i), code_version(), new)
        self._shards = fresh
        records = {rel: r for rel, r in files.items() if r is not None}
        self.digests = {rel: r[6:9] for rel, r in records.items()}
        self._objects = {rel: self._objects[rel] for rel in records if rel in self._objects}
        return [self._source(rel, r) for rel, r in records.items()], problems


def _load_one(root: Path, path: Path, kind: str, sig) -> tuple[str, tuple | Problem]:
    rel = path.relative_to(root).as_posix()
    try:
        source = load_source(root, path, kind, path.read_bytes())
    except LoadError as err:
        return rel, err.problem
    except OSError as err:
        return rel, Problem(rel, 1, f"cannot read the file: {err.strerror}")
    front, body = text_digests(source)
    return rel, (sig, kind, source.data, source.lines, source.body, source.body_line,
                 digest(source.data), body, front)


def _load_all(root: Path, todo: list) -> tuple[dict[str, tuple], list[Problem]]:
    # In one process: with libyaml, sending the parsed files back from worker
    # processes costs more than parsing them.
    results = [_load_one(root, *item) for item in todo]
    loaded = {rel: r for rel, r in results if not isinstance(r, Problem)}
    return loaded, [r for _, r in results if isinstance(r, Problem)]


class Uncacheable(Exception):
    """A value the cache cannot describe: the page is made afresh every time."""


class BuildCache:
    """The cache of one build: sources, then pages and generated files."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / FOLDER
        self.store = self.folder / "store"
        self.sources = Sources(root)
        self.reads: set | None = None  # what the page being made has read, while recording
        self.records: list = []  # (url, record) made in this process, for the index
        self._metas: dict[str, Any] = {}  # source path -> meta as validated from the file
        self._ident: dict[int, Any] = {}  # id -> identity of an Entry, Term or Organisation
        self._keep: list = []  # keeps the objects behind _ident alive, so ids stay unique
        self._deps: dict[tuple, str] = {}
        self._index: dict[str, tuple] = {}
        self._kept: set[str] = set()  # stored files of generated files in this build
        self._stored: dict[str, int] = {}  # stored file name -> inode, as the build starts
        self.keys: dict[str, str | None] = {}

    # -- set-up --------------------------------------------------------------------

    def validated(self, entries: Iterable[Entry]) -> None:
        """Note the entries as validated from their files: their front-matter digest
        stands for their meta (an entry changed later, e.g. given a date from git
        history, is described from its meta instead)."""
        self._metas = {e.path: e.meta for e in entries}

    def start(self, site: Site, inputs: tuple) -> None:
        """Bind to this build's Site; `inputs` are the theme, options and so on."""
        self.site = site
        self.links: Links | None = None
        self.global_key = digest(code_version(), str(self.root), site.settings.model_dump_json(),
                                 site.now.isoformat(), site.drafts, *inputs)
        # url -> (key, deps, stored name, problems, images), and every dep's digest
        # as of the build that wrote the index (all its records were good then).
        self._index, self._table = read_record(self.folder / "pages", self.global_key) or ({}, {})
        self.templates.mkdir(parents=True, exist_ok=True)
        try:
            with os.scandir(self.store) as entries:
                self._stored = {entry.name: entry.inode() for entry in entries}
        except FileNotFoundError:
            pass

    @property
    def templates(self) -> Path:
        """Where Jinja keeps compiled templates (keyed by each template's source)."""
        return self.folder / "templates"

    def watch(self, site: Site) -> "WatchedSite":
        return WatchedSite(site, self)

    def watch_links(self, links: Links) -> Links:
        self.links = links
        return Links(links.root, _Seen(links.urls, self, "l"), _Seen(links.withheld, self, "l"))

    # -- identities: what a value is, for keys -------------------------------------

    def ident(self, value: Any) -> Any:
        """What a value is, as plain data for a key: entries by their front matter,
        terms and organisations with their members (see the module's docstring)."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is tuple or kind is list:
            return tuple([self.ident(v) for v in value])
        if kind is dict:
            return tuple([(self.ident(k), self.ident(v)) for k, v in value.items()])
        found = self._ident.get(id(value))
        if found is None:
            found = self._ident[id(value)] = self._describe(value)
            self._keep.append(value)
        return found

    def _describe(self, value: Any) -> Any:
        if isinstance(value, Entry):
            return "E", value.path, self.meta_digest(value)
        if isinstance(value, Term):
            return "T", value.vocabulary, value.key, digest(self.ident(value.stories), self.ident(value.events))
        if isinstance(value, Organisation):
            return "O", value.slug, value.name, digest(self.ident(value.stories), self.ident(value.events))
        if isinstance(value, (str, int, float)):  # subclasses: Markup, an enum
            return str(value)
        if isinstance(value, (tuple, list)):
            return tuple([self.ident(v) for v in tuple.__iter__(value)] if isinstance(value, tuple) else
                         [self.ident(v) for v in value])
        if isinstance(value, (set, frozenset)):
            return tuple(sorted(repr(self.ident(v)) for v in value))
        if isinstance(value, date):
            return "D", value.isoformat()
        if isinstance(value, Path):
            return "P", str(value)
        if isinstance(value, Settings):
            return "settings"  # in the global key
        if isinstance(value, BaseModel):
            return "M", type(value).__name__, value.model_dump_json()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (type(value).__name__,) + tuple(
                self.ident(getattr(value, f.name)) for f in dataclasses.fields(value))
        if isinstance(value, (WatchedSite, Site)):
            return "site"
        raise Uncacheable(type(value).__name__)

    def meta_digest(self, entry: Entry) -> str:
        """The entry's front matter (and its image file, which cards and pages show)."""
        sources = self.sources.digests.get(entry.path)
        own = sources[0] if sources and self._metas.get(entry.path) is entry.meta else \
            digest(entry.meta.model_dump_json())
        image = getattr(entry.meta, "image", None)
        if image is not None:
            own = digest(own, signature(image_path(self.root, entry, image.src) or Path("/")))
        return digest(entry.kind, entry.slug, entry.url, own)

    def body_digest(self, entry: Entry) -> str:
        sources = self.sources.digests.get(entry.path)
        return sources[1] if sources and self._metas.get(entry.path) is entry.meta else \
            file_digest(entry.body.encode())

    def key(self, url: str, template: str, source: str, context: dict) -> str | None:
        """A page's key. A term or organisation the page is about counts by name only:
        what the page reads of it is noted as it renders (see `watch_context`)."""
        try:
            own = context.get("entry")
            body = self.body_digest(own) if isinstance(own, Entry) else None
            named = tuple((k, self._shallow(v)) if isinstance(v, (Term, Organisation)) else
                          (k, self.ident(v)) for k, v in context.items())
            return digest(self.global_key, url, template, source, body, named)
        except Uncacheable:
            return None

    def _shallow(self, value: Term | Organisation) -> tuple:
        return ("T", value.vocabulary, value.key) if isinstance(value, Term) else ("O", value.name)

    def watch_context(self, context: dict) -> dict:
        """A page's context with its term or organisation seen through a watching view."""
        return {k: self._view(v) if isinstance(v, (Term, Organisation)) else v for k, v in context.items()}

    def _view(self, value: Term | Organisation) -> "_View":
        if isinstance(value, Term):
            return _View(value, self, ("t", value.vocabulary, value.key), _TERM_OWN)
        return _View(value, self, ("o", value.name), _ORG_OWN)

    # -- dependencies: what was read, and whether it still reads the same ----------

    def dep(self, dep: tuple) -> str:
        found = self._deps.get(dep)
        if found is None:
            found = self._deps[dep] = digest(self._value(dep))
        return found

    def _value(self, dep: tuple) -> Any:
        kind = dep[0]
        try:
            if kind == "n":  # only the length of what the rest names
                return len(self._raw(dep[1:]))
            if kind == "i":
                return dep[2] in getattr(self.site, dep[1])
            if kind == "l":
                return self.links.urls.get(dep[1], _MISSING), dep[1] in self.links.withheld
            if kind == "f":
                return signature(Path(dep[1]))
            return self.ident(self._raw(dep))
        except (KeyError, AttributeError, TypeError):
            return _MISSING
        except Uncacheable:
            return object()  # never equal: made afresh

    def _raw(self, dep: tuple) -> Any:
        site, kind = self.site, dep[0]
        if kind == "a":
            return getattr(site, dep[1])
        if kind == "k":
            return getattr(site, dep[1]).get(dep[2], _MISSING)
        if kind == "t":
            return getattr(site.term(dep[1], dep[2]), dep[3])
        if kind == "o":
            return getattr(site.organisation(dep[1]), dep[2])
        raise ValueError(f"unknown dependency {dep!r}")

    def unchanged(self, deps: Iterable[tuple]) -> bool:
        return not any(d in self._changed for d in deps)

    # -- pages ---------------------------------------------------------------------

    def reuse(self, pages: list, out: Tree) -> tuple[list, list[Problem], list[images.ImageSet]]:
        """Link every page whose record is still good into `out`; return the pages
        left to render, and the reused pages' problems and images."""
        todo, problems, used = [], [], []
        self._changed = {dep for dep, found in self._table.items() if self.dep(dep) != found}
        for page in pages:
            key = self.keys[page.url] = self.key(page.url, page.template, page.source, page.context)
            record = self._index.get(page.url)
            if key is None or record is None or record[0] != key or not self.unchanged(record[1]):
                todo.append(page)
                continue
            try:
                out.link(relpath(page.url), os.path.join(self.store, record[2]), self._stored[record[2]])
            except (KeyError, FileNotFoundError):  # not in the store, or removed meanwhile
                todo.append(page)
                continue
            problems += [Problem(*p) for p in record[3]]
            used += [images.plan(Path(p)) for p in record[4]]
            self.records.append((page.url, record))
        return todo, problems, used

    def begin(self) -> None:
        self.reads = set()

    def rendered(self, url: str, html: str, body, out: Tree) -> None:
        """Write a page just rendered into `out` and keep it, with what it read."""
        reads, self.reads = self.reads, None
        name = file_digest(html.encode()) + ".html"
        self._put(out, url, html, name)
        key = self.keys.get(url)
        if key is None:
            return
        if body is not None:
            reads |= {("f", str(i.source)) for i in body.images}
        deps = tuple(reads)
        record = (key, deps, name,
                  tuple(dataclasses.astuple(p) for p in body.problems) if body else (),
                  tuple(str(i.source) for i in body.images) if body else (),
                  body.span if body else None)
        self.records.append((url, record))

    def take_records(self) -> list:
        records, self.records = self.records, []
        return records

    def save(self) -> None:
        """Write the index of this build's pages and drop what nothing uses."""
        index = dict(self.records)
        table = {dep: self.dep(dep) for dep in set().union(*(record[1] for record in index.values()))}
        write_record(self.folder / "pages", self.global_key, (index, table))
        _prune(self.store, {r[2] for r in index.values()} | self._kept)

    def bodies(self, entries: Iterable[Entry]) -> dict[str, tuple | None]:
        """Each entry's page as this build made it, for patch.py: its URL, where its
        body sits, and what the body gave (problems, pictures); None where the body
        cannot be found in the page."""
        records = dict(self.records)
        found = {}
        for entry in entries:
            record = records.get(entry.url)
            found[entry.path] = (entry.url, *record[5], record[3], record[4]) if record and record[5] else None
        return found

    # -- generated files (feeds, data exports, citations) and the search index ----

    def files(self, name: str, make: Callable[[Any], dict[str, str]]) -> dict[str, str | Path]:
        """The files `make(site)` makes, url -> text; or, while what `make` read of the
        Site reads the same, url -> the stored copy of the file made before."""
        path = self.folder / f"files-{name}"
        record = read_record(path, self.global_key)
        if record is not None and all(self.dep(d) == found for d, found in record[0]):
            stored = {url: self.store / kept for url, kept in record[1]}
            if all(p.name in self._stored for p in stored.values()):
                self._kept |= {p.name for p in stored.values()}
                return stored
        self.begin()
        texts = make(WatchedSite(self.site, self))
        deps, self.reads = tuple(self.reads), None
        names = [(url, _stored_name(url, text)) for url, text in texts.items()]
        write_record(path, self.global_key, (tuple((d, self.dep(d)) for d in deps), names))
        self._kept |= {kept for _, kept in names}
        return texts

    def write_files(self, out: Tree, files: Iterable[tuple[str, str | Path]]) -> None:
        """Write generated files, keeping a copy of each new one in the store."""
        for url, text in files:
            if isinstance(text, Path):
                out.link(relpath(url), text, self._stored.get(text.name))
            else:
                self._put(out, url, text, _stored_name(url, text))

    def _put(self, out: Tree, url: str, text: str, name: str) -> None:
        """Write a file into `out` and keep it in the store; where the store already
        holds the same text (its name is the text's digest), link that instead: a
        link is some forty times cheaper than writing a new file."""
        stored = self.store / name
        try:
            out.link(relpath(url), stored, self._stored.get(name))
            return
        except FileNotFoundError:
            pass
        _keep_file(out.write(relpath(url), text), stored)

    def search_index(self, out: Tree, index: Callable[[Path], Any]) -> None:
        """Run `index(out)` (Pagefind) or reuse its output while the pages it reads are
        the same: the story and event pages, by content. (Its bundles are every
        pagefind* folder: a large site's index comes in shards.)"""
        pages = sorted((url, r[2]) for url, r in self.records if SEARCHED.match(url))
        key = digest(self.global_key, pages)
        stored = self.folder / "search" / key
        if stored.is_dir():
            for path in sorted(stored.rglob("*")):
                if path.is_file():
                    out.link(path.relative_to(stored).as_posix(), path)
            return
        out.made_by("pagefind", index)
        shutil.rmtree(self.folder / "search", ignore_errors=True)
        tmp = self.folder / "search" / f".{key}.{os.getpid()}"
        for bundle in sorted(out.path.glob("pagefind*")):
            _link_tree(bundle, tmp / bundle.name)
        tmp.replace(stored)


def _stored_name(url: str, text: str | bytes) -> str:
    return file_digest(text if isinstance(text, bytes) else text.encode()) + os.path.splitext(url)[1]


def _link_tree(source: Path, target: Path) -> None:
    for folder, _, names in os.walk(source):
        here = target / Path(folder).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in names:
            link_or_copy(Path(folder) / name, here / name)


def _keep_file(written: str | Path, stored: Path) -> None:
    """Put a just-written output file into the store: a hard link, no copy. (A copy,
    where links are impossible, is made under another name and renamed into place.)"""
    try:
        os.link(written, stored)
    except FileExistsError:
        pass
    except FileNotFoundError:
        stored.parent.mkdir(parents=True, exist_ok=True)
        _keep_file(written, stored)
    except OSError:
        tmp = stored.with_name(f".{stored.name}.{os.getpid()}")
        shutil.copyfile(written, tmp)
        tmp.replace(stored)


def _prune(store: Path, keep: set[str]) -> None:
    """Remove stored files this build did not use, once no build has linked them for
    an hour (a link updates a file's ctime): another build of the same site running
    meanwhile, such as a preview, may still be about to link them."""
    cutoff = time.time() - PRUNE_AFTER
    try:
        entries = list(os.scandir(store))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name not in keep and not entry.name.startswith("."):
            try:
                if entry.stat().st_ctime < cutoff:
                    os.unlink(entry.path)
            except OSError:
                pass


class _Seen:
    """A dict or set whose lookups are noted as reads of the page being rendered."""

    __slots__ = ("_inner", "_cache", "_kind")

    def __init__(self, inner, cache: BuildCache, kind: str):
        self._inner, self._cache, self._kind = inner, cache, kind

    def _note(self, key) -> None:
        reads = self._cache.reads
        if reads is not None:
            reads.add((self._kind, key))

    def __contains__(self, key) -> bool:
        self._note(key)
        return key in self._inner

    def __getitem__(self, key):
        self._note(key)
        return self._inner[key]

    def get(self, key, default=None):
        self._note(key)
        return self._inner.get(key, default)


# Site attributes that the global key already covers (absolute: from the settings).
_GLOBAL = {"settings", "root", "now", "drafts", "absolute"}
# Site mappings read one key at a time, and sets asked about one member at a time.
_KEYED = {"related", "translations", "story_event", "event_stories"}
_MEMBERS = {"previews", "withheld"}
# Term and organisation fields that come from settings or from the name itself.
_TERM_OWN = {"vocabulary", "key", "label", "description", "url"}
_ORG_OWN = {"name", "slug", "url"}


class WatchedSite:
    """The Site as pages see it while the cache records: every read is passed through
    and, while a page is being made, noted as something that page depends on."""

    __slots__ = ("_site", "_cache")

    def __init__(self, site: Site, cache: BuildCache):
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_cache", cache)

    def __getattr__(self, name: str):
        site, cache = self._site, self._cache
        value = getattr(site, name)
        reads = cache.reads
        if reads is None or name in _GLOBAL or name.startswith("_"):
            return value
        if name in _KEYED:
            return _Keyed(value, cache, name)
        if name in _MEMBERS:
            return _Members(value, cache, name)
        if name == "term":
            return lambda vocabulary, key: cache._view(site.term(vocabulary, key))
        if name == "organisation":
            return lambda org: cache._view(site.organisation(org))
        if isinstance(value, tuple):
            return _Seq(value, cache, ("a", name))
        reads.add(("a", name))
        return value


class _Keyed:
    """A Site mapping read key by key (any other use depends on all of it)."""

    __slots__ = ("_inner", "_cache", "_name")

    def __init__(self, inner: dict, cache: BuildCache, name: str):
        self._inner, self._cache, self._name = inner, cache, name

    def _note(self, dep: tuple) -> None:
        if self._cache.reads is not None:
            self._cache.reads.add(dep)

    def __getitem__(self, key):
        self._note(("k", self._name, key))
        return self._inner[key]

    def get(self, key, default=None):
        self._note(("k", self._name, key))
        return self._inner.get(key, default)

    def __contains__(self, key) -> bool:
        self._note(("k", self._name, key))
        return key in self._inner

    def __getattr__(self, name: str):  # keys(), items(), values() …
        self._note(("a", self._name))
        return getattr(self._inner, name)

    def __iter__(self):
        self._note(("a", self._name))
        return iter(self._inner)

    def __len__(self) -> int:
        self._note(("a", self._name))
        return len(self._inner)


class _Members(_Keyed):
    """A Site set asked about one member at a time."""

    __slots__ = ()

    def __contains__(self, key) -> bool:
        self._note(("i", self._name, key))
        return key in self._inner


class _View:
    """A term or organisation whose own fields read freely, while its stories and
    events (and anything else) are noted as read."""

    __slots__ = ("_inner", "_cache", "_dep", "_own")

    def __init__(self, inner, cache: BuildCache, dep: tuple, own: set[str]):
        self._inner, self._cache, self._dep, self._own = inner, cache, dep, own
        if cache.reads is not None:
            cache.reads.add(dep + ("url",))  # it exists, at this address

    def __getattr__(self, name: str):
        value = getattr(self._inner, name)
        if name in self._own or self._cache.reads is None:
            return value
        if isinstance(value, tuple):
            return _Seq(value, self._cache, self._dep + (name,))
        self._cache.reads.add(self._dep + (name,))
        return value

    def __eq__(self, other) -> bool:
        return self._inner == (other._inner if isinstance(other, _View) else other)

    def __hash__(self) -> int:
        return hash(self._inner)


class _Seq(tuple):
    """A tuple of the Site (its stories, a term's stories…) that notes how it is read:
    its length alone (a count, an emptiness test) or its items."""

    def __new__(cls, items: tuple, cache: BuildCache, dep: tuple):
        seq = super().__new__(cls, items)
        seq._cache, seq._dep = cache, dep
        return seq

    def _note(self, dep: tuple) -> None:
        if self._cache.reads is not None:
            self._cache.reads.add(dep)

    def __len__(self) -> int:
        self._note(("n",) + self._dep)
        return tuple.__len__(self)

    def _items(self) -> tuple:
        self._note(self._dep)
        return tuple(tuple.__iter__(self))

    def __iter__(self):
        self._note(self._dep)
        return tuple.__iter__(self)

    def __getitem__(self, index):
        return self._items()[index]

    def __contains__(self, item) -> bool:
        return item in self._items()

    def __add__(self, other):
        return self._items() + tuple(other)

    def __radd__(self, other):
        return tuple(other) + self._items()

    def __reversed__(self):
        return reversed(self._items())

    def __eq__(self, other) -> bool:
        return self._items() == other

    def __hash__(self) -> int:
        return hash(self._items())

    def count(self, item) -> int:
        return self._items().count(item)

    def index(self, *args) -> int:
        return self._items().index(*args)
