"""Output that never breaks: build into a fresh folder beside --out and swap it into
place only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .load import CONTENT_DIRS
from .problems import Problem, UsageError


# Written into every build, so that a folder is only ever replaced by another build.
MARKER = ".goodrel-build"


def check_out_dir(site: Path, out: Path) -> None:
    """Refuse an output folder that is, holds, or lies inside the site's sources (links
    followed: a theme may be a symlink), or that holds anything but an earlier build."""
    site, out = site.resolve(), out.resolve()
    sources = [(site / name).resolve() for name in (*CONTENT_DIRS, "theme", "site.yaml")]
    if out == site or site.is_relative_to(out):
        raise UsageError(f"--out {out} would replace the site itself; choose a folder such as {site / 'public'}")
    for source in sources:
        if out == source or out.is_relative_to(source) or source.is_relative_to(out):
            raise UsageError(f"--out {out} overlaps the site's content at {source}; choose another folder")
    if out.exists() and (not out.is_dir() or any(out.iterdir()) and not (out / MARKER).exists()):
        raise UsageError(f"--out {out} already holds files that no build made; "
                         "choose an empty or new folder (it is replaced on every build)")


@contextmanager
def fresh_output(out: Path) -> Iterator[Path]:
    """A new empty folder beside `out`; swapped into place if the block succeeds,
    removed (leaving `out` exactly as it was) if it raises."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield tmp
        (tmp / MARKER).write_text("made by goodrel; replaced on every build\n")
        tmp.chmod(0o755)  # mkdtemp makes it private; a served site must be readable
        _swap(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / "site")
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old / "site", out)
        raise
    shutil.rmtree(old)


def target(out: Path, url: str) -> Path:
    """The file a site URL is written to: `/a/b/` is a/b/index.html. Never outside out."""
    rel = url.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    if any(part in ("", ".", "..") for part in rel.split("/")):
        raise ValueError(f"not a safe site path: {url!r}")
    path = out / rel
    if not path.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"{url!r} would be written outside the output folder")
    return path


def write(out: Path, url: str, text: str) -> None:
    path = target(out, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def duplicate_writes(targets: list[tuple[str, str]]) -> list[Problem]:
    """Given (output url, source file) pairs, an error for each url written twice."""
    first: dict[str, str] = {}
    problems = []
    for url, source in targets:
        other = first.setdefault(url, source)
        if other is not source:
            problems.append(Problem(source, 1, f"two things would be written to {url}: "
                                               f"one from {other} and one from {source}"))
    return problems
