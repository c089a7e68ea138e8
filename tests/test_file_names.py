"""File names are data (issue 19, class 5): a name with a line break, a control
character, a reordering control or bytes that are not UTF-8 is refused where the site's
files are found (sitefiles.files), named escaped on one line in every output format, and
never crashes `check` or `build`, nor the look at the previous commit (history.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import NOW, REPO, build, run, story, tree_hashes, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodrel_site.chars import bad_name

TRICKY = st.sampled_from(["\n", "\r", "\t", "\x1b[31m", "\u202e", "\u2028", "%0A", "::error::", ",", ":", '"', "'"])
PART = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\0"), max_size=6)
NAMES = st.lists(PART | TRICKY, min_size=1, max_size=4).map("".join).filter(lambda n: n not in ("", ".", ".."))
RAW = NAMES.map(os.fsencode) | st.tuples(NAMES.map(os.fsencode), st.sampled_from([b"\xff", b"\xc3(", b"\x80"])).map(
    b"".join
)


def _site(root: Path) -> None:
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    write(root, "stories/first.md", story("First story"))


def _one_line_each(text: str) -> list[str]:
    lines = text.splitlines()
    for line in lines:
        assert not bad_name(line), repr(line)  # nothing raw: no line split, no escape code
    return lines


# (capsys is read out before each command, so one fixture serves every example)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=RAW)
def test_any_file_name_gives_one_line_per_problem_in_every_format_and_never_a_traceback(name, capsys):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        _site(root)
        out = Path(tmp) / "public"
        assert build(root, out) == 0
        before = tree_hashes(out)
        with open(os.fsencode(root / "stories") + b"/" + name + b".md", "w", encoding="utf-8") as f:
            f.write(story("Second story"))
        capsys.readouterr()
        refused = bad_name(os.fsdecode(name))

        status = run("check", "--site", str(root), "--now", NOW.isoformat())
        text = capsys.readouterr()
        lines = _one_line_each(text.out + text.err)
        assert "Traceback" not in text.err and lines[-1].endswith(("note.", "notes."))
        if refused:
            assert status == 1 and any("has a name with a line break" in line for line in lines)

        run("check", "--site", str(root), "--now", NOW.isoformat(), "--format", "github")
        github = capsys.readouterr()
        assert all(line.startswith("::") for line in _one_line_each(github.out))

        run("check", "--site", str(root), "--now", NOW.isoformat(), "--format", "json")
        found = json.loads(capsys.readouterr().out)
        assert all(not bad_name(p["path"]) and not bad_name(p["message"]) for p in found)

        status = build(root, out)
        built = capsys.readouterr()
        _one_line_each(built.out + built.err)
        assert "Traceback" not in built.err
        if refused:
            assert status == 1 and tree_hashes(out) == before


def test_a_refused_name_is_named_escaped_at_its_file_and_nothing_is_written(site, capsys):
    build(site)
    before = tree_hashes(site / "public")
    (site / "stories" / "new\nline.md").write_text(story("Two lines"), "utf-8")
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert err.startswith("stories/new\\nline.md: has a name with a line break") and "Traceback" not in err
    assert tree_hashes(site / "public") == before
    (site / "stories" / "new\nline.md").unlink()
    (site / "theme" / "static").mkdir(parents=True)
    with open(os.fsencode(site / "theme" / "static") + b"/logo\xff.svg", "wb") as f:
        f.write(b"<svg/>")
    assert build(site) == 1
    err = capsys.readouterr().err
    assert err.startswith("theme/static/logo\\xff.svg: has a name with a line break") and "Traceback" not in err
    assert tree_hashes(site / "public") == before


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, check=True)


def test_odd_names_in_the_previous_commit_do_not_stop_check(site, capsys):
    _git(site, "init", "-q")
    _git(site, "add", "-A")
    _git(site, "commit", "-qm", "one")
    (site / "stories" / "new\nline.md").write_text(story("Two lines"), "utf-8")
    with open(os.fsencode(site / "stories") + b"/bad\xff.md", "w", encoding="utf-8") as f:
        f.write(story("Not UTF-8"))
    _git(site, "add", "-A")
    _git(site, "commit", "-qm", "two")
    for path in (site / "stories").iterdir():
        if path.name != "first.md":
            path.unlink()
    _git(site, "add", "-A")
    _git(site, "commit", "-qm", "three: the names are mended")
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_commit_dated_in_the_year_10000_stops_no_build(site, capsys):
    _git(site, "init", "-q")
    _git(site, "add", "-A")
    _git(site, "commit", "-qm", "one")
    write(site, "stories/first.md", story("First story, again"))
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "far future"],
        cwd=site,
        check=True,
        env={**os.environ, "GIT_COMMITTER_DATE": "@253402300800 +0000"},
    )
    capsys.readouterr()
    assert build(site) == 0
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("mark", ["\u200b", "\u200f", "\u061c", "\ufeff"], ids=["ZWSP", "RLM", "ALM", "BOM"])
def test_a_name_with_an_invisible_mark_is_refused(site, capsys, mark):
    """Found by the outside attack: 'site\\u200b.css' beside 'site.css' was published,
    a lookalike of the theme's own file."""
    (site / "theme" / "static").mkdir(parents=True)
    (site / "theme" / "static" / f"site{mark}.css").write_text("body {}", "utf-8")
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert err.startswith("theme/static/site\\u") and "Traceback" not in err
