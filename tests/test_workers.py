"""The render workers (issue 19, class 6): a build whose workers cannot all be started
(the system's process limit) or one of whose workers dies ends at once with one line,
exit status 2 and the previous output as it was; never a hang, never a traceback. Each
build runs in a subprocess under a timeout, so that a hang fails the test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import NOW, REPO, tree_hashes, write

TIMEOUT = 120  # seconds; a build of the corpus takes a few

# The command line, after a change to the build's process made before it starts: the
# same change is in every worker it forks.
RUN = """
import sys
from goodrel_site.cli import main
{change}
sys.exit(main(sys.argv[1:]))
"""

# The system refuses forks after the first `allowed` (EAGAIN, as under a process limit).
FORKS_REFUSED = """
import errno, os
allowed, fork = {allowed}, os.fork
def refusing():
    global allowed
    if allowed == 0:
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
    allowed -= 1
    return fork()
os.fork = refusing
"""

# A worker is killed (SIGKILL, as the system's out-of-memory killer does) on its second range.
WORKER_KILLED = """
import os, signal
from goodrel_site import render
build, write, ranges = os.getpid(), render._write, 0
def dying(*args):
    global ranges
    ranges += 1
    if os.getpid() != build and ranges == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return write(*args)
render._write = dying
"""


def _build(site: Path, out: Path, change: str = "", jobs: int = 2, prefix: tuple[str, ...] = ()):
    arguments = ["build", "--site", str(site), "--out", str(out), "--now", NOW.isoformat(), "--no-search"]
    command = [*prefix, sys.executable, "-c", RUN.format(change=change), *arguments, "--jobs", str(jobs)]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO)


@pytest.fixture
def built(corpus: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the corpus built once, its cache then removed so that the next build
    renders every page again (in workers: there are more than 50); its output's files."""
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(corpus, site, symlinks=True)
    assert _build(site, out, jobs=1).returncode == 0
    shutil.rmtree(site / ".goodrel-cache")
    return site, out, tree_hashes(out)


def _failed_at_once(result: subprocess.CompletedProcess, out: Path, before: dict[str, str], said: str) -> None:
    problems = [line for line in result.stderr.splitlines() if line.startswith("goodrel:")]
    assert result.returncode == 2, result.stderr
    assert len(problems) == 1 and said in problems[0], result.stderr
    assert problems[0].endswith("The previous output, if any, is as it was.")
    assert "Traceback" not in result.stderr
    assert tree_hashes(out) == before


@pytest.mark.parametrize("allowed", [0, 1])
def test_workers_that_cannot_be_started_end_the_build_with_one_line(built, allowed):
    site, out, before = built
    result = _build(site, out, FORKS_REFUSED.format(allowed=allowed), jobs=3)
    _failed_at_once(result, out, before, "could not start the render workers (Resource temporarily unavailable)")
    assert "--jobs 1" in result.stderr
    assert _build(site, out, jobs=1).returncode == 0  # (the way out it names)


def test_a_worker_killed_mid_build_ends_the_build_with_one_line(built):
    site, out, before = built
    result = _build(site, out, WORKER_KILLED)
    _failed_at_once(result, out, before, "a render worker stopped before its pages were made (killed by SIGKILL")
    assert _build(site, out).returncode == 0  # (and the next build is sound)


def test_an_error_a_worker_meets_is_reported_as_in_one_process(built):
    site, out, before = built
    write(
        site,
        "theme/templates/story.html",
        "{% extends 'default:story.html' %}\n{% block title %}{{ entry.nothing }}{% endblock %}\n",
    )
    results = [_build(site, out, jobs=jobs) for jobs in (1, 2)]
    for result in results:
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "theme/templates/story.html:2: the template failed on /stories/" in result.stderr
    assert results[0].stderr.splitlines()[-2:] == results[1].stderr.splitlines()[-2:]
    assert tree_hashes(out) == before


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to become another user")
def test_a_real_process_limit_ends_the_build_with_one_line(corpus: Path):
    """As `prlimit --nproc`: the limit counts a user's processes (and binds no root)."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o777)
        site, out = Path(folder) / "site", Path(folder) / "out"
        shutil.copytree(corpus, site, symlinks=True)
        shutil.rmtree(site / ".goodrel-cache", ignore_errors=True)
        nobody = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        probe = subprocess.run([*nobody, sys.executable, "-c", "import goodrel_site"], cwd=REPO, capture_output=True)
        if probe.returncode != 0:
            pytest.skip("another user cannot run this checkout's Python")
        subprocess.run(["chmod", "-R", "a+rwX", folder], check=True)
        limited = ("prlimit", "--nproc=2", *nobody)  # the build and one worker
        result = _build(site, out, jobs=3, prefix=limited)
        _failed_at_once(result, out, {}, "could not start the render workers (Resource temporarily unavailable)")
        assert not out.exists()
