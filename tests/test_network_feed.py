"""The network feed (/data/network.json): what a member offers its hubs, and the model
both sides read it with (goodrel_site/network/feed.py, docs/network.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from conftest import NOW, build, story, write
from PIL import Image
from pydantic import ValidationError

from goodrel_site import markdown
from goodrel_site.network.feed import Feed
from goodrel_site.options import Options
from goodrel_site.pipeline import build as build_once

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
        "area": None,
        "area_code": None,
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


# ---- The feed a build writes ----


def offer(root: Path, rel: str, title: str, extra: str = "", body: str = "") -> None:
    """A story offered to the network (consent.network: true)."""
    text = story(title, extra).replace("date: 2014-01-10}", "date: 2014-01-10, network: true}")
    write(root, rel, text + body)


def built(root: Path, out: Path | None = None, *extra: str) -> Path:
    out = out or root / "public"
    assert build(root, out, *extra) == 0
    return out


def test_the_feed_holds_each_offered_story_as_the_site_shows_it(site: Path):
    Image.new("RGB", (640, 400), (10, 200, 90)).save(site / "stories" / "photo.png")
    offer(
        site,
        "stories/offered.md",
        "Offered story",
        "image: {src: photo.png, alt: A green field, credit: Sam}\nevent: leeds-2013\n",
        "\nSee [the first story](first.md), [the regions](/regions/) and "
        "[elsewhere](https://example.org/).[^1]\n\n![A picture](photo.png)\n\n[^1]: A note.\n",
    )
    out = built(site)
    data = json.loads((out / "data/network.json").read_text("utf-8"))
    Feed.model_validate(data)
    jsonschema.validate(data, json.loads((out / "data/network.schema.json").read_text("utf-8")))
    assert data["member"] == {
        "title": "Untold Stories of Good Relations",
        "url": "https://goodrel.example.org/",
        "description": "Stories of the quiet, local work that brings people together across England.",
        "publisher": "Good Relations Network",
        "language": "en",
        "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        "contact": {"name": "The editors", "email": "stories@goodrel.example.org"},
    }
    [shared] = data["stories"]  # (first.md is not offered)
    record = next(r for r in json.loads((out / "data/stories.json").read_text("utf-8")) if r["slug"] == "offered")
    text = record.pop("text")
    assert record.pop("event") == "leeds-2013" and shared.pop("event") is None  # (events are never offered)
    assert list(shared) == ["id", *record, "html", "text"]
    assert shared == {"id": record["url"], **record, "html": shared["html"], "text": text}
    assert shared["image"]["url"].startswith("https://goodrel.example.org/media/photo-")
    html = BeautifulSoup(shared["html"], "html.parser")
    links = [a["href"] for a in html.find_all("a")]
    assert links[:3] == [
        "https://goodrel.example.org/stories/first/",
        "https://goodrel.example.org/regions/",
        "https://example.org/",
    ]
    assert all(href.startswith(("https://", "#")) for href in links)  # (the footnote's own stay in the text)
    pictures = [html.img["src"], *html.img["srcset"].split(", "), *html.source["srcset"].split(", ")]
    assert all(p.startswith("https://goodrel.example.org/media/photo-") for p in pictures)
    described = {r["path"]: r for r in json.loads((out / "data/datapackage.json").read_text("utf-8"))["resources"]}
    for name in ("network.json", "network.schema.json"):
        digest = hashlib.sha256((out / "data" / name).read_bytes()).hexdigest()
        assert described[name]["hash"] == f"sha256:{digest}"


def test_a_translation_names_its_original_only_when_the_feed_holds_it(site: Path):
    translation = "lang: pl\ntranslation_of: first\n"
    offer(site, "stories/first-pl.md", "Pierwsza", translation)
    shared = json.loads((built(site) / "data/network.json").read_text("utf-8"))["stories"]
    assert [(s["slug"], s["translation_of"]) for s in shared] == [("first-pl", None)]
    offer(site, "stories/first.md", "First story")
    shared = json.loads((built(site) / "data/network.json").read_text("utf-8"))["stories"]
    assert [(s["slug"], s["translation_of"]) for s in shared] == [("first-pl", "first"), ("first", None)]  # (by id)


HIDDEN = "Qvzjx"  # in every story that must not be offered


def test_nothing_not_offered_reaches_the_feed_not_even_a_count(site: Path, tmp_path: Path):
    """Stories not offered (no consent.network), and offered ones that are not public
    (withdrawn, pending, a draft, embargoed, past unpublish_on), leave the feed exactly
    as it is without them: not a trace, a count or a tombstone; nor in a preview."""
    offer(site, "stories/offered.md", "Offered story")
    before = (built(site, tmp_path / "before") / "data/network.json").read_bytes()
    write(site, "stories/public-only.md", story(f"{HIDDEN} public, not offered", "slug: qvzjx-public\n"))
    for name, change in {
        "withdrawn": [("{status: given", "{status: withdrawn")],
        "pending": [("{status: given, date: 2014-01-10", "{status: pending"), ("status: published", "status: draft")],
        "draft": [("status: published", "status: draft")],
        "embargoed": [("consent:", "publish_on: 2027-01-01\nconsent:")],
        "unpublished": [("consent:", "unpublish_on: 2026-01-01\nconsent:")],
    }.items():
        offer(site, f"stories/{name}.md", f"{HIDDEN} {name}", f"slug: qvzjx-{name}\n", f"\nqvzjx {name} words.\n")
        path = site / f"stories/{name}.md"
        for old, new in change:
            path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    for out, extra in ((tmp_path / "after", ()), (tmp_path / "preview", ("--drafts",))):
        data = built(site, out, *extra) / "data"
        assert (data / "network.json").read_bytes() == before, extra
        assert HIDDEN.lower() not in (data / "network.schema.json").read_text("utf-8").lower()
    assert HIDDEN in (tmp_path / "preview/stories/qvzjx-draft/index.html").read_text("utf-8")  # (the preview shows it)


def test_the_feed_is_the_same_bytes_until_what_it_shares_changes(site: Path, tmp_path: Path):
    offer(site, "stories/offered.md", "Offered story")
    first = (built(site, tmp_path / "a") / "data/network.json").read_bytes()
    later = built(site, tmp_path / "b", "--now", "2026-12-24")  # (the last --now wins)
    assert (later / "data/network.json").read_bytes() == first
    assert (later / "data/datapackage.json").read_bytes() != (tmp_path / "a/data/datapackage.json").read_bytes()
    write(site, "stories/first.md", story("First story, edited"))  # (not offered)
    assert (built(site) / "data/network.json").read_bytes() == first
    offer(site, "stories/offered.md", "Offered story, edited")
    assert b"Offered story, edited" in (built(site) / "data/network.json").read_bytes()


def test_an_incremental_build_makes_the_feed_a_clean_build_makes(site: Path, tmp_path: Path):
    Image.new("RGB", (640, 400), (10, 200, 90)).save(site / "stories/photo.png")
    offer(site, "stories/offered.md", "Offered story", body="\nSee [the other](other.md).\n\n![A field](photo.png)\n")
    offer(site, "stories/other.md", "Other story")
    built(site)
    other = site / "stories/other.md"
    for change in (
        lambda: other.write_text(other.read_text("utf-8").replace(", network: true}", "}"), "utf-8"),
        lambda: Image.new("RGB", (500, 300), (200, 20, 90)).save(site / "stories/photo.png"),
        lambda: other.write_text(other.read_text("utf-8").replace("{status: given", "{status: withdrawn"), "utf-8"),
    ):
        before = (site / "public/data/network.json").read_bytes()
        change()
        incremental = (built(site) / "data/network.json").read_bytes()
        build_once(Options(site=site, out=tmp_path / "clean", now=NOW, search=False, cache=False))
        assert incremental == (tmp_path / "clean/data/network.json").read_bytes()
        assert incremental != before
    assert b"Other story" not in incremental and b"stories/other/" not in incremental
    assert b"See the other." in incremental  # (the link to a withdrawn story goes, its words stay)


def test_each_text_is_parsed_once_for_its_page_and_the_feed_and_again_only_when_changed(site: Path, monkeypatch):
    """The feed's html is made from the parse that makes the story's page, and kept:
    a build that makes the site's files again but not the story's page parses nothing
    for the feed."""
    offer(site, "stories/offered.md", "Offered story")
    offer(site, "stories/second.md", "Second story")
    write(site, "pages/about.md", "---\ntitle: About\n---\n\nWho we are.\n")
    parsed = []
    real = markdown.render

    def counted(path, *args, **kwargs):
        parsed.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(markdown, "render", counted)
    options = Options(site=site, out=site / "public", now=NOW, search=False, jobs=1)
    build_once(options)
    texts = ["events/leeds-2013.md", "pages/about.md", "stories/first.md", "stories/offered.md", "stories/second.md"]
    assert sorted(parsed) == texts
    feed = (site / "public/data/network.json").read_bytes()
    for path in ("pages/about.md", "stories/second.md"):
        parsed.clear()
        (site / path).write_text((site / path).read_text("utf-8") + "\nOne more line.\n", "utf-8")
        build_once(options)
        assert path in parsed and len(parsed) == len(set(parsed)), parsed  # (each text once at most)
        if path == "pages/about.md":  # (the site's files made again, the feed's texts kept)
            assert parsed == [path] and (site / "public/data/network.json").read_bytes() == feed
    assert b"One more line." in (site / "public/data/network.json").read_bytes()


def test_a_story_too_long_for_a_hub_is_left_out_with_a_warning(site: Path, capsys):
    offer(site, "stories/offered.md", "Offered story")
    offer(site, "stories/long.md", "Long story", body="\n" + "many words " * 100_000 + "\n")
    out = built(site)
    said = capsys.readouterr().err
    assert "stories/long.md:8: warning: not offered to the network: its html" in said, said
    assert [s["slug"] for s in json.loads((out / "data/network.json").read_text("utf-8"))["stories"]] == ["offered"]
    assert (out / "stories/long/index.html").exists()


def test_a_feed_larger_than_a_hub_reads_is_said_so(site: Path, capsys, monkeypatch):
    from goodrel_site import limits

    offer(site, "stories/offered.md", "Offered story")
    monkeypatch.setattr(limits, "NETWORK_FEED_BYTES", 1000)
    built(site)
    said = capsys.readouterr().err
    assert "site.yaml:1: warning: the network feed (/data/network.json) is " in said, said
    assert "more than the 1,000 a hub reads, so no hub will show any of its stories" in said
