"""Builds cannot undo each other: builds of one site or into one folder take turns (the
second waits, and says so); the output is swapped into place in one step, so that even
a build killed at any instant leaves --out as one whole build, never missing or mixed;
render workers die with the build that started them."""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_incremental import NOW, front, public, unlinked

REPO = Path(__file__).resolve().parent.parent


def _command(site: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        str(REPO / "build.py"),
        "build",
        "--site",
        str(site),
        "--out",
        str(out),
        "--now",
        NOW.isoformat(),
        "--no-search",
        *extra,
    ]


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def site(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(corpus, root, symlinks=True)
    return root


def test_a_second_build_waits_for_the_first_and_says_so(site: Path, tmp_path: Path) -> None:
    lock = site / ".goodrel-cache" / "build.lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a build of this site under way
        build = subprocess.Popen(
            _command(site, tmp_path / "out"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(1.5)
        assert build.poll() is None and not (tmp_path / "out").exists()
    out, err = build.communicate(timeout=120)
    assert build.returncode == 0, err
    assert "another build of" in err and "waiting for it to finish" in err


def test_a_later_withdrawal_is_never_overwritten_by_an_earlier_build(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    story = unlinked(site)  # (withholding a story others link to is refused)
    slug = front(story, "slug")
    earlier = subprocess.Popen(_command(site, out, "--jobs", "1"), stderr=subprocess.DEVNULL)
    time.sleep(0.3)  # the earlier build has read the story as public
    saved = story.with_suffix(".saving")  # saved whole, as an editor's program does (a build
    saved.write_text(story.read_text("utf-8").replace("  status: given", "  status: withdrawn"), "utf-8")
    saved.replace(story)  # reading a file half written would refuse it, rightly)
    later = subprocess.run(_command(site, out), capture_output=True, text=True)
    assert later.returncode == 0, later.stderr
    assert earlier.wait(timeout=120) == 0
    assert not (out / "stories" / slug).exists()
    assert slug not in (out / "stories" / "index.html").read_text("utf-8")


def test_a_build_killed_at_any_instant_leaves_one_whole_output(site: Path, tmp_path: Path) -> None:
    out, rng = tmp_path / "out", random.Random(11)
    story = public(site)[0]
    texts = [story.read_text("utf-8"), story.read_text("utf-8").replace("\ntitle: ", "\ntitle: Changed ", 1)]
    wholes = []
    for text in texts:  # the two outputs a whole build can leave
        story.write_text(text, "utf-8")
        subprocess.run(_command(site, tmp_path / "whole"), check=True, capture_output=True)
        wholes.append(_tree(tmp_path / "whole"))
        shutil.rmtree(tmp_path / "whole")
        shutil.rmtree(tmp_path / ".whole.goodrel-spare", ignore_errors=True)
    subprocess.run(_command(site, out), check=True, capture_output=True)
    for attempt in range(12):
        story.write_text(texts[(attempt + 1) % 2], "utf-8")
        build = subprocess.Popen(
            _command(site, out, "--jobs", "2"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.1, 1.6))
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
        found = _tree(out)
        found.pop(".goodrel-build")
        assert any(found == {k: v for k, v in whole.items() if k != ".goodrel-build"} for whole in wholes), attempt
    subprocess.run(_command(site, out), check=True, capture_output=True)  # and the next build is sound
    assert not [p for p in tmp_path.iterdir() if ".new-" in p.name]  # (what killed builds left: cleared)


def test_render_workers_die_with_their_build(site: Path, tmp_path: Path) -> None:
    build = subprocess.Popen(
        _command(site, tmp_path / "out", "--jobs", "2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline and build.poll() is None:
        workers = _children(build.pid)
        time.sleep(0.02)
    assert workers, "the build started no workers"
    build.kill()  # SIGKILL: no Python code of the build runs after this
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # (a zombie has ended)
    except OSError:
        return False
