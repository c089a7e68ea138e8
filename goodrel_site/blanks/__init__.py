"""The blank files `new` fills in (story.md, event.md), and the placeholder texts in
them, which validation refuses to publish."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).parent
KINDS = ("story", "event")


def text(kind: str) -> str:
    return (FOLDER / f"{kind}.md").read_text("utf-8")


@lru_cache(maxsize=None)
def placeholders() -> frozenset[str]:
    """What a blank holds until the editor writes something real: its fields' quoted
    "Replace with …" values and its body, each as one line."""
    found = set()
    for kind in KINDS:
        _, front, body = text(kind).split("---\n", 2)
        found.update(re.findall(r'"(Replace with [^"]*)"', front))
        found.add(" ".join(body.split()))
    return frozenset(found)
