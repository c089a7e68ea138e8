"""Read content files: split the front matter, load it safely, keep each key's line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

try:  # libyaml is several times faster and gives the same nodes and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

# Key paths inside the front matter, e.g. ("consent", "status") or ("categories", 0).
KeyPath = tuple[Any, ...]


class _StrictLoader(_Loader):
    """Safe YAML where dates stay text: the models parse them, so that an
    impossible date such as 2013-02-30 is a clear error, not a crash."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


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


def read_text(path: Path, rel: str) -> str:
    return decode(path.read_bytes(), rel)


def decode(data: bytes, rel: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LoadError(Problem(rel, line, "the file is not UTF-8 text; save it as UTF-8")) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_yaml(text: str, rel: str, first_line: int = 1) -> tuple[Any, dict[KeyPath, int]]:
    """Load YAML safely, refusing duplicate keys, with the line of every key."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[KeyPath, int] = {}
        _record_lines(node, (), lines, rel, first_line)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = first_line + (mark.line if mark else 0)
        what = err.problem or err.context or "invalid YAML"
        raise LoadError(Problem(rel, line, f"invalid YAML: {what}")) from None
    except yaml.YAMLError as err:
        raise LoadError(Problem(rel, first_line, f"invalid YAML: {err}")) from None
    finally:
        loader.dispose()


def _record_lines(node: yaml.Node, path: KeyPath, lines: dict, rel: str, first: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = first + key_node.start_mark.line
            if key in seen:
                raise LoadError(Problem(
                    rel, line, f"'{key}' is given twice (first on line {seen[key]}); keep one"))
            seen[key] = line
            lines[path + (key,)] = line
            _record_lines(value_node, path + (key,), lines, rel, first)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = first + item.start_mark.line
            _record_lines(item, path + (i,), lines, rel, first)


def split_front_matter(text: str, rel: str) -> tuple[str, str, int]:
    """Return (front matter, body, the body's first line)."""
    if not text.strip():
        raise LoadError(Problem(rel, 1, "the file is empty; it needs front matter between '---' lines"))
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise LoadError(Problem(
            rel, 1, "no front matter: the file must start with a '---' line, "
                    "then the fields, then another '---' line"))
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise LoadError(Problem(rel, 1, "the front matter is never closed: add a '---' line after the fields"))


def load_source(root: Path, path: Path, kind: str, raw: bytes | None = None) -> Source:
    """One content file; `raw` is its bytes when the caller has read them already."""
    rel = path.relative_to(root).as_posix()
    text = decode(raw, rel) if raw is not None else read_text(path, rel)
    front, body, body_line = split_front_matter(text, rel)
    data, lines = load_yaml(front, rel, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LoadError(Problem(rel, 2, "the front matter must be 'key: value' lines"))
    return Source(rel, kind, data, lines, body, body_line)


CONTENT_DIRS = {"stories": "story", "events": "event", "pages": "page"}


def content_files(root: Path) -> list[tuple[Path, str]]:
    """Every content file under the site root with its kind, in a fixed order."""
    return [(path, kind) for folder, kind in CONTENT_DIRS.items()
            for path in sorted((root / folder).glob("*.md"), key=str)]  # (str: quicker, same order)


def load_sources(root: Path) -> tuple[list[Source], list[Problem]]:
    """Read every content file under the site root; collect, don't stop at, problems."""
    sources, problems = [], []
    for path, kind in content_files(root):
        try:
            sources.append(load_source(root, path, kind))
        except LoadError as err:
            problems.append(err.problem)
    return sources, problems
