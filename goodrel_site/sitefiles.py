"""The site's own files, and nothing else: every file the build, `check` and `serve`
read from a site, and every file goodrel writes into one, comes through here.

A file is the site's own when its path, with every symbolic link followed, lies inside
the site root, and it is a regular file. Anything else is refused before it is opened:
a link out of the site (to /etc/passwd, /proc/self/environ, a home folder), a link that
leads nowhere, and FIFOs, sockets and device files (opening one can block a build for
ever, or act on a device). A link that stays inside the site is followed.

    files(root, folder, suffix)   the regular files of a folder, and what was refused
    audit(root, folder)           what would be refused anywhere under a folder
    leading_out(root, folder, paths) the links among `paths` that lead out of `folder`
    inspect(root, path)           the real path of one site file, or Refused
    read_bytes(root, path, limit) a site file's bytes, or Refused (also when too large)
    read_regular(real, limit)     the bytes of a path that `inspect` already gave

And every file goodrel writes into a site (sitefiles.write: never through a link,
never outside the site; own_folder: the cache, holding no link at all):

    folder(root, path)            make a folder of the site; its real path, or Refused
    existing(root, path, limit)   the bytes a write would replace, or Refused (a link…)
    write(root, path, data, new)  write a regular file of the site, or Refused
    own_folder(root, name)        the cache folder, any link in it removed

Refused carries a Problem at line 0 (the file as a whole), printed `PATH: message`.

Checked, then opened: a file swapped for a link by someone writing to the site folder
while a build runs is outside what this guards (docs/security.md)."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path

from . import chars
from .kinds import CONTENT_FOLDERS
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


_BAD_NAME = (
    "has a name with a line break, a control character or bytes that are not UTF-8, "
    "which no address or message may hold: rename it (letters, digits and hyphens)"
)


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
    _refuse_link_into(rel, path, real, real_root)
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


def _refuse_link_into(rel: str, path: Path | str, real: str, real_root: str) -> None:
    """A link inside the site (`path` whose real path `real` differs) is followed only to
    the site's sources: never into a hidden file or folder (.git/ holds CI's credentials
    and every old version of every story; .goodrel-cache/, .env), nor from one content
    folder or the theme into a content folder (a theme file linked to a withdrawn story
    would publish its text)."""
    if real == os.path.normpath(os.path.abspath(path)):
        return  # (no link on the way)
    target = os.path.relpath(real, real_root).split(os.sep)
    if any(part.startswith(".") for part in target):
        raise _refuse(rel, "is a link into a hidden file or folder of the site (such as .git): remove the link")
    here = rel.split("/", 1)[0]
    if target[0] in CONTENT_FOLDERS and target[0] != here:
        raise _refuse(
            rel, f"is a link into {target[0]}/: a file there is read as content only; put a copy here instead"
        )


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
                if chars.bad_name(entry.name):
                    problems.append(_refuse(relative(root, path), _BAD_NAME).problem)
                    continue
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


def leading_out(root: Path, folder: Path, paths: list[Path], also: tuple[Path, ...] = ()) -> list[Problem]:
    """A Problem for each link that takes one of `paths` (files found under `folder`)
    out of `folder`'s real path (and of the folders `also`): the link itself is named,
    once. For a folder whose files are published as they are (a theme's), where a link
    to any other file of the checkout (notes, a key) would publish it."""
    allowed = [os.path.realpath(folder), *(os.path.realpath(a) for a in also)]
    found = set()
    for path in paths:
        if any(_inside(os.path.realpath(path), a) for a in allowed):
            continue
        step = Path(folder)
        for part in Path(path).relative_to(folder).parts:  # (the first step that leads out)
            step = step / part
            real = os.path.realpath(step)
            if not any(_inside(real, a) for a in allowed):
                break
        name = relative(root, folder)
        found.add(
            Problem(
                relative(root, step),
                0,
                f"is a link to {relative(root, real)}, outside {name}/: its files are published as they are, "
                f"so its links may lead only inside {name}/; put a copy of the file here instead of the link",
            )
        )
    return sorted(found)


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
    _refuse_link_into(rel, folder, real, _real_root(str(root)))
    if not os.path.isdir(real):
        if not os.path.lexists(folder):
            raise FileNotFoundError(folder)
        raise _refuse(rel, "should be a folder")
    return real


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n / 1024:g} KB"


# Writing: every command that writes into a site (schema, new, init, the share image,
# the build's cache) writes through these, so that nothing lands outside the site.


def folder(root: Path, path: Path | str, make: bool = True) -> str:
    """Make a folder of the site, and the folders above it, where they are missing; its
    real path. Refused if a part of it is not a folder, or leads outside the site.
    Without `make`, FileNotFoundError where a part is missing."""
    rel = relative(root, path)
    real_root = _real_root(str(root))
    if rel == ".." or rel.startswith("../"):
        raise _refuse(rel, "is outside the site folder: goodrel writes only inside the site")
    here, named = real_root, Path(root)
    for part in Path(rel).parts if rel != "." else ():
        named, step = named / part, os.path.join(here, part)
        if make:
            try:
                os.mkdir(step)  # (never follows a link: EEXIST if one is there)
                here = step
                continue
            except FileExistsError:
                pass
        elif not os.path.lexists(step):
            raise FileNotFoundError(errno.ENOENT, "no such folder", os.fspath(named))
        real = os.path.realpath(step)
        if not _inside(real, real_root):
            raise _refuse(
                relative(root, named),
                f"is a link to {real}, outside the site folder: goodrel writes only inside the site; "
                "put the folder itself here instead of a link",
            )
        if not os.path.isdir(real):
            raise _refuse(relative(root, named), "should be a folder: move it away and run the command again")
        here = real
    return here


def existing(root: Path, path: Path | str, limit: int) -> bytes | None:
    """The bytes of the site's regular file that a write to `path` would replace; None
    if there is none. Refused if a link (of any kind) or anything but a file is there."""
    try:
        real = folder(root, os.path.dirname(path), make=False)
    except FileNotFoundError:
        return None
    target = os.path.join(real, os.path.basename(path))
    if _writable(root, path, target) is None:
        return None
    return read_regular(target, limit, relative(root, path))


def write(root: Path, path: Path | str, data: bytes, new: bool = False) -> None:
    """Write a regular file of the site at `path`, its folders made. Refused, and nothing
    written, if a link (to anywhere, or to nothing) or anything but a regular file is
    there, or if its folder leads outside the site. Written into a new file made beside
    it (O_EXCL: never through a link) and renamed into place, so a reader sees the old
    file or the new, whole; with `new`, created where nothing is (FileExistsError if
    something is)."""
    rel = relative(root, path)
    real = folder(root, os.path.dirname(path))
    name = os.path.basename(path)
    dir_fd = os.open(real, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        _still_inside(root, rel, dir_fd)
        found = _writable(root, path, name, dir_fd)
        if found is not None and new:
            raise FileExistsError(errno.EEXIST, "already exists", os.fspath(path))
        temp = name if new else f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temp, flags, 0o666, dir_fd=dir_fd)
        try:
            with os.fdopen(fd, "wb") as f:
                if found is not None:
                    os.fchmod(fd, stat.S_IMODE(found.st_mode))  # (a replaced file keeps its mode)
                f.write(data)
            if not new:
                os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            os.unlink(temp, dir_fd=dir_fd)
            raise
    finally:
        os.close(dir_fd)


def _writable(root: Path, path: Path | str, target: str, dir_fd: int | None = None) -> os.stat_result | None:
    """What is at a write's target (its stat, not following a link); None if nothing.
    Refused if it is a link or not a regular file."""
    try:
        found = os.stat(target, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    rel = relative(root, path)
    if stat.S_ISLNK(found.st_mode):
        to = os.readlink(target, dir_fd=dir_fd)
        raise _refuse(
            rel,
            f"is a link (to {to}): goodrel writes only regular files of the site, never through "
            "a link; delete the link and run the command again",
        )
    if not stat.S_ISREG(found.st_mode):
        kind = _KINDS.get(stat.S_IFMT(found.st_mode), "not a regular file")
        raise _refuse(rel, f"is {kind}, not a file: move it away and run the command again")
    return found


def _still_inside(root: Path, rel: str, dir_fd: int) -> None:
    """Refuse a folder swapped for a link between finding its real path and opening it
    (where the system says what an open folder is: /proc on Linux)."""
    try:
        opened = os.readlink(f"/proc/self/fd/{dir_fd}")
    except OSError:
        return
    if not _inside(opened, _real_root(str(root))):
        raise _refuse(rel, "was moved out of the site while it was being written: run the command again")


def own_folder(root: Path, name: str) -> Path:
    """A folder directly in the site that only goodrel writes (its cache): made if
    missing. A link or special file in it, or in its place, which no build makes (a
    link planted there, or restored with a CI cache, would send the build's writes or
    reads outside the site), is removed: the link itself, never what it leads to. So
    nothing is written through it, and the next build is not stopped by it."""
    path = Path(root) / name
    try:
        os.mkdir(path)
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            os.mkdir(path)
    todo = [path]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except FileNotFoundError:  # (removed meanwhile by another build)
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                todo.append(Path(entry.path))
            elif not entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    pass
    return path
