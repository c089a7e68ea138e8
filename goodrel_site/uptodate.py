"""What the last build read and made, and whether a build has anything to do.

After each good build with the cache, a note is kept in .goodrel-cache/ (one per
output folder): every file under site.yaml, the content folders and the theme by size,
times and inode; every picture the pages show (it may lie elsewhere in the site); the
code and library versions; the options; the git commit (stories' `updated` dates come
from history); and every file of the output by inode. A build that finds all of these
as noted has nothing to do. Any file added to, removed from or replaced in the output
is noticed (by inode); a file edited in place there is not: the output is for serving,
not for editing (its files are hard links into the cache anyway)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import history
from .load import CONTENT_DIRS
from .output import listing
from .records import FOLDER, code_version, digest, read_record, signature, write_record
from .theme import Theme

if TYPE_CHECKING:
    from .options import Options

_FORMAT = "3"


class Note(NamedTuple):
    inputs: str  # the digest of what the build read (`inputs`)
    pictures: dict[str, tuple | None]  # every picture the pages show -> its signature
    output: dict[str, int]  # every file of the output -> its inode
    summary: tuple  # (files, stories, events, notes as tuples): what the build reported


def inputs(root: Path, options: Options) -> str:
    """What a build reads, taken as it begins (so that an edit made while it runs makes
    the next one run): every file's signature, the options and the git commit."""
    h = hashlib.blake2b(digest_size=16)
    h.update(
        repr(
            (
                code_version(),
                str(options.out.resolve()),
                options.now.isoformat(),
                options.drafts,
                options.base_url,
                options.search,
                history.revision(root),
            )
        ).encode()
    )
    for name in ("site.yaml", *CONTENT_DIRS):
        _add_files(h, root / name, name)
    for number, folder in enumerate(Theme(root).folders):
        _add_files(h, folder, f"theme-{number}")
    return h.hexdigest()


def _add_files(h, path: Path | str, rel: str) -> None:
    """Each file's path, size, times and inode, folders in name order (links followed:
    a theme may be a symlink)."""
    try:
        st = os.stat(path)
    except OSError:
        h.update(f"{rel}\0-\0".encode())
        return
    if not stat.S_ISDIR(st.st_mode):
        h.update(f"{rel}\0{(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)}\0".encode())
        return
    with os.scandir(path) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            _add_files(h, entry.path, f"{rel}/{entry.name}")


def pictures(paths) -> dict[str, tuple | None]:
    return {str(path): signature(path) for path in paths}


def _path(root: Path, out: Path) -> Path:
    return root / FOLDER / f"last-build-{digest(str(out.resolve()))}"


def last(root: Path, options: Options) -> Note | None:
    """The note of the last good build into this output, if the output still holds
    exactly what it made and the pictures it showed are unchanged."""
    record = read_record(_path(root, options.out), _FORMAT)
    if record is None:
        return None
    found = Note(*record)
    try:
        if listing(options.out.resolve()) != found.output:
            return None
    except OSError:
        return None
    return found if pictures(map(Path, found.pictures)) == found.pictures else None


def note(root: Path, options: Options, found: Note) -> None:
    """Note a good build (plain data only)."""
    write_record(_path(root, options.out), _FORMAT, tuple(found))
