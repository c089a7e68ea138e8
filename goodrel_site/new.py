"""`new`: start a story or event from a blank that lists every field, each with a
one-line explanation, and the site's own vocabulary terms beside the fields that
take them, so an editor fills in rather than looks up. The explanations are also
the descriptions in the JSON Schema (schema.py): they are written once, here."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import date
from pathlib import Path

from . import blanks
from .models import VOCABULARIES, Settings
from .problems import UsageError
from .slugs import slugify
from .validate import load_settings

FOLDERS = {"story": "stories", "event": "events"}

# A field line of a blank: optionally commented out, indented, maybe a list item,
# `key: value`, then `# explanation`.
_FIELD = re.compile(r"^(?P<lead>\s*(?:#\s)?\s*)(?P<item>- )?(?P<key>[a-z_]+):(?:\s|$)(?P<rest>.*)$")


def create(root: Path, kind: str, title: str, today: date, preview: str = ".venv/bin/goodrel serve") -> Path:
    """Write the blank for a new item; `preview`: the command that previews the site,
    as the editor would type it (the blank names it)."""
    if not title.strip():
        raise UsageError('give the new item a title, in quotes: new story "Football in Oldham"')
    slug = slugify(title) or f"{kind}-{today.isoformat()}"
    path = root / FOLDERS[kind] / f"{slug}.md"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists; choose another title or edit that file")
    settings = load_settings(root)
    text = blank(kind, settings, title.strip(), today, preview)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:  # "x": never overwrite, even in a race
        f.write(text)
    from . import schema  # (schema.py reads the blanks' explanations from this module)

    schema.write(root, settings, missing_only=True)  # the blank's modeline points there
    return path.relative_to(root)


def blank(kind: str, settings: Settings, title: str, today: date, preview: str) -> str:
    terms = {vocab: _wrapped(list(getattr(settings, vocab))) for vocab in VOCABULARIES}
    # A JSON string is a valid double-quoted YAML string: any title is safe.
    return blanks.text(kind).format(
        title=json.dumps(title, ensure_ascii=False), date=today.isoformat(), preview=preview, **terms)


def _wrapped(keys: list[str]) -> str:
    return "\n#   ".join(textwrap.wrap(", ".join(keys), width=72, break_on_hyphens=False))


def blank_fields(kind: str) -> dict[tuple[str, ...], str]:
    """Every field a blank names, as a key path such as ("consent", "date"), with
    its explanation."""
    front = blanks.text(kind).split("---\n")[1]
    fields: dict[tuple[str, ...], str] = {}
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
        path = tuple(key for _, key in stack) + (match["key"],)
        explanation = re.search(r"(?:^|\s)#\s(.*)$", match["rest"])
        fields[path] = explanation[1].strip() if explanation else ""
        stack.append((indent, match["key"]))
    return fields
