"""The build. A build into an output that the last build made first sees whether that
build still stands (uptodate.py) or can be patched for edited texts (patch.py); only
otherwise does it run every stage (stages.py). This module stays light to import, so
that a build with little to do starts at once: the stages' libraries (pydantic,
Jinja) are imported only when they run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import patch, uptodate
from .output import check_out_dir
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


def build(options: Options) -> Result:
    root = options.site.resolve()
    check_out_dir(root, options.out)
    inputs = None
    if options.cache:
        inputs = uptodate.inputs(root, options)
        last = uptodate.last(root, options)
        if last is not None and last.inputs == inputs:
            return _result(last.summary, skipped=True)
        patched = patch.rebuild(root, options, inputs, last) if last else None
        if patched is not None:
            uptodate.note(root, options, patched)
            return _result(patched.summary)
    from . import stages

    return _result(stages.build_all(root, options, inputs))


def _result(summary: tuple, skipped: bool = False) -> Result:
    """A build's result from its summary, as noted: (files, stories, events, notes)."""
    files, stories, events, notes = summary
    return Result(files, stories, events, tuple(Problem(*n) for n in notes), skipped)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
