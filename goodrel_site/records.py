"""Plain records kept in the site's .goodrel-cache/ folder, and the digests and file
signatures that key them. (Light to import: a build with little to do needs only these.)"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import marshal
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import sitefiles

FOLDER = ".goodrel-cache"
FORMAT = 3  # bump when what is stored changes shape


def digest(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def path_digest(path: str | Path) -> str | None:
    """file_digest of a regular file's bytes, read a piece at a time and without
    following a link; None for anything else (or nothing)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.blake2b(digest_size=16)
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@functools.cache
def code_version() -> str:
    """This package's files and the versions of the libraries that shape the output."""
    package = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for dist in (
        "jinja2",
        "markupsafe",
        "markdown-it-py",
        "mdit-py-plugins",
        "pydantic",
        "pydantic-core",
        "pyyaml",
        "pillow",
        "pagefind",
        "pagefind-bin",
    ):
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{dist}={version}\0".encode())
    h.update(f"{FORMAT}\0{sys.version}".encode())
    return h.hexdigest()


def signature(path: Path) -> tuple[int, ...] | None:
    """What changes whenever a file's content does: size, times and inode."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def read_record(path: Path, format_key: str) -> Any:
    """A stored value, or None when missing, unreadable or from other code."""
    try:
        key, value = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return value if key == format_key else None


def write_record(path: Path, format_key: str, value: Any) -> None:
    """Keep a value at `path`, in the site's cache (never through a link: sitefiles.write)."""
    if path.parent.is_file() and not path.parent.is_symlink():  # a file of an older cache layout
        path.parent.unlink()
    cache = next(folder for folder in path.parents if folder.name == FOLDER)
    sitefiles.folder(cache.parent, cache)  # (the preview writes before any build made it)
    sitefiles.write(cache, path, marshal.dumps((format_key, value)))


class Memo:
    """A pure function's results, kept between builds in a record by the digest of the
    text they were made from (and the code's version): parsing again what has not
    changed is the slow part of some work (a template, a story's plain text). A build
    keeps only the results it used (a withheld item's text is not among them)."""

    def __init__(self, path: Path | None, make: Callable[[str], Any]):
        self.path, self.make = path, make
        found = read_record(path, code_version()) if path else None
        self._known: dict[str, Any] = found or {}
        self._stale = found is None  # (a record of other code is replaced too: it may hold anything)
        self._used: dict[str, Any] = {}

    def __call__(self, text: str) -> Any:
        key = file_digest(text.encode())
        if key not in self._used:
            self._used[key] = self._known[key] if key in self._known else self.make(text)
        return self._used[key]

    def remember(self, text: str, result: Any) -> None:
        """What the function gives for `text`, as made elsewhere (by the same code)."""
        self._used[file_digest(text.encode())] = result

    def save(self) -> None:
        if self.path and (self._used != self._known or self._stale):
            write_record(self.path, code_version(), self._used)
