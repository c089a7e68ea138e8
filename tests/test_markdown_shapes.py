"""A content file's text costs work bounded by its size whatever its shape (issue 19,
class 7): markdown.py counts the pieces of Markdown a text makes as it parses and stops
at limits.MARKDOWN_PIECES with one error at a line. Counted (Python function calls),
never timed; the shapes are benchmarks/markdown_shapes.py's, which times them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import REPO, build, run, tree_hashes, write
from markdown_it.token import Token

from goodrel_site import limits, markdown

_spec = importlib.util.spec_from_file_location("markdown_shapes", REPO / "benchmarks" / "markdown_shapes.py")
assert _spec and _spec.loader
shapes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shapes)

WRITTEN = ("prose", "story", "long lines")  # texts as people write them
LIMIT = 20_000  # the limit these tests set: texts of 100 KB pass it, of fewer lines than it
SMALL, LARGE = 100_000, 400_000


def _counted(text: str, path: str = "story.md", first: int = 1) -> tuple[int, markdown.Rendered]:
    """The function calls rendering `text` makes (Python's and C's), and what it gives."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        rendered = markdown.render(path, text, first, markdown._NOWHERE)
    finally:
        sys.setprofile(None)
    return calls, rendered


def _refusals(rendered: markdown.Rendered) -> list:
    return [p for p in rendered.problems if "pieces of Markdown" in p.message]


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(limits, "MARKDOWN_PIECES", LIMIT)


@pytest.mark.parametrize("shape", [s for s in shapes.SHAPES if s not in WRITTEN])
def test_a_text_of_any_shape_costs_work_linear_in_its_size_and_bounded_by_the_limit(shape, limit):
    """Four times the text: past the limit, the same work, one error and nothing made
    (a wide table's first two lines are split whole before any cell is counted: work
    linear in them); below it, at most about four times the work."""
    small_calls, _ = _counted(shapes.SHAPES[shape](SMALL))
    large_calls, large = _counted(shapes.SHAPES[shape](LARGE))
    assert large_calls <= 1.2 * (LARGE / SMALL) * small_calls + 1_000, (small_calls, large_calls)
    if _refusals(large):
        assert len(large.problems) == 1 and large.html == "" and large.text == ""
        if shape != "wide table":
            assert large_calls <= 1.2 * small_calls + 1_000, (small_calls, large_calls)
            assert large_calls <= 150 * LIMIT  # (`![` costs the most: about 110 calls a piece)


@pytest.mark.parametrize("shape", ["table", "*_"])
def test_the_files_the_issue_names_are_refused_at_the_real_limit(shape, monkeypatch):
    """A 9.6 MB table took 325 s and 6 GB, 10 MB of `*_` 92 s and 4.5 GB: each is now
    one error after fewer tokens made than the limit (counted as they are made)."""
    made = 0
    init = Token.__init__

    def counted(self, *args, **kwargs):
        nonlocal made
        made += 1
        init(self, *args, **kwargs)

    monkeypatch.setattr(Token, "__init__", counted)
    rendered = markdown.render("x.md", shapes.SHAPES[shape](limits.CONTENT_FILE_BYTES), 1, markdown._NOWHERE)
    assert len(_refusals(rendered)) == 1 and len(rendered.problems) == 1
    assert made <= limits.MARKDOWN_PIECES


def test_more_lines_than_the_limit_are_refused_before_parsing(limit):
    calls, rendered = _counted("a\n" * (2 * LIMIT))
    assert [(p.line, p.level) for p in rendered.problems] == [(LIMIT + 1, "error")]
    assert calls < 50


def test_the_refusal_names_the_block_the_count_passed_the_limit_in(limit):
    rows = "| a | b |\n|---|---|\n" + "| x | y |\n" * (LIMIT // 10)
    _, rendered = _counted("Before the table.\n\n" + rows, "stories/big.md", first=9)
    [problem] = rendered.problems
    assert (problem.path, problem.level) == ("stories/big.md", "error")
    assert 11 <= problem.line <= 13 + LIMIT // 10  # (in the table, which starts at line 11)
    assert problem.message.startswith(f"the text makes more than {1_000_000:,} pieces of Markdown")
    assert "split the text into several files" in problem.message


def test_texts_as_people_write_them_are_far_from_the_limit():
    """The bundled site's texts make under 1% of it each; 10 MB of plain paragraphs and
    of a story's kind of text ten times longer than any book render whole."""
    for folder in ("stories", "events", "pages"):
        for path in sorted((REPO / folder).glob("*.md")):
            body = path.read_text("utf-8").split("\n---\n", 1)[1]
            pieces = markdown._Pieces(limits.MARKDOWN_PIECES // 100)
            env = {"path": "x.md", "first": 1, "links": markdown._NOWHERE, "result": markdown.Rendered("")}
            markdown._MD.parse(body, env | {"quote": None, "pieces": pieces})  # (raises past 1%)
    for shape, size in (("long lines", limits.CONTENT_FILE_BYTES), ("story", 2_000_000)):
        rendered = markdown.render("x.md", shapes.SHAPES[shape](size), 1, markdown._NOWHERE)
        assert not _refusals(rendered) and len(rendered.text) > size // 2


def test_a_build_stops_at_the_text_with_one_error_and_keeps_the_output(site: Path, tmp_path: Path, limit, capsys):
    out = tmp_path / "out"
    assert build(site, out) == 0
    before = tree_hashes(out)
    story = (site / "stories" / "first.md").read_text("utf-8")
    write(site, "stories/first.md", story + "\n" + shapes.SHAPES["table"](SMALL))
    capsys.readouterr()
    for command in (["build", "--out", str(out), "--no-search"], ["check"]):
        assert run(*command, "--site", str(site), "--now", "2026-11-28") == 1
        err = capsys.readouterr().err
        refused = [line for line in err.splitlines() if "pieces of Markdown" in line]
        assert len(refused) == 1 and refused[0].startswith("stories/first.md:"), err
        assert int(refused[0].split(":")[1]) > story.count("\n")  # (in the table, not before it)
        assert "Traceback" not in err
    assert tree_hashes(out) == before
