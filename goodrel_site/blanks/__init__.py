"""The blank files `new` fills in (story.md, event.md): the fields in the order an
editor meets them, and the placeholder texts in them, which validation refuses to
publish. (Each field's explanation is its description in models.py.)"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..kinds import DATED

FOLDER = Path(__file__).parent
KINDS = tuple(kind.name for kind in DATED)  # each has a blank, KIND.md
# A field line of a blank: optionally commented out, indented, maybe a list item,
# `key: value`, then a comment.
_FIELD = re.compile(r"^(?P<lead>\s*(?:#\s)?\s*)(?P<item>- )?(?P<key>[a-z_]+):(?:\s|$)")


def text(kind: str) -> str:
    return (FOLDER / f"{kind}.md").read_text("utf-8")


@cache
def placeholders() -> frozenset[str]:
    """What a blank holds until the editor writes something real: its fields' quoted
    "Replace with …" values and its body, each as one line."""
    found = set()
    for kind in KINDS:
        _, front, body = text(kind).split("---\n", 2)
        found.update(re.findall(r'"(Replace with [^"]*)"', front))
        found.add(" ".join(body.split()))
    return frozenset(found)


@cache
def fields(kind: str) -> tuple[tuple[str, ...], ...]:
    """Every field a blank names, in its order, as a key path such as ("consent", "date")."""
    front = text(kind).split("---\n")[1]
    found: list[tuple[str, ...]] = []
    stack: list[tuple[int, str]] = []  # (indent, key) of the mappings we are inside
    for line in front.splitlines():
        match = _FIELD.match(line)
        if not match:
            continue
        indent = len(match["lead"].replace("# ", "", 1))
        if match["item"]:
            indent += 2  # a list item's keys sit under the list
        while stack and stack[-1][0] >= indent:
            stack.pop()
        found.append(tuple(key for _, key in stack) + (match["key"],))
        stack.append((indent, match["key"]))
    return tuple(found)
