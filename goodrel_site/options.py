"""What a build is asked to do, and what it reports."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

from .problems import Problem, UsageError


@dataclass(frozen=True)
class Options:
    site: Path
    out: Path
    now: date
    drafts: bool = False
    jobs: int = 1
    base_url: str | None = None
    search: bool = True
    cache: bool = True  # reuse what earlier builds made (.goodrel-cache/); False: build afresh

    def what(self) -> tuple[tuple[str, str], ...]:
        """The options that may change what a build makes, for the up-to-date check:
        every one, a new one too, but those that change only how it works (HOW)."""
        return tuple(
            (f.name, os.fspath(value.resolve()) if isinstance(value, Path) else repr(value))
            for f in fields(self)
            if f.name not in HOW
            for value in [getattr(self, f.name)]
        )


# Options that never change the output: how many processes, and whether the cache is read
# (a build with the cache makes the same bytes as one without: test_incremental).
HOW = frozenset({"jobs", "cache"})


@dataclass(frozen=True)
class Result:
    files: int
    stories: int
    events: int
    notes: tuple[Problem, ...]  # warnings and information
    skipped: bool = False  # nothing had changed since the last build into this output


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def build_date(given: date | None) -> date:
    """--now, else SOURCE_DATE_EPOCH (for reproducible builds), else today."""
    if given:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch[:20]), UTC).date()
        except (ValueError, OverflowError, OSError):
            shown = epoch if len(epoch) <= 20 else epoch[:20] + "…"
            raise UsageError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 "
                f"(a date in the years 1970 to 9999), not {shown!r}"
            ) from None
    return date.today()
