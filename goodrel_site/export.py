"""Open data: every public story and event, with its URL, as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable

from . import images
from .models import Entry, EventMeta, StoryMeta
from .site import Site
from .validate import image_path

# Front-matter fields that are about publishing, not about the story: not exported.
PRIVATE = {"status", "publish_on", "unpublish_on", "aliases", "slug", "consent", "image"}


def record(site: Site, entry: Entry, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One item as exported: its public front matter (dates as YYYY-MM-DD), slug and URL."""
    meta = entry.meta.model_dump(mode="json", exclude=PRIVATE)
    data: dict[str, Any] = {"slug": entry.slug, "url": absolute(entry.url), **meta}
    data["lang"] = entry.lang or site.settings.language
    if entry.kind == "story":
        data["anonymised"] = entry.consent.anonymised
    if entry.image:
        found = images.plan(image_path(site.root, entry, entry.image.src))
        data["image"] = {"url": absolute(found.default.fallback),
                         **entry.image.model_dump(mode="json", exclude={"src", "decorative"})}
    return data


def records(site: Site, entries, absolute) -> list[dict[str, Any]]:
    return [record(site, e, absolute) for e in sorted(entries, key=lambda e: e.slug)]


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Flat CSV: lists joined with '; ', mappings as 'key.sub' columns, outcomes as JSON.
    A BOM makes spreadsheets read UTF-8; cells that a spreadsheet would run as a
    formula are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        flat = _flatten(row)
        writer.writerow([_cell(flat.get(column)) for column in columns])
    return "\ufeff" + buffer.getvalue()


def columns(model_fields: list[str], nested: dict[str, list[str]]) -> list[str]:
    result = []
    for name in model_fields:
        result += [f"{name}.{sub}" for sub in nested[name]] if name in nested else [name]
    return result


def _flatten(row: dict[str, Any]) -> dict[str, Any]:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{sub}": v for sub, v in value.items()})
        elif key == "outcomes":
            flat[key] = json.dumps(value, ensure_ascii=False) if value else ""
        else:
            flat[key] = value
    return flat


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


NESTED = {"quote": ["text", "attribution"], "contact": ["name", "organisation", "email", "phone"],
          "image": ["url", "alt", "caption", "credit", "licence"]}


def _columns(model, extra: list[str]) -> list[str]:
    names = ["slug", "url"] + [f for f in model.model_fields if f not in PRIVATE] + extra + ["image"]
    return columns(names, NESTED)


def files(site: Site, absolute) -> dict[str, str]:
    stories = records(site, site.stories, absolute)
    events = records(site, site.events, absolute)
    return {
        "/data/stories.json": to_json(stories),
        "/data/stories.csv": to_csv(stories, _columns(StoryMeta, ["anonymised"])),
        "/data/events.json": to_json(events),
        "/data/events.csv": to_csv(events, _columns(EventMeta, [])),
    }
