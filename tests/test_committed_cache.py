"""A cache that came with the checkout is never used (found by the outside attack of
issue 19): a contributor who commits files under .goodrel-cache/ (a store file named
for the home page's bytes, a forged index, a kept member feed) had them published as
the build's own. The build and the preview clear a cache git tracks, and say so."""

from __future__ import annotations

import subprocess
import sys

from conftest import NOW, REPO, build


def git(site, *args: str) -> None:
    subprocess.run(["git", "-C", str(site), *args], check=True, capture_output=True)


def test_a_committed_cache_is_cleared_and_never_published(site, capfd):
    git(site, "init", "-q")
    git(site, "-c", "user.email=a@example.org", "-c", "user.name=A", "commit", "-q", "--allow-empty", "-m", "start")
    assert build(site) == 0
    store = site / ".goodrel-cache" / "store"
    planted = sorted(p for p in store.rglob("*") if p.is_file())
    assert planted
    for path in planted:  # every stored file now the attacker's, under its true name
        path.write_bytes(b"<script>alert(document.domain)</script>")
    git(site, "add", "-f", ".goodrel-cache")
    git(site, "-c", "user.email=a@example.org", "-c", "user.name=A", "commit", "-q", "-m", "a cache")
    (site / "public").rename(site / "old-public")  # (a fresh checkout: no output yet)
    told = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW.isoformat(), "--no-search"],
        capture_output=True,
        text=True,
    )
    assert told.returncode == 0 and "are committed to git" in told.stderr
    assert not [p for p in (site / "public").rglob("*") if p.is_file() and b"alert(document.domain)" in p.read_bytes()]
    assert not any(
        b"alert(document.domain)" in p.read_bytes() for p in (site / ".goodrel-cache").rglob("*") if p.is_file()
    )


def test_a_cache_git_does_not_track_is_kept(site, capfd):
    git(site, "init", "-q")
    assert build(site) == 0
    capfd.readouterr()
    assert build(site) == 0
    told = capfd.readouterr()
    assert "committed to git" not in told.out + told.err and "Up to date" in told.out + told.err
