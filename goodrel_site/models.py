"""The content model: typed front matter for stories, events and pages, and the
site settings. The JSON Schema for editors' tools is derived from these same models."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from . import chars, limits, urls
from .addresses import DEVICE, device_name
from .load import line_of
from .slugs import slugify

KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"  # BCP 47, e.g. en, ur, pt-BR
# An alias: a plain path, which Netlify's redirects read as it is (no ':', '*', '!', '%'
# or space) and every file system can hold (no segment starting or ending with '.');
# addresses.alias_problem says what is wrong with any other.
_SEGMENT = r"[A-Za-z0-9_~-]([A-Za-z0-9_.~-]*[A-Za-z0-9_~-])?"
URL_PATH_PATTERN = rf"^/({_SEGMENT}/)*({_SEGMENT})?$"


def _iso_date(value: object) -> object:
    """Dates are written YYYY-MM-DD and must exist on the calendar."""
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"'{value}' is not a date: write it as YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a real date: check the month and day") from None
    return value


def _not_before(field: str, value: date | None, info: ValidationInfo) -> date | None:
    start = info.data.get("date")
    if value and start and value < start:
        raise ValueError(f"{field} ({value}) must not be before date ({start})")
    return value


def _clean_text(value: object) -> object:
    """Every text field, front matter and site.yaml alike: refuse the characters no
    output may hold, and make line breaks spaces (a title or a RIS line is one line),
    before the field's own rules (length, pattern) see it."""
    if not isinstance(value, str):
        return value  # (the field's type reports it)
    bad = chars.first_forbidden(value)
    if bad:
        raise ValueError(
            f"the text holds {chars.describe(bad[0])} at character {bad.start() + 1}: "
            "delete it (write a line break as a new line, not as an escape code)"
        )
    at = chars.unbalanced_bidi(value)
    if at is not None:
        raise ValueError(
            f"the text holds {chars.describe(value[at])} at character {at + 1} that is not closed in turn: "
            "close each U+202A to U+202E with U+202C and each U+2066 to U+2068 with U+2069, or delete it"
        )
    return chars.one_line(value)


# Every text type: its constraints (length, pattern) are checked on the text as
# _clean_text leaves it, and stay in the JSON Schema for editors' tools.
_CLEAN = BeforeValidator(_clean_text)
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Day = date  # (the type, in a model with a field named date)
Key = Annotated[str, Field(pattern=KEY_PATTERN, max_length=80), _CLEAN]
Slug = Key
Text = Annotated[str, Field(min_length=1, max_length=limits.TEXT_CHARS), _CLEAN]
Lang = Annotated[str, Field(pattern=LANG_PATTERN, max_length=limits.LANG_CHARS), _CLEAN]
UrlPath = Annotated[str, Field(pattern=URL_PATH_PATTERN, max_length=limits.TEXT_CHARS), _CLEAN]
# An address to somewhere else (a licence's page): http, https or mailto only (urls.external).
ExternalUrl = Annotated[str, Field(max_length=limits.TEXT_CHARS), _CLEAN, AfterValidator(urls.external)]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254), _CLEAN]
Title = Annotated[str, Field(min_length=1, max_length=limits.TITLE_CHARS), _CLEAN]
Summary = Annotated[str, Field(min_length=1, max_length=limits.SUMMARY_CHARS), _CLEAN]
Count = Annotated[int, Field(ge=0, le=limits.NUMBER_MAX)]
Number = Annotated[int, Field(ge=-limits.NUMBER_MAX, le=limits.NUMBER_MAX)] | float
# Lists hold at most limits.LIST_ITEMS items ("Some": at least one).
_LIST = Field(min_length=0, max_length=limits.LIST_ITEMS)
_SOME = Field(min_length=1, max_length=limits.LIST_ITEMS)
KeyList = Annotated[list[Key], _LIST]
SomeKeys = Annotated[list[Key], _SOME]
Texts = Annotated[list[Text], _LIST]
SomeTexts = Annotated[list[Text], _SOME]
UrlPaths = Annotated[list[UrlPath], _LIST]


class Model(BaseModel):
    # Unknown keys are errors (a typo must not drop data) and nothing is coerced:
    # `title: [a, b]` or `attendees: "many"` is reported, never guessed at; nor is
    # .nan or .inf taken for a number (JSON has neither).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Consent(Model):
    status: Literal["given", "pending", "withdrawn"] = Field(
        description="pending until they agree, then given; withdrawn takes the story down"
    )
    date: IsoDate | None = Field(
        None, validate_default=True, description="the day the storyteller agreed; required once consent is given"
    )
    anonymised: bool = Field(False, description="true when names and identifying details have been changed or left out")
    network: bool = Field(
        False,
        description="true when the storyteller agreed that the story may also appear on the hubs of networks "
        "this site belongs to (only while consent is given)",
    )
    review_by: IsoDate | None = Field(
        None, description="when to check with the storyteller again; check warns once it passes"
    )

    @field_validator("date")
    @classmethod
    def _date_when_given(cls, value: Day | None, info: ValidationInfo) -> Day | None:
        if value is None and info.data.get("status") == "given":
            raise ValueError("consent.date is required when consent is given: add the date the storyteller agreed")
        return value


class Quote(Model):
    text: Text = Field(description="the words, as the person agreed them")
    attribution: Text | None = Field(None, description="who said it, named only as they agreed to be named")


class Outcome(Model):
    indicator: Text = Field(description="what was counted or observed, e.g. young people taking part")
    measure: Key | None = Field(
        None, description="the shared measure it reports, by its key in site.yaml's measures (see /measures/)"
    )
    value: Number | Text = Field(description="the number, or a few words")
    unit: Text | None = Field(
        None, description="what the number counts, e.g. people; with a measure, its unit (percent, count, score, text)"
    )
    baseline: Number | Text | None = Field(None, description="the value before the work began, if known")
    evidence: Literal["self-reported", "observed", "evaluated"] | None = Field(
        None, description="how it is known: self-reported, observed or evaluated"
    )


class Contact(Model):
    name: Text | None = Field(None, description="the person's name")
    organisation: Text | None = Field(None, description="the organisation they speak for")
    email: Email | None = Field(None, description="an email address for the press")
    phone: Text | None = Field(None, description="a phone number for the press")


class Image(Model):
    src: Text = Field(description="the picture file, relative to this file")
    decorative: bool = Field(False, description="true only if the picture adds nothing (then alt may be left out)")
    alt: Text | None = Field(
        None, validate_default=True, description="what the picture shows, for people who cannot see it"
    )
    caption: Text | None = Field(None, description="a line shown under the picture")
    credit: Text | None = Field(None, description="who took or made it")
    licence: Text | None = Field(None, description="the terms it may be used under, e.g. CC BY 4.0")

    @field_validator("alt")
    @classmethod
    def _alt_unless_decorative(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and not info.data.get("decorative"):
            raise ValueError(
                "image.alt is required: describe the picture for people who cannot see it (or set decorative: true)"
            )
        return value


class Dated(Model):
    """Fields and rules shared by stories and events."""

    title: Title = Field(description="the headline, at most 200 characters")
    summary: Summary = Field(description="shown in lists, feeds and search; plain text, at most 400 characters")
    date: IsoDate
    status: Literal["draft", "published"] = Field(
        description="draft while you work on it; published when it may go out"
    )
    publish_on: IsoDate | None = Field(None, description="an embargo: it stays hidden until this date")
    unpublish_on: IsoDate | None = Field(None, description="it is taken down on this date")
    slug: Slug | None = Field(None, description="the last part of its web address, if not the file name")
    region: Key = Field(description="one region, by its key in site.yaml")
    area: Key | None = Field(
        None, description="the local authority area, by its key in the engine's list, e.g. oldham (see /areas/)"
    )
    outcomes: Annotated[list[Outcome], _LIST] = Field(
        [], description="what changed, and how you know; one item per change"
    )
    image: Image | None = Field(None, description="one picture shown at the top of its page")
    lang: Lang | None = Field(None, description="the language it is written in, if not the site's (e.g. ur, pl)")
    aliases: UrlPaths = Field([], description="old addresses that should lead here, e.g. [/stories/old-name/]")

    @field_validator("unpublish_on")
    @classmethod
    def _after_publish_on(cls, value: Day | None, info: ValidationInfo) -> Day | None:
        start = info.data.get("publish_on")
        if value and start and value <= start:
            raise ValueError(f"unpublish_on must be after publish_on ({start})")
        return value


class StoryMeta(Dated):
    date: IsoDate = Field(description="the day the story is first published, YYYY-MM-DD")
    updated: IsoDate | None = Field(
        None, description="the date of the last real change; left out, the last commit's date is used"
    )
    categories: SomeKeys = Field(description="at least one kind of work, by its key in site.yaml")
    approaches: KeyList = Field([], description="how the work was done, by keys in site.yaml")
    divides: KeyList = Field(
        [], description="the differences between people that the work bridged, by keys in site.yaml"
    )
    themes: KeyList = Field([], description="wider factors the story touches, by keys in site.yaml")
    place: Text | None = Field(None, description="a town, village or district; never a street address")
    organisations: Texts = Field(
        [], description="the organisations involved, spelt the same way every time; each gets a page"
    )
    event: Slug | None = Field(None, description="the slug of the event where this story was told, e.g. oldham-2013")
    consent: Consent = Field(description="the storyteller's permission to publish; without it nothing is shown")
    quote: Quote | None = Field(None, description="a short quotation to feature beside the story")
    contact: Contact | None = Field(
        None, description="someone journalists may contact about the story, with their agreement"
    )
    translation_of: Slug | None = Field(None, description="for a translation: the slug of the original story")
    tags: Texts = Field([], description="free keywords, for search")
    featured: bool = Field(False, description="true to feature the story on the home page")

    @field_validator("updated")
    @classmethod
    def _not_before_date(cls, value: Day | None, info: ValidationInfo) -> Day | None:
        return _not_before("updated", value, info)


class EventMeta(Dated):
    title: Title = Field(description="the event's name, at most 200 characters")
    date: IsoDate = Field(description="the day the event took place (the first day), YYYY-MM-DD")
    place: Text = Field(description="where it was held: a town or district, not an address")
    end_date: IsoDate | None = Field(None, description="the last day, for an event over several days")
    hosts: SomeTexts = Field(
        [], description="the organisations that hosted it, at least one if given; each gets a page"
    )
    attendees: Count | None = Field(None, description="how many people came")
    organisations_represented: Count | None = Field(None, description="how many organisations took part")
    sectors: Texts = Field([], description="the sectors present, e.g. [voluntary, public, faith]")
    questions: Texts = Field([], description="the questions the event discussed")

    @field_validator("end_date")
    @classmethod
    def _not_before_date(cls, value: Day | None, info: ValidationInfo) -> Day | None:
        return _not_before("end_date", value, info)


class PageMeta(Model):
    title: Title
    summary: Summary | None = None
    slug: Slug | None = None
    lang: Lang | None = None
    status: Literal["draft", "published"] = "published"
    nav: Annotated[int, Field(ge=-1000, le=1000)] | None = Field(
        None, description="its place in the list of pages at the foot of every page, lower first"
    )
    aliases: UrlPaths = []


class Term(Model):
    label: Text
    description: Text


Terms = dict[Key, Term]

# What a measure's values are (docs/content-model.md): a percentage from 0 to 100, a
# whole number of people or things, a number on the measure's own scale, or words.
UNITS = ("percent", "count", "score", "text")


class Measure(Term):
    """A shared measure of change: outcomes that name it can be pooled (/measures/)."""

    unit: Literal["percent", "count", "score", "text"]
    source: ExternalUrl | None = None  # where the measure is published
    framework: Text | None = None  # the public framework it is drawn from
    licence: Text | None = None  # the terms its source is published under


Measures = dict[Key, Measure]


class Licence(Model):
    name: Text
    url: ExternalUrl


class Cms(Model):
    """The web editor at /admin/ (docs/cms.md): published only when site.yaml names it."""

    repo: Annotated[
        str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", max_length=limits.TEXT_CHARS), _CLEAN
    ]  # on GitHub: owner/name
    branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/-]+$", max_length=limits.TEXT_CHARS), _CLEAN] = "main"
    auth_url: (
        Annotated[str, Field(pattern=r"^https://[^\s/]+(/[^\s]*)?$", max_length=limits.TEXT_CHARS), _CLEAN] | None
    ) = None  # sign-in service


def _member_url(value: str) -> str:
    """A member's address: a full https address ending in '/' (plain http only on this
    computer, for trials); its feed is below it (network/fetch.py)."""
    from .network.fetch import refusal

    urls.external(value)
    why = refusal(value)
    if why or not value.endswith("/") or "?" in value or "#" in value:
        raise ValueError(
            (why or f"{value!r} is not a site's address")
            + ": write the member site's address as it publishes it, ending in '/', e.g. https://member.example.org/"
        )
    return value


MemberUrl = Annotated[str, Field(max_length=limits.TEXT_CHARS), _CLEAN, AfterValidator(_member_url)]


def member_key(url: str) -> str:
    """The key a member's addresses on the hub are made from: its host and path, slugged
    (https://stories.example.org/oldham/ gives stories-example-org-oldham)."""
    return slugify(url.split("://", 1)[-1]) or "member"


class Member(Model):
    url: MemberUrl = Field(description="the member site's address; its feed is at data/network.json below it")
    key: Key | None = Field(None, description="its addresses on the hub, /network/KEY/, if not made from its url")

    @property
    def name(self) -> str:
        return self.key or member_key(self.url)


class Network(Model):
    """A hub's members (docs/network.md): their stories are published beside its own."""

    members: Annotated[list[Member], Field(min_length=1, max_length=limits.NETWORK_MEMBERS)]

    @field_validator("members")
    @classmethod
    def _once_each(cls, value: list[Member]) -> list[Member]:
        for kind, found in (("url", [m.url for m in value]), ("key", [m.name for m in value])):
            twice = next((v for i, v in enumerate(found) if v in found[:i]), None)
            if twice:
                raise ValueError(f"two members have the {kind} {twice!r}: list each member once, each with its own key")
        device = next((m.name for m in value if device_name(m.name)), None)
        if device:  # (a member's page is /network/KEY/)
            raise ValueError(f"the member key {device!r} is {DEVICE}: give the member another key")
        return value


class Settings(Model):
    title: Text
    description: Text
    # Only the characters an address may hold unescaped: a citation or feed copies it as is.
    base_url: Annotated[
        str,
        Field(
            pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$",
            max_length=limits.TEXT_CHARS,
        ),
        _CLEAN,
    ]
    language: Lang = "en"
    publisher: Text
    licence: Licence
    sample_content: bool = False
    per_page: Annotated[int, Field(ge=1, le=1000)] = 20
    contact: Contact | None = None  # the editors': on story pages that name no media contact
    categories: Terms
    approaches: Terms
    divides: Terms
    themes: Terms
    regions: Terms
    measures: Measures = {}  # (a site without shared measures of change has none)
    cms: Cms | None = None
    network: Network | None = None  # a hub: its members' stories beside its own


Meta = StoryMeta | EventMeta | PageMeta


# Each kind's front matter (kinds.KINDS declares the kinds).
META: dict[str, type[Meta]] = {"story": StoryMeta, "event": EventMeta, "page": PageMeta}


def descriptions(model: type[BaseModel]) -> dict[tuple[str, ...], str]:
    """What each field of a model, and of the models inside it, is for, by its key path
    (("consent", "date")): written once, here, for the blanks `new` writes, the JSON
    Schema for editors' tools and the web editor."""
    found: dict[tuple[str, ...], str] = {}
    for name, field in model.model_fields.items():
        if field.description:
            found[(name,)] = field.description
        inner = nested_model(field.annotation)
        if inner is not None:
            found.update({(name, *path): text for path, text in descriptions(inner).items()})
    return found


def nested_model(annotation: object) -> type[BaseModel] | None:
    """The model a field holds (itself, in a list or optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = nested_model(arg)
        if found:
            return found
    return None


class Entry:
    """A validated content file: its front matter plus what the build derives from
    where it lives. Front-matter fields read as attributes (`story.title`)."""

    __slots__ = ("kind", "path", "slug", "url", "meta", "body", "body_line", "lines", "member")

    def __init__(
        self,
        kind: str,
        path: str,
        slug: str,
        url: str,
        meta: Meta,
        body: str,
        body_line: int,
        lines: dict,
        member: Any = None,
    ):
        self.kind, self.path, self.slug, self.url = kind, path, slug, url
        self.meta, self.body, self.body_line, self.lines = meta, body, body_line, lines
        # A story a network member shares (network/shared.Origin: then `body` is its
        # html, sanitised); None for the site's own items.
        self.member = member

    def __getattr__(self, name: str) -> Any:
        return getattr(self.meta, name)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            object.__setattr__(self, name, value)

    def line(self, *key: str | int) -> int:
        """The file line of a front-matter key."""
        return line_of(self.lines, key)

    def __repr__(self) -> str:
        return f"<{self.kind} {self.path}>"
