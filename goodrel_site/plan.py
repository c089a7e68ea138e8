"""The plan: every page the site has, each with its complete context, made before
anything is rendered.

A page's context is everything its template sees besides what every page shares (the
settings, the theme's words and files, the navigation): the items it shows and what
it says about them, already worked out from the Site. Templates never browse the
Site themselves, so a page is a function of its context and its templates alone,
and keys.py can tell whether it would come out the same without rendering it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any, NamedTuple

from . import cite, codebook, feeds, figures, limits, measures, search
from .addresses import FILES, NETWORK, SETTINGS, Claims, alias_url
from .kinds import VOCABULARY
from .models import Entry, Settings
from .problems import Problem
from .site import Organisation, Site, Term, newest_first

SITE_FILES = "(site files)"  # the "URL" of the page that makes the files made from the whole site
SHARED = "shared.html"  # the page of a story a network member shares (network/shared.py)
FEATURED = 3  # stories featured on the home page, at most
LATEST = 6  # latest stories on the home page (besides the featured ones)


class Made(Enum):
    """What makes a page's files, and so which files it gives (`outputs`)."""

    TEMPLATE = "its theme template"  # one file, at the page's URL
    CITATIONS = "cite.py"  # a story's citation files, at its URL + each of cite.FORMATS
    SITE_FILES = "the site's files"  # the JSON feed, robots.txt, the open data, the web
    # editor… (their addresses, and every other the build takes besides pages: addresses.py)


class Page(NamedTuple):  # (a tuple: sites have tens of thousands of pages)
    url: str  # (a page made in Python: the key it is stored under)
    template: str | None  # the theme template that renders it; None for a page made in Python
    source: str  # the file that makes this page (site.yaml for the site's own pages)
    context: dict[str, Any]
    made: Made = Made.TEMPLATE


class Link(NamedTuple):
    """A free page as the navigation and the home page show it."""

    slug: str
    title: str
    summary: str | None
    url: str
    lang: str | None
    nav: int | None


class TermInfo(NamedTuple):
    """A vocabulary term as site.yaml defines it."""

    vocabulary: str
    key: str
    label: str
    description: str
    url: str


class Tile(NamedTuple):
    """A term with how many public stories and events it has."""

    vocabulary: str
    key: str
    label: str
    description: str
    url: str
    stories: int
    events: int


class OrgTile(NamedTuple):
    name: str
    slug: str
    url: str
    stories: int
    events: int


class Version(NamedTuple):
    """A story's version in another language, as a card links to it."""

    url: str
    lang: str


class Listed(NamedTuple):
    """An item as a listing or a feed shows it: a story by its lead version, with its
    other languages (an event has none)."""

    entry: Entry
    versions: tuple[Version, ...]


class Feed(NamedTuple):
    """An Atom feed: the site's newest stories ("site"), its events ("events"), or a
    term's stories and events ("term", with the term's label)."""

    url: str
    kind: str
    label: str = ""


def terms(settings: Settings) -> dict[str, tuple[TermInfo, ...]]:
    """Every vocabulary's terms, in site.yaml's order."""
    return {
        vocab: tuple(
            TermInfo(vocab, key, term.label, term.description, f"/{vocab}/{key}/")
            for key, term in getattr(settings, vocab).items()
        )
        for vocab in VOCABULARY
    }


def links(site: Site) -> tuple[Link, ...]:
    """The public free pages, in navigation order."""
    return tuple(Link(p.slug, p.title, p.summary, p.url, p.lang, p.nav) for p in site.pages)


def plan(site: Site) -> list[Page]:
    """Every page, in a fixed order."""
    events_feed = Feed("/events/feed.xml", "events")
    pages = [
        _home(site),
        _page(site, "/search/", "search.html", groups=search.filter_groups(site)),
        _page(site, "/404.html", "404.html", latest=listed(site, site.listed[:3])),
    ]
    pages += _paginated(
        site, "/stories/", "list.html", listed(site, site.listed), kind="stories", total=len(site.listed)
    )
    pages += _paginated(
        site, "/events/", "list.html", site.events, kind="events", total=len(site.events), feed=events_feed
    )
    for entry in site.entries:
        pages.append(item(site, entry))
        if entry.kind == "story" and entry.member is None:  # (a shared story is cited at its member)
            pages.append(
                Page(
                    entry.url + "cite",
                    None,
                    entry.path,
                    {"entry": entry, "original": original(site, entry)},
                    Made.CITATIONS,
                )
            )
        for alias in entry.aliases:
            pages.append(
                Page(
                    alias_url(alias),
                    "alias.html",
                    entry.path,
                    {
                        "lang": _lang(site, entry),
                        "preview": False,
                        "target": Link(entry.slug, entry.title, None, entry.url, entry.lang, None),
                    },
                )
            )
    for vocab in VOCABULARY:
        tiles = _tiles(site, vocab)
        pages.append(
            _page(
                site,
                f"/{vocab}/",
                "vocabulary.html",
                vocabulary=vocab,
                tiles=tiles,
                regions=tiles if vocab == "regions" else (),
            )
        )
        for term, tile in zip(site.terms[vocab], tiles, strict=True):
            if VOCABULARY[vocab].within:
                break  # (its terms' pages: _measure_pages)
            feed = Feed(term.url + "feed.xml", "term", term.label)
            pages += _paginated(
                site,
                term.url,
                "term.html",
                listed(site, site.once(term.stories)),
                term=tile,
                events=term.events,
                feed=feed,
            )
            pages.append(_feed(site, feed, term.url, site.once(term.stories) + term.events))
    pages += _measure_pages(site) + _area_pages(site)
    pages.append(
        _page(
            site,
            "/organisations/",
            "organisations.html",
            organisations=tuple(_org_tile(site, o) for o in site.organisations),
        )
    )
    pages += [
        _page(
            site,
            "/figures/",
            "figures.html",
            charts=figures.charts(site),
            totals=figures.totals(site),
            measures=tuple(m for m in measures.pooled(site) if m.results),
        ),
        _page(
            site,
            "/data/",
            "data.html",
            datasets=codebook.DATASETS,
            counts={
                "stories": len(site.stories),
                "events": len(site.events),
                "outcomes": sum(len(e.outcomes) for e in (*site.listed, *site.events)),
            },
        ),
    ]
    for org in site.organisations:
        pages.append(
            _page(
                site,
                org.url,
                "organisation.html",
                organisation=_org_tile(site, org),
                stories=listed(site, site.once(org.stories)),
                events=org.events,
            )
        )
    pages += _network(site)
    pages += [
        _feed(site, Feed("/feed.xml", "site"), "/", site.listed),
        _feed(site, events_feed, "/events/", site.events),
    ]
    pages += [
        _page(site, "/sitemap.xml", "sitemap.xml", pages=sitemap_urls(pages, last_change(site.entries))),
        Page(SITE_FILES, None, SETTINGS, {"site": site}, Made.SITE_FILES),
    ]
    return pages


def listed(site: Site, items: tuple[Entry, ...]) -> tuple[Listed, ...]:
    """Items as listings show them (stories already each once, by their leads)."""
    language, translations = site.settings.language, site.translations
    return tuple(
        Listed(
            item,
            tuple(Version(other.url, other.lang or language) for other in translations[item.url])
            if translations.get(item.url)
            else (),
        )
        for item in items
    )


def _feed(site: Site, feed: Feed, page_url: str, items: tuple[Entry, ...]) -> Page:
    """An Atom feed of the newest items (stories each once, with their languages)."""
    latest = listed(site, tuple(sorted(items, key=newest_first))[: feeds.FEED_LENGTH])
    return _page(
        site,
        feed.url,
        "feed.xml",
        feed=feed,
        page_url=page_url,
        entries=latest,
        feed_updated=feeds.timestamp(last_change(latest) or site.now),
    )


def last_change(items: Iterable[Entry | Listed]) -> date | None:
    """The newest date among stories and events (a Listed counts by its entry)."""
    return max((day for day in map(_changed, items) if day is not None), default=None)


def _changed(item: Entry | Listed) -> date | None:
    return _day(item.entry if isinstance(item, Listed) else item)


@lru_cache(maxsize=1 << 16)  # (every page's lastmod asks for the items it lists)
def _day(entry: Entry) -> date | None:
    if entry.kind == "story":
        return entry.updated or entry.date
    return entry.date if entry.kind == "event" else None


def outputs(page: Page) -> tuple[str, ...]:
    """The URLs of the files a page gives (the site's own files: addresses.py)."""
    if page.made is Made.CITATIONS:
        return tuple(page.context["entry"].url + name for name in cite.FORMATS)
    return () if page.made is Made.SITE_FILES else (page.url,)


def clashes(site: Site, pages: list[Page]) -> list[Problem]:
    """An alias that would take the place of anything else the build writes: another
    page or file, in any letter case, a folder the site keeps for itself, or a place
    inside a file."""
    claims = Claims()
    for name in FILES:
        claims.claim("/" + name, SETTINGS)
    for page in pages:
        if page.template != "alias.html":
            for url in outputs(page):
                claims.claim(url, page.source)
    problems = []
    for entry in site.entries:
        for i, alias in enumerate(entry.aliases):
            refused = claims.alias(alias, entry.path)
            if refused:
                problems.append(Problem(entry.path, entry.line("aliases", i), refused))
    return problems


def sitemap_urls(pages: list[Page], site_changed: date | None) -> list[tuple[str, date | None]]:
    """Every public HTML page, except redirects and the not-found page, with the day it
    last changed (see _lastmod)."""
    return sorted(
        (p.url, _lastmod(p, site_changed))
        for p in pages
        if p.url.endswith("/") and p.template and p.template.endswith(".html") and p.template != "alias.html"
    )


def _lastmod(page: Page, site_changed: date | None) -> date | None:
    """A story or event page: its own date (updated, else published); a free page:
    none known; any other page: the newest item it lists, or, where it lists none (the
    figures, the data, the vocabularies), the newest in the site it is made from."""
    entry = page.context.get("entry")
    if entry is not None:
        return _changed(entry)
    shown = [value for key, value in page.context.items() if key != "lang"]
    return last_change(_items(shown)) or site_changed


def _items(value: Any) -> Iterator[Entry | Listed]:
    """The stories and events in a page's context."""
    if isinstance(value, (Entry, Listed)):
        yield value
    elif isinstance(value, (tuple, list)) and not hasattr(value, "_fields"):
        for part in value:
            yield from _items(part)


def _page(site: Site, url: str, template: str, **context: Any) -> Page:
    return Page(url, template, SETTINGS, {"lang": site.settings.language, "preview": False, **context})


def _lang(site: Site, entry: Entry) -> str:
    return entry.lang or site.settings.language


def item(site: Site, entry: Entry) -> Page:
    """A story's, event's or free page's own page."""
    context: dict[str, Any] = {"lang": _lang(site, entry), "preview": entry.url in site.previews, "entry": entry}
    if entry.kind == "story":
        context.update(
            translations=site.translations.get(entry.url, ()),
            original=original(site, entry),
            event=site.story_event.get(entry.url),
            related=listed(site, site.related.get(entry.url, ())),
        )
    elif entry.kind == "event":
        context.update(stories=listed(site, site.once(site.event_stories.get(entry.url, ()))))
    if entry.member is not None:
        return _shared(site, entry, context)
    return Page(entry.url, f"{entry.kind}.html", entry.path, context)


def _network(site: Site) -> list[Page]:
    """A hub's pages of its members: /network/, and each member's own."""
    if site.settings.network is None:
        return []
    tiles = tuple(member.tile for member in site.members)
    pages = [_page(site, NETWORK, "network.html", members=tiles)]
    for member in site.members:
        pages.append(
            _page(
                site,
                member.tile.url,
                "member.html",
                member=member.tile,
                stories=listed(site, site.once(member.stories)),
            )
        )
    return pages


def _shared(site: Site, entry: Entry, context: dict[str, Any]) -> Page:
    """A shared story's page: its member, and its original declared canonical."""
    member = site.member_tiles[entry.member.key]
    return Page(entry.url, SHARED, SETTINGS, {**context, "member": member, "canonical": entry.member.original})


def original(site: Site, story: Entry) -> Entry | None:
    """The story a translation translates, when it is public; None otherwise (nothing
    may name a withheld item)."""
    return next((s for s in site.translations.get(story.url, ()) if s.slug == story.translation_of), None)


def _home(site: Site) -> Page:
    featured = tuple(s for s in site.listed if s.featured)[:FEATURED]
    latest = tuple(s for s in site.listed if s not in featured)[:LATEST]
    return _page(
        site,
        "/",
        "home.html",
        featured=listed(site, featured),
        latest=listed(site, latest),
        total=len(site.listed),
        kinds=_tiles(site, "categories"),
        regions=_tiles(site, "regions"),
        totals=figures.totals(site),
        events=site.events[:3],
    )


def _measure_pages(site: Site) -> list[Page]:
    """Each shared measure's page (/measures/KEY/): what it is, where it is from, the
    public stories and events that report it, and their results pooled. (/measures/
    itself is the vocabulary's page.)"""
    pages = []
    for found in measures.pooled(site):
        stories = tuple(dict.fromkeys(r.entry for r in found.results if r.entry.kind == "story"))
        events = tuple(dict.fromkeys(r.entry for r in found.results if r.entry.kind == "event"))
        pages.append(
            _page(
                site,
                f"/measures/{found.measure}/",
                "measure.html",
                measure=found,
                results=found.results,
                stories=listed(site, stories),
                events=events,
            )
        )
    return pages


class AreaMeasure(NamedTuple):
    """A measure reported in an area: how many of its items report it, and its figures
    pooled there (None when too few report it for a figure: limits.AREA_FIGURE_MIN_ITEMS)."""

    key: str
    label: str
    unit: str
    url: str
    items: int
    pooled: measures.Pooled | None


def area_measures(found: list[tuple[measures.Pooled, list[measures.Result]]]) -> tuple[AreaMeasure, ...]:
    """The measures an area's public items report (measures.by_area), in site.yaml's
    order, with their figures there."""
    return tuple(
        AreaMeasure(
            each.measure,
            each.term.label,
            each.term.unit,
            f"/measures/{each.measure}/",
            len({r.entry.url for r in here}),
            measures.in_area(each, here),
        )
        for each, here in found
    )


def _area_pages(site: Site) -> list[Page]:
    """/areas/ and each named area's brief (/areas/KEY/): its stories, events,
    organisations and measures, and its region, to print or download (/data/areas/)."""
    regions = {t.key: t for t in site.terms["regions"]}
    tiles = tuple(
        (local.area, len(site.once(local.stories)), len(local.events), regions.get(local.area.region))
        for local in site.areas
    )
    pages = [_page(site, "/areas/", "areas.html", areas=tiles, threshold=limits.AREA_FIGURE_MIN_ITEMS)]
    involved: dict[str, list[Organisation]] = {}  # item url -> its organisations, in name order
    for org in site.organisations:
        for entry in (*org.stories, *org.events):
            involved.setdefault(entry.url, []).append(org)
    by_area = measures.by_area(measures.pooled(site))
    for local in site.areas:
        orgs = {o.slug: o for e in (*local.stories, *local.events) for o in involved.get(e.url, ())}
        pages.append(
            _page(
                site,
                local.area.url,
                "area.html",
                area=local.area,
                region=regions.get(local.area.region),
                stories=listed(site, site.once(local.stories)),
                events=local.events,
                organisations=tuple(_org_tile(site, o) for o in sorted(orgs.values(), key=lambda o: o.name.casefold())),
                measures=area_measures(by_area.get(local.area.key, [])),
                threshold=limits.AREA_FIGURE_MIN_ITEMS,
            )
        )
    return pages


def _tiles(site: Site, vocab: str) -> tuple[Tile, ...]:
    return tuple(_tile(site, t) for t in site.terms[vocab])


def _tile(site: Site, term: Term) -> Tile:
    return Tile(
        term.vocabulary,
        term.key,
        term.label,
        term.description,
        term.url,
        len(site.once(term.stories)),
        len(term.events),
    )


def _org_tile(site: Site, org: Organisation) -> OrgTile:
    return OrgTile(org.name, org.slug, org.url, len(site.once(org.stories)), len(org.events))


def _paginated(site: Site, url: str, template: str, items: tuple, **context: Any) -> list[Page]:
    per = site.settings.per_page
    chunks = [items[i : i + per] for i in range(0, len(items), per)] or [()]
    urls = [url] + [f"{url}page/{n}/" for n in range(2, len(chunks) + 1)]
    return [
        _page(
            site,
            urls[n],
            template,
            **context,
            items=chunk,
            pager={
                "number": n + 1,
                "count": len(chunks),
                "previous": urls[n - 1] if n else None,
                "next": urls[n + 1] if n + 1 < len(chunks) else None,
            },
        )
        for n, chunk in enumerate(chunks)
    ]
