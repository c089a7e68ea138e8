"""The JSON Schema for editors' tools: up to date, and agreeing with the build."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import NOW, REPO, run

from goodrel_site import blanks, schema
from goodrel_site.sources import load_sources
from goodrel_site.validate import load_settings


def validator(kind: str) -> jsonschema.Draft202012Validator:
    found = json.loads(schema.path(REPO, kind).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(found)
    return jsonschema.Draft202012Validator(found, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("kind", blanks.KINDS)
def test_the_committed_schema_is_up_to_date(kind):
    committed = schema.path(REPO, kind)
    assert committed.is_file() and committed.read_text("utf-8") == schema.text(kind, load_settings(REPO)), (
        f"{committed.relative_to(REPO)} is out of date with goodrel_site/models.py or site.yaml: "
        f"run '{schema.COMMAND}' and commit the result"
    )


def test_every_bundled_story_and_event_is_valid():
    sources, problems = load_sources(REPO)
    assert not problems
    checked = 0
    for source in sources:
        if source.kind in blanks.KINDS:
            errors = [e.message for e in validator(source.kind).iter_errors(source.data)]
            assert not errors, (source.path, errors)
            checked += 1
    assert checked > 40


def test_vocabulary_terms_are_enums_and_every_field_is_described():
    found = json.loads(schema.path(REPO, "story").read_text("utf-8"))
    assert found["properties"]["region"]["enum"][:2] == ["north-east", "north-west"]
    assert "common-purpose" in found["properties"]["categories"]["items"]["enum"]
    undescribed = [name for name, prop in found["properties"].items() if not prop.get("description")]
    undescribed += [
        f"{model}.{name}"
        for model, spec in found["$defs"].items()
        for name, prop in spec["properties"].items()
        if not prop.get("description")
    ]
    assert undescribed == []


# Each mistake, in front matter: the schema refuses it as the build does.
MISTAKES = {
    "an unknown field": ("stories/first.md", "region: london\n", "region: london\ncolour: blue\n"),
    "an unknown category": ("stories/first.md", "[common-purpose]", "[juggling]"),
    "a date that is not YYYY-MM-DD": ("stories/first.md", "date: 2014-03-01", "date: 1 March 2014"),
    "an image without alt text": (
        "stories/first.md",
        "region: london\n",
        "region: london\nimage: {src: ../site.yaml}\n",
    ),
    "an event with a negative attendance": ("events/leeds-2013.md", "attendees: 30", "attendees: -3"),
    "an event in an unknown region": ("events/leeds-2013.md", "region: yorkshire-and-the-humber", "region: atlantis"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_schema_and_the_build_refuse_the_same_mistakes(site, mistake):
    rel, old, new = MISTAKES[mistake]
    path = site / rel
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    [source] = [s for s in load_sources(site)[0] if s.path == rel]
    assert list(validator(source.kind).iter_errors(source.data)), mistake
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1


def test_consent_needs_a_date_once_given():
    consent = validator("story").schema["$defs"]["Consent"]
    given = jsonschema.Draft202012Validator(consent)
    assert not given.is_valid({"status": "given"})
    assert given.is_valid({"status": "given", "date": "2014-01-10"})
    assert given.is_valid({"status": "pending"})
    assert (
        consent["properties"]["network"]["type"] == "boolean" and consent["properties"]["network"]["default"] is False
    )
    assert given.is_valid({"status": "pending", "network": True}) and not given.is_valid(
        {"status": "pending", "network": 1}
    )
