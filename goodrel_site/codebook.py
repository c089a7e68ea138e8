"""The open data's codebook: every exported field, its type and meaning. From this one
table come the JSON Schema of each export, the CSV columns, the Table Schemas of the
Frictionless data package and the /data/ page, so they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .kinds import DATED, KIND, VOCABULARY
from .models import KEY_PATTERN, LANG_PATTERN
from .site import Site

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
STRING = {"type": "string", "minLength": 1}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
SLUG = {"type": "string", "pattern": KEY_PATTERN}
URL = {"type": "string", "pattern": r"^https?://"}
STRINGS = {"type": "array", "items": STRING}
COUNT = {"type": "integer", "minimum": 0}


@dataclass(frozen=True)
class Field:
    name: str
    schema: dict[str, Any]  # the value's JSON Schema, without null
    description: str
    nullable: bool = False  # null when the item does not say
    vocabulary: str | None = None  # values are keys of this vocabulary
    parts: tuple[Field, ...] = ()  # an object's fields (CSV columns name.part)

    @property
    def type_name(self) -> str:
        """The type in words, for the codebook page."""
        found = self.schema.get("type")
        if self.vocabulary:
            kind = f"list of keys from {self.vocabulary}" if found == "array" else f"key from {self.vocabulary}"
        elif found == "array":
            items = self.schema["items"].get("type", "value")
            kind = f"list of {'objects' if items == 'object' else items + 's'}"
        elif isinstance(found, list):
            kind = " or ".join(found)
        elif self.schema.get("format") == "date":
            kind = "date (YYYY-MM-DD)"
        else:
            kind = str(found)
        return kind + (", or null" if self.nullable else "")


def _vocab_list(name: str, vocab: str, description: str, at_least: int = 0) -> Field:
    return Field(
        name, {"type": "array", "items": {"type": "string"}, "minItems": at_least}, description, vocabulary=vocab
    )


IMAGE = Field(
    "image",
    {"type": "object"},
    "The item's picture.",
    nullable=True,
    parts=(
        Field("url", URL, "Address of the picture, about 960 pixels wide."),
        Field("alt", STRING, "Text alternative describing the picture; null for a decorative one.", nullable=True),
        Field("caption", STRING, "Caption shown with the picture.", nullable=True),
        Field("credit", STRING, "Who made the picture.", nullable=True),
        Field("licence", STRING, "The picture's licence, when it differs from the site's.", nullable=True),
    ),
)
TEXT = Field(
    "text",
    {"type": "string"},
    "The text as plain text, made from the page's Markdown: "
    "a blank line between paragraphs, headings and lists; list items and table rows "
    "one a line; links as their words, pictures as their text alternatives.",
)
COMMON_START = (
    Field("slug", SLUG, "Short name, unique within its kind; the last part of the item's address."),
    Field("url", URL, "The item's permanent address on the site."),
    Field("title", STRING, "Title."),
    Field("summary", STRING, "One or two sentences of plain text saying what the item is about."),
)

EVIDENCE = Field(
    "evidence",
    {"type": "string", "enum": ["self-reported", "observed", "evaluated"]},
    "How the result is known: self-reported, observed or evaluated.",
    nullable=True,
)
NUMBER_OR_TEXT = {"type": ["number", "string"]}
OUTCOMES_FIELD = Field(
    "outcomes",
    {"type": "array", "items": {"type": "object"}},
    "Measured results (also one row each in outcomes.csv). In the CSV, the whole list as JSON text.",
    parts=(
        Field("indicator", STRING, "What was measured."),
        Field("measure", SLUG, "The shared measure of change it reports.", nullable=True, vocabulary="measures"),
        Field("value", NUMBER_OR_TEXT, "The result."),
        Field("unit", STRING, "Unit of the value and baseline.", nullable=True),
        Field("baseline", NUMBER_OR_TEXT, "The value before the work began.", nullable=True),
        EVIDENCE,
    ),
)
GSS_CODE = {"type": "string", "pattern": r"^[EW][0-9]{8}$"}
AREA = (
    Field("area", SLUG, "Local authority district where the work took place, by its key (see /areas/).", nullable=True),
    Field("area_code", GSS_CODE, "The ONS (GSS) code of that district, e.g. E08000004.", nullable=True),
)

STORY = COMMON_START + (
    Field("date", DATE, "Date the story was first published."),
    Field("updated", DATE, "Date of the last substantial change.", nullable=True),
    Field(
        "lang",
        {"type": "string", "pattern": LANG_PATTERN},
        "Language of the story, as a BCP 47 tag such as en, ur or pl.",
    ),
    Field("translation_of", SLUG, "For a translation: the slug of the story it translates.", nullable=True),
    _vocab_list("categories", "categories", "Kinds of good-relations work the story shows (at least one).", 1),
    _vocab_list("approaches", "approaches", "Approaches the work used."),
    _vocab_list("divides", "divides", "Divides the work bridged."),
    _vocab_list("themes", "themes", "Factors from the report that the story bears on."),
    Field("region", {"type": "string"}, "Region of England where the work took place.", vocabulary="regions"),
    *AREA,
    Field("place", STRING, "Town or district (never an address).", nullable=True),
    Field("organisations", STRINGS, "Organisations involved, by name."),
    Field("event", SLUG, "Slug of the event at which the story was told.", nullable=True),
    Field(
        "quote",
        {"type": "object"},
        "A pull quote.",
        nullable=True,
        parts=(
            Field("text", STRING, "The words quoted."),
            Field("attribution", STRING, "Who said them, as they agreed to be named.", nullable=True),
        ),
    ),
    OUTCOMES_FIELD,
    Field(
        "contact",
        {"type": "object"},
        "Media contact, who has agreed to be approached about this story. Anonymised stories have none.",
        nullable=True,
        parts=(
            Field("name", STRING, "Name.", nullable=True),
            Field("organisation", STRING, "Organisation.", nullable=True),
            Field("email", STRING, "Email address.", nullable=True),
            Field("phone", STRING, "Telephone number.", nullable=True),
        ),
    ),
    IMAGE,
    Field("tags", STRINGS, "Free keywords chosen by the editors."),
    Field("featured", {"type": "boolean"}, "Whether the editors feature the story on the home page."),
    Field(
        "anonymised", {"type": "boolean"}, "Whether names and details were changed to protect the people in the story."
    ),
    TEXT,
)

EVENT = COMMON_START + (
    Field("date", DATE, "Date the event took place (its first day)."),
    Field("end_date", DATE, "Last day, for an event of more than one day.", nullable=True),
    Field("lang", {"type": "string", "pattern": LANG_PATTERN}, "Language of the report, as a BCP 47 tag."),
    Field("region", {"type": "string"}, "Region of England where the event took place.", vocabulary="regions"),
    *AREA,
    Field("place", STRING, "Town or city."),
    Field("hosts", STRINGS, "Organisations that hosted the event."),
    Field("attendees", COUNT, "Number of people who attended.", nullable=True),
    Field("organisations_represented", COUNT, "Number of organisations represented.", nullable=True),
    Field("sectors", STRINGS, "Sectors the participants came from."),
    Field("questions", STRINGS, "Questions the event discussed."),
    OUTCOMES_FIELD,
    IMAGE,
    Field("stories", {"type": "array", "items": SLUG}, "Slugs of the public stories told at the event."),
    TEXT,
)

# Every outcome of a public story (each story once, by its lead version) or event, one
# row each, with the item's area: the table researchers pool results from.
OUTCOMES = (
    Field("kind", {"type": "string", "enum": [kind.name for kind in DATED]}, "Whether a story or an event reports it."),
    Field("slug", SLUG, "Slug of the story or event (in stories or events)."),
    Field("n", {"type": "integer", "minimum": 1}, "Its place among the item's outcomes, from 1."),
    Field("indicator", STRING, "What was measured, in the item's words."),
    Field("measure", SLUG, "The shared measure of change it reports.", nullable=True, vocabulary="measures"),
    Field("value", NUMBER_OR_TEXT, "The result."),
    Field("baseline", NUMBER_OR_TEXT, "The value before the work began.", nullable=True),
    Field("unit", STRING, "Unit of the value and baseline (a measure's own, when it names one).", nullable=True),
    EVIDENCE,
    *AREA,
    Field("region", {"type": "string"}, "The item's region.", vocabulary="regions"),
)
# Each dated kind's export is named for its folder (a kind with no fields here fails at
# import), and the outcomes have theirs.
DATASETS = {**{kind.folder: {"story": STORY, "event": EVENT}[kind.name] for kind in DATED}, "outcomes": OUTCOMES}
SINGULAR = {**{kind.folder: kind.name for kind in DATED}, "outcomes": "outcome"}
PRIMARY_KEYS = {"outcomes": ["kind", "slug", "n"]}  # (every other table's: its slug)


def schema(site: Site, dataset: str) -> dict[str, Any]:
    """The JSON Schema of one export (a list of records), vocabularies as enums."""
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": site.absolute(f"/data/{dataset}.schema.json"),
        "title": f"{site.settings.title}: {dataset}",
        "description": f"Every public {SINGULAR[dataset]} on the site. Codebook: {site.absolute('/data/')}",
        "type": "array",
        "items": _object(DATASETS[dataset], site),
    }


def vocabularies_schema(site: Site) -> dict[str, Any]:
    term = {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "label", "description"],
        "properties": {"key": SLUG, "label": STRING, "description": STRING},
    }
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": site.absolute("/data/vocabularies.schema.json"),
        "title": f"{site.settings.title}: vocabularies",
        "description": "The terms used to classify stories: key, label and description.",
        "type": "object",
        "additionalProperties": False,
        "required": list(VOCABULARY),
        "properties": {v: {"type": "array", "items": MEASURE_TERM if v == "measures" else term} for v in VOCABULARY},
    }


_MAYBE = {"anyOf": [STRING, {"type": "null"}]}
MEASURE_TERM = {  # a shared measure of change (models.Measure)
    "type": "object",
    "additionalProperties": False,
    "required": ["key", "label", "description", "unit", "framework", "source", "licence"],
    "properties": {
        "key": SLUG,
        "label": STRING,
        "description": STRING,
        "unit": {"type": "string", "enum": ["percent", "count", "score", "text"]},
        "framework": _MAYBE,
        "source": _MAYBE,
        "licence": _MAYBE,
    },
}


def csv_columns(fields: tuple[Field, ...]) -> list[str]:
    """Objects become one column per part (quote.text); lists stay one column."""
    columns = []
    for f in fields:
        if f.parts and f.schema["type"] == "object":
            columns += [f"{f.name}.{part.name}" for part in f.parts]
        else:
            columns.append(f.name)
    return columns


# Table Schema (the Frictionless tabular format) for the CSV and JSON exports. In the
# CSV, lists are one cell joined with LIST_SEPARATOR, outcomes are JSON text and an
# empty cell is a null.
LIST_SEPARATOR = "; "
# Links between the exports: (dataset, field) -> the dataset whose slug it names.
REFERENCES = {(kind.folder, field): KIND[target].folder for kind in DATED for field, target in kind.links}


def resource_name(dataset: str, fmt: str) -> str:
    """The data package's name for an export: stories-csv, events-json."""
    return f"{dataset}-{fmt}"


def table_schema(site: Site, dataset: str, fmt: str) -> dict[str, Any]:
    """The Table Schema of one export: its CSV columns (fmt "csv") or its JSON records'
    top-level fields (fmt "json")."""
    csv = fmt == "csv"
    fields = []
    for f in DATASETS[dataset]:
        if csv and f.parts and f.schema["type"] == "object":
            fields += [_table_field(f"{f.name}.{part.name}", part, site, csv, in_object=True) for part in f.parts]
        else:
            fields.append(_table_field(f.name, f, site, csv))
    links = [
        {
            "fields": name,
            "reference": {"resource": "" if target == dataset else resource_name(target, fmt), "fields": "slug"},
        }
        for (source, name), target in REFERENCES.items()
        if source == dataset
    ]
    return {
        "fields": fields,
        "primaryKey": PRIMARY_KEYS.get(dataset, ["slug"]),
        "foreignKeys": links,
        "missingValues": [""] if csv else [],
    }


def _table_field(name: str, f: Field, site: Site, csv: bool, in_object: bool = False) -> dict[str, Any]:
    kind = f.schema["type"]
    listed = kind == "array" and f.schema["items"].get("type") != "object"
    field: dict[str, Any] = {"name": name, "type": kind, "description": f.description}
    constraints: dict[str, Any] = {}
    if isinstance(kind, list):  # a number or some words
        field["type"] = "any"
    elif f.schema.get("format") == "date":
        field["type"] = "date"
    elif csv and listed:
        field.update(type="string", description=f"{f.description} Values joined with '{LIST_SEPARATOR}'.")
        if f.vocabulary:
            one = "(" + "|".join(getattr(site.settings, f.vocabulary)) + ")"
            constraints["pattern"] = f"{one}({LIST_SEPARATOR}{one})*"
    elif "pattern" in f.schema:
        constraints["pattern"] = _whole(f.schema["pattern"])
        if f.schema is URL:
            field["format"] = "uri"
    if f.vocabulary and not listed:
        constraints["enum"] = list(getattr(site.settings, f.vocabulary))
    if "minimum" in f.schema:
        constraints["minimum"] = f.schema["minimum"]
    # Never null; in the CSV never an empty cell either (lists may be empty, and so may
    # a text; an object's parts are empty when it is null).
    may_be_empty = (kind == "array" and not f.schema.get("minItems")) or (
        kind == "string" and "minLength" not in f.schema and "pattern" not in f.schema and not f.vocabulary
    )
    if not (f.nullable or in_object or (csv and may_be_empty)):
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _whole(pattern: str) -> str:
    """A JSON Schema pattern (found anywhere in the value) as Table Schema's (matched by
    the whole value)."""
    if pattern.startswith("^") and pattern.endswith("$"):
        return pattern[1:-1]
    return (pattern[1:] if pattern.startswith("^") else ".*" + pattern) + ".*"


def _object(fields: tuple[Field, ...], site: Site) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields],
        "properties": {f.name: _value(f, site) for f in fields},
    }


def _value(f: Field, site: Site) -> dict[str, Any]:
    schema = dict(f.schema, description=f.description)
    if f.vocabulary:
        keys = {"enum": list(getattr(site.settings, f.vocabulary))}
        if schema["type"] == "array":
            schema["items"] = keys
            schema["uniqueItems"] = True
        else:
            schema.update(keys)
    if f.parts:
        inner = _object(f.parts, site)
        if schema["type"] == "array":
            schema["items"] = inner
        else:
            schema.update(inner)
    if f.nullable:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema
