"""JSON Schema for story and event front matter, for editors' tools: generated from
the same pydantic models the build validates with, with the site's vocabulary terms
as enums and each field described by its description in models.py.

The files live in the site root's schema/ folder, where the blanks' modeline
(`# yaml-language-server: $schema=../schema/story.schema.json`) points. Regenerate
them after changing a vocabulary in site.yaml: `.venv/bin/goodrel schema`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from . import areas, blanks, sitefiles
from .kinds import VOCABULARIES
from .models import META, Settings
from .problems import Problem

FOLDER = "schema"
COMMAND = ".venv/bin/goodrel schema"
LIMIT = 1024 * 1024  # (a schema file is some 20 KB; a larger one is not the engine's)


def path(root: Path, kind: str) -> Path:
    return root / FOLDER / f"{kind}.schema.json"


def generate(kind: str, settings: Settings) -> dict[str, Any]:
    found = META[kind].model_json_schema()
    defs = found.get("$defs", {})
    for vocab in VOCABULARIES:
        if vocab.within in found["properties"]:  # a field of the list's items (an outcome's measure)
            inner = defs[found["properties"][vocab.within]["items"]["$ref"].rsplit("/", 1)[1]]["properties"]
            terms = {"type": "string", "enum": list(getattr(settings, vocab.name))}
            inner[vocab.field] = {"anyOf": [terms, {"type": "null"}], "description": inner[vocab.field]["description"]}
        elif vocab.field in found["properties"]:
            prop = found["properties"][vocab.field]
            terms = {"type": "string", "enum": list(getattr(settings, vocab.name))}
            if prop.get("type") == "array":
                prop["items"] = terms
            else:
                found["properties"][vocab.field] = {**terms, "description": prop["description"]}
    if "area" in found["properties"]:  # one of the engine's areas (areas.py)
        known = {"type": "string", "enum": list(areas.areas())}
        found["properties"]["area"] = {
            "anyOf": [known, {"type": "null"}],
            "description": found["properties"]["area"]["description"],
        }
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


def stale(root: Path, settings: Settings) -> list[Problem]:
    """A warning for each schema file under the site root that differs from what would
    be generated, or that `write` would refuse (a link, a folder)."""
    found = []
    for kind in blanks.KINDS:
        try:
            current = sitefiles.existing(root, path(root, kind), LIMIT)
        except sitefiles.Refused as err:
            message = f"{err.problem.message} ('{COMMAND}' writes this file)"
            found.append(dataclasses.replace(err.problem, message=message, level="warning"))
            continue
        if current is not None and current != text(kind, settings).encode():
            rel = path(root, kind).relative_to(root).as_posix()
            message = f"{rel} no longer matches site.yaml and the models: run '{COMMAND}' and commit the result"
            found.append(Problem("site.yaml", 1, message, "warning"))
    return found


def write(root: Path, settings: Settings, missing_only: bool = False) -> list[Path]:
    """Write the schema files that are missing or differ (with `missing_only`, those
    missing); the paths written. Each target is checked before any is written: a link
    or a folder in the way is Refused and nothing is written."""
    todo = []
    for kind in blanks.KINDS:
        target, wanted = path(root, kind), text(kind, settings).encode()
        current = sitefiles.existing(root, target, LIMIT)
        if current is None or not missing_only and current != wanted:
            todo.append((target, wanted))
    for target, wanted in todo:
        sitefiles.write(root, target, wanted)
    return [target for target, _ in todo]
