"""Rendering: the plan of every page the site has, and Jinja templates (autoescaped,
StrictUndefined) rendered in worker processes."""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
from collections import ChainMap
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

import jinja2
from markupsafe import Markup
from . import cite, codebook, figures, images, markdown, search
from . import linked_data, regionmap
from .cache import BuildCache
from .images import ImageSet
from .markdown import Links
from .models import VOCABULARIES, Entry
from .output import Tree, relpath
from .problems import Problem
from .site import Site
from .theme import Theme
from .validate import image_path

SETTINGS = "site.yaml"
RTL_LANGUAGES = {"ar", "fa", "he", "ps", "sd", "ug", "ur", "yi", "dv", "ckb"}


class Page(NamedTuple):  # (a tuple: sites have tens of thousands of pages)
    url: str
    template: str  # a theme template, or a citation format (cite.FORMATS)
    source: str  # the file that makes this page (site.yaml for the site's own pages)
    context: dict[str, Any]


def plan(site: Site) -> list[Page]:
    """Every templated page, in a fixed order."""
    pages = [Page("/", "home.html", SETTINGS, {}),
             Page("/search/", "search.html", SETTINGS, {"groups": search.filter_groups(site)}),
             Page("/404.html", "404.html", SETTINGS, {})]
    pages += _paginated("/stories/", "list.html", site.stories, site, kind="stories")
    pages += _paginated("/events/", "list.html", site.events, site, kind="events")
    for entry in site.entries:
        pages.append(Page(entry.url, f"{entry.kind}.html", entry.path, {"entry": entry}))
        if entry.kind == "story":
            pages += [Page(entry.url + name, name, entry.path, {"entry": entry}) for name in cite.FORMATS]
        for alias in entry.aliases:
            url = alias if alias.endswith(("/", ".html")) else alias + "/"
            pages.append(Page(url, "alias.html", entry.path, {"entry": entry}))
    for vocab in VOCABULARIES:
        pages.append(Page(f"/{vocab}/", "vocabulary.html", SETTINGS, {"vocabulary": vocab}))
        for term in site.terms[vocab]:
            pages += _paginated(term.url, "term.html", term.stories, site, term=term)
    pages.append(Page("/organisations/", "organisations.html", SETTINGS, {}))
    pages += [Page("/figures/", "figures.html", SETTINGS,
                   {"charts": figures.charts(site), "totals": figures.totals(site)}),
              Page("/data/", "data.html", SETTINGS, {"datasets": codebook.DATASETS})]
    for org in site.organisations:
        pages.append(Page(org.url, "organisation.html", SETTINGS, {"organisation": org}))
    return pages


def _paginated(url: str, template: str, items: tuple, site: Site, **context) -> list[Page]:
    per = site.settings.per_page
    chunks = [items[i:i + per] for i in range(0, len(items), per)] or [()]
    urls = [url] + [f"{url}page/{n}/" for n in range(2, len(chunks) + 1)]
    return [Page(urls[n], template, SETTINGS,
                 {**context, "items": chunk, "pager": {
                     "number": n + 1, "count": len(chunks),
                     "previous": urls[n - 1] if n else None,
                     "next": urls[n + 1] if n + 1 < len(chunks) else None}})
            for n, chunk in enumerate(chunks)]


def links(site: Site) -> Links:
    return Links(site.root, {e.path: e.url for e in site.entries}, site.withheld)


class Renderer:
    """Templates and strings of a theme, bound to one Site."""

    def __init__(self, site: Site, theme: Theme, cache: BuildCache | None = None,
                 compiled: Path | None = None):
        # With a cache, pages see the Site through a view that notes what each reads.
        # `compiled`: where Jinja keeps compiled templates between runs.
        self.cache = cache
        site = cache.watch(site) if cache else site
        self.site = site
        self.links = cache.watch_links(links(site)) if cache else links(site)
        self.strings = theme.strings
        self.env = jinja2.Environment(
            loader=theme.loader,
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            auto_reload=False,  # templates do not change during a build: no stat per include
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None)
        self.static = theme.static
        self._assets: dict[str, str] = {}  # (per renderer: a preview makes one per save)
        self.env.filters.update(isodate=date.isoformat, absolute=site.absolute)
        self.env.globals.update(site=site, settings=site.settings, vocabularies=VOCABULARIES,
                                strings_for=self.strings_for, lang_dir=lang_dir, asset=self.asset,
                                picture=self.picture, citation=self.citation, thumbnail=self.thumbnail,
                                every_page_word=search.EVERY_PAGE_WORD)
        # The reader's theme: images for sharing cards, JSON-LD and the regions map.
        self.env.globals.update(image_of=self.image_of, json_ld=self.json_ld, region_map=regionmap,
                                figure_totals=functools.partial(figures.totals, site))

    def image_of(self, entry: Entry) -> ImageSet:
        return images.plan(image_path(self.site.root, entry, entry.image.src))

    def picture(self, entry: Entry, sizes: str | None = None, decorative: bool = False) -> Markup:
        """The entry's own image as a responsive picture; `decorative` where it only
        repeats what the text beside it says (a card's thumbnail)."""
        alt = "" if decorative else (entry.image.alt or "")
        extra = {"sizes": sizes} if sizes else {}
        return Markup(markdown.picture(self.image_of(entry), alt, **extra))

    def json_ld(self, entry: Entry | None = None) -> dict:
        """The page's schema.org description, for `tojson` in a script element."""
        if entry is None:
            return linked_data.website(self.site)
        describe = linked_data.article if entry.kind == "story" else linked_data.event
        return describe(self.site, entry, self.image_of)

    def citation(self, story: Entry) -> dict[str, cite.Citation]:
        source = cite.source(self.site, story)
        return {"apa": cite.apa(source), "harvard": cite.harvard(source)}

    def thumbnail(self, entry: Entry) -> str:
        """The URL of the entry's image at its smallest width (for search results)."""
        return images.plan(image_path(self.site.root, entry, entry.image.src)).variants[0].webp

    def asset(self, name: str) -> str:
        """A theme file's URL, versioned by its content so browsers never keep a stale copy."""
        url = self._assets.get(name)
        if url is None:
            digest = hashlib.sha256(self.static[name].read_bytes()).hexdigest()[:10]
            url = self._assets[name] = f"/assets/{name}?v={digest}"
        return url

    def strings_for(self, lang: str) -> ChainMap:
        """The theme's words in a language, English where a word is not translated."""
        base = lang.split("-")[0]
        return ChainMap(self.strings.get(lang, {}), self.strings.get(base, {}),
                        self.strings["en"])

    def render(self, page: Page) -> tuple[str, markdown.Rendered | None]:
        entry: Entry | None = page.context.get("entry")
        if page.template in cite.FORMATS:  # a story's citation file: made in Python
            return cite.FORMATS[page.template](cite.source(self.site, entry)), None
        body = None
        if entry is not None and page.template != "alias.html":
            body = markdown.render(entry.path, entry.body, entry.body_line, self.links)
        lang = (entry.lang if entry is not None else None) or self.site.settings.language
        context = self.cache.watch_context(page.context) if self.cache else page.context
        printed = _Body(body.html) if body else ""
        try:
            html = self.env.get_template(page.template).render(
                page=page, url=page.url, lang=lang, t=self.strings_for(lang), body=printed, **context)
        except jinja2.TemplateError as err:
            raise RuntimeError(f"template error rendering {page.url} ({page.source}): "
                               f"{_describe(err)}") from err
        if body:
            body.span = printed.span(html)
        return html, body

    def write(self, pages: Iterable[Page], out: Tree) -> tuple[list[Problem], list[ImageSet]]:
        problems, used = [], []
        for page in pages:
            if self.cache:
                self.cache.begin()
            html, body = self.render(page)
            if body:
                problems += body.problems
                used += body.images
            if self.cache:
                self.cache.rendered(page.url, html, body, out)  # writes it, or links a stored copy
            else:
                out.write(relpath(page.url), html)
        return problems, used


class _Body:
    """A page's body as its template sees it. Printed once and put to no other use, it
    can be found in the page, and a later edit of the text alone put in its place
    (patch.py); any other use (a test, a filter reading the text) keeps that page from
    being patched."""

    __slots__ = ("html", "uses")

    def __init__(self, html: str):
        self.html, self.uses = html, 0

    def __html__(self) -> str:  # printed (autoescape leaves it as it is)
        self.uses += 1
        return self.html

    def __str__(self) -> str:
        self.uses += 2  # read, not printed: the count can no longer be 1
        return self.html

    def __bool__(self) -> bool:
        self.uses += 2  # (likewise: the page may differ with an empty body)
        return bool(self.html)

    def span(self, page: str) -> tuple[int, int] | None:
        """Where the body sits in the page, if that is certain."""
        start = page.find(self.html)
        if self.uses != 1 or not self.html or start < 0 or page.find(self.html, start + 1) >= 0:
            return None
        return start, start + len(self.html)


def lang_dir(lang: str) -> str:
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def _describe(err: jinja2.TemplateError) -> str:
    where = f"{err.name}:{err.lineno}: " if isinstance(err, jinja2.TemplateSyntaxError) else ""
    return where + str(err)


# Worker processes are forked with the renderer, the plan and the generated files
# already in memory, so the Site is never pickled; each task is a range of pages or
# of files.
_worker: tuple[Renderer, list[Page], list[tuple[str, Any]], Tree] | None = None


def _start_worker(renderer: Renderer, pages: list[Page], files: list[tuple[str, Any]], out: Tree) -> None:
    global _worker
    _worker = (renderer, pages, files, out)


def _write_range(kind: str, start: int, stop: int) -> tuple[list[Problem], list[ImageSet], list]:
    renderer, pages, files, out = _worker
    if kind == "files":
        write_files(renderer, files[start:stop], out)
        return [], [], []
    found, used = renderer.write(pages[start:stop], out)
    return found, used, renderer.cache.take_records() if renderer.cache else []


def _ranges(total: int, jobs: int) -> Iterator[tuple[int, int]]:
    size = max(1, min(200, total // (jobs * 4) or 1))
    for start in range(0, total, size):
        yield start, min(total, start + size)


def write_files(renderer: Renderer, files: list[tuple[str, Any]], out: Tree) -> None:
    """Write generated files (url, text); with a cache, a text may be a stored copy."""
    if renderer.cache:
        renderer.cache.write_files(out, files)
    else:
        for url, text in files:
            out.write(relpath(url), text)


def write_pages(renderer: Renderer, pages: list[Page], out: Tree, jobs: int,
                files: dict[str, Any] | None = None) -> tuple[list[Problem], list[ImageSet]]:
    """Render and write every page (reusing those the cache still holds) and write the
    generated files, shared among `jobs` processes; the result does not depend on `jobs`."""
    items = list((files or {}).items())
    out.made.update(relpath(url) for url in [p.url for p in pages] + list(files or {}))  # workers' too
    problems, used = [], []
    if renderer.cache:
        pages, problems, used = renderer.cache.reuse(pages, out)
    if jobs <= 1 or len(pages) < 50:  # (files alone are quicker to write here than to share)
        found, images = renderer.write(pages, out)
        write_files(renderer, items, out)
        return problems + found, used + images
    tasks = [("pages", *r) for r in _ranges(len(pages), jobs)] + [("files", *r) for r in _ranges(len(items), jobs)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(renderer, pages, items, out)) as pool:
        for found, images, records in pool.map(_write_range, *zip(*tasks)):
            problems += found
            used += images
            if renderer.cache:
                renderer.cache.records += records
    return problems, used
