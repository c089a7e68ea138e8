"""The site held in memory for `serve`: read once, then re-read file by file after each
save, with every page rendered when a browser asks for it. A save costs the changed
files' validation, the Site's relations and the page the browser reloads, not a whole
build (`serve` runs whole builds in the background, for the search index)."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

from . import images, stages
from .plan import SITE_FILES, Page, item, outputs, plan
from .problems import ContentError, Problem
from .records import FOLDER
from .render import Renderer
from .site import Site
from .sources import Sources
from .theme import Theme
from .validate import Validated, entry_image


class Live:
    """What a preview keeps between saves: each file as read and as validated."""

    def __init__(self, root: Path, drafts: bool, media: Path):
        """`media`: where the pictures the preview shows are made (its own folder: it
        shows drafts' pictures, which no build keeps)."""
        self.root, self.drafts, self.media = root, drafts, media
        self.sources = Sources(root)
        self.validated = Validated()
        self.text_pictures: dict[
            str, frozenset[str]
        ] = {}  # page url -> the media files its text showed when last rendered

    def load(self, now: date) -> tuple[Snapshot, list[Problem]]:
        """The site as its files are now; ContentError if it cannot be built."""
        site, notes = stages.load_site(self.root, now, self.drafts, sources=self.sources, validated=self.validated)
        return Snapshot(site, Theme(self.root), self.root / FOLDER, self.media, self.text_pictures), notes


class Snapshot:
    """The site as of one save: its pages, rendered when asked for, and the files made
    from the whole site, made when the first of them is asked for. Its pictures are
    made into `media`, which keeps no other: nothing of an item withheld since (its
    pictures, their names) stays there."""

    def __init__(self, site: Site, theme: Theme, cache: Path, media: Path, text_pictures: dict[str, frozenset[str]]):
        self.site, self.media, self._text_pictures = site, media, text_pictures
        self.renderer = Renderer(site, theme, cache, prefix="")  # (served at the top)
        self._items = {entry.url: entry for entry in site.entries}
        self._pages: dict[str, Page] | None = None
        self._files: dict[str, str | bytes] | None = None
        self._lock = threading.Lock()
        kept: set[str] = set()
        for entry in site.entries:  # the pictures that cards and pages show
            if getattr(entry.meta, "image", None):
                kept.update(images.cached(entry_image(site.root, entry), media))
        for url, names in list(text_pictures.items()):  # and those of the texts still shown
            if url in self._items:
                kept |= names
            else:
                del text_pictures[url]
        for old in os.scandir(media) if media.is_dir() else ():
            if old.name not in kept and not old.name.startswith("."):  # (a picture being written)
                os.unlink(old.path)

    def page(self, url: str) -> str | None:
        """The page (or citation file) at `url`, or None if the site has none there.
        ContentError if the page's text has an error the build would stop at (a link to
        a missing story)."""
        # A story's, event's or free page's own page is planned alone, as plan() plans
        # it: after a save, the page an editor is looking at needs no whole plan.
        entry = self._items.get(url)
        page = item(self.site, entry) if entry is not None else self.planned().get(url)
        if page is None:
            return None
        output = self.renderer.render(page)
        errors = [p for p in output.problems if p.level == "error"]
        if errors:
            raise ContentError(errors)
        self._text_pictures[url] = frozenset(
            name for image in output.images for name in images.cached(image, self.media)
        )
        found = dict(output.files)[url]  # (a page or a citation file: text)
        return found.decode() if isinstance(found, bytes) else found

    def file(self, url: str) -> str | bytes | None:
        """A file made from the whole site (the JSON feed, robots.txt, open data), or None."""
        site_files = self.planned()[SITE_FILES]
        with self._lock:
            if self._files is None:
                self._files = dict(self.renderer.render(site_files).files)
        return self._files.get(url)

    def planned(self) -> dict[str, Page]:
        """Every page by the URL of each file it gives (the files made from the whole
        site under SITE_FILES), planned once, when first needed."""
        with self._lock:
            if self._pages is None:
                self._pages = {}
                for page in plan(self.site):
                    for url in outputs(page) or (page.url,):
                        self._pages[url] = page
            return self._pages
