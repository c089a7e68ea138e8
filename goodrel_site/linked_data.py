"""Sharing and discovery metadata: the schema.org JSON-LD each page carries (Article
for stories, Event for events, WebSite for the home page). Templates serialise these
dicts with Jinja's `tojson`, which escapes <, >, & and ' so no content can close the
script element."""

from __future__ import annotations

from .models import Entry
from .site import Site


def _image(site: Site, entry: Entry, image_of) -> dict:
    """The picture a sharing card shows: the fallback format, about 960 wide."""
    if not getattr(entry.meta, "image", None):
        return {}
    found = image_of(entry)
    return {"image": {"@type": "ImageObject", "url": site.absolute(found.default.fallback),
                      "width": found.default.width, "height": found.default.height}}


def _place(site: Site, entry: Entry) -> dict:
    region = site.term("regions", entry.region).label
    place = {"@type": "Place", "name": entry.place or region,
             "address": {"@type": "PostalAddress", "addressRegion": region, "addressCountry": "GB"}}
    if entry.place:
        place["address"]["addressLocality"] = entry.place
    return place


def _organisation(name: str, url: str | None = None) -> dict:
    found = {"@type": "Organization", "name": name}
    if url:
        found["url"] = url
    return found


def article(site: Site, story: Entry, image_of) -> dict:
    settings = site.settings
    found = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": story.title,
        "description": story.summary,
        "url": site.absolute(story.url),
        "mainEntityOfPage": site.absolute(story.url),
        "datePublished": story.date.isoformat(),
        "dateModified": (story.updated or story.date).isoformat(),
        "inLanguage": story.lang or settings.language,
        "publisher": _organisation(settings.publisher, site.absolute("/")),
        "author": _organisation(settings.publisher, site.absolute("/")),
        "license": settings.licence.url,
        "about": [site.term("categories", key).label for key in story.categories],
        "keywords": [site.term(vocab, key).label for vocab in ("approaches", "divides", "themes")
                     for key in getattr(story.meta, vocab)] + list(story.tags),
        "contentLocation": _place(site, story),
        **_image(site, story, image_of),
    }
    if story.organisations:
        found["mentions"] = [_organisation(name, site.absolute(site.organisation(name).url))
                             for name in story.organisations]
    if story.translation_of:
        found["translationOfWork"] = {"@id": site.absolute(f"/stories/{story.translation_of}/")}
    return found


def event(site: Site, entry: Entry, image_of) -> dict:
    found = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": entry.title,
        "description": entry.summary,
        "url": site.absolute(entry.url),
        "startDate": entry.date.isoformat(),
        "endDate": (entry.end_date or entry.date).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": entry.lang or site.settings.language,
        "location": _place(site, entry),
        "organizer": [_organisation(name, site.absolute(site.organisation(name).url)) for name in entry.hosts],
        **_image(site, entry, image_of),
    }
    return found


def website(site: Site) -> dict:
    settings = site.settings
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.title,
        "description": settings.description,
        "url": site.absolute("/"),
        "inLanguage": settings.language,
        "publisher": _organisation(settings.publisher),
        "potentialAction": {"@type": "SearchAction",
                            "target": site.absolute("/search/") + "?q={search_term_string}",
                            "query-input": "required name=search_term_string"},
    }
