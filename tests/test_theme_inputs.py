"""Issue 19 (found by the outside attack): a theme's words and file names are input too.
A strings file that is not `name: words` lines (a YAML list, a group nested deeper, a
number) is an error at its line, where it was a traceback; files under theme/static/
whose names differ only in letter case (one file on a host that ignores case) or are
names Windows keeps for devices are refused at their path, as content names are. By
check and build alike, exit 1, the output kept."""

from __future__ import annotations

import pytest
from conftest import NOW, build, run, tree_hashes, write


def refused_by_check_and_build(site, capsys, expected: str) -> None:
    before = tree_hashes(site / "public")
    for command in (("check", "--site", str(site), "--now", NOW.isoformat()), None):
        capsys.readouterr()
        assert (run(*command) if command else build(site)) == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        assert expected in err, err
    assert tree_hashes(site / "public") == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Home\n- Stories\n", "theme/strings/en.yaml:1: a strings file is lines of 'name: words'"),
        ("just words\n", "theme/strings/en.yaml:1: a strings file is lines of 'name: words'"),
        ("skip: Skip\nhome: 3\n", "theme/strings/en.yaml:2: 'home' should be words, not a number"),
        ("home: true\n", "theme/strings/en.yaml:1: 'home' should be words, not true or false"),
        ("home:\n", "theme/strings/en.yaml:1: 'home' should be words, not empty"),
        ("home: [a, b]\n", "theme/strings/en.yaml:1: 'home' should be words, not a list"),
        ("home:\n  a: b\n", "theme/strings/en.yaml:1: 'home' should be words, not a group"),
        ("months: January\n", "theme/strings/en.yaml:1: 'months' should be a list of words"),
        ("months: [January, [February]]\n", "theme/strings/en.yaml:1: 'months' should be a list of words"),
        ("language_names: {en: {a: b}}\n", "theme/strings/en.yaml:1: 'language_names' should be a group of"),
        ("my_word: 12\n", "theme/strings/en.yaml:1: 'my_word' should be words, not a number"),
    ],
)
def test_a_strings_file_that_is_not_name_words_lines_is_an_error_at_its_line(site, capsys, text, expected):
    assert build(site) == 0
    write(site, "theme/strings/en.yaml", text)
    refused_by_check_and_build(site, capsys, expected)


def test_a_sites_own_words_of_every_shape_are_still_read(site):
    write(site, "theme/strings/en.yaml", 'skip: "3"\nmonths: [I, II, III, IV, V, VI, VII, VIII, IX, X, XI, XII]\n')
    assert build(site) == 0
    assert ">3<" in (site / "public" / "index.html").read_text("utf-8")
    assert "1 III 2014" in (site / "public" / "stories" / "first" / "index.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (("theme/static/Site.css",), "theme/static/Site.css: differs only in letter case from /assets/site.css"),
        (
            ("theme/static/a/x.css", "theme/static/A/y.css"),
            "theme/static/a/x.css: is in /assets/a/, which differs only in letter case from /assets/A/",
        ),
        (("theme/static/con.css",), "theme/static/con.css: holds 'con.css', a name that Windows keeps"),
        (("theme/static/aux/x.css",), "theme/static/aux/x.css: holds 'aux', a name that Windows keeps"),
    ],
)
def test_static_names_that_collide_without_case_or_are_device_names_are_refused(site, capsys, files, expected):
    assert build(site) == 0
    for rel in files:
        write(site, rel, "p { color: red }\n")
    refused_by_check_and_build(site, capsys, expected)
