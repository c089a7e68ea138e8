"""The command line that runs a goodrel command again on a site, as it would be typed
where this program was run: what messages tell an editor to run must work there."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path


def again(site: Path, command: str) -> str:
    """The command line that runs `command` on this site the way this program was run,
    typed in the current folder (the project's, for an editor): `.venv/bin/goodrel
    serve`, or `.venv/bin/python build.py serve`, with --site only if it is elsewhere."""

    def typed(path: str | Path, program: bool = True) -> str:
        """As one would type it here: a program by name if that finds it; else a path,
        relative when it lies below this folder."""
        name = os.path.basename(path)
        found = shutil.which(name) if program else None
        if found and os.path.realpath(found) == os.path.realpath(path):
            return name
        relative = os.path.relpath(path)
        if relative.startswith(".."):
            return os.path.abspath(path)
        return relative if os.sep in relative or not program else os.path.join(".", relative)

    program = sys.argv[0]
    if os.path.basename(program) == "build.py":  # (it defaults --site to its own folder)
        words = [typed(sys.executable), typed(program, program=False), command]
        default = Path(program).resolve().parent
    else:  # the goodrel command, which defaults --site to the current folder
        words = [typed(program) if os.path.basename(program) == "goodrel" else "goodrel", command]
        default = Path.cwd()
    if site.resolve() != default.resolve():
        words += ["--site", typed(site, program=False)]
    return shlex.join(words)
