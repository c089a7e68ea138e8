"""Problems found in a site, reported as PATH:LINE: message."""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .chars import shown_name
from .limits import PROBLEMS_PER_FILE


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the site root, with forward slashes
    line: int  # 1-based; 0 for the file as a whole (a link, a file too large…)
    message: str
    level: str = "error"  # "error", "warning" or "info"

    def __post_init__(self) -> None:
        # File names are data: a name (or a value quoted in a message) with a line break,
        # a byte that is not UTF-8 or a reordering control is escaped here, once, so that
        # no output (terminal, JSON, GitHub annotations) can be split or disguised by it.
        object.__setattr__(self, "path", shown_name(self.path))
        object.__setattr__(self, "message", shown_name(self.message))

    def __str__(self) -> str:
        prefix = "" if self.level == "error" else f"{self.level}: "
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {prefix}{self.message}"


class ContentError(Exception):
    """The site's content has errors; nothing may be written. At most PROBLEMS_PER_FILE
    of one file's problems are kept, then a line saying how many more it has: thousands
    of lines help no one (a file of 7,000 misspelt keys is a file to start again)."""

    def __init__(self, problems: list[Problem]):
        listed = PROBLEMS_PER_FILE
        by_path: dict[str, list[Problem]] = {}
        for problem in sorted(problems):
            by_path.setdefault(problem.path, []).append(problem)
        self.problems = []
        for path, found in by_path.items():
            self.problems += found[:listed]
            if len(found) > listed:
                self.problems.append(
                    Problem(
                        path,
                        found[listed].line,
                        f"and {len(found) - listed:,} more problems in this file from here on: fix these first",
                    )
                )
        super().__init__("\n".join(map(str, self.problems)))

    def __reduce__(
        self,
    ) -> tuple[type[ContentError], tuple[list[Problem]]]:  # (raised in a worker process, it is pickled back whole)
        return ContentError, (self.problems,)


class UsageError(Exception):
    """The command was called wrongly (exit status 2)."""


class ImageError(Exception):
    """A picture that cannot be used (images.py); the message completes "the image
    'x.jpg' …" or, for a picture read by path, follows the path."""

    def __init__(self, source: str | Path, message: str):
        self.source, self.message = source, message
        super().__init__(f"{source}: {message}")


def report(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def environment_error(err: OSError, site: Path) -> str:
    """An error from the disk or the system, in one line: the file, what the system
    said, and what to do."""
    where = f"{shown(err.filename, site)}: " if err.filename else ""
    hint = {
        errno.ENOSPC: "the disk is full: free some space and try again",
        errno.EDQUOT: "the disk quota is used up: free some space and try again",
        errno.EROFS: "the disk is read-only: choose another --out",
        errno.EACCES: "permission denied: check the folder's permissions, or choose another --out",
        errno.EPERM: "not permitted: check the folder's permissions, or choose another --out",
        errno.EMFILE: "too many open files: raise the limit (ulimit -n) or use fewer --jobs",
    }.get(err.errno or 0, err.strerror or type(err).__name__)
    return f"{where}{hint}. The previous output, if any, is as it was."


def shown(path: str | Path, site: Path) -> str:
    """A path as the site names it, when it is inside the site."""
    try:
        return Path(os.path.abspath(path)).relative_to(site.resolve()).as_posix()
    except ValueError:
        return str(path)
