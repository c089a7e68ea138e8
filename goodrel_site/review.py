"""What `check` tells an editor beyond what the build validates: consent reviews that
are due, the stories still awaiting consent, story addresses that disappeared since
the previous commit without an alias, and an editor schema left behind by a change
to site.yaml."""

from __future__ import annotations

from datetime import date

from . import history, schema
from .models import Entry
from .problems import Problem
from .validate import Content
from .visibility import PUBLIC, of_entry


def notes(content: Content, now: date) -> list[Problem]:
    return [*consent_notes(content.entries, now), *moved_stories(content, now), *stale_schema(content)]


def consent_notes(entries: tuple[Entry, ...], now: date) -> list[Problem]:
    problems = []
    for story in (e for e in entries if e.kind == "story"):
        consent = story.consent
        if consent.status == "pending":
            problems.append(
                Problem(
                    story.path,
                    story.line("consent", "status"),
                    f"awaiting consent: \u201c{story.title}\u201d stays unpublished until the storyteller agrees",
                    "info",
                )
            )
        elif consent.review_by and consent.review_by <= now and consent.status == "given":
            problems.append(
                Problem(
                    story.path,
                    story.line("consent", "review_by"),
                    f"consent was due for review on {consent.review_by}: check with "
                    "the storyteller that they still agree, then set a new "
                    "review_by (or consent.status: withdrawn if they do not)",
                    "warning",
                )
            )
    return problems


def moved_stories(content: Content, now: date) -> list[Problem]:
    """A public story's address that has gone since the previous commit, with no alias
    leading from it, breaks every link and bookmark to the story."""
    root = content.root
    rev = history.previous_revision(root)
    if rev is None:
        return []
    was_public = {}
    for path, text in history.story_files_at(root, rev).items():
        url = history.public_url(path, text, now)
        if url:
            was_public[url] = path
    addresses = {e.url for e in content.entries}
    addresses |= {a if a.endswith(("/", ".html")) else a + "/" for e in content.entries for a in e.aliases}
    by_path = {e.path: e for e in content.entries}
    renamed = history.renames(root, rev)
    problems = []
    for url, old_path in sorted(was_public.items()):
        if url in addresses:
            continue
        now_at = by_path.get(renamed.get(old_path, old_path))
        if now_at is not None and of_entry(now_at, now) != PUBLIC:
            continue  # withheld on purpose (consent withdrawn, unpublished): no page to keep
        if now_at is not None:
            problems.append(
                Problem(
                    now_at.path,
                    now_at.line("aliases") if now_at.aliases else now_at.line("slug"),
                    f"this story was at {url} in {rev} and is now at {now_at.url}: add "
                    f"'aliases: [{url}]' so that links to the old address still work",
                    "warning",
                )
            )
        else:
            problems.append(
                Problem(
                    old_path,
                    1,
                    f"{url} was a public story in {rev} and is gone: if the story moved, add "
                    f"{url} to the 'aliases' of its new file; to take a story down, set "
                    "consent.status: withdrawn or unpublish_on instead of deleting it",
                    "warning",
                )
            )
    return problems


def stale_schema(content: Content) -> list[Problem]:
    return schema.stale(content.root, content.settings)
