"""The network feed (/data/network.json): what a member offers its hubs, and the model
both sides read it with (goodrel_site/network/feed.py, docs/network.md)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from pydantic import ValidationError

from goodrel_site.network.feed import Feed

MEMBER = {
    "title": "Oldham stories",
    "url": "https://oldham.example.org/",
    "description": "Stories from Oldham.",
    "publisher": "Oldham Together",
    "language": "en",
    "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "contact": None,
}


def shared(slug: str = "a-story", **changed) -> dict:
    url = f"https://oldham.example.org/stories/{slug}/"
    return {
        "id": url,
        "slug": slug,
        "url": url,
        "title": "A story",
        "summary": "What happened.",
        "date": "2014-03-01",
        "updated": None,
        "lang": "en",
        "translation_of": None,
        "categories": ["common-purpose"],
        "approaches": [],
        "divides": [],
        "themes": [],
        "region": "north-west",
        "place": None,
        "organisations": [],
        "event": None,
        "quote": None,
        "outcomes": [],
        "contact": None,
        "image": None,
        "tags": [],
        "featured": False,
        "anonymised": False,
        "html": "<p>What happened.</p>\n",
        "text": "What happened.",
        **changed,
    }


def feed(*stories: dict, **member) -> dict:
    return {"format": "goodrel-network-feed", "version": 1, "member": {**MEMBER, **member}, "stories": list(stories)}


def test_a_feed_is_read_as_written():
    read = Feed.model_validate_json(json.dumps(feed(shared())))
    assert read.stories[0].id == "https://oldham.example.org/stories/a-story/"
    assert read.stories[0].date.isoformat() == "2014-03-01"


@pytest.mark.parametrize(
    "data, said",
    [
        (feed(shared(id="https://elsewhere.example.org/stories/a-story/")), "is not an address of the member"),
        (feed(shared(url="https://oldham.example.org.evil.example/x/")), "is not an address of the member"),
        (
            feed(
                shared(
                    image={
                        "url": "https://elsewhere.example/p.jpg",
                        "alt": "A",
                        "caption": None,
                        "credit": None,
                        "licence": None,
                    }
                )
            ),
            "is not an address of the member",
        ),
        (feed(shared(), shared()), "is given twice"),
        (feed(shared(), url="https://oldham.example.org"), "must end with '/'"),
        (feed(shared(url="javascript:alert(1)")), "is not an address a link may go to"),
        (feed(shared(url="https://oldham.example.org/stories/../../x/")), "'..' segment"),
        (feed(shared(title="<b>x</b>" * 100)), "at most 200 characters"),
        (feed(shared(html="x" * 1_000_001)), "at most 1000000 characters"),
        (feed(shared(text="a\x1bb")), "invisible control character"),
        (feed(shared(surprise=1)), "Extra inputs are not permitted"),
        (feed(shared(featured="yes")), "valid boolean"),
        ({**feed(shared()), "version": 2}, "Input should be 1"),
    ],
)
def test_the_model_refuses(data, said):
    with pytest.raises(ValidationError) as err:
        Feed.model_validate_json(json.dumps(data))
    assert said in str(err.value)


def test_the_schema_is_the_models():
    from types import SimpleNamespace

    from goodrel_site.network.feed import schema

    settings = SimpleNamespace(title="Oldham stories", base_url="https://oldham.example.org/")
    found = schema(SimpleNamespace(settings=settings, absolute=lambda url: "https://oldham.example.org" + url))
    jsonschema.validate(feed(shared()), found)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(feed(shared(surprise=1)), found)
