"""The web editor: Decap CMS at /admin/, for volunteers who do not use git. Each story
they submit becomes a pull request (Decap's editorial workflow) that the site's CI
checks before an editor merges it.

Its configuration is made from the same models the build validates with: every
front-matter field, in the order of the blanks that `new` writes, with its description
from models.py, typed as the model types it, the vocabularies as select lists, consent
as a section of its own that must be filled in, and `status: draft` to start with.
Decap's built files ship in goodrel_site/decap/ (from the npm registry, pinned in
package.json); nothing is loaded from elsewhere. The page that loads them is the
theme's admin.html, which a site may replace as any template. The editor is published
only when site.yaml has a `cms:` section."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import areas, blanks
from .kinds import KIND, KINDS, VOCABULARIES, Kind
from .models import META, URL_PATH_PATTERN, Settings, descriptions
from .site import Site

if TYPE_CHECKING:
    from .render import Renderer

DECAP = Path(__file__).parent / "decap"
PAGE, URL = "admin.html", "/admin/"  # the editor's page: its template, and where it is published
# Fields that name another entry by its file's slug, and the collection it is in.
RELATIONS = {field: target for kind in KINDS for field, target in kind.links}
VOCABULARY_FIELDS = {v.field: v.name for v in VOCABULARIES}
LONG_TEXT = 400  # strings allowed this long or longer get a text box, not a line


def files(site: Site, renderer: Renderer) -> dict[str, str | bytes]:
    """url -> content: the editor's page (the theme's, by `renderer`), its configuration
    and Decap's files, when site.yaml turns the editor on; otherwise nothing."""
    settings = site.settings
    if settings.cms is None:
        return {}
    found: dict[str, str | bytes] = {
        URL: renderer.alone(PAGE, URL),
        f"{URL}config.yml": yaml.safe_dump(config(settings), sort_keys=False, allow_unicode=True, width=100),
    }
    for path in sorted(DECAP.iterdir()):
        found[f"{URL}{path.name}"] = path.read_bytes()
    return found


def config(settings: Settings) -> dict[str, Any]:
    """Decap's config.yml (for a site whose site.yaml has a cms: section)."""
    cms = settings.cms
    if cms is None:
        raise ValueError("site.yaml has no cms: section")
    backend: dict[str, Any] = {"name": "github", "repo": cms.repo, "branch": cms.branch, "squash_merges": True}
    if cms.auth_url:
        backend["base_url"] = cms.auth_url
    return {
        "backend": backend,
        "publish_mode": "editorial_workflow",  # each submission a pull request
        "local_backend": True,  # decap-server, only when the editor is opened on this computer
        "site_url": settings.base_url,
        "display_url": settings.base_url,
        "media_folder": "stories/images",
        "public_folder": "images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(kind, settings) for kind in KINDS],
    }


def collection(kind: Kind, settings: Settings) -> dict[str, Any]:
    schema = META[kind.name].model_json_schema()
    hints = descriptions(META[kind.name])  # each field's description (models.py), shown beside it
    fields = [
        _field(
            name,
            schema["properties"][name],
            name in schema["required"],
            schema.get("$defs", {}),
            hints,
            (name,),
            settings,
        )
        for name in _order(kind.name, schema)
    ]
    found = {
        "name": kind.folder,
        "label": kind.label,
        "label_singular": kind.label_one,
        "folder": kind.folder,
        "create": True,
        "delete": False,  # a story is taken down through its consent or status, not deleted
        "extension": "md",
        "format": "frontmatter",
        "slug": "{{slug}}",
        "summary": "{{title}} ({{status}})",
        "fields": [*fields, {"label": "Text", "name": "body", "widget": "markdown"}],
    }
    if "image" in META[kind.name].model_fields:  # pictures beside the entries, as the blanks say: images/photo.jpg
        found.update(media_folder="images", public_folder="images")
    return found


def _order(kind: str, schema: dict) -> list[str]:
    """The fields in the blank's order (required ones first), then any other."""
    order = blanks.fields(kind) if kind in blanks.KINDS else ()
    named = [path[0] for path in order if len(path) == 1 and path[0] in schema["properties"]]
    return list(dict.fromkeys(named + list(schema["properties"])))


def _field(
    name: str, prop: dict, required: bool, defs: dict, hints: dict, path: tuple[str, ...], settings: Settings
) -> dict[str, Any]:
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    required = required and len(options) == len(prop.get("anyOf", [prop]))
    found: dict[str, Any] = {"label": name.replace("_", " ").capitalize(), "name": name, "required": required}
    if hints.get(path):
        found["hint"] = hints[path]
    found.update(_widget(name, options, prop, defs, hints, path, settings))
    if found["widget"] == "object" and not required:
        # Decap checks an optional section's required fields even when it is left
        # empty, and would refuse to save; `check` on the pull request asks for them.
        for inner in found["fields"]:
            inner["required"] = False
    if path == ("status",):
        found["default"] = "draft"  # drafts by default, pages too
    return found


def _widget(
    name: str, options: list[dict], prop: dict, defs: dict, hints: dict, path: tuple[str, ...], settings: Settings
) -> dict[str, Any]:
    """Decap's widget for a field of these JSON Schema types."""
    if len(options) > 1:  # a number or some words (an outcome's value): written as typed
        return {"widget": "string"}
    option = options[0]
    if "$ref" in option:
        model = defs[option["$ref"].rsplit("/", 1)[1]]
        return {"widget": "object", "collapsed": False, "fields": _object_fields(model, defs, hints, path, settings)}
    if name in VOCABULARY_FIELDS:
        vocab = getattr(settings, VOCABULARY_FIELDS[name])
        select: dict[str, Any] = {
            "widget": "select",
            "options": [{"label": term.label, "value": key} for key, term in vocab.items()],
        }
        if option.get("type") == "array":
            select.update(multiple=True, min=option.get("minItems", 0))
        return select
    if path == ("area",):  # one of the engine's areas (areas.py)
        return {"widget": "select", "options": [{"label": a.name, "value": a.key} for a in areas.areas().values()]}
    if name in RELATIONS:
        return {
            "widget": "relation",
            "collection": KIND[RELATIONS[name]].folder,
            "value_field": "{{slug}}",
            "search_fields": ["title"],
            "display_fields": ["title"],
        }
    kind = option.get("type")
    if kind == "array":
        item = option["items"]
        if "$ref" in item:
            model = defs[item["$ref"].rsplit("/", 1)[1]]
            return {"widget": "list", "fields": _object_fields(model, defs, hints, path, settings)}
        return {
            "widget": "list",
            "field": {"label": "Item", "name": "item", **_widget(name, [item], item, defs, hints, path, settings)},
        }
    if kind == "boolean":  # (no default: one would be written, and would fill an empty section)
        return {"widget": "boolean"}
    if kind == "integer":
        return {"widget": "number", "value_type": "int", **({"min": option["minimum"]} if "minimum" in option else {})}
    if option.get("format") == "date":
        return {
            "widget": "datetime",
            "format": "YYYY-MM-DD",
            "date_format": "YYYY-MM-DD",
            "time_format": False,
            "picker_utc": True,
        }
    if "enum" in option:
        return {
            "widget": "select",
            "options": list(option["enum"]),
            **({"default": prop["default"]} if prop.get("default") else {}),
        }
    if path[-1] == "src":  # an image's file
        return {"widget": "image", "choose_url": False}
    found: dict[str, Any] = {"widget": "text" if option.get("maxLength", 0) >= LONG_TEXT else "string"}
    if "pattern" in option:
        found["pattern"] = [
            option["pattern"],
            f"{name.replace('_', ' ')}: {_PATTERN_HELP.get(option['pattern'], 'not in the expected form')}",
        ]
    return found


def _object_fields(model: dict, defs: dict, hints: dict, path: tuple[str, ...], settings: Settings) -> list[dict]:
    required = set(model.get("required", ()))
    fields = [
        _field(name, prop, name in required, defs, hints, path + (name,), settings)
        for name, prop in model["properties"].items()
    ]
    if path == ("consent",):
        fields[0]["default"] = "pending"  # until the storyteller agrees
    return fields


_PATTERN_HELP = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "small letters, digits and single hyphens, like oldham-2013",
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$": "a language code, like en, ur or pt-BR",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "an email address, like name@example.org",
    URL_PATH_PATTERN: "an address on this site, like /stories/old-name/",
}
