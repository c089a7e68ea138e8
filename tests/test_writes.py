"""Issue 19, class 3: every command that writes into a site (schema, new, init, the
share image, the build's cache) writes only regular files inside it. A link at the
target (to a file outside, to nothing, to a folder) or at a folder on the way out of
the site is refused in one line naming the path, with nothing written outside."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from conftest import build, run, story, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodrel_site import share_image, sitefiles

SECRET = b"an editor's own file, outside the site\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under a folder, links included, by what it is and holds."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "folder"
    return found


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the site, with a file of the editor's in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "mine.txt").write_bytes(SECRET)
    return folder


def plant(path: Path, kind: str, outside: Path) -> None:
    """A link at `path`: to a file outside, to nothing (outside), or to a folder outside."""
    target = {"file": outside / "mine.txt", "dangling": outside / "nothing-here", "folder": outside}[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def refused(capsys, code: int, rel: str) -> str:
    said = capsys.readouterr()
    text = said.out + said.err
    assert code == 1, text
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.startswith(f"{rel}: ")]
    assert len(lines) == 1, text
    return lines[0]


def schema_command(root: Path) -> int:
    return run("schema", "--site", str(root))


def new_command(root: Path) -> int:
    return run("new", "story", "T", "--site", str(root))


def share_command(root: Path) -> int:
    try:
        share_image.main(["--site", str(root)])
    except SystemExit as err:
        print(err.code, file=__import__("sys").stderr)
        return 1
    return 0


WRITERS = {  # command, the file it writes, a folder on its way
    "schema": (schema_command, "schema/story.schema.json", "schema"),
    "new": (new_command, "stories/t.md", "stories"),
    "share image": (share_command, "theme/static/share.png", "theme/static"),
}


@pytest.mark.parametrize("kind", ["file", "dangling", "folder"])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_link_at_the_target_is_refused_and_nothing_outside_changes(site, outside, capsys, writer, kind):
    command, rel, _ = WRITERS[writer]
    plant(site / rel, kind, outside)
    before, inside = snapshot(outside), snapshot(site)
    capsys.readouterr()
    line = refused(capsys, command(site), rel)
    assert "is a link" in line and "delete the link" in line
    assert snapshot(outside) == before and snapshot(site) == inside
    assert (outside / "mine.txt").read_bytes() == SECRET


@pytest.mark.parametrize("kind", ["dangling", "folder"])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_link_out_of_the_site_at_a_folder_is_refused(site, outside, capsys, writer, kind):
    command, _, folder = WRITERS[writer]
    if writer == "new":  # (stories/ is read too: the read's refusal names it first)
        folder = "stories"
    if (site / folder).exists():
        for path in sorted((site / folder).rglob("*"), reverse=True):
            path.unlink() if not path.is_dir() else path.rmdir()
        (site / folder).rmdir()
    plant(site / folder, kind, outside)
    before = snapshot(outside)
    capsys.readouterr()
    code = command(site)
    said = capsys.readouterr()
    text = said.out + said.err
    assert code == 1 and "Traceback" not in text, text
    assert any(line.startswith(f"{folder}: ") for line in text.splitlines()), text
    assert snapshot(outside) == before


def test_a_link_inside_the_site_at_a_folder_is_followed(site, capsys):
    """A folder that is a link within the site is the site's own (as reads take it)."""
    (site / "elsewhere").mkdir()
    (site / "schema").symlink_to("elsewhere")
    assert schema_command(site) == 0
    assert (site / "elsewhere" / "story.schema.json").is_file()


def test_check_names_a_schema_link_and_what_to_do(site, outside, capsys):
    assert schema_command(site) == 0
    plant(site / "schema/story.schema.json", "file", outside)
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", "2026-11-28") == 0
    said = capsys.readouterr()
    line = next(x for x in (said.out + said.err).splitlines() if x.startswith("schema/story.schema.json: "))
    assert "warning: is a link" in line and "goodrel schema" in line


def test_new_still_refuses_an_existing_story(site, capsys):
    write(site, "stories/t.md", story("T"))
    before = (site / "stories/t.md").read_bytes()
    assert new_command(site) == 2
    assert "already exists" in capsys.readouterr().err
    assert (site / "stories/t.md").read_bytes() == before


def test_init_writes_only_into_an_empty_folder(tmp_path, outside, capsys):
    folder = tmp_path / "new-site"
    folder.mkdir()
    (folder / ".github").symlink_to(outside)
    before = snapshot(outside)
    assert run("init", str(folder)) == 2
    said = capsys.readouterr()
    assert "is not empty" in said.err and "Traceback" not in said.err
    assert snapshot(outside) == before
    (folder / ".github").unlink()
    assert run("init", str(folder)) == 0
    assert all(not p.is_symlink() for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "rel, kind",
    [
        (".goodrel-cache", "folder"),
        (".goodrel-cache", "dangling"),
        (".goodrel-cache/store", "folder"),
        (".goodrel-cache/media", "dangling"),
        (".goodrel-cache/sources", "folder"),
        (".goodrel-cache/pages", "file"),
        (".goodrel-cache/build.lock", "dangling"),
        (".goodrel-cache/templates", "folder"),
    ],
)
def test_a_link_planted_in_the_cache_is_removed_never_written_through(site, outside, capsys, rel, kind):
    """A pull request may commit .goodrel-cache/ (or a link in it), and CI restores the
    cache between runs: the build removes the link itself, never what it leads to,
    writes nothing outside, and this build and the next go on."""
    assert build(site) == 0
    write(site, "stories/second.md", story("Second story"))  # (so the build has work to do)
    path = site / rel
    if path.is_dir() and not path.is_symlink():
        os.rename(path, site / "moved-away")
    plant(path, kind, outside)
    before = snapshot(outside)
    capsys.readouterr()
    assert build(site) == 0, capsys.readouterr().err
    assert "Traceback" not in capsys.readouterr().err
    assert snapshot(outside) == before and not path.is_symlink()
    assert (site / "public" / "stories" / "second" / "index.html").is_file()
    write(site, "stories/third.md", story("Third story"))
    assert build(site) == 0 and snapshot(outside) == before


def test_the_build_writes_nothing_outside_through_the_cache_afterwards(site, outside):
    """Without links, a build and a rebuild leave the cache a tree of regular files."""
    assert build(site) == 0
    write(site, "stories/second.md", story("Second story"))
    assert build(site) == 0
    cache = site / ".goodrel-cache"
    assert all(p.is_dir() or p.is_file() and not p.is_symlink() for p in cache.rglob("*"))


segment = st.sampled_from(["a", "b", "schema", "static", "x.json"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(segment, min_size=1, max_size=4),
    at=st.integers(min_value=0, max_value=3),
    kind=st.sampled_from(["file", "dangling", "folder", "inside"]),
)
def test_any_link_on_the_way_leaves_the_outside_as_it_was(tmp_path_factory, parts, at, kind):
    """Property: whatever the path and wherever a link is on it, a write either puts a
    regular file inside the site or is refused; nothing outside changes."""
    base = tmp_path_factory.mktemp("prop")
    root, outside = base / "site", base / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "mine.txt").write_bytes(SECRET)
    (root / "real").mkdir()
    at = min(at, len(parts) - 1)
    link = root.joinpath(*parts[: at + 1])
    link.parent.mkdir(parents=True, exist_ok=True)
    if kind == "inside":
        link.symlink_to(root / "real")
    else:
        plant(link, kind, outside)
    before = snapshot(outside)
    target = root.joinpath(*parts)
    try:
        sitefiles.write(root, target, b"new\n")
    except sitefiles.Refused as err:
        assert err.problem.path.startswith(tuple(parts[:1])) and err.problem.line == 0
    else:
        real = Path(os.path.realpath(target))
        assert real.is_relative_to(root.resolve()) and real.read_bytes() == b"new\n"
        assert not target.is_symlink()
    assert snapshot(outside) == before
