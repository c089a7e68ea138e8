"""The network feed, /data/network.json: what a member site offers the hubs that list it,
written by the member and read by the hub with this one model (docs/network.md).

A story is offered when it is public on the build date and its storyteller agreed to
the network (consent.network, which counts only while consent is given); events and
pages never are. The feed says nothing about any other item: no count, no tombstone,
and a story's link to an item the feed does not hold (its event, an original that is
not offered) is null. Every address in it is absolute and within the member's own
address (member.url), and it holds no build time: its bytes stay the same while
nothing it shares changes, so a hub's conditional request costs nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, field_validator, model_validator

from .. import chars, codebook, export, limits
from ..models import (
    Contact,
    Email,
    Entry,
    ExternalUrl,
    IsoDate,
    Key,
    KeyList,
    Lang,
    Licence,
    Model,
    Outcome,
    Quote,
    Settings,
    Slug,
    SomeKeys,
    Summary,
    Text,
    Texts,
    Title,
)
from ..problems import Problem
from ..site import Site

FORMAT: Literal["goodrel-network-feed"] = "goodrel-network-feed"
VERSION: Literal[1] = 1
PATH = "/data/network.json"
SCHEMA_PATH = "/data/network.schema.json"


def _web(value: str) -> str:
    """An http(s) address (urls.external has let through only safe characters), with no
    '.' or '..' segment that would lead out of the folder it names."""
    if not value.startswith(("https://", "http://")):
        raise ValueError(f"{value[:80]!r} is not a web address: it must start with https:// (or http://)")
    path = value.split("://", 1)[1].partition("/")[2].split("?")[0].split("#")[0]
    # (percent-encoded dots too: a browser reads %2e%2e as '..', found by the outside attack)
    if any(unquote(part) in (".", "..") for part in path.split("/")):
        raise ValueError(f"{value[:80]!r} holds a '.' or '..' segment: write the address itself")
    return value


def _no_forbidden(value: object) -> object:
    """A text of many lines (a story's html and text): the characters no output may hold
    are refused, as in every other text (chars.py); line breaks stay."""
    if isinstance(value, str):
        bad = chars.first_forbidden(value)
        if bad:
            raise ValueError(f"the text holds {chars.describe(bad[0])} at character {bad.start() + 1}")
    return value


WebUrl = Annotated[ExternalUrl, AfterValidator(_web)]
LongText = Annotated[str, Field(max_length=limits.NETWORK_TEXT_CHARS), BeforeValidator(_no_forbidden)]


class MemberContact(Model):
    name: Text | None
    email: Email | None


class Member(Model):
    title: Text = Field(description="The member site's title.")
    url: WebUrl = Field(
        description="The address the member site is published at, ending in '/': every address in the feed starts with it."
    )
    description: Text = Field(description="What the member site is, in a sentence or two.")
    publisher: Text = Field(description="Who publishes the member site.")
    language: Lang = Field(description="The member site's language, as a BCP 47 tag.")
    licence: Licence = Field(description="The terms the member's stories may be used under.")
    contact: MemberContact | None = Field(description="The member's editors, for the hub and the press; null if none.")

    @field_validator("url")
    @classmethod
    def _a_folder(cls, value: str) -> str:
        if not value.endswith("/"):
            raise ValueError(f"member.url {value[:80]!r} must end with '/'")
        return value


class Picture(Model):
    url: WebUrl
    alt: Text | None
    caption: Text | None
    credit: Text | None
    licence: Text | None


class Story(Model):
    """One story as offered: `id`, then its open-data record (export.record, in codebook
    order) with `html` before `text`. Every field is given, null when the story says
    nothing, so that a hub never guesses a default."""

    id: WebUrl = Field(description="The story's stable identifier: its permanent address on the member site.")
    slug: Slug
    url: WebUrl
    title: Title
    summary: Summary
    date: IsoDate
    updated: IsoDate | None
    lang: Lang
    translation_of: Slug | None
    categories: SomeKeys
    approaches: KeyList
    divides: KeyList
    themes: KeyList
    region: Key
    area: Key | None
    area_code: Annotated[str, Field(pattern=codebook.GSS_CODE["pattern"])] | None
    place: Text | None
    organisations: Texts
    event: Slug | None
    quote: Quote | None
    outcomes: Annotated[list[Outcome], Field(max_length=limits.LIST_ITEMS)]
    contact: Contact | None
    image: Picture | None
    tags: Texts
    featured: bool
    anonymised: bool
    html: LongText = Field(
        description="The story's text as the member renders it, as HTML; every link and picture address "
        "is absolute (only links within the text, '#…', stay as they are)."
    )
    text: LongText


class Feed(Model):
    format: Literal["goodrel-network-feed"]
    version: Literal[1]
    member: Member
    stories: Annotated[list[Story], Field(max_length=limits.NETWORK_STORIES)] = Field(
        description="Every story the member offers the network, by id."
    )

    @model_validator(mode="after")
    def _within_member(self) -> Feed:
        """Each story's addresses are the member's own, and each id is given once."""
        base, seen = self.member.url, set()
        for n, story in enumerate(self.stories):
            for name, address in (("id", story.id), ("url", story.url), ("image.url", story.image and story.image.url)):
                if address and not address.startswith(base):
                    raise ValueError(f"stories[{n}].{name} {address[:80]!r} is not an address of the member ({base})")
            if story.id in seen:
                raise ValueError(f"stories[{n}].id {story.id[:80]!r} is given twice")
            seen.add(story.id)
        return self


def offered(site: Site) -> list[Entry]:
    """The stories the feed holds: public, consent given and network agreed (never one
    shown only in a preview), by id."""
    found = (
        s for s in site.stories if s.url not in site.previews and s.consent.status == "given" and s.consent.network
    )
    return sorted(found, key=lambda s: site.absolute(s.url))


def make(
    site: Site, html: Callable[[Entry], str], text: Callable[[str], str] | None = None
) -> tuple[Feed, list[Problem]]:
    """The feed: every offered story, its `html` by `html` and its `text` by `text` (as
    export.record's), checked by the model the hubs read it with. A story the model
    refuses (a text too long for a hub) is left out, with a warning saying why."""
    stories, problems = [], []
    entries = offered(site)
    slugs = {s.slug for s in entries}
    for entry in entries:
        try:
            stories.append(Story.model_validate(_story(site, entry, slugs, html, text)))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = f"not offered to the network: its {where} {first['msg'].lower()} (docs/network.md)"
            problems.append(Problem(entry.path, entry.line("consent", "network"), message, "warning"))
    member = Member.model_validate(_member(site.settings))
    return Feed(format=FORMAT, version=VERSION, member=member, stories=stories), problems


def _story(
    site: Site, entry: Entry, slugs: set[str], html: Callable[[Entry], str], text: Callable[[str], str] | None
) -> dict[str, Any]:
    shown = html(entry)  # (first: making it gives `text` its plain text, remembered)
    found = export.record(site, entry, text)
    found["event"] = None  # (events are never offered)
    if found["translation_of"] not in slugs:
        found["translation_of"] = None
    plain = found.pop("text")
    return {"id": found["url"], **found, "html": shown, "text": plain}


def _member(settings: Settings) -> dict[str, Any]:
    contact = settings.contact
    return {
        "title": settings.title,
        "url": settings.base_url.rstrip("/") + "/",
        "description": settings.description,
        "publisher": settings.publisher,
        "language": settings.language,
        "licence": settings.licence.model_dump(mode="json"),
        "contact": {"name": contact.name, "email": contact.email}
        if contact and (contact.name or contact.email)
        else None,
    }


def to_json(feed: Feed) -> str:
    """The feed as JSON: the head indented, each story on a line of its own (Python's
    fast encoder, as export.to_json), so a diff of two feeds shows the stories changed."""
    data = feed.model_dump(mode="json")
    stories = [json.dumps(story, ensure_ascii=False) for story in data.pop("stories")]
    head = json.dumps(data, ensure_ascii=False, indent=2).removesuffix("\n}")
    listed = "[\n" + ",\n".join(stories) + "\n]" if stories else "[]"
    return f'{head},\n  "stories": {listed}\n}}\n'


def schema(site: Site) -> dict[str, Any]:
    """The feed's JSON Schema, generated from the model; each story field described as
    the codebook describes it. (Two rules are the model's alone: every address starts
    with member.url, and no id is given twice.)"""
    found = Feed.model_json_schema()
    properties = found["$defs"]["Story"]["properties"]
    for field in codebook.STORY:
        properties[field.name].setdefault("description", field.description)
    for part in codebook.IMAGE.parts:
        found["$defs"]["Picture"]["properties"][part.name].setdefault("description", part.description)
    found.update(
        title=f"{site.settings.title}: network feed",
        description="The stories this site offers the network of sites it belongs to (docs/network.md). "
        "Every address in it starts with member.url, and no story id is given twice.",
    )
    return {"$schema": codebook.SCHEMA_DRAFT, "$id": site.absolute(SCHEMA_PATH), **found}


def files(
    site: Site, html: Callable[[Entry], str], text: Callable[[str], str] | None = None
) -> tuple[dict[str, str], list[Problem]]:
    """The feed and its JSON Schema, by address; the warnings of stories left out, and
    of a feed larger than a hub reads (limits.NETWORK_FEED_BYTES: every hub refuses it
    whole, so none of its stories is shown there)."""
    feed, problems = make(site, html, text)
    written = to_json(feed)
    size = len(written.encode())
    if size > limits.NETWORK_FEED_BYTES:
        message = (
            f"the network feed ({PATH}) is {size:,} bytes, more than the {limits.NETWORK_FEED_BYTES:,} "
            "a hub reads, so no hub will show any of its stories: offer fewer or shorter stories "
            "(consent.network) until it fits (docs/network.md)"
        )
        problems.append(Problem("site.yaml", 1, message, "warning"))
    return {PATH: written, SCHEMA_PATH: export.to_json(schema(site))}, problems
