"""Plain records kept in the site's .goodrel-cache/ folder, and the digests and file
signatures that key them. (Light to import: a build with little to do needs only these.)"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import marshal
import os
import sys
from pathlib import Path
from typing import Any

FOLDER = ".goodrel-cache"
FORMAT = 3  # bump when what is stored changes shape


def digest(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@functools.cache
def code_version() -> str:
    """This package's files and the versions of the libraries that shape the output."""
    package = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for dist in ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "pydantic",
                 "pydantic-core", "pyyaml", "pillow", "pagefind", "pagefind-bin"):
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file of an older cache layout is in the way
        path.parent.unlink()
        path.parent.mkdir()
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(marshal.dumps((format_key, value)))
    tmp.replace(path)
