"""`new`: start a story or event from a blank that lists every field, each with a
one-line explanation (the field's description in models.py, which the JSON Schema and
the web editor show too), and the site's own vocabulary terms beside the fields that
take them, so an editor fills in rather than looks up."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

from . import blanks, schema, sitefiles
from .kinds import KIND, VOCABULARIES
from .models import META, Settings, descriptions
from .problems import UsageError
from .slugs import slugify
from .validate import load_settings


def create(root: Path, kind: str, title: str, today: date, preview: str = ".venv/bin/goodrel serve") -> Path:
    """Write the blank for a new item; `preview`: the command that previews the site,
    as the editor would type it (the blank names it)."""
    if not title.strip():
        raise UsageError('give the new item a title, in quotes: new story "Football in Oldham"')
    slug = slugify(title) or f"{kind}-{today.isoformat()}"
    path = root / KIND[kind].folder / f"{slug}.md"
    exists = UsageError(f"{path.relative_to(root)} already exists; choose another title or edit that file")
    if path.is_file() and not path.is_symlink():
        raise exists
    settings = load_settings(root)
    text = blank(kind, settings, title.strip(), today, preview)
    try:  # (new: never written over, nor through a link, even in a race)
        sitefiles.write(root, path, text.encode(), new=True)
    except FileExistsError:
        raise exists from None
    schema.write(root, settings, missing_only=True)  # the blank's modeline points there
    return path.relative_to(root)


def blank(kind: str, settings: Settings, title: str, today: date, preview: str) -> str:
    terms = {v.name: _wrapped(list(getattr(settings, v.name))) for v in VOCABULARIES}
    about = {".".join(path): text for path, text in descriptions(META[kind]).items()}
    # A JSON string is a valid double-quoted YAML string: any title is safe.
    return blanks.text(kind).format(
        title=json.dumps(title, ensure_ascii=False), date=today.isoformat(), preview=preview, about=about, **terms
    )


def _wrapped(keys: list[str]) -> str:
    return "\n#   ".join(textwrap.wrap(", ".join(keys), width=72, break_on_hyphens=False))
