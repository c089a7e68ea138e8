"""What Pagefind writes is checked before it is kept or published: Pagefind exits 0 when
its writes fail (a full disk), so a bundle cut short, empty or naming the wrong pages is
one line and exit 2, the previous output unchanged, nothing of it kept in the cache, and
the next build (space freed) makes it again. A broken bundle in the cache is not reused."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from conftest import NOW, run, story, tree_hashes, write

from goodrel_site import search

# What a full disk leaves: every fragment empty; one index file cut in half; the entry
# file empty; or no word index at all.
DAMAGE = {
    "empty fragments": "for f in (b / 'fragment').iterdir(): f.write_bytes(b'')",
    "cut index": "f = next((b / 'index').iterdir()); f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])",
    "empty entry": "(b / 'pagefind-entry.json').write_bytes(b'')",
    "no word index": "import shutil; shutil.rmtree(b / 'index')",
}


def full_disk_pagefind(tmp_path: Path, damage: str) -> str:
    """A Pagefind that runs the real one, then damages what it wrote and exits 0."""
    fake = tmp_path / "pagefind"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import subprocess, sys\nfrom pathlib import Path\n"
        f"subprocess.run([{search._pagefind()!r}, *sys.argv[1:]], check=True)\n"
        "b = Path(sys.argv[sys.argv.index('--output-path') + 1])\n"
        f"{damage}\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return str(fake)


def build_indexed(root: Path) -> int:
    return run("build", "--site", str(root), "--out", str(root / "public"), "--now", NOW.isoformat())


def bundles(root: Path) -> list[Path]:
    return sorted((root / ".goodrel-cache" / "search").iterdir())


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_bundle_pagefind_cut_short_is_never_published_nor_kept(site, tmp_path, monkeypatch, capsys, damage):
    assert build_indexed(site) == 0
    before, kept = tree_hashes(site / "public"), bundles(site)
    write(site, "stories/first.md", story("First story, edited", "event: leeds-2013\n"))
    fake = full_disk_pagefind(tmp_path, damage)
    monkeypatch.setattr(search, "_pagefind", lambda: fake)
    capsys.readouterr()
    assert build_indexed(site) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("goodrel:")]
    assert "Pagefind's search index is incomplete" in line and "free some space" in line
    assert tree_hashes(site / "public") == before
    assert bundles(site) == kept  # nothing of the broken bundle kept
    monkeypatch.undo()  # space freed: the next build makes the index again
    assert build_indexed(site) == 0
    assert search.bundle_problem(site / "public" / "pagefind", 2) is None
    assert tree_hashes(site / "public") != before


def test_a_broken_bundle_in_the_cache_is_made_again_not_reused(site, capsys):
    assert build_indexed(site) == 0
    [bundle] = bundles(site)
    fragment = next((bundle / "fragment").iterdir())
    whole = fragment.read_bytes()
    fragment.unlink()  # (a new file: the output's copy is a hard link to the kept one)
    fragment.write_bytes(whole[:10])
    assert search.bundle_problem(bundle, 2)
    # (As when an earlier version kept it: its note of the last build is for other code.)
    for note in (site / ".goodrel-cache").glob("last-build-*"):
        note.unlink()
    assert build_indexed(site) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert search.bundle_problem(bundle, 2) is None
    assert search.bundle_problem(site / "public" / "pagefind", 2) is None
    assert (site / "public" / "pagefind" / "fragment" / fragment.name).read_bytes() == whole


def test_the_check_passes_a_bundle_as_pagefind_makes_it_and_names_what_is_wrong(site):
    assert build_indexed(site) == 0
    [bundle] = bundles(site)
    assert search.bundle_problem(bundle, 2) is None
    assert search.bundle_problem(bundle, 3) == "pagefind-entry.json names 2 pages, not 3"
    (bundle / "pagefind.js").unlink()
    assert search.bundle_problem(bundle, 2) == "pagefind.js is missing or empty"
