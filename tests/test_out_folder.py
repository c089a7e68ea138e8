"""Issue 19, class 4: nothing of the user's in --out is deleted. The build lists the
files it made in the output's marker; what a previous output holds beyond them is
carried over if it is CNAME or .nojekyll, and otherwise refused (exit 2, named, the
output unchanged byte for byte), never deleted. An --out in the site's cache, or one
holding anything but an earlier build, is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import build, run, story, tree_hashes, write

from goodrel_site.output import MARKER


def refused(capsys, code: int, *named: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert all(name in err for name in named), err
    return err


def listed(out: Path) -> set[str]:
    lines = (out / MARKER).read_text("utf-8").splitlines()
    return {json.loads(line) for line in lines[1:]}


def test_the_marker_lists_exactly_the_files_the_build_made(site):
    assert build(site) == 0
    out = site / "public"
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert listed(out) == files - {MARKER}


@pytest.mark.parametrize("change", [False, True])
def test_cname_and_nojekyll_are_carried_over(site, change):
    assert build(site) == 0
    out = site / "public"
    (out / "CNAME").write_text("stories.example.org\n")
    (out / ".nojekyll").write_text("")
    if change:  # (a build with work to do, and one that finds nothing changed)
        write(site, "stories/second.md", story("Second story"))
    for _ in range(2):
        assert build(site) == 0
        assert (out / "CNAME").read_text() == "stories.example.org\n" and (out / ".nojekyll").is_file()
        assert not {"CNAME", ".nojekyll"} & listed(out)  # (the build's list holds only its own)
    (out / "CNAME").unlink()
    assert build(site) == 0 and not (out / "CNAME").exists()


@pytest.mark.parametrize(
    "added, named",
    [
        ({"notes.txt": "mine"}, "notes.txt"),
        ({".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": "0" * 40}, ".git/"),
        ({"stories/first/draft.txt": "mine"}, "stories/first/draft.txt"),
        ({".well-known/security.txt": "Contact: x"}, ".well-known/"),
    ],
)
def test_files_added_to_a_previous_output_are_refused_not_deleted(site, capsys, added, named):
    assert build(site) == 0
    out = site / "public"
    for rel, text in added.items():
        write(out, rel, text)
    write(site, "stories/second.md", story("Second story"))
    before = tree_hashes(out)
    capsys.readouterr()
    err = refused(capsys, build(site), str(out), named, "move them elsewhere")
    assert err.startswith("goodrel: --out ")
    assert tree_hashes(out) == before  # (every added file with it, byte for byte)


def test_an_empty_folder_added_is_refused_too(site, capsys):
    assert build(site) == 0
    (site / "public" / "keep-me").mkdir()
    capsys.readouterr()
    refused(capsys, build(site), "keep-me/")
    assert (site / "public" / "keep-me").is_dir()


def test_many_strangers_are_counted(site, capsys):
    assert build(site) == 0
    for n in range(8):
        write(site / "public", f"note-{n}.txt", "mine")
    capsys.readouterr()
    refused(capsys, build(site), "note-0.txt", "(and 3 more)")


def test_a_link_named_cname_is_not_carried(site, tmp_path, capsys):
    """A CNAME that is a link would publish what it points to: it is refused."""
    (tmp_path / "secret").write_text("not for the web")
    assert build(site) == 0
    (site / "public" / "CNAME").symlink_to(tmp_path / "secret")
    capsys.readouterr()
    refused(capsys, build(site, None, "--drafts"), "CNAME")


def test_a_file_the_previous_build_made_and_this_one_does_not_is_removed(site):
    """The list is what lets the build remove its own old files: a withdrawn story goes."""
    write(site, "stories/second.md", story("Second story"))
    assert build(site) == 0
    assert (site / "public/stories/second/index.html").is_file()
    (site / "stories/second.md").unlink()
    assert build(site) == 0
    assert not (site / "public/stories/second").exists()


def test_an_output_from_before_the_list_is_taken_as_the_builds_own(site):
    assert build(site) == 0
    out = site / "public"
    (out / MARKER).write_text("made by goodrel; replaced on every build\n")
    write(out, "old-page.html", "from an older build")
    write(site, "stories/second.md", story("Second story"))
    assert build(site) == 0
    assert not (out / "old-page.html").exists() and listed(out)


@pytest.mark.parametrize("inside", [".goodrel-cache", ".goodrel-cache/out", ".goodrel-cache/store"])
def test_an_out_in_the_sites_cache_is_refused(site, capsys, inside):
    assert build(site) == 0
    cache = tree_hashes(site / ".goodrel-cache")
    capsys.readouterr()
    refused(capsys, build(site, site / inside), "inside the site's cache")
    assert tree_hashes(site / ".goodrel-cache") == cache


@pytest.mark.parametrize("where", ["site", "stories", "parent", "home"])
def test_an_out_that_is_the_site_a_content_folder_or_above_it_is_refused(site, capsys, monkeypatch, where):
    monkeypatch.setenv("HOME", str(site.parent))
    out = {"site": site, "stories": site / "stories", "parent": site.parent, "home": Path(os.environ["HOME"])}[where]
    before = tree_hashes(site)
    capsys.readouterr()
    refused(capsys, build(site, out), "--out")
    assert tree_hashes(site) == before


def test_an_out_that_is_a_file_is_refused(site, tmp_path, capsys):
    (tmp_path / "a-file").write_text("mine")
    refused(capsys, run("build", "--site", str(site), "--out", str(tmp_path / "a-file"), "--no-search"), "is a file")
    assert (tmp_path / "a-file").read_text() == "mine"
