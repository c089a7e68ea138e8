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

from . import areas, limits, markdown, measures, plan
from .codebook import (
    DATASETS,
    LIST_SEPARATOR,
    SINGULAR,
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
TABLES = (("csv", "text/csv"), ("json", "application/json"))  # each table's two files
# Cells a spreadsheet would run as a formula start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record(site: Site, entry: Entry, text: Callable[[str], str] | None = None) -> dict[str, Any]:
    """One item as exported: its public front matter (dates as YYYY-MM-DD) and what the
    build derives (slug, URL, language, the text as plain text by `text`, markdown.plain
    by default), in codebook order. Links to other items are kept only when those items are
    public."""
    meta = entry.meta.model_dump(mode="json")
    area = areas.areas().get(entry.area or "")
    derived = {
        "area_code": area.code if area else None,
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
    result.update(_outcomes_files(site))
    result.update(area_files(site))
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
    for dataset, one in SINGULAR.items():
        # A site without outcomes lists no outcomes table: a table of no records is no
        # table to Frictionless (the files are there all the same).
        tables = () if dataset == "outcomes" and files["/data/outcomes.json"] == to_json([]) else TABLES
        for fmt, media in tables:
            resources.append(
                {
                    "name": resource_name(dataset, fmt),
                    "path": f"{dataset}.{fmt}",
                    "profile": "tabular-data-resource",
                    "title": f"{dataset.capitalize()} ({fmt.upper()})",
                    "description": f"Every public {one}, one {'row' if fmt == 'csv' else 'record'} each.",
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


def vocabularies(site: Site) -> dict[str, list[dict[str, str | None]]]:
    """Every vocabulary's terms; a measure with its unit, framework, source and licence."""
    found: dict[str, list[dict[str, str | None]]] = {
        v: [{"key": t.key, "label": t.label, "description": t.description} for t in site.terms[v]] for v in VOCABULARY
    }
    for term in found["measures"]:
        measure = site.settings.measures[str(term["key"])]
        term.update(unit=measure.unit, framework=measure.framework, source=measure.source, licence=measure.licence)
    return found


def outcome_rows(site: Site, entries: Iterable[Entry] | None = None) -> list[dict[str, Any]]:
    """Every outcome of the public stories (each once, by its lead version) and events,
    or of `entries`, one row each, in codebook order (codebook.OUTCOMES)."""
    known = areas.areas()
    rows = []
    items = sorted((*site.listed, *site.events) if entries is None else entries, key=lambda e: (e.kind, e.slug))
    for entry in items:
        area = known.get(entry.area or "")
        for n, outcome in enumerate(entry.outcomes, 1):
            row = {
                **outcome.model_dump(mode="json"),
                "kind": entry.kind,
                "slug": entry.slug,
                "n": n,
                "area": entry.area,
                "area_code": area.code if area else None,
                "region": entry.region,
            }
            rows.append({f.name: row[f.name] for f in DATASETS["outcomes"]})
    return rows


def _outcomes_files(site: Site) -> dict[str, str]:
    rows = outcome_rows(site)
    return {
        "/data/outcomes.json": to_json(rows),
        "/data/outcomes.csv": to_csv(rows, csv_columns(DATASETS["outcomes"])),
        "/data/outcomes.schema.json": to_json(schema(site, "outcomes")),
    }


def area_files(site: Site) -> dict[str, str]:
    """Each named area's brief as data (/data/areas/KEY.json and .csv): the area, its
    stories, events and organisations, the measures reported there with their pooled
    figures (withheld from too few items, as on its page), and its outcomes' rows."""
    found = {}
    by_area = measures.by_area(measures.pooled(site))
    for local in site.areas:
        area = local.area
        leads = site.once(local.stories)
        rows = outcome_rows(site, (*leads, *local.events))
        brief = {
            "area": area.key,
            "code": area.code,
            "name": area.name,
            "region": area.region,
            "region_code": area.region_code,
            "url": site.absolute(area.url),
            "stories": [{"slug": s.slug, "title": s.title, "url": site.absolute(s.url)} for s in leads],
            "events": [{"slug": e.slug, "title": e.title, "url": site.absolute(e.url)} for e in local.events],
            "organisations": sorted(
                {name for e in leads for name in e.organisations} | {n for e in local.events for n in e.hosts}
            ),
            "measures": [_area_measure(m) for m in plan.area_measures(by_area.get(area.key, []))],
            "figures_from_at_least": limits.AREA_FIGURE_MIN_ITEMS,
            "outcomes": rows,
        }
        found[f"/data/areas/{area.key}.json"] = to_json(brief)
        found[f"/data/areas/{area.key}.csv"] = to_csv(rows, csv_columns(DATASETS["outcomes"]))
    return found


def _area_measure(found: plan.AreaMeasure) -> dict[str, Any]:
    pooled = found.pooled
    figures = None
    if pooled is not None:
        figures = [
            {
                "evidence": p.evidence,
                "results": p.results,
                "with_baseline": p.paired,
                "mean_baseline": p.baseline,
                "mean_value": p.value,
                "mean_change": p.change,
            }
            for p in (*pooled.pools, pooled.total)
        ]
    return {"measure": found.key, "label": found.label, "unit": found.unit, "items": found.items, "figures": figures}


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
