"""Skipping a build that would change nothing.

After each good build with the cache, what it read and what it wrote are noted in
.goodrel-cache/ (one note per output folder): every file under site.yaml, the content
folders and the theme by size, times and inode; the code and library versions; the
options; the git commit (stories' `updated` dates come from history). A build that
finds all of these as noted, and the output folder holding exactly the files that
build made (by inode: any file added, removed or replaced is noticed), has nothing to
do. A file edited in place inside the output is not noticed: the output is for
serving, not for editing (its files are hard links into the cache anyway)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import history
from .cache import FOLDER, code_version, digest, read_record, write_record
from .load import CONTENT_DIRS
from .output import listing

if TYPE_CHECKING:
    from .pipeline import Options

_FORMAT = "1"


def inputs(root: Path, options: Options) -> str:
    """What a build reads, as a digest; taken as the build begins, so that an edit
    made while it runs makes the next one run."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((code_version(), str(options.out.resolve()), options.now.isoformat(), options.drafts,
                   options.base_url, options.search, history.revision(root))).encode())
    for name in ("site.yaml", *CONTENT_DIRS, "theme"):
        _add_files(h, root / name, name)
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
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0".encode())
        return
    with os.scandir(path) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            _add_files(h, entry.path, f"{rel}/{entry.name}")


def _path(root: Path, out: Path) -> Path:
    return root / FOLDER / f"last-build-{digest(str(out.resolve()))}"


def noted(root: Path, options: Options, found: str) -> Any:
    """What the last good build into this output noted of itself (`note`), if it read
    the same `found` inputs and the output still holds exactly what it made."""
    record = read_record(_path(root, options.out), _FORMAT)
    if record is None or record[0] != found:
        return None
    try:
        return record[2] if listing(options.out.resolve()) == record[1] else None
    except OSError:
        return None


def note(root: Path, options: Options, found: str, summary: Any) -> None:
    """Note a good build: the inputs it `found` as it began, its output, and `summary`
    (plain data) to give again when nothing has changed."""
    write_record(_path(root, options.out), _FORMAT, (found, listing(options.out.resolve()), summary))
