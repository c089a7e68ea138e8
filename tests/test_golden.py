"""The whole output of a small fixture site, compared with golden files.
After an intended change: `pytest tests/test_golden.py --regen-golden`, then review the diff."""

import difflib
import shutil
from pathlib import Path

from conftest import build, tree_hashes

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
COPIED = ("assets/",)  # the theme's static files, copied as they are: nothing rendered


def test_output_matches_the_golden_files(tmp_path, request):
    site = tmp_path / "site"
    shutil.copytree(GOLDEN / "site", site)
    out = tmp_path / "out"
    assert build(site, out) == 0
    expected = GOLDEN / "expected"
    if request.config.getoption("--regen-golden"):
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(out, expected, ignore=lambda folder, names: ["assets"] if folder == str(out) else [])
    got, want = tree_hashes(out, COPIED), tree_hashes(expected)
    assert sorted(got) == sorted(want), "files added or missing: regenerate with --regen-golden if intended"
    for name in sorted(n for n in got if got[n] != want[n]):
        diff = difflib.unified_diff(
            (expected / name).read_text().splitlines(), (out / name).read_text().splitlines(), lineterm="", n=1
        )
        raise AssertionError(f"{name} differs from its golden file:\n" + "\n".join(list(diff)[:40]))
