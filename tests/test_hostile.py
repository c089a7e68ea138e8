"""Generated hostile input (hypothesis): whatever a content file or site.yaml holds, the
build either publishes well-formed output in every format or refuses with PATH:LINE
errors, exit status 1 and the previous output unchanged; never a traceback."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from conftest import NOW, REPO, build, run, tree_hashes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodrel_site import chars
from goodrel_site.models import StoryMeta

# Pieces that have broken some format somewhere: markup, CDATA ends, script ends, CSV
# and RIS line starts, TeX braces, control characters, non-characters, bidi controls,
# line separators, YAML syntax.
NASTY = [
    "<",
    ">",
    "&",
    "&amp;",
    '"',
    "'",
    "]]>",
    "</script>",
    "<!--",
    "-->",
    "{",
    "}",
    "\\",
    "%",
    "#",
    "$",
    "~",
    "^",
    "_",
    ",",
    ";",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\nER  - ",
    "\nTY  - JOUR",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u202e",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "\ufdd0",
    "=cmd|' /C calc'!A0",
    "@",
    "*",
    "&a",
    "*a",
    "!!binary",
    ": ",
    " #",
    "- ",
    "? ",
    "|",
    ">-",
    ".nan",
    ".inf",
    "~",
    "null",
    "yes",
    "０",
    "\U0001f600",
    "ا",
    "\u0301",
    "  ",
]

hostile_text = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(NASTY)), min_size=1, max_size=8).map("".join)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one): control characters arrive
    as escapes, everything else as it is."""
    return json.dumps(text, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_every_text_field_holds_only_characters_every_format_accepts(text):
    story = {
        "title": text,
        "summary": "S",
        "date": "2014-03-01",
        "status": "published",
        "categories": ["common-purpose"],
        "region": "london",
        "consent": {"status": "given", "date": "2014-01-10"},
        "place": text,
        "tags": [text],
        "quote": {"text": text},
        "contact": {"name": text},
    }
    try:
        meta = StoryMeta.model_validate(story)
    except ValueError:
        return  # refused (the build says where: tested below)
    for value in (meta.title, meta.place, meta.tags[0], meta.quote.text, meta.contact.name):
        assert chars.first_forbidden(value) is None
        assert not re.search(r"[\t\n\r\u2028\u2029]", value) and value == value.strip()
        # XML 1.0's characters, so every format built on it holds.
        assert re.fullmatch("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*", value)


# Front matter assembled from YAML's syntax, the models' keys and odd values.
KEYS = [
    "title",
    "summary",
    "date",
    "status",
    "categories",
    "region",
    "consent",
    "status",
    "place",
    "tags",
    "outcomes",
    "value",
    "attendees",
    "image",
    "aliases",
    "slug",
    "lang",
    "yes",
    "1",
    "~",
    "<<",
    "? x",
    "titel",
    "regon",
    "",
]
VALUES = [
    "x",
    "2014-03-01",
    "published",
    "draft",
    "[common-purpose]",
    "london",
    "{status: given, date: 2014-01-10}",
    "[",
    "]",
    "{",
    "}",
    "[[[[[[[[[[x]]]]]]]]]]",
    "&a [1, 2]",
    "*a",
    "&a [*a]",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!timestamp 2001-12-14",
    ".nan",
    "-.inf",
    "9" * 40,
    "0x" + "f" * 30,
    "1e400",
    "190:20:30",
    '"unclosed',
    "'also",
    '"a" b',
    "|",
    ">-",
    "- a",
    "? a",
    "@x",
    "`x`",
    "%x",
    "yes",
    "~",
    '"\\x07"',
    '"\\uFFFE"',
    '"\\ud800"',
    "\t",
    "a: b: c",
    "'it''s'",
    "[a, b",
    "{a: [b, {c: d}]}",
]
line = st.tuples(
    st.sampled_from(["", "  ", "    ", "\t", "- "]),
    st.sampled_from(KEYS),
    st.sampled_from([": ", ":", " : ", ":\t", " "]),
    st.one_of(st.sampled_from(VALUES), hostile_text),
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line, max_size=12), st.booleans())
def test_any_front_matter_is_loaded_or_refused_at_its_lines(site, capsys, lines, valid_start):
    head = [
        "title: Fuzzed",
        "summary: S",
        "date: 2014-03-01",
        "status: published",
        "categories: [common-purpose]",
        "region: london",
        "consent: {status: given, date: 2014-01-10}",
    ]
    text = "---\n" + "\n".join((head if valid_start else []) + lines) + "\n---\n\nBody.\n"
    (site / "stories" / "fuzzed.md").write_text(text, "utf-8")
    capsys.readouterr()
    status = run("check", "--site", str(site), "--now", NOW.isoformat())
    err = capsys.readouterr().err
    assert status in (0, 1) and "Traceback" not in err
    if status == 1:
        assert_errors_at_lines(err, {"stories/fuzzed.md": text})


def assert_errors_at_lines(err: str, files: dict[str, str]) -> None:
    """Every error names one of `files` and a line it has (or none: the file as a whole)."""
    problems = err.splitlines()[:-1]
    assert problems, err
    for problem in problems:
        found = re.match(r"^([^:]+)(?::(\d+))?: ", problem)
        assert found and found[1] in files, problem
        if found[2]:
            assert 1 <= int(found[2]) <= files[found[1]].count("\n") + 1, problem


STORY_FIELDS = """\
---
title: {0}
summary: {1}
date: 2014-03-01
status: published
categories: [common-purpose]
region: london
place: {2}
organisations: [{3}]
tags: [{4}]
consent: {{status: given, date: 2014-01-10}}
quote: {{text: {5}, attribution: {6}}}
outcomes:
  - {{indicator: {7}, value: {8}, unit: {9}}}
contact: {{name: {10}, organisation: {11}, phone: {12}}}
image: {{src: images/bridge.png, alt: {13}, caption: {14}, credit: {15}, licence: {16}}}
---

{17}
"""

EVENT_FIELDS = """\
---
title: {0}
summary: {1}
date: 2013-05-01
status: published
region: london
place: {2}
hosts: [{3}]
sectors: [{4}]
questions: [{5}]
---

{6}
"""


def write_hostile_site(site: Path, texts: list[str]) -> dict[str, str]:
    """Every text field of a story, an event, a page and site.yaml from `texts`."""
    pick = [quoted(texts[i % len(texts)]) for i in range(40)]
    files = {
        "stories/first.md": STORY_FIELDS.format(*pick[:17], texts[17 % len(texts)]),
        "events/leeds-2013.md": EVENT_FIELDS.format(*pick[17:23], texts[23 % len(texts)]),
        "pages/about.md": f"---\ntitle: {pick[24]}\nsummary: {pick[25]}\n---\n\n{texts[26 % len(texts)]}\n",
    }
    settings_text = (
        (REPO / "site.yaml")
        .read_text("utf-8")
        .replace(
            "description: >-\n  Stories of the quiet, local work that brings people together across England.\n",
            f"description: {pick[28]}\n",
            1,
        )
    )
    settings_text = settings_text.replace("title: Untold Stories of Good Relations\n", f"title: {pick[27]}\n", 1)
    settings_text = settings_text.replace("publisher: Good Relations Network\n", f"publisher: {pick[29]}\n", 1)
    settings_text = settings_text.replace("{label: Common purpose,", f"{{label: {pick[30]},", 1)
    files["site.yaml"] = settings_text
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, "utf-8")
    return files


def assert_well_formed(out: Path) -> None:
    """Parse every file of the output by its format's own rules."""
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file() or rel.startswith("media/") or rel.startswith("assets/"):
            continue
        data = path.read_bytes()
        if rel.endswith(".html"):
            parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
            parser.parse(data)  # raises at the first parse error
        elif rel.endswith(".xml"):
            ET.fromstring(data)  # expat: any character XML does not allow is an error
        elif rel.endswith(".json"):
            json.loads(data.decode("utf-8"))  # (strict: no raw control characters in strings)
        elif rel.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
            assert len({len(row) for row in rows}) == 1, rel  # a line break in a value stays in it
        elif rel.endswith(".ris"):
            lines = data.decode("utf-8").split("\r\n")
            assert lines[-1] == "" and all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", x) for x in lines[:-1]), rel
            assert sum(x.startswith("TY  - ") for x in lines) == 1 == sum(x.startswith("ER  - ") for x in lines)
        elif rel.endswith(".bib"):
            text = data.decode("utf-8")
            assert len(re.findall(r"^@", text, re.M)) == 1, rel  # one entry (an @ inside a value is text)
            depth = 0
            for ch in text:  # BibTeX counts every brace, escaped or not
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0, rel
            assert depth == 0, rel
        elif rel.startswith("pagefind/fragment/"):
            fragment = gzip.decompress(data)
            assert fragment.startswith(b"pagefind_dcd")
            json.loads(fragment[len(b"pagefind_dcd") :].decode("utf-8"))


@pytest.fixture
def hostile_site(site: Path) -> Path:
    (site / "stories" / "images").mkdir()
    (site / "stories" / "images" / "bridge.png").write_bytes((REPO / "stories/images/bridge.png").read_bytes())
    return site


# Texts the models take (what they refuse is tested above and in test_bad_input.py): the
# characters no format may hold left out, something visible in each.
publishable_text = hostile_text.map(lambda text: "x" + chars.FORBIDDEN.sub("", text))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(publishable_text, min_size=1, max_size=30))
def test_hostile_text_in_every_field_gives_well_formed_output_or_errors_at_lines(hostile_site, capsys, texts):
    site, out = hostile_site, hostile_site / "public"
    before = tree_hashes(out) if out.exists() else None
    files = write_hostile_site(site, texts)
    capsys.readouterr()
    status = build(site)
    err = capsys.readouterr().err
    assert status in (0, 1) and "Traceback" not in err
    if status == 1:
        assert_errors_at_lines(err, files)
        assert (tree_hashes(out) if out.exists() else None) == before
    else:
        assert_well_formed(out)
    OUTCOMES.append(status)


OUTCOMES: list[int] = []


def test_most_hostile_sites_were_published_not_refused():
    # (runs after the test above: its examples must have exercised the outputs)
    assert OUTCOMES and OUTCOMES.count(0) >= len(OUTCOMES) // 3, OUTCOMES


def test_the_worst_pieces_everywhere_with_the_search_index(hostile_site, capsys):
    # Each piece that can be published, in every field at once, with the search index.
    texts = [
        "Title "
        + "".join(p for p in NASTY if not chars.first_forbidden(p) and chars.unbalanced_bidi(p) is None and p.strip()),
        "\u202eclosed\u202c \u2067isolated\u2069",  # (reordering controls that close: test_bidi_and_lang)
        "a\nb\tc\r\nd\u2028e",
        "]]></script><!-- {x} \\ %",
        "\nER  - \nTY  - JOUR",
        '"quoted" & <b>',
    ]
    write_hostile_site(hostile_site, texts)
    capsys.readouterr()
    status = run("build", "--site", str(hostile_site), "--out", str(hostile_site / "public"), "--now", NOW.isoformat())
    err = capsys.readouterr().err
    assert status == 0, err
    assert_well_formed(hostile_site / "public")
    assert (hostile_site / "public" / "pagefind" / "fragment").is_dir()
    ris = (hostile_site / "public/stories/first/cite.ris").read_text("utf-8")
    assert ris.count("ER  - ") == 1 and "TI  - Title " in ris
    assert json.loads((hostile_site / "public/data/stories.json").read_text("utf-8"))
