"""Issue 19: links inside an earlier output, its spare or the cache (a contributor can
commit any of them: git stores links). The build never writes through one: a link it
finds in a folder it makes (the output's spare, the old output) is removed, the link
itself and never its target; an --out that is a link is refused in one line. Nothing
outside the site is written, and the next build works. (Links in the cache:
test_writes.)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import build, run, story, write

SPARE = ".public.goodrel-spare"


def untouched(elsewhere: Path) -> bool:
    return sorted(p.name for p in elsewhere.rglob("*")) == ["mine.txt"]


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the site, holding one file of the user's."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "mine.txt").write_text("mine")
    return folder


def builds_cleanly(site: Path, capsys) -> None:
    capsys.readouterr()
    assert build(site) == 0, capsys.readouterr().err
    assert "Traceback" not in capsys.readouterr().err


def link_in_place(folder: Path, rel: str, to: Path) -> None:
    shutil.rmtree(folder / rel)
    os.symlink(to, folder / rel)


@pytest.mark.parametrize("where", ["public", SPARE])
def test_a_link_in_the_output_or_its_spare_is_never_written_through(site, capsys, elsewhere, where):
    assert build(site) == 0
    write(site, "stories/second.md", story("Second story"))
    assert build(site) == 0  # (now a spare is kept beside the output)
    link_in_place(site / where, "stories", elsewhere)
    write(site, "stories/third.md", story("Third story"))
    builds_cleanly(site, capsys)
    assert untouched(elsewhere)
    out = site / "public" / "stories"
    assert not out.is_symlink() and (out / "third" / "index.html").is_file()
    assert not (site / SPARE / "stories").is_symlink()
    write(site, "stories/fourth.md", story("Fourth story"))
    builds_cleanly(site, capsys)
    assert untouched(elsewhere) and (out / "fourth" / "index.html").is_file()


def test_a_spare_that_is_a_link_is_removed_not_followed(site, capsys, elsewhere):
    assert build(site) == 0
    write(site, "stories/second.md", story("Second story"))
    assert build(site) == 0
    shutil.copytree(site / SPARE, elsewhere / "copy")  # (a spare with its marker, elsewhere)
    shutil.rmtree(site / SPARE)
    os.symlink(elsewhere / "copy", site / SPARE)
    before = sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*"))
    write(site, "stories/third.md", story("Third story"))
    builds_cleanly(site, capsys)
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == before
    assert not (elsewhere / "copy" / "stories" / "third").exists()
    assert (site / "public" / "stories" / "third" / "index.html").is_file()
    builds_cleanly(site, capsys)


def test_an_out_folder_that_is_a_link_is_refused_in_one_line(site, capsys, elsewhere):
    os.symlink(elsewhere / "public", site / "public")  # (leads to nothing yet: the build would make it)
    capsys.readouterr()
    assert build(site) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert "is a link" in err and str(elsewhere / "public") in err, err
    assert untouched(elsewhere)
    assert run("check", "--site", str(site)) == 0  # (check writes nothing: not concerned)
