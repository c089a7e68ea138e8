"""What the last build read and made, and whether a build has anything to do.

After each good build with the cache, a note is kept in .goodrel-cache/ (one per
output folder): every file under site.yaml, the content folders and the theme, by
size, times and inode and by the digest of its bytes; every picture the pages show
(it may lie elsewhere in the site); the code and library versions; the options; the
git commit (stories' `updated` dates come from history); and every file of the output
by inode. A build that finds all of these as noted has nothing to do. A file whose
times changed but whose bytes did not (saved again unchanged, checked out again) is
read and found the same: still nothing to do. Any file added to, removed from or
replaced in the output is noticed (by inode); a file edited in place there is not:
the output is for serving, not for editing (its files are hard links into the cache
anyway).

A note names the pictures its build showed. So that none stays of an item withheld
since, each good build removes the notes of other outputs that no longer hold what
their builds made (and the spare beside such an output if it is gone), and what ended
previews made (serve.py): those are never used again, and hold a site as it was."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from . import history, sitefiles
from .kinds import CONTENT_FOLDERS
from .limits import CONTENT_FILE_BYTES
from .options import Options, Result
from .output import MARKER, listing, running
from .problems import Problem
from .records import FOLDER, code_version, digest, file_digest, read_record, signature, write_record
from .theme import Theme

_FORMAT = "6"


class Inputs(NamedTuple):
    """What a build reads: the code, options and commit (`base`, a digest), and each
    source file, by the digest of its path -> (its signature, the digest of its bytes
    or None)."""

    base: str
    files: dict[str, tuple]


class Note(NamedTuple):
    inputs: Inputs  # what the build read, taken as it began
    pictures: dict[str, tuple | None]  # every picture the pages show -> its signature
    output: dict[str, int]  # every file of the output -> its inode
    summary: tuple  # what the build reported, as plain data (summary, result)


def inputs(root: Path, options: Options, last: Note | None = None, feeds: dict | None = None) -> Inputs:
    """What a build reads, taken as it begins (so that an edit made while it runs makes
    the next one run). A file's bytes are read only when its signature is not the one
    the last build noted. A hub's members' feeds (fetch.fetch_all) count by the digest
    of their bytes, or why there are none."""
    base = digest(code_version(), options.what(), history.revision(root))
    known = last.inputs.files if last is not None else {}
    files: dict[str, tuple] = {}
    for name, path in _files(root):
        sig = signature(path) if path is not None else None
        key = file_digest(name.encode())  # (the cache keeps no file name: none of a withheld item's)
        noted = known.get(key)
        files[key] = noted if noted is not None and noted[0] == sig else (sig, _bytes_digest(path))
    for member, got in (feeds or {}).items():
        files[digest("network", member)] = (got.why, None) if got.body is None else (None, file_digest(got.body))
    return Inputs(base, files)


def up_to_date(now: Inputs, last: Note) -> bool:
    """Whether the last build read what this one would: the same code, options and
    commit, the same files, each with the same bytes."""
    if last.inputs.base != now.base or last.inputs.files.keys() != now.files.keys():
        return False
    return all(_same(now.files[name], noted) for name, noted in last.inputs.files.items())


def _same(now: tuple, noted: tuple) -> bool:
    return now == noted or (now[1] is not None and now[1] == noted[1])


def _files(root: Path) -> Iterator[tuple[str, Path | None]]:
    """Every file the build may read from site.yaml, the content folders and the theme,
    as (its path, the path), found as the build finds them (sitefiles.py: links inside
    the site followed once, so that a loop of links ends); and whatever the build would
    refuse there, as (the problem, None)."""
    try:
        sitefiles.inspect(root, root / "site.yaml")
    except sitefiles.Refused as err:
        yield str(err.problem), None
    else:
        yield os.fspath(root / "site.yaml"), root / "site.yaml"
    folders = [(root, root / name) for name in CONTENT_FOLDERS]
    folders += [(boundary, folder) for folder, boundary in Theme(root).layers]
    for boundary, folder in folders:
        paths, refused = sitefiles.files(boundary, folder, recursive=True)
        yield from ((os.fspath(path), path) for path in paths)
        yield from ((str(problem), None) for problem in refused)


def _bytes_digest(path: Path | None) -> str | None:
    """The digest of a regular file's bytes; None for anything else, or anything larger
    than a content file may be (the build refuses or copies those: read them only once)."""
    if path is None:
        return None
    try:  # (not blocking: the path may be, or have become, a FIFO)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with open(fd, "rb") as f:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_size > CONTENT_FILE_BYTES:
            return None
        return hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def pictures(paths: Iterable[Path]) -> dict[str, tuple | None]:
    return {str(path): signature(path) for path in paths}


def _path(root: Path, out: Path) -> Path:
    return root / FOLDER / f"last-build-{digest(str(out.resolve()))}"


def last(root: Path, options: Options) -> Note | None:
    """The note of the last good build into this output, if the output still holds
    exactly what it made and the pictures it showed are unchanged."""
    found = _standing(read_record(_path(root, options.out), _FORMAT))
    return found._replace(summary=_named(root, found.summary)) if found is not None else None


def _standing(record: tuple | None) -> Note | None:
    """A kept note, if its output still holds exactly what its build made and the
    pictures it showed are unchanged."""
    if record is None:
        return None
    *kept, out = record  # (the output's path is kept last)
    found = Note(Inputs(*kept[0]), *kept[1:])
    try:
        if listing(Path(out)) != found.output:
            return None
    except OSError:
        return None
    return found if pictures(map(Path, found.pictures)) == found.pictures else None


def note(root: Path, options: Options, found: Note) -> None:
    """Note a good build (plain data only), and forget what no later build uses."""
    found = found._replace(summary=_unnamed(found.summary))
    kept = _path(root, options.out)
    write_record(kept, _FORMAT, (tuple(found.inputs), *found[1:], str(options.out.resolve())))
    for other in (root / FOLDER).glob("last-build-*"):
        record = read_record(other, _FORMAT)
        if other != kept and _standing(record) is None:
            other.unlink(missing_ok=True)
            if record is not None and not Path(record[-1]).exists():
                _forget_spare(Path(record[-1]))
    for ended in ended_previews(root / FOLDER):
        shutil.rmtree(ended, ignore_errors=True) if ended.is_dir() else ended.unlink(missing_ok=True)


def _forget_spare(out: Path) -> None:
    """Remove the spare kept beside an output that is gone (output.output_tree's): no
    build will use it, and it holds the site as it was."""
    spare = out.parent / f".{out.name}.goodrel-spare"
    if spare.is_dir() and not spare.is_symlink() and (spare / MARKER).is_file():
        shutil.rmtree(spare, ignore_errors=True)


def summary(result: Result) -> tuple:
    """A build's result as the note keeps it (plain data)."""
    return (result.files, result.stories, result.events, [dataclasses.astuple(n) for n in result.notes])


def result(summary: tuple, skipped: bool = False) -> Result:
    """A build's result from its note's summary."""
    files, stories, events, notes = summary
    return Result(files, stories, events, tuple(Problem(*n) for n in notes), skipped)


def ended_previews(cache: Path) -> list[Path]:
    """What previews that have ended made in the cache: their builds' outputs, the
    spares and locks beside them, their pictures (named by the preview's process id)."""
    found = []
    for path in sorted(cache.glob("*preview-*")):
        session = re.match(r"\.?preview-([0-9]+)", path.name)
        if session and not running(int(session[1])):
            found.append(path)
    return found


# The notes a build reported name content files, a withheld item's among them (its
# consent notes): they are kept by the digest of the file's path, and named again from
# the files in the content folders when the note is read.
_KEPT = "#"  # what a kept path starts with (no path the notes name does)


def _unnamed(summary: tuple) -> tuple:
    *counts, notes = summary
    content = tuple(f"{folder}/" for folder in CONTENT_FOLDERS)
    return (*counts, [(_KEPT + file_digest(n[0].encode()), *n[1:]) if n[0].startswith(content) else n for n in notes])


def _named(root: Path, summary: tuple) -> tuple:
    *counts, notes = summary
    names = {}
    for folder in CONTENT_FOLDERS:
        for path in (root / folder).rglob("*"):
            rel = path.relative_to(root).as_posix()
            names[_KEPT + file_digest(rel.encode("utf-8", "surrogateescape"))] = rel
    return (*counts, [(names.get(n[0], n[0]), *n[1:]) for n in notes])
