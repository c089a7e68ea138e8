"""Feeds and discovery files: JSON Feed 1.1 and robots.txt (the Atom feeds and the
sitemap are templates, planned in plan.py). A story told in several languages is one
item, its lead version (site.py)."""

from __future__ import annotations

import json
from datetime import date

from .models import Entry
from .site import Site
from .validate import entry_image

FEED_LENGTH = 20


def timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def latest(site: Site) -> tuple[Entry, ...]:
    return site.listed[:FEED_LENGTH]


def json_feed(site: Site, default_image: str) -> str:
    """`default_image`: the absolute URL of the picture for a story without its own."""
    settings = site.settings
    items = []
    for story in latest(site):
        item = {
            "id": site.absolute(story.url),
            "url": site.absolute(story.url),
            "title": story.title,
            "summary": story.summary,
            "content_text": story.summary,
            "date_published": timestamp(story.date),
            "date_modified": timestamp(story.updated or story.date),
            "language": story.lang or settings.language,
            "tags": [settings.categories[key].label for key in story.categories],
            "image": default_image,
        }
        if story.image:  # the picture a feed reader shows: the fallback format, about 960 wide
            found = entry_image(site.root, story)
            item["image"] = site.absolute(found.default.fallback)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": settings.title,
        "home_page_url": site.absolute("/"),
        "feed_url": site.absolute("/feed.json"),
        "description": settings.description,
        "language": settings.language,
        "authors": [{"name": settings.publisher}],
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def robots(site: Site) -> str:
    if site.drafts:  # a preview must never be indexed
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.absolute('/sitemap.xml')}\n"
