"""Sharing and discovery metadata: the schema.org JSON-LD each page carries (Article
for stories, Event for events, WebSite for the home page). Templates serialise these
dicts with Jinja's `tojson`, which escapes <, >, & and ' so no content can close the
script element."""

from __future__ import annotations

from typing import Any

from .images import ImageSet
from .models import Entry, Settings
from .site import absolute_url
from .slugs import slugify


def _image(settings: Settings, image: ImageSet | None) -> dict:
    """The picture a sharing card shows: the fallback format, about 960 wide."""
    if image is None:
        return {}
    return {
        "image": {
            "@type": "ImageObject",
            "url": absolute_url(settings, image.default.fallback),
            "width": image.default.width,
            "height": image.default.height,
        }
    }


def _place(settings: Settings, entry: Entry) -> dict:
    region = settings.regions[entry.region].label
    place: dict[str, Any] = {
        "@type": "Place",
        "name": entry.place or region,
        "address": {"@type": "PostalAddress", "addressRegion": region, "addressCountry": "GB"},
    }
    if entry.place:
        place["address"]["addressLocality"] = entry.place
    return place


def _organisation(name: str, url: str | None = None) -> dict:
    found = {"@type": "Organization", "name": name}
    if url:
        found["url"] = url
    return found


def _named(settings: Settings, name: str) -> dict:
    """An organisation the site has a page for."""
    return _organisation(name, absolute_url(settings, f"/organisations/{slugify(name)}/"))


def article(settings: Settings, story: Entry, original: Entry | None, image: ImageSet | None) -> dict:
    """A story; `original` is the public story it translates (a withheld one is never named)."""
    home = absolute_url(settings, "/")
    found = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": story.title,
        "description": story.summary,
        "url": absolute_url(settings, story.url),
        "mainEntityOfPage": absolute_url(settings, story.url),
        "datePublished": story.date.isoformat(),
        "dateModified": (story.updated or story.date).isoformat(),
        "inLanguage": story.lang or settings.language,
        "publisher": _organisation(settings.publisher, home),
        "author": _organisation(settings.publisher, home),
        "license": settings.licence.url,
        "about": [settings.categories[key].label for key in story.categories],
        "keywords": [
            getattr(settings, vocab)[key].label
            for vocab in ("approaches", "divides", "themes")
            for key in getattr(story.meta, vocab)
        ]
        + list(story.tags),
        "contentLocation": _place(settings, story),
        **_image(settings, image),
    }
    if story.organisations:
        found["mentions"] = [_named(settings, name) for name in story.organisations]
    if original is not None:
        found["translationOfWork"] = {"@id": absolute_url(settings, original.url)}
    return found


def event(settings: Settings, entry: Entry, image: ImageSet | None) -> dict:
    found = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": entry.title,
        "description": entry.summary,
        "url": absolute_url(settings, entry.url),
        "startDate": entry.date.isoformat(),
        "endDate": (entry.end_date or entry.date).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": entry.lang or settings.language,
        "location": _place(settings, entry),
        "organizer": [_named(settings, name) for name in entry.hosts],
        **_image(settings, image),
    }
    return found


def website(settings: Settings) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.title,
        "description": settings.description,
        "url": absolute_url(settings, "/"),
        "inLanguage": settings.language,
        "publisher": _organisation(settings.publisher),
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute_url(settings, "/search/") + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }
