"""Heading ids (`<h2 id="…">`) for levels 2 to 4, so that `#fragment` links reach them.

The ids are those mdit_py_plugins.anchors gives (GitHub's way: lower case, spaces to
hyphens, punctuation dropped; a repeated heading gets -1, -2…), so links written
against earlier builds keep working. That plugin finds a free id by trying slug,
slug-1, slug-2… from the start for every heading: n equal headings cost n²/2 tries
(a 200 KB story of one repeated heading took minutes). Here each slug remembers the
next number to try, so the work is linear in the number of headings."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

LEVELS = ("h2", "h3", "h4")
_NOT_IN_SLUG = re.compile(r"[^\w\u4e00-\u9fff\- ]")  # (the plugin's own expression)


def anchors(md: MarkdownIt) -> None:
    md.core.ruler.push("anchor", _ids)


def slugify(title: str) -> str:
    return _NOT_IN_SLUG.sub("", title.lower().replace(" ", "-"))


def _ids(state: StateCore) -> None:
    taken: set[str] = set()
    following: dict[str, int] = {}  # slug -> the next number to try after it
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in LEVELS:
            continue
        words = "".join(c.content for c in tokens[i + 1].children or () if c.type in ("text", "code_inline"))
        token.attrSet("id", unique(slugify(words), taken, following))


def unique(slug: str, taken: set[str], following: dict[str, int]) -> str:
    """`slug`, or the first of slug-1, slug-2… not taken. Each slug's count only grows,
    and a try fails only on an id taken before, so all headings cost linear work."""
    number = following.get(slug, 0)
    found = slug if number == 0 else f"{slug}-{number}"
    while found in taken:
        number += 1
        found = f"{slug}-{number}"
    following[slug] = number + 1
    taken.add(found)
    return found
