"""A whole build, stage by stage: load and validate, make the Site, render, write,
index. Everything is read and checked before anything is written, and the output
appears only when every stage succeeded."""

from __future__ import annotations

import dataclasses
import functools
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from . import cms, export, feeds, history, hosting, images, markdown, patch, render, review, search, uptodate
from .cache import BuildCache
from .images import ImageSet
from .models import Settings
from .output import Tree, duplicate_writes, listing, output_tree
from .problems import ContentError, Problem, UsageError
from .site import Site, build_site
from .theme import Theme
from .validate import Validated, image_path, validate

if TYPE_CHECKING:
    from .pipeline import Options


def load_site(root: Path, now: date, drafts: bool = False, base_url: str | None = None,
              cache: BuildCache | None = None, validated: Validated | None = None
              ) -> tuple[Site, list[Problem]]:
    content = validate(root, cache.sources.load, validated) if cache else validate(root)
    if cache:
        cache.validated(content.entries)
    content = history.with_updated_dates(content, now)
    if base_url:
        try:
            settings = Settings.model_validate({**content.settings.model_dump(), "base_url": base_url})
        except ValidationError:
            raise UsageError(f"--base-url {base_url!r} is not an address such as https://example.org/") from None
        content = dataclasses.replace(content, settings=settings)
    return build_site(content, now, drafts), list(content.notes)


def check(root: Path, now: date) -> list[Problem]:
    """Every problem a build would meet, without writing anything, and what an editor
    should know before merging (review.py)."""
    try:
        content = validate(root)
    except ContentError as err:
        return err.problems
    site = build_site(content, now)
    notes = [*content.notes, *review.notes(content, now)]
    notes += duplicate_writes([(p.url, p.source) for p in render.plan(site)])
    links = render.links(site)
    for entry in site.entries:
        notes += markdown.render(entry.path, entry.body, entry.body_line, links).problems
    return sorted(notes)


def build_all(root: Path, options: Options, inputs: uptodate.Inputs | None) -> tuple:
    """Every stage; the build's summary (files, stories, events, notes as tuples)."""
    theme = Theme(root)
    cache = BuildCache(root) if options.cache else None
    site, notes = load_site(root, options.now, options.drafts, options.base_url, cache)
    if cache:
        cache.start(site, (theme.digest,))
    renderer = render.Renderer(site, theme, cache, cache.templates if cache else None)
    pages = site_pages(site)
    files = cache.files("generated", generated_files) if cache else generated_files(site)
    clashes = duplicate_writes([(p.url, p.source) for p in pages] + [(u, render.SETTINGS) for u in files])
    if clashes:
        raise ContentError(clashes)
    with output_tree(options.out, reuse=cache is not None) as tree:
        found, used = render.write_pages(renderer, pages, tree, options.jobs, files)
        errors = [p for p in found if p.level == "error"]
        if errors:
            raise ContentError(errors)
        pictures = _write_images(site, used, tree, root / ".goodrel-cache" / "media")
        _copy_static(theme, tree)
        if options.search:
            index = functools.partial(search.build_index, language=site.settings.language)
            if cache:
                cache.search_index(tree, index)
            else:
                tree.made_by("pagefind", index)
    summary = (len(pages) + len(files), len(site.stories), len(site.events),
               [dataclasses.astuple(n) for n in sorted(set(notes + found))])
    if cache:
        cache.save()
        patching = patch.state(cache.sources.digests, cache.bodies(site.entries), render.links(site))
        uptodate.note(root, options, uptodate.Note(inputs, uptodate.pictures(pictures),
                                                   listing(options.out.resolve()), summary, patching))
    return summary


def site_pages(site: Site) -> list[render.Page]:
    """Every page the templates make, the feed and the sitemap included."""
    pages = render.plan(site)
    latest = feeds.latest(site)
    updated = feeds.timestamp(feeds.last_change(latest) or site.now)
    return pages + [render.Page("/feed.xml", "feed.xml", render.SETTINGS,
                                {"entries": latest, "feed_updated": updated}),
                    render.Page("/sitemap.xml", "sitemap.xml", render.SETTINGS, {"pages": sitemap_urls(pages)})]


def generated_files(site: Site) -> dict[str, str]:
    """The files made from the whole site without a template, url -> text: the JSON
    feed, robots.txt and the open data."""
    return {"/feed.json": feeds.json_feed(site), "/robots.txt": feeds.robots(site),
            **export.files(site), **hosting.files(site), **cms.files(site)}


def sitemap_urls(pages: list[render.Page]) -> list[str]:
    """Every public HTML page, except redirects and the not-found page."""
    return sorted(p.url for p in pages if p.url.endswith("/") and p.template != "alias.html")


def _write_images(site: Site, used: list[ImageSet], out: Tree, cache: Path) -> list[Path]:
    """Write every picture the pages show; their files."""
    wanted = {i.source: i for i in used}
    for entry in site.entries:
        if getattr(entry.meta, "image", None):
            found = images.plan(image_path(site.root, entry, entry.image.src))
            wanted[found.source] = found
    for source in sorted(wanted):
        images.process(wanted[source], out, cache)
    return sorted(wanted)


def _copy_static(theme: Theme, out: Tree) -> None:
    for name, path in theme.static.items():
        out.write(f"assets/{name}", path.read_bytes())
