"""JSON Schema for story and event front matter, for editors' tools: generated from
the same pydantic models the build validates with, with the site's vocabulary terms
as enums and each field described by its description in models.py.

The files live in the site root's schema/ folder, where the blanks' modeline
(`# yaml-language-server: $schema=../schema/story.schema.json`) points. Regenerate
them after changing a vocabulary in site.yaml: `.venv/bin/goodrel schema`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .models import EventMeta, Settings, StoryMeta
from .validate import VOCAB_FIELDS

MODELS: dict[str, type[StoryMeta] | type[EventMeta]] = {"story": StoryMeta, "event": EventMeta}
FOLDER = "schema"
COMMAND = ".venv/bin/goodrel schema"


def path(root: Path, kind: str) -> Path:
    return root / FOLDER / f"{kind}.schema.json"


def generate(kind: str, settings: Settings) -> dict[str, Any]:
    found = MODELS[kind].model_json_schema()
    defs = found.get("$defs", {})
    for field, (vocab, _) in VOCAB_FIELDS.items():
        if field in found["properties"]:
            prop = found["properties"][field]
            terms = {"type": "string", "enum": list(getattr(settings, vocab))}
            if prop.get("type") == "array":
                prop["items"] = terms
            else:
                found["properties"][field] = {**terms, "description": prop["description"]}
    # Rules that pydantic checks in validators, said in schema terms too.
    if "Consent" in defs:
        defs["Consent"].update({"if": {"properties": {"status": {"const": "given"}}}, "then": {"required": ["date"]}})
    if "Image" in defs:
        defs["Image"].update(
            {
                "if": {"not": {"properties": {"decorative": {"const": True}}, "required": ["decorative"]}},
                "then": {"required": ["alt"]},
            }
        )
    result = {"$schema": "https://json-schema.org/draft/2020-12/schema", **found}
    result.update(
        title=f"{settings.title}: {kind} front matter",
        description=f"Generated from goodrel_site/models.py and site.yaml by `{COMMAND}`; do not edit by hand.",
    )
    return result


def text(kind: str, settings: Settings) -> str:
    return json.dumps(generate(kind, settings), indent=2, ensure_ascii=False) + "\n"


def stale(root: Path, settings: Settings) -> list[str]:
    """The schema files under the site root that differ from what would be generated."""
    return [
        path(root, kind).relative_to(root).as_posix()
        for kind in MODELS
        if path(root, kind).is_file() and path(root, kind).read_text("utf-8") != text(kind, settings)
    ]


def write(root: Path, settings: Settings, missing_only: bool = False) -> list[Path]:
    written = []
    for kind in MODELS:
        target = path(root, kind)
        wanted = text(kind, settings)
        if missing_only and target.exists() or target.is_file() and target.read_text("utf-8") == wanted:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(wanted, "utf-8")
        written.append(target)
    return written
