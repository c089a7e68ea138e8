"""The site held in memory for `serve`: read once, then re-read file by file after each
save, with every page rendered when a browser asks for it. A save costs the changed
files' validation, the Site's relations and the page the browser reloads, not a whole
build (`serve` runs whole builds in the background, for the search index)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from . import images, stages
from .cache import BuildCache
from .problems import ContentError, Problem
from .render import Renderer
from .site import Site
from .theme import Theme
from .validate import Validated, image_path


class Live:
    """What a preview keeps between saves: each file as read and as validated."""

    def __init__(self, root: Path, drafts: bool):
        self.root, self.drafts = root, drafts
        self.cache = BuildCache(root)  # for its sources, and its compiled templates
        self.cache.templates.mkdir(parents=True, exist_ok=True)
        self.validated = Validated()

    def load(self, now: date) -> tuple[Snapshot, list[Problem]]:
        """The site as its files are now; ContentError if it cannot be built."""
        site, notes = stages.load_site(self.root, now, self.drafts, cache=self.cache,
                                       validated=self.validated)
        return Snapshot(site, Theme(self.root), self.cache.templates, self.media), notes

    @property
    def media(self) -> Path:
        """The build's image cache: its files are named as the site's /media/ URLs."""
        return self.cache.folder / "media"


class Snapshot:
    """The site as of one save: its pages, rendered when asked for, and its generated
    files, made when the first of them is asked for."""

    def __init__(self, site: Site, theme: Theme, compiled: Path, media: Path):
        self.site, self.media = site, media
        self.renderer = Renderer(site, theme, compiled=compiled)
        self.pages = {page.url: page for page in stages.site_pages(site)}
        self._files: dict[str, str] | None = None
        self._lock = threading.Lock()
        for entry in site.entries:  # the pictures that cards and pages show
            if getattr(entry.meta, "image", None):
                images.cached(images.plan(image_path(site.root, entry, entry.image.src)), media)

    def page(self, url: str) -> str | None:
        """The page at `url`, or None if the site has none there. ContentError if the
        page's text has an error the build would stop at (a link to a missing story)."""
        page = self.pages.get(url)
        if page is None:
            return None
        html, body = self.renderer.render(page)
        if body:
            errors = [p for p in body.problems if p.level == "error"]
            if errors:
                raise ContentError(errors)
            for image in body.images:
                images.cached(image, self.media)
        return html

    def file(self, url: str) -> str | None:
        """A generated file (the JSON feed, robots.txt, open data), or None."""
        with self._lock:
            if self._files is None:
                self._files = stages.generated_files(self.site)
        return self._files.get(url)
