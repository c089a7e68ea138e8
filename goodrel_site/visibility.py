"""Whether an item is public on a date, or why it is withheld: decided in one place,
for the entries validation made (site.py drops what is withheld) and for front matter
read loosely, where the model cannot be used: a file that no longer fits it (a
withdrawn story whose editor wiped its fields must still be taken down, validate.py)
and old versions in git (history.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Entry

PUBLIC = "public"


def decide(
    kind: str, consent: object, status: object, publish_on: date | None, unpublish_on: date | None, now: date
) -> str:
    """'public', or why an item with these fields is withheld on `now`: 'consent
    withdrawn' (or pending), 'draft', 'embargoed' or 'unpublished'."""
    if kind == "story" and consent != "given":
        return f"consent {consent if consent in ('pending', 'withdrawn') else 'not given'}"
    if status != "published":
        return "draft"
    if publish_on and publish_on > now:
        return "embargoed"
    if unpublish_on and unpublish_on <= now:
        return "unpublished"
    return PUBLIC


def of_entry(entry: Entry, now: date) -> str:
    return decide(
        entry.kind,
        entry.consent.status if entry.kind == "story" else None,
        entry.status,
        getattr(entry.meta, "publish_on", None),
        getattr(entry.meta, "unpublish_on", None),
        now,
    )


def of_data(data: object, kind: str, now: date) -> str | None:
    """What front matter read loosely says of itself, or None when it is not even a
    mapping. An impossible date says nothing (it neither embargoes nor ends)."""
    if not isinstance(data, dict):
        return None
    consent = data.get("consent")
    # (`consent: withdrawn`, a word where a block belongs, is still a withdrawal)
    given = consent.get("status") if isinstance(consent, dict) else "withdrawn" if consent == "withdrawn" else None
    return decide(kind, given, data.get("status"), _day(data.get("publish_on")), _day(data.get("unpublish_on")), now)


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
