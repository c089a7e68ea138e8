"""No value is guessed by YAML 1.1's rules: front matter and site.yaml are read as YAML
1.2's core schema reads them (only true and false are booleans, a number is decimal),
so `3:1` stays the text "3:1" (not 181), `yes` the text "yes", and a field that wants
true or false says so at its line."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from conftest import build, refused_everywhere, story, write
from hypothesis import given, settings
from hypothesis import strategies as st

from goodrel_site.load import LoadError, load_yaml


def _core(text: str):
    """What YAML 1.2's core schema (yaml.org/spec/1.2.2, 10.3.2) makes of a plain
    scalar: (True, its value) when it resolves to null, a bool, an int or a float;
    (False, None) when it is text."""
    rules = [
        (r"null|Null|NULL|~|", lambda s: None),
        (r"true|True|TRUE", lambda s: True),
        (r"false|False|FALSE", lambda s: False),
        (r"[-+]?[0-9]+", lambda s: int(s, 10)),
        (r"0o[0-7]+", lambda s: int(s[2:], 8)),
        (r"0x[0-9a-fA-F]+", lambda s: int(s[2:], 16)),
        (r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", float),
        (r"[-+]?(\.inf|\.Inf|\.INF)", lambda s: -math.inf if s.startswith("-") else math.inf),
        (r"\.nan|\.NaN|\.NAN", lambda s: math.nan),
    ]
    for pattern, value in rules:
        if re.fullmatch(pattern, text):
            return True, value(text)
    return False, None


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


GUESSES = [
    "yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n", "Y", "N",
    "3:1", "190:20:30", "-1:30", "1:30.5", "0x1F", "0o17", "017", "0b101", "1_000", "1_0.5",
    "2014-03-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "01615551234",
]  # fmt: skip
CORE = ["true", "False", "TRUE", "12", "-3", "+4", "0", "1.5", "1e3", ".5", "1.", "-.inf", ".NaN", "null", "~", ""]
plain = st.text(alphabet="0123456789+-._:eEoOxXbByesnoYESNOtrufalsTRUFALSinfINFaN~=<", max_size=10)
numbers = st.from_regex(r"[-+]?(0|[1-9][0-9]{0,8})(\.[0-9]{0,4})?([eE][-+]?[0-9]{1,2})?", fullmatch=True)


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.sampled_from(GUESSES + CORE), plain, numbers))
def test_a_plain_value_is_the_text_written_or_what_yaml_1_2_reads(text):
    try:
        data, _ = load_yaml(f"v: {text}\nw: [{text}]", "x.md")
    except LoadError:
        return  # not a plain value (a ': ' inside, say): refused at its line elsewhere
    for value in (data["v"], *data["w"]):  # (`[]` is an empty list: no value)
        if isinstance(value, str):
            assert value == text
        else:
            resolved, core = _core(text)
            assert resolved and _same(value, core), (text, value, core)


@pytest.mark.parametrize("text", GUESSES)
def test_what_yaml_1_1_guessed_at_is_text(text):
    assert load_yaml(f"v: {text}", "x.md")[0] == {"v": text}


def test_a_ratio_is_published_as_written(site: Path, tmp_path: Path):
    write(site, "stories/ratio.md", story("Ratio", "outcomes:\n  - {indicator: mentors to pupils, value: 3:1}\n"))
    assert build(site, tmp_path / "out") == 0
    rows = {row["slug"]: row for row in json.loads((tmp_path / "out/data/stories.json").read_text("utf-8"))}
    assert rows["ratio"]["outcomes"][0]["value"] == "3:1"
    assert "3:1" in (tmp_path / "out/stories/ratio/index.html").read_text("utf-8")


def test_yes_is_a_title(site: Path, tmp_path: Path):
    write(site, "stories/yes.md", story("yes"))
    assert build(site, tmp_path / "out") == 0
    assert "<title>yes" in (tmp_path / "out/stories/yes/index.html").read_text("utf-8")


@pytest.mark.parametrize(
    "extra, line, message",
    [
        ("featured: yes\n", 9, "'featured' must be true or false, not 'yes': write true for yes"),
        ("featured: Off\n", 9, "'featured' must be true or false, not 'Off': write false for no"),
        ("image: {src: x.png, decorative: on}\n", 9, "'image.decorative' must be true or false, not 'on'"),
        ("place: 3:1\nfeatured: no\n", 10, "'featured' must be true or false, not 'no': write false for no"),
    ],
)
def test_a_field_that_wants_true_or_false_says_so_at_its_line(site: Path, capsys, extra, line, message):
    refused_everywhere(site, capsys, "stories/flag.md", story("Flag", extra), f"stories/flag.md:{line}: {message}")


def test_consent_anonymised_yes_says_write_true(site: Path, capsys):
    text = story("First story").replace(
        "consent: {status: given, date: 2014-01-10}", "consent:\n  status: given\n  date: 2014-01-10\n  anonymised: yes"
    )
    expected = "stories/first.md:11: 'consent.anonymised' must be true or false, not 'yes': write true for yes"
    refused_everywhere(site, capsys, "stories/first.md", text, expected)


@pytest.mark.parametrize("value", ["0x1F", "0o17", "030", "1_000", "3:10"])
def test_a_number_in_another_form_is_refused_at_its_line(site: Path, capsys, value):
    text = (site / "events/leeds-2013.md").read_text("utf-8").replace("attendees: 30", f"attendees: {value}")
    expected = f"events/leeds-2013.md:9: 'attendees' must be a whole number, not '{value}'"
    refused_everywhere(site, capsys, "events/leeds-2013.md", text, expected)


def test_site_yaml_is_read_the_same_way(site: Path, capsys):
    text = (site / "site.yaml").read_text("utf-8")
    line = text.splitlines().index("sample_content: true") + 1
    expected = f"site.yaml:{line}: 'sample_content' must be true or false, not 'yes': write true for yes"
    refused_everywhere(site, capsys, "site.yaml", text.replace("sample_content: true", "sample_content: yes"), expected)
