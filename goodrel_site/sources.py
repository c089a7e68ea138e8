"""Content files as loaded (front matter parsed, body split), kept in the site's
.goodrel-cache/sources/ and reused while a file's size, times and inode are unchanged:
parsing YAML is the costly part of reading a site. The file is looked at (stat) before
it is read, so an edit made during a build is seen by the next one.

Only the files of items the Site shows are kept (`keep`, once the Site is made): a
withheld item's file (consent withdrawn, past its unpublish_on, a draft) is parsed
again by every build, so that nothing of it, not even its file's name, stays in the
cache once the build that withholds it is done.

Kept in shards, so that one edit rewrites a small file, not all of them. A
long-running preview keeps one Sources: the shards stay in memory (a withheld item's
too: memory is not kept), and an unchanged file gives the very same Source object
each time (so validation can be skipped for it, see validate.Validated)."""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import NamedTuple

from . import sitefiles
from .kinds import KINDS
from .load import LoadError, Source, load_source
from .problems import Problem
from .records import FOLDER, code_version, read_record, signature, write_record


class Loaded(NamedTuple):
    """A content file as parsed, with the signature it had before it was read."""

    signature: tuple[int, ...] | None
    kind: str
    data: dict
    lines: dict
    body: str
    body_line: int


class Sources:
    SHARDS = 64

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / FOLDER / "sources"
        self._stored: list[dict[str, tuple] | None] | None = None  # the shards on disk (None: no good record)
        self._shards: list[dict[str, tuple]] | None = None  # every file as last loaded: plain tuples
        self._objects: dict[str, tuple[tuple, Source]] = {}  # path -> (record, its Source)

    def _shard(self, rel: str) -> int:
        return zlib.crc32(rel.encode()) % self.SHARDS

    def _source(self, rel: str, record: tuple) -> Source:
        known = self._objects.get(rel)
        if known is None or known[0] is not record:
            loaded = Loaded(*record)
            known = self._objects[rel] = (
                record,
                Source(rel, loaded.kind, loaded.data, loaded.lines, loaded.body, loaded.body_line),
            )
        return known[1]

    def load(self, root: Path) -> tuple[list[Source], list[Problem]]:
        """Every content file, in content_files' order, and the problems of those that
        could not be read. Nothing is written until `keep`."""
        if self._stored is None:
            self._stored = [read_record(self.folder / str(i), code_version()) for i in range(self.SHARDS)]
        shards = self._shards or [shard or {} for shard in self._stored]
        records: dict[str, tuple | None] = {}
        problems = []
        for path, kind in content_files(root):
            rel = path.relative_to(root).as_posix()
            sig = signature(path)  # before reading: a later edit changes it
            record = shards[self._shard(rel)].get(rel)
            if record is None or record[0] != sig or record[1] != kind:
                # In this process: with libyaml, sending parsed files back from worker
                # processes costs more than parsing them.
                record, problem = _load(root, path, kind, sig)
                if problem:
                    problems.append(problem)
            records[rel] = record
        self._shards = [{} for _ in range(self.SHARDS)]
        for rel, record in records.items():
            if record is not None:
                self._shards[self._shard(rel)][rel] = record
        self._objects = {rel: self._objects[rel] for rel in records if rel in self._objects}
        return [self._source(rel, r) for rel, r in records.items() if r is not None], problems

    def keep(self, withheld: frozenset[str]) -> None:
        """Keep on disk the files last loaded, but those of `withheld` (source paths of
        the items the Site does not show): a shard is rewritten when what it should hold
        changed, and removed when it should hold nothing."""
        if self._shards is None or self._stored is None:
            return
        for i, shard in enumerate(self._shards):
            kept = {rel: record for rel, record in shard.items() if rel not in withheld}
            if kept == self._stored[i]:
                continue
            if kept:
                write_record(self.folder / str(i), code_version(), kept)
            else:  # (also a record of other code, which may hold anything)
                try:
                    os.unlink(self.folder / str(i))
                except FileNotFoundError:
                    pass
            self._stored[i] = kept


def _load(root: Path, path: Path, kind: str, sig: tuple[int, ...] | None) -> tuple[tuple | None, Problem | None]:
    rel = path.relative_to(root).as_posix()
    try:
        source = load_source(root, path, kind)
    except LoadError as err:
        return None, err.problem
    except OSError as err:
        return None, Problem(rel, 1, f"cannot read the file: {err.strerror}")
    return tuple(Loaded(sig, kind, source.data, source.lines, source.body, source.body_line)), None


def content_files(root: Path) -> list[tuple[Path, str]]:
    """Every content file under the site root with its kind, in a fixed order: only
    the site's own regular files (what is refused, content_problems names)."""
    return [(path, kind.name) for kind in KINDS for path in sitefiles.files(root, root / kind.folder, ".md")[0]]


def content_problems(root: Path) -> list[Problem]:
    """Whatever in the content folders the site refuses to read (sitefiles.py): a link
    out of the site or to nothing, a FIFO, socket or device, a folder named *.md."""
    found = set()
    for kind in KINDS:
        found.update(sitefiles.files(root, root / kind.folder, ".md")[1])
        found.update(sitefiles.audit(root, root / kind.folder))
    return sorted(found)


def load_sources(root: Path) -> tuple[list[Source], list[Problem]]:
    """Read every content file under the site root; collect, don't stop at, problems."""
    sources, problems = [], []
    for path, kind in content_files(root):
        try:
            sources.append(load_source(root, path, kind))
        except LoadError as err:
            problems.append(err.problem)
    return sources, problems
