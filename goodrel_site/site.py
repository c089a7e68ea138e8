"""The Site: everything the output is made from, holding only what is public on the
build date. Nothing after this stage decides who is public."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from . import urls
from .addresses import alias_url
from .areas import Area, areas
from .kinds import VOCABULARIES, Kind
from .models import Entry, Settings
from .records import digest
from .slugs import slugify
from .validate import Content
from .visibility import PUBLIC, of_entry

RELATED_COUNT = 3


@dataclass(frozen=True)
class Term:
    vocabulary: str
    key: str
    label: str
    description: str
    url: str
    stories: tuple[Entry, ...]
    events: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Organisation:
    name: str
    slug: str
    url: str
    stories: tuple[Entry, ...]
    events: tuple[Entry, ...]


@dataclass(frozen=True)
class Local:
    """A local authority area with the public stories and events that name it."""

    area: Area
    stories: tuple[Entry, ...]
    events: tuple[Entry, ...]


@dataclass(frozen=True)
class Site:
    root: Path
    settings: Settings
    now: date
    drafts: bool  # a local preview: drafts and embargoed items are in, marked
    stories: tuple[Entry, ...]  # newest first
    events: tuple[Entry, ...]  # newest first
    pages: tuple[Entry, ...]  # in navigation order
    previews: frozenset[str]  # urls of items shown only because of --drafts
    terms: dict[str, tuple[Term, ...]]  # vocabulary -> its terms, in site.yaml order
    organisations: tuple[Organisation, ...]
    story_event: dict[str, Entry]  # story url -> its public event
    event_stories: dict[str, tuple[Entry, ...]]  # event url -> its public stories
    translations: dict[str, tuple[Entry, ...]]  # story url -> its other language versions
    related: dict[str, tuple[Entry, ...]]  # story url -> related stories (each a lead)
    # A story told in several languages is one story: where stories are listed or
    # counted, each is shown once, by its lead version (see _leads).
    leads: dict[str, Entry] = field(default_factory=dict)  # story url -> its story's lead version
    listed: tuple[Entry, ...] = ()  # each story once, by its lead, newest first
    withheld: frozenset[str] = field(default=frozenset())  # source paths of items not shown
    # The addresses of the items not shown, as address_keys digests (see withheld_at).
    withheld_at: frozenset[str] = field(default=frozenset())
    # A hub's members that could be read (network/shared.py), their stories among `stories`.
    members: tuple = ()
    areas: tuple[Local, ...] = ()  # the areas the shown items name, by key (see _areas)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.stories + self.events + self.pages

    def shown(self, kind: Kind) -> tuple[Entry, ...]:
        """The shown items of one kind (each kind's field is named for its folder)."""
        found: tuple[Entry, ...] = getattr(self, kind.folder)
        return found

    def once(self, stories: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """Stories as a listing shows them: each story once, by its lead version, newest
        first; a story is in the listing when any of its versions is."""
        rank = self._rank
        return tuple(sorted({self.leads[s.url] for s in stories}, key=lambda lead: rank[lead.url]))

    @cached_property
    def _rank(self) -> dict[str, int]:
        """Each lead's place among the listed stories (newest first)."""
        return {story.url: n for n, story in enumerate(self.listed)}

    @cached_property
    def member_tiles(self) -> dict:
        """A hub's members as its pages show them, by key (network/shared.MemberTile)."""
        return {member.tile.key: member.tile for member in self.members}

    def absolute(self, url: str) -> str:
        return absolute_url(self.settings, url)


def absolute_url(settings: Settings, url: str) -> str:
    """A site path (raw: urls.path escapes it) with the address the site is published at."""
    return settings.base_url.rstrip("/") + urls.path(url)


def url_prefix(settings: Settings) -> str:
    """The path the site is served below, from the address it is published at:
    "https://example.org/stories/" gives "/stories"; a site at a domain's top, ""."""
    path = settings.base_url.split("://", 1)[-1].partition("/")[2].strip("/")
    return "/" + path if path else ""


def address_keys(path: str) -> tuple[str, ...]:
    """The digests a site path (no query, fragment or percent-encoding) is looked up by
    among the withheld addresses: the address itself, as an alias is withheld at it, and
    each folder it is in, as an item's files (its citations) are in its folder. Digests,
    so that what is kept of a page (store.py) names no withheld item; case folded, as
    some hosts serve /Stories/X/ for /stories/x/."""
    path = path.casefold()
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif not path.endswith((".html", "/")) and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    folders = [path[: i + 1] for i, char in enumerate(path) if char == "/"]
    return (digest("at", path), *(digest("in", folder) for folder in folders))


def withheld_at(entries: list[Entry], shown: list[Entry]) -> frozenset[str]:
    """The address_keys digests of the withheld items' addresses (their folders, and
    their aliases exactly), less any address a shown item has."""

    def addresses(items: list[Entry]) -> set[tuple[str, str]]:
        found = {("in", e.url.casefold()) for e in items}
        return found | {("at", alias_url(a).casefold()) for e in items for a in e.aliases}

    public = {url for _, url in addresses(shown)}
    return frozenset(digest(kind, url) for kind, url in addresses(entries) if url not in public)


def newest_first(entry: Entry) -> tuple:
    return -entry.date.toordinal(), entry.slug, entry.url  # (a member's story may have a local one's slug)


def build_site(content: Content, now: date, drafts: bool = False, members: tuple = ()) -> Site:
    """The Site of what is public on `now`; with `members`, a hub's (network/shared.py),
    whose stories are listed beside its own (their members showed only public ones)."""
    shown_in_preview = {"draft", "embargoed", "consent pending"} if drafts else set()
    shown, previews, withheld, hidden = [], set(), set(), []
    for entry in content.entries:
        why = of_entry(entry, now)
        if why == PUBLIC or why in shown_in_preview:
            shown.append(entry)
            if why != PUBLIC:
                previews.add(entry.url)
        else:
            withheld.add(entry.path)
            hidden.append(entry)
    shared = [story for member in members for story in member.stories]
    stories = tuple(sorted([*(e for e in shown if e.kind == "story"), *shared], key=newest_first))
    events = tuple(sorted((e for e in shown if e.kind == "event"), key=newest_first))
    pages = tuple(sorted((e for e in shown if e.kind == "page"), key=lambda e: (e.nav is None, e.nav or 0, e.slug)))
    events_by_slug = {e.slug: e for e in events}
    story_event = {s.url: events_by_slug[s.event] for s in stories if s.event in events_by_slug}
    event_stories = defaultdict(list)
    for story in stories:
        if story.url in story_event:
            event_stories[story_event[story.url].url].append(story)
    leads = _leads(stories, content.settings.language)
    return Site(
        root=content.root,
        settings=content.settings,
        now=now,
        drafts=drafts,
        stories=stories,
        events=events,
        pages=pages,
        previews=frozenset(previews),
        terms=_terms(content.settings, stories, events),
        organisations=_organisations(stories, events),
        story_event=story_event,
        event_stories={url: tuple(s) for url, s in event_stories.items()},
        translations=_translations(stories),
        related=_related(stories, leads),
        leads=leads,
        listed=tuple(s for s in stories if leads[s.url] is s),
        withheld=frozenset(withheld),
        withheld_at=withheld_at(hidden, shown),
        members=tuple(members),
        areas=_areas(stories, events),
    )


def _areas(stories: Iterable[Entry], events: Iterable[Entry]) -> tuple[Local, ...]:
    """Each area a shown story or event names, with those stories and events."""
    named: dict[str, tuple[list[Entry], list[Entry]]] = defaultdict(lambda: ([], []))
    for n, entries in enumerate((stories, events)):
        for entry in entries:
            if entry.area:
                named[entry.area][n].append(entry)
    known = areas()
    return tuple(Local(known[key], tuple(s), tuple(e)) for key, (s, e) in sorted(named.items()))


def _terms(settings: Settings, stories: Iterable[Entry], events: Iterable[Entry]) -> dict[str, tuple[Term, ...]]:
    tagged: dict[tuple[str, str], list[Entry]] = defaultdict(list)  # (vocab, key) -> stories
    tagged_events: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entries, found in ((stories, tagged), (events, tagged_events)):
        for entry in entries:  # one pass, keeping the site's order
            for vocab in VOCABULARIES:
                for key in dict.fromkeys(vocab.keys(entry.meta)):
                    found[vocab.name, key].append(entry)
    return {
        vocab.name: tuple(
            Term(
                vocab.name,
                key,
                term.label,
                term.description,
                f"/{vocab.name}/{key}/",
                tuple(tagged[vocab.name, key]),
                tuple(tagged_events[vocab.name, key]),
            )
            for key, term in getattr(settings, vocab.name).items()
        )
        for vocab in VOCABULARIES
    }


def _organisations(stories: Iterable[Entry], events: Iterable[Entry]) -> tuple[Organisation, ...]:
    names: dict[str, str] = {}
    org_stories: dict[str, list[Entry]] = defaultdict(list)
    org_events: dict[str, list[Entry]] = defaultdict(list)
    for entries, field_name, bucket in ((stories, "organisations", org_stories), (events, "hosts", org_events)):
        for entry in entries:
            for name in getattr(entry.meta, field_name):
                slug = slugify(name)
                names.setdefault(slug, name)
                if entry not in bucket[slug]:
                    bucket[slug].append(entry)
    return tuple(
        sorted(
            (
                Organisation(name, slug, f"/organisations/{slug}/", tuple(org_stories[slug]), tuple(org_events[slug]))
                for slug, name in names.items()
            ),
            key=lambda o: (o.name.casefold(), o.slug),
        )
    )


def _versions(stories: Iterable[Entry]) -> list[list[Entry]]:
    """The public versions of each story: an original and its translations."""
    groups = defaultdict(list)
    for story in stories:  # (a member's story is a version only of its member's)
        groups[story.member and story.member.key, story.translation_of or story.slug].append(story)
    return list(groups.values())


def _leads(stories: Iterable[Entry], language: str) -> dict[str, Entry]:
    """Each version's lead: the version that stands for the story where stories are
    listed and counted. The original when it is public, else the translation in the
    site's language, else the first by language."""
    leads: dict[str, Entry] = {}
    for group in _versions(stories):
        lead = min(
            group,
            key=lambda s: (s.translation_of is not None, (s.lang or language) != language, s.lang or language, s.slug),
        )
        leads.update((s.url, lead) for s in group)
    return leads


def _translations(stories: Iterable[Entry]) -> dict[str, tuple[Entry, ...]]:
    """Each story's other language versions: the original and all its translations."""
    result = {}
    for group in _versions(stories):
        for story in group:
            result[story.url] = tuple(
                sorted(
                    (s for s in group if s is not story),
                    key=lambda s: (s.translation_of is not None, s.lang or "", s.slug),
                )
            )
    return result


def _related(stories: Iterable[Entry], leads: dict[str, Entry]) -> dict[str, tuple[Entry, ...]]:
    """Other stories (each by its lead) sharing the most vocabulary terms (a shared
    region counts one), newest first among equals: deterministic for a given content."""
    features = tuple(_features(s) for s in stories)
    is_lead = tuple(leads[s.url] is s for s in stories)
    candidates = [s for s, lead in zip(stories, is_lead, strict=True) if lead]
    rankings = _rankings(features, is_lead)
    related = {}
    for story, ranking in zip(stories, rankings, strict=True):
        own = leads[story.url]
        related[story.url] = tuple(candidates[i] for i in ranking if candidates[i] is not own)[:RELATED_COUNT]
    return related


@lru_cache(maxsize=2)  # a preview makes the Site again on every save, and most saves change no terms
def _rankings(features: tuple[frozenset, ...], candidate: tuple[bool, ...]) -> tuple[tuple[int, ...], ...]:
    """For each story (by its features), the best candidates (the stories with
    `candidate` set), as indices among the candidates.

    Scores are counted with bitsets: bit i of a feature's mask is set when the i-th
    candidate (newest first) has that feature, and a story's masks are summed
    bit-sliced (counter bit j of every candidate at once), so the work per story is a
    few dozen whole-site integer operations rather than a loop over every story
    sharing a term. Stories with the same features share one ranking."""
    postings = defaultdict(list)
    for index, found in enumerate(f for f, keep in zip(features, candidate, strict=True) if keep):
        for feature in found:
            postings[feature].append(index)
    count = sum(candidate)
    masks = {feature: _mask(indices, count) for feature, indices in postings.items()}
    everyone = (1 << count) - 1
    rankings: dict[frozenset, tuple[int, ...]] = {}
    for found in features:
        if found not in rankings:
            rankings[found] = tuple(
                _best([masks[f] for f in found if f in masks], everyone, RELATED_COUNT + 1)
            )  # room for the story's own, skipped
    return tuple(rankings[found] for found in features)


def _features(story: Entry) -> frozenset[tuple[str, str]]:
    return frozenset((vocab.name, key) for vocab in VOCABULARIES for key in vocab.keys(story.meta))


def _mask(indices: list[int], size: int) -> int:
    """An integer with the given bits set, built in one pass."""
    bits = bytearray((size + 7) // 8)
    for i in indices:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def _best(masks: list[int], everyone: int, count: int) -> list[int]:
    """The indices of the `count` candidates in most of the masks, lowest index first
    among equals; a candidate in none of them is never chosen."""
    counters: list[int] = []  # counters[j]: bit j of every candidate's score
    for carry in masks:
        for j in range(len(counters)):
            counters[j], carry = counters[j] ^ carry, counters[j] & carry
            if not carry:
                break
        if carry:
            counters.append(carry)
    found: list[int] = []
    for score in range(min(len(masks), (1 << len(counters)) - 1), 0, -1):
        hits = everyone
        for j, bits in enumerate(counters):
            hits &= bits if score >> j & 1 else ~bits
        while hits and len(found) < count:
            lowest = hits & -hits
            found.append(lowest.bit_length() - 1)
            hits ^= lowest
        if len(found) == count:
            break
    return found
