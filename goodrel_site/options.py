"""What a build is asked to do, and what it reports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .problems import Problem


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


@dataclass(frozen=True)
class Result:
    files: int
    stories: int
    events: int
    notes: tuple[Problem, ...]  # warnings and information
    skipped: bool = False  # nothing had changed since the last build into this output


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
