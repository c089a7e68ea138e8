"""The build's front door: under the build lock, a build into an output that the last
build made first sees whether that build still stands (uptodate.py); only otherwise
does it run every stage (stages.py). This module stays light to import, so that a
build with nothing to do starts at once: the stages' libraries (pydantic, Jinja) are
imported only when they run."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import uptodate
from .network import fetch
from .options import Options, Result
from .output import check_out_dir, locked
from .progress import Silent
from .records import FOLDER
from .sitefiles import own_folder

COMMITTED_CACHE = (
    f"warning: files of {FOLDER}/ are committed to git; the cache is each build's own, so it was "
    f"cleared and this build starts clean: remove it from git (git rm -r --cached {FOLDER})"
)


def clear_committed_cache(root: Path) -> bool:
    """Delete the cache when git tracks a file of it: a contributor could commit a store
    file or a kept feed that a build would publish as its own (found by the outside
    attack of issue 19). A cache restored by CI is not in git, and is kept."""
    from . import history

    if not history.committed(root, FOLDER):
        return False
    shutil.rmtree(root / FOLDER, ignore_errors=True)
    return True


def build(options: Options, progress: Silent | None = None) -> Result:
    """Build the site; `progress` is told of each stage (progress.py)."""
    root = options.site.resolve()
    check_out_dir(root, options.out)
    progress = progress or Silent()
    if clear_committed_cache(root):
        progress.note(COMMITTED_CACHE)
    own_folder(root, FOLDER)  # (a link planted in the cache would send its writes out of the site)
    with locked(root, options.out, progress.note):
        # A hub's members' feeds are fetched first: they are among what the build reads.
        feeds = fetch.fetch_all(fetch.members(root), root, conditional=options.cache)
        last = uptodate.last(root, options) if options.cache else None
        inputs = uptodate.inputs(root, options, last, feeds) if options.cache else None
        if inputs is not None and last is not None and uptodate.up_to_date(inputs, last):
            if inputs != last.inputs:  # (files saved again unchanged: their new times noted)
                uptodate.note(root, options, last._replace(inputs=inputs))
            return uptodate.result(last.summary, skipped=True)
        from . import stages

        return stages.build_all(root, options, inputs, progress, feeds)
