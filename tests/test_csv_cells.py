"""Issue 19 (found by the outside attack): a spreadsheet whose list separator is ';'
(German, French, Dutch settings) splits a comma-separated file's lines at every ';', so
a cell holding 'x;=1+1' gave a cell '=1+1', run as a formula. Every place a cell can
start, in either separator, is guarded as a cell's first character is: a formula start
there is prefixed with an apostrophe (OWASP's advice for CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import build, story, write

from goodrel_site.export import FORMULA_STARTS

HOSTILE = [
    "x;=1+1",
    "x,=HYPERLINK(1)",
    "x; +44",
    'x;"=cmd"',
    "x;@SUM(A1)",
    "a;;-2",
    "x,;=1",
]


def cells(text: str, separator: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator) for cell in row]


@pytest.mark.parametrize("separator", [",", ";"])
def test_no_cell_starts_a_formula_whatever_the_separator(site, tmp_path, separator):
    for n, value in enumerate(HOSTILE):
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        write(site, f"stories/hostile-{n}.md", story(f"Hostile {n}", f'place: "{quoted}"\ntags: ["{quoted}", plain]\n'))
    assert build(site, tmp_path / "out") == 0
    text = (tmp_path / "out/data/stories.csv").read_text("utf-8-sig")
    for cell in cells(text, separator):
        assert not cell.lstrip(' "').startswith(FORMULA_STARTS), (separator, cell)


def test_the_guarded_value_still_reads_as_written_but_for_the_apostrophes(site, tmp_path):
    write(site, "stories/hostile.md", story("Hostile", 'place: "x;=1+1, y"\n'))
    assert build(site, tmp_path / "out") == 0
    text = (tmp_path / "out/data/stories.csv").read_text("utf-8-sig")
    row = {r["slug"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}["hostile"]
    assert row["place"] == "x;'=1+1, y"
