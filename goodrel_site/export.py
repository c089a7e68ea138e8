"""Open data: every public story and event, with its URL and its text, as JSON and CSV,
each with a JSON Schema; the vocabularies; and a Frictionless data package
(datapackage.json) describing every file and column, with the build date, the licence
and whether the content is sample content. The fields, their order and their meaning
come from the codebook."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from . import markdown
from .codebook import (
    DATASETS,
    LIST_SEPARATOR,
    csv_columns,
    resource_name,
    schema,
    table_schema,
    vocabularies_schema,
)
from .kinds import DATED, KIND, VOCABULARY
from .models import Entry
from .site import Site
from .slugs import slugify
from .validate import entry_image

# Front-matter fields about publishing, not about the item: never exported. (`slug`
# and `image` are exported in their built form: the slug in use and the image's URL.)
PRIVATE = {"status", "publish_on", "unpublish_on", "aliases", "consent"}
# Cells a spreadsheet would run as a formula start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record(site: Site, entry: Entry, text: Callable[[str], str] | None = None) -> dict[str, Any]:
    """One item as exported: its public front matter (dates as YYYY-MM-DD) and what the
    build derives (slug, URL, language, the text as plain text by `text`, markdown.plain
    by default), in codebook order. Links to other items are kept only when those items are
    public."""
    meta = entry.meta.model_dump(mode="json")
    derived = {
        "slug": entry.slug,
        "url": site.absolute(entry.url),
        "lang": entry.lang or site.settings.language,
        "image": None,
        "text": (text or markdown.plain)(entry.body),
    }
    if entry.image:
        found = entry_image(site.root, entry)
        derived["image"] = {
            "url": site.absolute(found.default.fallback),
            **entry.image.model_dump(mode="json", exclude={"src", "decorative"}),
        }
    if entry.kind == "story":
        # The original is public when it is among this story's public language versions
        # (looked up there, not in all stories: once per record would be quadratic).
        public = {s.slug for s in site.translations.get(entry.url, ())}
        event = site.story_event.get(entry.url)
        derived.update(
            anonymised=entry.consent.anonymised,
            event=event.slug if event else None,
            translation_of=entry.translation_of if entry.translation_of in public else None,
        )
    else:
        derived["stories"] = [s.slug for s in site.event_stories.get(entry.url, ())]
    return {f.name: derived[f.name] if f.name in derived else meta[f.name] for f in DATASETS[_dataset(entry)]}


def records(site: Site, entries: Iterable[Entry], text: Callable[[str], str] | None = None) -> list[dict[str, Any]]:
    return [record(site, e, text) for e in sorted(entries, key=lambda e: e.slug)]


def to_json(data: Any) -> str:
    """JSON as people read it: a list one item to a line (each line written compactly, by
    Python's fast C encoder: indenting would force the slow pure-Python one, seconds
    for thousands of stories), anything else indented."""
    if isinstance(data, list):
        return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in data) + "\n]\n"
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """CSV a spreadsheet opens correctly: a BOM so it reads UTF-8, CRLF line ends, lists
    joined with '; ', objects as 'name.part' columns, outcomes as JSON text, and cells a
    spreadsheet would run as a formula prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        flat = _flatten(row)
        writer.writerow([_cell(flat.get(column)) for column in columns])
    return "\ufeff" + buffer.getvalue()


def files(site: Site, text: Callable[[str], str] | None, network: dict[str, str]) -> dict[str, str]:
    """Every file of /data/; `text` makes an item's plain text (markdown.plain, or a
    memo of it: see records.Memo); `network`: the network feed and its schema
    (network/feed.py), described in the data package too."""
    result = dict(network)
    for kind in DATED:
        dataset, rows = kind.folder, records(site, site.shown(kind), text)
        result[f"/data/{dataset}.json"] = to_json(rows)
        result[f"/data/{dataset}.csv"] = to_csv(rows, csv_columns(DATASETS[dataset]))
        result[f"/data/{dataset}.schema.json"] = to_json(schema(site, dataset))
    result["/data/vocabularies.json"] = to_json(vocabularies(site))
    result["/data/vocabularies.schema.json"] = to_json(vocabularies_schema(site))
    result["/data/datapackage.json"] = to_json(datapackage(site, result))
    return result


def datapackage(site: Site, files: dict[str, str]) -> dict[str, Any]:
    """The Frictionless Data Package (v1) describing the files in /data/: each one's
    SHA-256, and the columns of each table (CSV and JSON records) with their types,
    constraints and links. Researchers' tools read the build date, the licence and the
    sample flag from here."""
    settings = site.settings
    sample = (
        (" These are sample stories and events, made up to show how the site works, not records of real work.")
        if settings.sample_content
        else ""
    )
    resources: list[dict[str, Any]] = []
    for kind in DATED:
        dataset = kind.folder
        for fmt, media in (("csv", "text/csv"), ("json", "application/json")):
            resources.append(
                {
                    "name": resource_name(dataset, fmt),
                    "path": f"{dataset}.{fmt}",
                    "profile": "tabular-data-resource",
                    "title": f"{dataset.capitalize()} ({fmt.upper()})",
                    "description": f"Every public {kind.name}, one {'row' if fmt == 'csv' else 'record'} each.",
                    "format": fmt,
                    "mediatype": media,
                    "encoding": "utf-8",
                    **(
                        {"dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True}}
                        if fmt == "csv"
                        else {}
                    ),
                    "schema": table_schema(site, dataset, fmt),
                }
            )
        resources.append(
            _json_file(
                resource_name(dataset, "schema"),
                f"{dataset}.schema.json",
                f"JSON Schema of {dataset}.json",
                "application/schema+json",
            )
        )
    resources += [
        _json_file(
            "network",
            "network.json",
            "Network feed",
            "application/json",
            "The stories whose storytellers agreed that the networks this site belongs to may show them, "
            "with their text as the site shows it.",
        ),
        _json_file("network-schema", "network.schema.json", "JSON Schema of network.json", "application/schema+json"),
    ]
    resources += [
        _json_file(
            "vocabularies",
            "vocabularies.json",
            "Vocabularies",
            "application/json",
            "The terms that classify stories, by vocabulary: key, label and description.",
        ),
        _json_file(
            "vocabularies-schema",
            "vocabularies.schema.json",
            "JSON Schema of vocabularies.json",
            "application/schema+json",
        ),
    ]
    # Each file's SHA-256 (not its size: Frictionless cannot count a JSON table's bytes,
    # and would report every such file as wrong).
    for resource in resources:
        resource["hash"] = "sha256:" + hashlib.sha256(files["/data/" + resource["path"]].encode("utf-8")).hexdigest()
    return {
        "profile": "data-package",
        "name": slugify(settings.title),
        "title": settings.title,
        "description": f"Every public story and event on {settings.title}, with the codebook at "
        f"{site.absolute('/data/')}.{sample}",
        "homepage": site.absolute("/data/"),
        "created": f"{site.now.isoformat()}T00:00:00Z",
        "sample_content": settings.sample_content,
        "licenses": [{"title": settings.licence.name, "path": settings.licence.url}],
        "contributors": [{"title": settings.publisher, "role": "publisher"}],
        "resources": resources,
    }


def _json_file(name: str, path: str, title: str, media: str, description: str | None = None) -> dict[str, Any]:
    """A JSON file that is not a table. ("type": "json" keeps tools that guess a type
    from the name from reading "*.schema.json" as a Table Schema.)"""
    return {
        "name": name,
        "path": path,
        "type": "json",
        "title": title,
        **({"description": description} if description else {}),
        "format": "json",
        "mediatype": media,
        "encoding": "utf-8",
    }


def vocabularies(site: Site) -> dict[str, list[dict[str, str]]]:
    return {
        v: [{"key": t.key, "label": t.label, "description": t.description} for t in site.terms[v]] for v in VOCABULARY
    }


def _dataset(entry: Entry) -> str:
    return KIND[entry.kind].folder


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
        value = LIST_SEPARATOR.join(map(str, value))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
