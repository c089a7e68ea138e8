"""Output that never breaks: build into a folder beside --out and swap it into place
in one step, only when everything succeeded, under a lock that no other build of the
site or into the folder holds.

With the build cache on, the folder built into is a spare kept beside --out
(`.NAME.goodrel-spare`, a copy of the output made of hard links), so that a build
only touches the files that differ; otherwise a new empty folder. A file already right
(the same inode as the cached copy it should be) is left alone; any other file is
replaced by renaming, never written over in place, since output files are hard links
shared with the build cache and the published output; whatever the build did not make
is removed before the swap. The marker lists what it made, so that the next build
knows what is its own: what else an output holds is carried over (CARRIED) or refused
(check_out_dir), never deleted."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .kinds import CONTENT_FOLDERS
from .problems import UsageError
from .records import FOLDER

# Written into every build, with the list of the files it made, so that a folder is
# only ever replaced by another build, and nothing it did not make is lost.
MARKER = ".goodrel-build"
_MARKER_HEAD = "made by goodrel; replaced on every build. The files it made, one JSON string a line:\n"
_LEGACY_MARKER = "made by goodrel; replaced on every build\n"  # (before the list: every file its own)
# What an output may hold that no build made, carried into each new output whole: the
# custom domain of GitHub Pages and the file that stops it running Jekyll, which people
# who publish the folder themselves put there. Anything else the build did not make is
# refused, never deleted.
CARRIED = ("CNAME", ".nojekyll")
# Folders the build makes whole, listed as folders: the search index's (search.py),
# whose file names Pagefind does not make the same from one build to the next.
_WHOLE = re.compile(r"(pagefind(?:-[0-9a-f]+)?/)")
_PREVIEW = re.compile(r"preview-[0-9]+")  # the preview's own outputs in the cache (serve.py)
_UNSAFE = re.compile(r"(^|/)\.{0,2}(/|$)")  # an empty, '.' or '..' path segment
_NAMED = 5  # files a refusal names, of those it found


def check_out_dir(site: Path, out: Path) -> None:
    """Refuse an output folder that is, holds, or lies inside the site's sources (links
    followed: a theme may be a symlink) or its cache, or that holds anything but an
    earlier build and the files it carries over (CARRIED). An --out that is a link, or
    inside the site but led out of it by a link, is refused: the build never writes
    through a link (a contributor may commit one where the output goes)."""
    given = Path(os.path.abspath(out))
    if given.is_symlink():
        raise UsageError(
            f"--out {given} is a link (to {os.readlink(given)}): the build never writes through a link; "
            "delete the link, or give the folder it leads to as --out"
        )
    site, out = site.resolve(), out.resolve()
    if given.is_relative_to(site) and not out.is_relative_to(site):
        raise UsageError(
            f"--out {given} lies in the site but a link on its way leads to {out}: the build never writes "
            "through a link; delete the link, or give the folder it leads to as --out"
        )
    sources = [(site / name).resolve() for name in (*CONTENT_FOLDERS, "theme", "site.yaml")]
    if out == site or site.is_relative_to(out):
        raise UsageError(f"--out {out} would replace the site itself; choose a folder such as {site / 'public'}")
    for source in sources:
        if out == source or out.is_relative_to(source) or source.is_relative_to(out):
            raise UsageError(f"--out {out} overlaps the site's content at {source}; choose another folder")
    cache = site / FOLDER
    if out.is_relative_to(cache) and not (out.parent == cache and _PREVIEW.fullmatch(out.name)):
        raise UsageError(f"--out {out} is inside the site's cache, which builds rewrite; choose {site / 'public'}")
    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"--out {out} is a file; choose a folder such as {site / 'public'}")
    strange = strangers(out)
    if strange:
        shown = ", ".join(strange[:_NAMED]) + (f" (and {len(strange) - _NAMED} more)" if len(strange) > _NAMED else "")
        raise UsageError(
            f"--out {out} holds what no build made: {shown}; a build replaces the whole folder, so move "
            f"them elsewhere and build again, or choose another --out ({' and '.join(CARRIED)} are the "
            "only such files kept from one build to the next)"
        )


def strangers(out: Path) -> list[str]:
    """What an output folder holds that no build made and is not carried over, sorted,
    each folder named once (`.git/`): nothing if it is empty; everything if it has no
    marker. An output with the marker of a build before the list holds nothing else."""
    folders: set[str] = set()
    held = listing(out, folders)
    if not held and not folders:
        return []
    made = _made(out)
    if made is None:
        return sorted({rel.split("/")[0] + ("/" if "/" in rel else "") for rel in [*held, *folders]})
    if not made:  # (a marker from before the list)
        return []
    ours = made | {MARKER} | {name for name in CARRIED if _regular(out / name)}
    above = {rel.rsplit("/", n)[0] for rel in ours for n in range(1, rel.rstrip("/").count("/") + 1)}
    above |= {rel.rstrip("/") for rel in ours if rel.endswith("/")}
    found = set()
    for rel in [*held, *folders]:
        whole = _WHOLE.match(rel + "/")
        if rel in ours or rel in above or whole and whole[1] in ours:
            continue
        parts = rel.split("/")
        prefix = next("/".join(parts[:n]) for n in range(1, len(parts) + 1) if "/".join(parts[:n]) not in above)
        found.add(prefix + "/" if prefix in folders else prefix)
    return sorted(found)


def _made(out: Path) -> set[str] | None:
    """The files that the build which made `out` listed in its marker; empty for a
    marker from before the list; None if there is no marker (or it is not a build's)."""
    try:
        fd = os.open(out / MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with open(fd, encoding="utf-8", errors="surrogateescape") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        text = f.read()
    if text == _LEGACY_MARKER:
        return set()
    if not text.startswith(_MARKER_HEAD):
        return None
    try:
        return {json.loads(line) for line in text[len(_MARKER_HEAD) :].splitlines()}
    except ValueError:
        return None


def marker(made: set[str]) -> str:
    """The marker's text: what it is, then every file the build made (a folder made
    whole, once, as `pagefind/`)."""
    listed = {whole[1] if (whole := _WHOLE.match(rel)) else rel for rel in made}
    return _MARKER_HEAD + "".join(json.dumps(rel) + "\n" for rel in sorted(listed))


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


class Tree:
    """An output folder being made. What it already holds (a spare) is listed once,
    file by inode, so that worker processes forked later see it too; `made` is what
    this process put in it (the caller adds what workers made)."""

    def __init__(self, path: Path, reuse: bool):
        self.path = path
        self.folders: set[str] = {""}
        strays: list[str] = []
        self.held: dict[str, int] = listing(path, self.folders, strays) if reuse else {}  # path -> inode
        for stray in strays:  # (a link no build made, in an output committed as it was: never written through)
            os.unlink(stray)
        self.made: set[str] = set()
        self.carried: set[str] = set()  # what it holds that no build made (CARRIED)
        self.published: dict[str, int] = {}  # every file, by inode, once swapped into place

    def target(self, rel: str) -> str:
        """The file for a relative path, its folder made; never outside the tree."""
        if _UNSAFE.search(rel):
            raise ValueError(f"not a safe site path: {rel!r}")
        folder = rel.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            self.folders.add(folder)
        self.made.add(rel)
        return os.path.join(self.path, rel)

    def link(self, rel: str, source: str | Path, inode: int | None = None) -> None:
        """Make `rel` the file `source` (a hard link; a copy where links are impossible),
        unless it already is (`inode`: the source's, when the caller knows it)."""
        held = self.held.get(rel)
        if held is not None and held == (inode if inode is not None else os.stat(source).st_ino):
            self.made.add(rel)  # (a path listed here: safe, and its folder is there)
            return
        target = self.target(rel)
        if held is not None:
            tmp = f"{target}.{os.getpid()}.tmp"
            link_or_copy(source, tmp)
            os.replace(tmp, target)
        else:
            link_or_copy(source, target)

    def write(self, rel: str, data: str | bytes) -> str:
        """Write a new file at `rel`; its path."""
        target = self.target(rel)
        tmp = f"{target}.{os.getpid()}.tmp" if rel in self.held else target
        with open(tmp, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        if tmp != target:
            os.replace(tmp, target)
        return target

    def carry(self, rel: str, source: Path) -> None:
        """Put a file that no build made into the output as it is, unlisted."""
        self.link(rel, source)
        self.made.discard(rel)
        self.carried.add(rel)

    def finish(self) -> None:
        """Remove every file this build did not make or carry, and the folders left empty."""
        emptied = set()
        for rel in self.held.keys() - self.made - self.carried:
            os.unlink(os.path.join(self.path, rel))
            folder = rel.rpartition("/")[0]
            while folder and folder not in emptied:
                emptied.add(folder)
                folder = folder.rpartition("/")[0]
        for folder in sorted(emptied, key=len, reverse=True):  # the deepest first
            if not os.listdir(os.path.join(self.path, folder)):
                os.rmdir(os.path.join(self.path, folder))


def listing(path: Path, folders: set[str] | None = None, strays: list[str] | None = None) -> dict[str, int]:
    """Every file under a folder, by relative path, with its inode (and, into `folders`,
    every folder): one directory read per folder, no stat. With `strays`, what is neither
    a regular file nor a folder (a link, a FIFO) goes there, by its path, instead."""
    found = {}
    todo = [(os.fspath(path), "")]
    while todo:
        here, rel = todo.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                name = rel + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if folders is not None:
                        folders.add(name)
                    todo.append((entry.path, name + "/"))
                elif strays is None or entry.is_file(follow_symlinks=False):
                    found[name] = entry.inode()
                else:
                    strays.append(entry.path)
    return found


def relpath(url: str) -> str:
    """The file a site URL is written to, relative to the output: `/a/b/` is a/b/index.html."""
    rel = url.lstrip("/")
    return rel + "index.html" if not rel or rel.endswith("/") else rel


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link to `source` at `target`; a copy where links are impossible."""
    try:
        os.link(source, target)
    except OSError as err:
        if isinstance(err, (FileNotFoundError, FileExistsError)):
            raise
        shutil.copyfile(source, target)


@contextmanager
def output_tree(out: Path, reuse: bool) -> Iterator[Tree]:
    """The folder to build into, beside `out` (the spare if `reuse` and there is one);
    swapped into place if the block succeeds. If the block raises, `out` is left
    exactly as it was. Afterwards the spare, if one is kept, holds exactly what `out`
    holds: nothing the new output no longer shows (a story withheld since, say) stays
    beside it."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(out)
    spare = out.parent / f".{out.name}.goodrel-spare"
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-{os.getpid()}-", dir=out.parent))
    if spare.is_symlink() or os.path.lexists(spare) and not spare.is_dir():
        spare.unlink()  # (the link itself: a spare is a folder only a build makes)
    if reuse and (spare / MARKER).is_file():
        os.replace(spare, tmp)  # (tmp is empty: replaced)
    elif spare.exists():
        shutil.rmtree(spare)
    try:
        tree = Tree(tmp, reuse)
        yield tree
        for name in CARRIED:
            if name not in tree.made and _regular(out / name):
                tree.carry(name, out / name)
        tree.write(MARKER, marker(tree.made))
        tree.finish()
        tmp.chmod(0o755)  # mkdtemp makes it private; a served site must be readable
        old = _swap(tmp, out)
        tree.published = listing(out)
        if old is not None and reuse:
            os.rename(old, spare)
            _mirror(spare, out, tree.published)
        elif old is not None:
            shutil.rmtree(old)
    finally:
        if tmp.exists():  # the build failed: what it made from a spare is the next spare
            if reuse and (tmp / MARKER).is_file() and not spare.exists():
                os.rename(tmp, spare)
            else:
                shutil.rmtree(tmp)


def _mirror(spare: Path, out: Path, held: dict[str, int]) -> None:
    """Make `spare` hold what `out` holds (`held`, its listing), as hard links."""
    tree = Tree(spare, reuse=True)
    for rel, inode in held.items():
        tree.link(rel, os.path.join(out, rel), inode)
    tree.finish()


def _clear_leftovers(out: Path) -> None:
    """Remove the folders that builds killed midway (no `finally` runs on SIGKILL or
    an unhandled SIGTERM) left beside `out`: their names carry their process ids."""
    for old in out.parent.glob(f".{out.name}.*-*"):
        found = re.fullmatch(rf"\.{re.escape(out.name)}\.new-([0-9]+)-\w+", old.name)
        if found and not running(int(found[1])):
            old.unlink() if old.is_symlink() else shutil.rmtree(old, ignore_errors=True)


def running(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's
        pass
    return True


def _swap(new: Path, out: Path) -> Path | None:
    """Put `new` in the place of `out` in one step (Linux's renameat2 RENAME_EXCHANGE:
    there is no moment without `out`, or with a mix of the two, even if the build is
    killed); the replaced output is then at `new`'s path. Where the file system cannot
    exchange, two renames, with a moment without `out` between them. None if there was
    no `out` to replace."""
    if not out.exists():
        os.rename(new, out)
        return None
    if not _exchange(new, out):
        old = new.with_name(new.name + "-old")
        os.rename(out, old)
        try:
            os.rename(new, out)
        except OSError:
            os.rename(old, out)
            raise
        return old
    return new


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where this system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if sys.platform == "linux" else None
    if renameat2 is None:
        return False
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not on this file system
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def locked(root: Path, out: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the build locks of the site and of the output folder, so that two builds
    of one site, or into one folder, never run at once: a later build (one that sees a
    story withdrawn, say) can never be overwritten by an earlier one still running.
    A build that finds the lock taken waits for it, saying so once. The locks go with
    the process that holds them, however it ends."""
    with ExitStack() as held:
        for path in (root / FOLDER / "build.lock", out.parent / f".{out.name}.goodrel-lock"):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:  # (never through a link: opening one could make a file elsewhere)
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
            except OSError as err:
                if err.errno != errno.ELOOP:
                    raise
                raise UsageError(f"{path} is a link: a build lock is a plain file; delete the link") from None
            lock = held.enter_context(open(fd, "a+b"))
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                waiting(f"another build of {root} or into {out} is running: waiting for it to finish")
                fcntl.flock(lock, fcntl.LOCK_EX)
        yield
