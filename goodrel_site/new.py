"""`new`: start a story or event from a blank that lists every field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from .problems import UsageError
from .slugs import slugify

FOLDERS = {"story": "stories", "event": "events"}


def create(root: Path, kind: str, title: str, today: date) -> Path:
    if not title.strip():
        raise UsageError("give the new item a title, e.g. goodrel new story \"Football in Oldham\"")
    slug = slugify(title) or f"{kind}-{today.isoformat()}"
    path = root / FOLDERS[kind] / f"{slug}.md"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists; choose another title or edit that file")
    blank = (Path(__file__).parent / "blanks" / f"{kind}.md").read_text("utf-8")
    # A JSON string is a valid double-quoted YAML string: any title is safe.
    text = blank.format(title=json.dumps(title.strip(), ensure_ascii=False), date=today.isoformat())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:  # "x": never overwrite, even in a race
        f.write(text)
    return path.relative_to(root)
