"""A hub's side of the network: each member's fetched feed read with the feed's own
model (feed.py), as strictly as local content, and its stories made Entries of the
kind story that the Site lists beside the hub's own, at /network/KEY/SLUG/.

A member's data is untrusted. Its texts go through the same models as local front
matter (models.StoryMeta), so they are normalised and escaped as local content is; its
`html` is sanitised by nh3 (Ammonia's allowlist): a few text tags, links only to
http(s) and mailto, pictures only from the member's own origin (linked, never
fetched), everything else text. A term the hub does not define is dropped from the
story, with a note; a story left with no category, or in a region the hub does not
define, is not shown (its card and page name both). A member whose feed cannot be
read contributes nothing, with one note naming it and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import nh3
from pydantic import ValidationError

from ..addresses import NETWORK, SETTINGS, device_name
from ..areas import areas
from ..kinds import VOCABULARIES
from ..models import Entry, Settings, StoryMeta
from ..problems import Problem
from ..slugs import slugify
from ..validate import unusable_organisation
from .feed import Feed
from .fetch import Fetched, Refused, origin

_TAGS = {
    *("p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "figure", "figcaption"),
    *("ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "th", "td"),
    *("a", "img", "em", "strong", "b", "i", "s", "q", "cite", "abbr", "sub", "sup", "small", "mark", "del", "ins"),
    *("span", "bdi"),
}
_ATTRIBUTES = {
    "*": {"lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


class Picture(NamedTuple):
    """A shared story's own picture, linked at its member (never fetched)."""

    url: str
    alt: str | None
    caption: str | None
    credit: str | None
    licence: str | None


class Origin(NamedTuple):
    """Where a shared story comes from (Entry.member; None for the hub's own)."""

    key: str  # its member's key: the story is at /network/KEY/SLUG/
    member: str  # the member's title
    site: str  # the member's address
    original: str  # the story's own address at its member: canonical
    picture: Picture | None
    text: str  # its text in plain words, as the member gives it (for the open data)


class MemberTile(NamedTuple):
    """A member as the hub's pages show it."""

    key: str
    title: str
    url: str  # its page on the hub
    site: str  # its own address
    description: str
    publisher: str
    licence: str
    licence_url: str
    contact_name: str | None
    contact_email: str | None
    stories: int


@dataclass(frozen=True)
class Member:
    tile: MemberTile
    stories: tuple[Entry, ...]  # newest first, as the Site lists them


def read(settings: Settings, fetched: dict[str, Fetched]) -> tuple[list[Member], list[Problem]]:
    """The members that could be read, with their stories; a note for each member left
    out, and for each story or term of one dropped. Each feed is taken out of `fetched`
    as it is read, so that its bytes are freed (a hub's feeds add up to hundreds of MB)."""
    if settings.network is None:
        return [], []
    members, notes = [], []
    for listed in settings.network.members:
        got = fetched.pop(listed.url, None) or Fetched(listed.url, None, "not fetched")
        if got.body is None:
            notes.append(_note(f"the network member {listed.url} contributes nothing to this build: {got.why}"))
            continue
        try:
            found = Feed.model_validate_json(got.body)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            where = ".".join(map(str, first["loc"])) or "the feed"
            why = f"its feed is not valid ({where}: {first['msg']})"
            notes.append(_note(f"the network member {listed.url} contributes nothing to this build: {why}"[:1000]))
            continue
        if found.member.url != listed.url:
            why = f"its feed says it is {found.member.url}, not the address site.yaml lists"
            notes.append(_note(f"the network member {listed.url} contributes nothing to this build: {why}"))
            continue
        stories, dropped = _stories(settings, listed.name, found)
        notes += dropped
        tile = _tile(listed.name, found, len(stories))
        members.append(Member(tile, tuple(stories)))
    return members, notes


def _note(message: str) -> Problem:
    return Problem(SETTINGS, 0, message, "warning")


def _tile(key: str, found: Feed, count: int) -> MemberTile:
    m = found.member
    contact = m.contact
    return MemberTile(
        key,
        m.title,
        f"{NETWORK}{key}/",
        m.url,
        m.description,
        m.publisher,
        m.licence.name,
        m.licence.url,
        contact.name if contact else None,
        contact.email if contact else None,
        count,
    )


def _stories(settings: Settings, key: str, found: Feed) -> tuple[list[Entry], list[Problem]]:
    stories, notes, seen = [], [], set()
    clean = _cleaner(found.member.url)
    for story in found.stories:
        where = f"the network member {found.member.url}'s story {story.url}"
        if story.slug in seen or device_name(story.slug):
            notes.append(_note(f"{where} is not shown: another of its stories has its slug, or Windows keeps it"))
            continue
        seen.add(story.slug)
        fields = story.model_dump(exclude={"id", "slug", "url", "html", "text", "image", "anonymised", "area_code"})
        for org in story.organisations:  # (a name that can make no page's address: found by the outside attack)
            unusable = unusable_organisation(org, slugify(org))
            if unusable:
                notes.append(_note(f"{where}: {unusable}; left out"))
                fields["organisations"].remove(org)
        if story.area and story.area not in areas():
            notes.append(_note(f"{where}: the engine knows no area {story.area}, left out"))
            fields["area"] = None
        for vocab in VOCABULARIES:
            given = vocab.keys(story)
            unknown = list(dict.fromkeys(k for k in given if k not in getattr(settings, vocab.name)))
            if not unknown:
                continue
            if vocab.field == "region" or len(unknown) == len(given) and vocab.field == "categories":
                notes.append(_note(f"{where} is not shown: the hub defines no {vocab.one} {', '.join(unknown)}"))
                break
            notes.append(_note(f"{where}: the hub defines no {vocab.one} {', '.join(unknown)}, left out"))
            if vocab.within:  # (an outcome naming a measure the hub lacks is kept, naming none)
                for path, term in vocab.named(story):
                    if term in unknown:
                        within, i, name = path
                        fields[str(within)][int(i)][str(name)] = None
            else:
                fields[vocab.field] = [k for k in given if k not in unknown]
        else:
            fields.update(
                status="published",
                featured=False,  # (the hub's editors feature its own)
                event=None,
                consent={"status": "given", "date": story.date, "anonymised": story.anonymised},
            )
            try:
                meta = StoryMeta.model_validate(fields)
            except ValidationError as err:
                notes.append(_note(f"{where} is not shown: {err.errors(include_url=False)[0]['msg']}"))
                continue
            picture = Picture(*story.image.model_dump().values()) if story.image else None
            member = Origin(key, found.member.title, found.member.url, story.url, picture, story.text)
            url = f"{NETWORK}{key}/{story.slug}/"
            stories.append(Entry("story", url.strip("/"), story.slug, url, meta, clean(story.html), 1, {}, member))
    return stories, notes


def _cleaner(member: str) -> Callable[[str], str]:
    """The sanitiser of one member's html: links to http(s) and mailto (and within the
    text, '#…'), pictures from the member's own origin, and nothing else."""
    home = origin(member)

    def allowed(tag: str, attribute: str, value: str) -> str | None:
        if "\\" in value:  # (a browser reads a backslash as '/', Python as a character: never trusted)
            return None
        if attribute == "href":
            return value if value.startswith(("https://", "http://", "mailto:", "#")) else None
        if attribute == "src":
            return value if value.startswith(("https://", "http://")) and _origin(value) == home else None
        return value

    cleaner = nh3.Cleaner(
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=allowed,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy", "referrerpolicy": "no-referrer"}},
    )
    return cleaner.clean


def _origin(url: str) -> tuple | None:
    try:
        return origin(url)
    except Refused:
        return None
