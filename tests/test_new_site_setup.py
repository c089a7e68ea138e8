"""A new organisation's start from the wheel (issue 23): `goodrel init` run by an engine
installed from a local wheel says at once that the site's CI cannot reach it and what
to write instead, and the new site's README setup, typed as written in a terminal
opened in the site's folder, installs the engine and checks and builds the site.
(.ci/new-site goes on to the site's CI steps, with the wheel standing in for the index.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from goodrel_site import __version__


def test_the_readme_setup_works_as_written_from_the_wheel(tmp_path: Path):
    def run(*args, **kwargs) -> subprocess.CompletedProcess:
        done = subprocess.run(args, capture_output=True, text=True, **kwargs)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "dist"), str(REPO))
    (wheel,) = (tmp_path / "dist").glob("goodrel_site-*.whl")
    run(sys.executable, "-m", "venv", str(tmp_path / "engine"))
    constraints = REPO / "goodrel_site/starter/constraints.txt"
    run(str(tmp_path / "engine/bin/pip"), "install", "--quiet", "-c", str(constraints), str(wheel))
    made = run(str(tmp_path / "engine/bin/goodrel"), "init", "ours", cwd=tmp_path).stdout
    site = tmp_path / "ours"
    assert made.startswith(
        f"First: requirements.txt installs goodrel from a wheel on this computer ({wheel}), which the site's CI "
        f"cannot reach: before you push the site, replace its line 'goodrel-site @ file://{wheel}' with "
        f"'goodrel-site=={__version__}' once that version is on the Python Package Index"
    ), made

    readme = (site / "README.md").read_text("utf-8")
    setup = re.search(r"## Setting up, once\n.*?```\n(.*?)```", readme, re.S)
    assert setup, "the README's setup block"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # (no engine on it: only what the setup installs)
    script = f"set -e\n{setup[1]}goodrel check\ngoodrel build --quiet\n"
    done = run("bash", "-c", script, cwd=site, env=env)
    assert "0 errors, 1 note." in done.stderr  # (the note: requirements.txt, until its line is replaced)
    assert (site / "public/stories/an-example-story/index.html").is_file()
    assert (site / ".venv/bin/goodrel").is_file()
