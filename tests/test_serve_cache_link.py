"""The preview writes its cache only into a folder of its own (found by the outside
attack of issue 19): a `.goodrel-cache` committed as a link into the theme had the
preview write a draft's parsed source into theme/static/, which the next build
published under /assets/."""

from __future__ import annotations

import os
import shutil

from conftest import REPO, build, story, write
from test_serve import copy_site, start, stop


def test_a_committed_cache_link_is_removed_before_the_preview_writes(tmp_path):
    site = copy_site(tmp_path / "site")
    write(site, "stories/zqdraft.md", story("Zqdraft secret").replace("status: published", "status: draft"))
    os.symlink("theme/static", site / ".goodrel-cache")
    before = sorted(p.relative_to(site).as_posix() for p in (site / "theme").rglob("*"))
    preview = start(site)
    try:
        assert preview.get("/stories/zqdraft/")[0] == 200
    finally:
        stop(preview)
    assert not (site / ".goodrel-cache").is_symlink() and (site / ".goodrel-cache").is_dir()
    assert sorted(p.relative_to(site).as_posix() for p in (site / "theme").rglob("*")) == before
    assert build(site) == 0
    assert not [p for p in (site / "public").rglob("*") if p.is_file() and b"Zqdraft" in p.read_bytes()]
    shutil.rmtree(site)
    assert (REPO / "theme").is_dir()  # (the link's target was the copy's theme, never the repository's)
