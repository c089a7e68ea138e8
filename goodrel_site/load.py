"""Read content files: split the front matter, load it safely, keep each key's line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import chars, limits, sitefiles
from .problems import Problem

try:  # libyaml is several times faster and gives the same nodes and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Key paths inside the front matter, e.g. ("consent", "status") or ("categories", 0).
KeyPath = tuple[Any, ...]


class _StrictLoader(_Loader):
    """Safe YAML that reads plain values as YAML 1.2's core schema does, never by YAML
    1.1's guesses (PyYAML's own): `yes`, `no`, `on` and `off` are text, not true and
    false; `3:1` is text, not 181 (base 60); and so are `0x1F`, `0o17`, `017` and
    `1_000`. Stricter than the core schema in one way: a number is decimal, with no
    leading zero (`01615551234` is a phone number, not 1615551234), so a number in any other
    form stays the text written. Dates stay text too: the models parse them, so that
    an impossible date such as 2013-02-30 is a clear error, not a crash."""


_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+.0123456789",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
):
    _StrictLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(rf"(?:{_pattern})\Z"), list(_first))


@dataclass(frozen=True)
class Source:
    """One content file, read and split but not yet validated."""

    path: str  # relative to the site root
    kind: str  # "story", "event" or "page"
    data: dict[str, Any]
    lines: dict[KeyPath, int]  # the line of every key and list item, 1-based in the file
    body: str
    body_line: int  # the file line where the body starts

    def line(self, *key: Any) -> int:
        """The line of the innermost key of this path that the file has."""
        return line_of(self.lines, key)


def line_of(lines: dict[KeyPath, int], key: KeyPath) -> int:
    """The line of the innermost key of this path that the file has (1 if none)."""
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return 1


class LoadError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_text(root: Path, path: Path, limit: int) -> str:
    """A site file as text; LoadError if it is not the site's own file (sitefiles.py),
    is larger than `limit` bytes, or is not clean UTF-8 text."""
    try:
        data = sitefiles.read_bytes(root, path, limit)
    except sitefiles.Refused as err:
        raise LoadError(err.problem) from None
    return decode(data, sitefiles.relative(root, path))


def decode(data: bytes, rel: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LoadError(Problem(rel, line, "the file is not UTF-8 text; save it as UTF-8")) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    bad = chars.first_forbidden(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise LoadError(
            Problem(
                rel,
                line,
                f"this line holds {chars.describe(bad[0])}: delete it "
                "(such characters come from copying text out of other "
                "programs, and would break the site's feeds and data)",
            )
        )
    return text


_TAGS = {"tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "seq", "map")}
_INT, _STR = "tag:yaml.org,2002:int", "tag:yaml.org,2002:str"


def load_yaml(text: str, rel: str, first_line: int = 1) -> tuple[Any, dict[KeyPath, int]]:
    """Load YAML safely, with the line of every key. Refused, each at its line: a key
    given twice, anchors and aliases (a few hundred bytes of aliases can stand for
    gigabytes), nesting deeper than limits.YAML_DEPTH, tags (!!binary, !!set…), keys
    that are not text, and whole numbers too long to be counts."""
    if "&" in text or "*" in text:
        _refuse_anchors(text, rel, first_line)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[KeyPath, int] = {}
        _record_lines(node, (), lines, rel, first_line)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as err:
        raise LoadError(yaml_problem(err, text, rel, first_line)) from None
    except yaml.YAMLError as err:
        raise LoadError(Problem(rel, first_line, f"invalid YAML: {err}")) from None
    finally:
        loader.dispose()


def _refuse_anchors(text: str, rel: str, first: int) -> None:
    """Anchors (&name) and aliases (*name), found in the parser's events, before any
    node is made. (Only run when the text has an & or a *: most files have neither.)"""
    loader = _StrictLoader(text)
    try:
        while loader.check_event():
            event: Any = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                symbol = "*" if isinstance(event, yaml.AliasEvent) else "&"
                raise LoadError(
                    Problem(
                        rel,
                        first + event.start_mark.line,
                        f"'{symbol}{event.anchor}' is a YAML anchor or alias, which the site does not "
                        f"use: write the value out in full (a value that starts with {symbol} "
                        f"must be put in double quotes)",
                    )
                )
    except yaml.MarkedYAMLError as err:
        raise LoadError(yaml_problem(err, text, rel, first)) from None
    finally:
        loader.dispose()


def _record_lines(node: yaml.Node, path: KeyPath, lines: dict, rel: str, first: int) -> None:
    line = first + node.start_mark.line
    if len(path) > limits.YAML_DEPTH:
        raise LoadError(
            Problem(
                rel,
                line,
                f"lists and groups of fields are nested more than "
                f"{limits.YAML_DEPTH} deep here; the site needs at most 3",
            )
        )
    if node.tag not in _TAGS:
        raise LoadError(
            Problem(
                rel,
                line,
                f"'{node.tag.replace('tag:yaml.org,2002:', '!!')}' is a "
                "YAML tag, which the site does not use: write a plain value "
                "(a value that starts with ! must be put in double quotes)",
            )
        )
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = first + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR or not key_node.value:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a list or group"
                raise LoadError(
                    Problem(
                        rel,
                        line,
                        f"a field's name must be a word, not {shown!r}: "
                        "write the name before the ':' (in quotes if "
                        "it is a number, true, false or null)",
                    )
                )
            key = key_node.value
            if key in seen:
                raise LoadError(Problem(rel, line, f"'{key}' is given twice (first on line {seen[key]}); keep one"))
            seen[key] = line
            lines[path + (key,)] = line
            _record_lines(value_node, path + (key,), lines, rel, first)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = first + item.start_mark.line
            _record_lines(item, path + (i,), lines, rel, first)
    elif node.tag == _INT and len(node.value) > limits.NUMBER_CHARS:
        raise LoadError(
            Problem(
                rel,
                line,
                f"this number is {len(node.value)} characters long; a "
                f"number may have at most {limits.NUMBER_CHARS} (put text "
                "that only looks like a number in double quotes)",
            )
        )


def yaml_problem(err: yaml.MarkedYAMLError, text: str, rel: str, first: int) -> Problem:
    """A YAML syntax error said in plain words, at the line that needs the fix."""
    problem, context = err.problem or "", err.context or ""
    mark = err.problem_mark or err.context_mark
    at = mark.line if mark else 0
    start = err.context_mark.line if err.context_mark else at
    lines = text.split("\n")
    line_text = lines[at] if at < len(lines) else ""
    char = line_text[mark.column] if mark and mark.column < len(line_text) else ""
    runaway = _runaway_quote(text, mark) if mark else None
    if mark and runaway:
        quote, opened = runaway
        at, message = (
            opened,
            f"the quote ({quote}) opened on this line is not closed on it, so the value runs on to the "
            f"next {quote}, on line {first + mark.line}: end the value with {quote} on this line",
        )
    elif "quoted scalar" in context and "end of stream" in problem:
        at, message = (
            start,
            ("a quote opened on this line is never closed: end the value with the same quote mark (\" or ')"),
        )
    elif "unknown escape" in problem:
        message = (
            "a backslash inside double quotes starts a code such as \\n: write two "
            "backslashes for one, or use single quotes"
        )
    elif "cannot start any token" in problem and char == "\t":
        message = "a tab is used here: indent with spaces only (replace the tab with spaces)"
    elif "cannot start any token" in problem:
        message = f"a value cannot start with '{char}': {_quote(char + 'Oldham')}"
    elif "alias" in context or "alias" in problem:
        message = f"a value that starts with '*' is read as a YAML alias: {_quote('*Bold* words')}"
    elif "could not find expected ':'" in problem:
        at, message = (
            start,
            (
                "this line is not a 'name: value' field: add the ':' after the "
                "field's name, or, if it is text of the story, move it below the "
                "closing '---' line"
            ),
        )
    elif "flow sequence" in context or "flow mapping" in context:
        bracket, closing = ("[", "]") if "sequence" in context else ("{", "}")
        at, message = (
            start,
            (
                f"a '{bracket}' on this line opens a list that is never closed: close "
                f"it on the same line, or, if the value is text that starts with "
                f"'{bracket}', {_quote(f'{bracket}Draft{closing} Oldham')}"
            ),
        )
    elif "mapping values are not allowed" in problem and line_text.count(": ") > 1:
        message = f"this value holds ': ', which YAML reads as the start of another field: {_quote()}"
    elif "mapping values are not allowed" in problem or "expected key" in problem:
        if _text_after_quote(line_text):
            message = (
                "there is text after the closing quote: put the whole value inside one "
                "pair of quotes (for a quote mark inside it, use the other kind around "
                "it: 'He said \"yes\"')"
            )
        elif line_text.lstrip().startswith("- "):
            message = (
                "this list item is not under a field: indent it under the field's name (or write the list as [a, b])"
            )
        else:
            message = (
                "the indentation of this line does not match the lines around it: the "
                "fields of one group start at the same column, indented with spaces under "
                "their group's name (and a value holding ': ' must be in double quotes)"
            )
    elif "block sequence entries" in problem:
        message = "a '- ' list item must start a line of its own, under its field's name"
    elif "block scalar" in context:
        message = "'|' or '>' must end its line, with the text on the lines below, indented"
    elif "mapping keys are not allowed" in problem:
        message = f"a value cannot start with '?': {_quote('? Oldham')}"
    elif "nesting depth" in problem:
        message = (
            f"lists and groups of fields are nested more than {limits.YAML_DEPTH} deep here; the site needs at most 3"
        )
    else:
        message = (
            f"the YAML cannot be read here ({problem or context}): check the quotes, "
            "colons and indentation on this line and the one above"
        )
    return Problem(rel, first + at, f"invalid YAML: {message}")


def _runaway_quote(text: str, mark: Any) -> tuple[str, int] | None:
    """(the quote mark, the line it opened on) when the error comes on the line where a
    quoted value that began on an earlier line ends: a quote left open, which YAML
    closed at the next quote mark, so that the error is found lines later."""
    loader = _StrictLoader(text)
    found = None
    try:
        while loader.check_token():
            token: Any = loader.get_token()
            if (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            if isinstance(token, yaml.ScalarToken):
                found = token
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    if found is None or found.style not in ('"', "'") or not found.start_mark.line < found.end_mark.line == mark.line:
        return None
    return found.style, found.start_mark.line


def _quote(example: str = "Oldham: a year on") -> str:
    return f'put the whole value in double quotes, e.g. title: "{example}"'


def _text_after_quote(line: str) -> bool:
    value = line.partition(": ")[2].strip()
    if value[:1] not in ("'", '"'):
        return False
    end = value.find(value[0], 1)
    return end > 0 and value[end + 1 :].strip()[:1] not in ("", "#")


def split_front_matter(text: str, rel: str) -> tuple[str, str, int]:
    """Return (front matter, body, the body's first line)."""
    if not text.strip():
        raise LoadError(Problem(rel, 1, "the file is empty; it needs front matter between '---' lines"))
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise LoadError(
            Problem(
                rel,
                1,
                "no front matter: the file must start with a '---' line, then the fields, then another '---' line",
            )
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            front = "\n".join(lines[1:i])
            if len(front) > limits.FRONT_MATTER_CHARS:
                raise LoadError(
                    Problem(
                        rel,
                        1,
                        f"the front matter (between the '---' lines) is "
                        f"{len(front):,} characters long; at most "
                        f"{limits.FRONT_MATTER_CHARS:,} are allowed",
                    )
                )
            return front, "\n".join(lines[i + 1 :]), i + 2
    raise LoadError(Problem(rel, 1, "the front matter is never closed: add a '---' line after the fields"))


def load_source(root: Path, path: Path, kind: str) -> Source:
    """One content file, read as the site's own files are (sitefiles.py, within
    limits.CONTENT_FILE_BYTES)."""
    rel = path.relative_to(root).as_posix()
    text = read_text(root, path, limits.CONTENT_FILE_BYTES)
    front, body, body_line = split_front_matter(text, rel)
    data, lines = load_yaml(front, rel, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LoadError(Problem(rel, 2, "the front matter must be 'key: value' lines"))
    return Source(rel, kind, data, lines, body, body_line)
