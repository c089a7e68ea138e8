"""Slugs: the lowercase-hyphen names that make URLs."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii


@lru_cache(maxsize=65536)  # organisation names are slugged on every page that lists them
def slugify(text: str, max_length: int = 80) -> str:
    """A URL slug for any title: non-Latin scripts are transliterated (so an Urdu or
    Polish title still gives a readable slug), then lowercased and hyphenated."""
    words = re.findall(r"[a-z0-9]+", anyascii(text).lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or words[0][:max_length] if words else slug
