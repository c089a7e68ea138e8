"""The site's own files, and nothing else: every file the build, `check` and `serve`
read from a site comes through here.

A file is the site's own when its path, with every symbolic link followed, lies inside
the site root, and it is a regular file. Anything else is refused before it is opened:
a link out of the site (to /etc/passwd, /proc/self/environ, a home folder), a link that
leads nowhere, and FIFOs, sockets and device files (opening one can block a build for
ever, or act on a device). A link that stays inside the site is followed.

    files(root, folder, suffix)   the regular files of a folder, and what was refused
    audit(root, folder)           what would be refused anywhere under a folder
    inspect(root, path)           the real path of one site file, or Refused
    read_bytes(root, path, limit) a site file's bytes, or Refused (also when too large)
    read_regular(real, limit)     the bytes of a path that `inspect` already gave

Refused carries a Problem at line 0 (the file as a whole), printed `PATH: message`.

Checked, then opened: a file swapped for a link by someone writing to the site folder
while a build runs is outside what this guards (docs/security.md)."""

from __future__ import annotations

import errno
import os
import stat
from functools import lru_cache
from pathlib import Path

from .problems import Problem


class Refused(Exception):
    """A path the build will not read; `problem` says why, as `PATH: message`."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}


@lru_cache(maxsize=16)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def relative(root: Path, path: Path | str) -> str:
    """The path as the site names it (forward slashes, relative to the root); a path
    outside the root keeps its '..' segments."""
    return Path(os.path.relpath(os.path.normpath(path), root)).as_posix()


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _refuse(rel: str, message: str) -> Refused:
    return Refused(Problem(rel, 0, message))


def inspect(root: Path, path: Path | str) -> str:
    """The real path (every link followed) of a regular file of the site at `path`;
    Refused if it is anything else. Nothing is opened."""
    rel = relative(root, path)
    real_root = _real_root(str(root))
    if rel == ".." or rel.startswith("../"):
        raise _refuse(rel, "is outside the site folder: name a file inside it")
    real = os.path.realpath(path)
    if not _inside(real, real_root):
        raise _refuse(
            rel,
            f"is a link to {real}, outside the site folder: the site reads only "
            "its own files; put the file itself here instead of a link",
        )
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        if os.path.islink(path) or real != os.path.normpath(os.path.abspath(path)):
            raise _refuse(rel, "is a link to a file that does not exist") from None
        raise _refuse(rel, "does not exist") from None
    except OSError as err:  # a loop of links, a name too long…
        raise _refuse(rel, f"cannot be read: {err.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise _refuse(rel, f"is {kind}, not a file: the site reads only regular files; remove it")
    return real


def read_regular(real: str | Path, limit: int, rel: str | None = None) -> bytes:
    """The bytes of a path `inspect` gave (no link in it): opened without following a
    link or waiting on a pipe, checked again to be a regular file, and refused past
    `limit` bytes. `rel` names the file in a refusal."""
    rel = rel or str(real)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _refuse(rel, "was replaced by a link while it was being read; try again") from None
        raise
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(rel, "is not a regular file: the site reads only regular files; remove it")
        if info.st_size > limit:
            raise Refused(too_large(rel, info.st_size, limit))
        data = f.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise Refused(too_large(rel, len(data), limit))
    return data


def too_large(rel: str, size: int, limit: int) -> Problem:
    return Problem(rel, 0, f"is {size:,} bytes; at most {limit:,} bytes ({_size(limit)}) are allowed")


def read_bytes(root: Path, path: Path | str, limit: int) -> bytes:
    """A site file's bytes; Refused if it is not the site's own regular file or is
    larger than `limit` bytes. (OSError only for what the disk itself says.)"""
    return read_regular(inspect(root, path), limit, relative(root, path))


def files(root: Path, folder: Path, suffix: str = "", recursive: bool = False) -> tuple[list[Path], list[Problem]]:
    """The regular files of `folder` whose names end with `suffix` (with `recursive`,
    of its subfolders too, links to folders inside the site followed once), sorted, as
    paths under `folder`; and a Problem for each entry with such a name that is refused.
    A missing folder has no files."""
    try:
        seen = {inspect_folder(root, folder)}
    except Refused as err:
        return [], [err.problem]
    except FileNotFoundError:
        return [], []
    found, problems, todo = [], [], [Path(folder)]
    while todo:
        here = todo.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                path = here / entry.name
                # d_type answers these without a system call; only links and odd
                # entries need looking into.
                if entry.is_file(follow_symlinks=False):
                    if entry.name.endswith(suffix):
                        found.append(path)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if recursive:
                        todo.append(path)
                    elif suffix and entry.name.endswith(suffix):
                        problems.append(_refuse(relative(root, path), "is a folder, not a file").problem)
                    continue
                try:
                    if recursive and entry.is_symlink() and entry.is_dir():
                        real = inspect_folder(root, path)
                        if real not in seen:
                            seen.add(real)
                            todo.append(path)
                    elif entry.name.endswith(suffix):
                        inspect(root, path)
                        found.append(path)
                except Refused as err:
                    problems.append(err.problem)
    return sorted(found), sorted(problems)


def audit(root: Path, folder: Path) -> list[Problem]:
    """Everything under `folder` (subfolders too) that the site would refuse to read:
    links out of the site or to nothing, FIFOs, sockets and devices."""
    return files(root, folder, recursive=True)[1]


def inspect_folder(root: Path, folder: Path) -> str:
    """The real path of a folder of the site; Refused if it leads outside the site or
    is not a folder; FileNotFoundError if it is not there."""
    real = os.path.realpath(folder)
    rel = relative(root, folder)
    if not _inside(real, _real_root(str(root))):
        raise _refuse(
            rel,
            f"is a link to {real}, outside the site folder: the site reads only "
            "its own files; put the folder itself here instead of a link",
        )
    if not os.path.isdir(real):
        if not os.path.lexists(folder):
            raise FileNotFoundError(folder)
        raise _refuse(rel, "should be a folder")
    return real


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n / 1024:g} KB"
