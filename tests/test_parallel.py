"""Parallel rendering: the output does not depend on the number of worker processes,
with or without the build cache."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_incremental import NOW, edit, public, tree

from goodrel_site.pipeline import Options, build


def test_jobs_do_not_change_the_output(corpus: Path, tmp_path: Path) -> None:
    outputs = []
    for jobs in (1, 2, 3):
        out = tmp_path / f"jobs-{jobs}"
        build(Options(site=corpus, out=out, now=NOW, jobs=jobs, search=False, cache=False))
        outputs.append(tree(out))
    assert len(outputs[0]) > 200  # enough pages to be shared among workers
    assert outputs[1] == outputs[0]
    assert outputs[2] == outputs[0]


def test_parallel_rebuilds_with_the_cache_match_a_serial_clean_build(corpus: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(corpus, site, symlinks=True)
    clean = tmp_path / "clean"
    for step in range(2):
        build(Options(site=site, out=site / "public", now=NOW, jobs=2, search=False))
        shutil.rmtree(clean, ignore_errors=True)
        build(Options(site=site, out=clean, now=NOW, jobs=1, search=False, cache=False))
        assert tree(site / "public") == tree(clean)
        edit(public(site)[step], "categories:\n", "categories:\n- common-purpose\n")
