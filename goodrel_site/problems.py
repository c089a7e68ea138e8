"""Problems found in a site, reported as PATH:LINE: message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the site root, with forward slashes
    line: int  # 1-based; 0 for the file as a whole (a link, a file too large…)
    message: str
    level: str = "error"  # "error", "warning" or "info"

    def __str__(self) -> str:
        prefix = "" if self.level == "error" else f"{self.level}: "
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {prefix}{self.message}"


class ContentError(Exception):
    """The site's content has errors; nothing may be written. At most `listed` of one
    file's problems are kept, then a line saying how many more it has: thousands of
    lines help no one (a file of 7,000 misspelt keys is a file to start again)."""

    def __init__(self, problems: list[Problem], listed: int = 50):
        by_path: dict[str, list[Problem]] = {}
        for problem in sorted(problems):
            by_path.setdefault(problem.path, []).append(problem)
        self.problems = []
        for path, found in by_path.items():
            self.problems += found[:listed]
            if len(found) > listed:
                self.problems.append(Problem(path, found[listed].line, f"and {len(found) - listed:,} more "
                                             "problems in this file from here on: fix these first"))
        super().__init__("\n".join(map(str, self.problems)))

    def __reduce__(self):  # (raised in a worker process, it is pickled back whole)
        return ContentError, (self.problems,)


class UsageError(Exception):
    """The command was called wrongly (exit status 2)."""


class ImageError(Exception):
    """A picture that cannot be used (images.py); the message completes "the image
    'x.jpg' …" or, for a picture read by path, follows the path."""

    def __init__(self, source, message: str):
        self.source, self.message = source, message
        super().__init__(f"{source}: {message}")
