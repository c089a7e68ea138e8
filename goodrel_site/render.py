"""Rendering: each planned page (plan.py) through its Jinja template (autoescaped,
StrictUndefined), in worker processes.

Templates see their page's context and what every page shares: the settings, the
theme's words, the free pages, and helpers that are functions of these and of their
arguments alone (a term's label, a picture's markup). There is no Site to browse."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import io
import multiprocessing
import os
import re
import shutil
import signal
import sys
import traceback
from collections import ChainMap
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import date
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from . import areas, cite, cms, export, feeds, hosting, linked_data, markdown, plan, regionmap, search, urls
from .images import ImageSet
from .kinds import VOCABULARY
from .markdown import Links
from .models import Entry
from .network import feed as network
from .output import Tree, relpath
from .problems import ContentError, Problem
from .records import Memo, code_version, digest, read_record, write_record
from .site import Site, absolute_url, url_prefix
from .slugs import slugify
from .store import PageRecord, Store
from .theme import Theme
from .validate import entry_image

RTL_LANGUAGES = {"ar", "fa", "he", "ps", "sd", "ug", "ur", "yi", "dv", "ckb"}
BODIES = {"story.html", "event.html", "page.html", plan.SHARED}  # the templates that print their entry's text
SHARE_IMAGE = "share.png"  # the theme's picture for link previews of a page with none of its own


class Shared(NamedTuple):
    """The picture a link preview shows for a page (og:image)."""

    url: str  # absolute
    width: int
    height: int
    alt: str | None


class Output(NamedTuple):
    """A page as rendered: its files, and what its text gave and read."""

    files: tuple[tuple[str, str | bytes], ...]  # (url, text or bytes)
    problems: list[Problem]
    images: list[ImageSet]
    reads: tuple
    text: str | None = None  # its item's text as plain text (markdown.plain), if it shows one
    shared: str | None = None  # its item's text as the network feed holds it, if the feed does


def links(site: Site, prefix: str = "") -> Links:
    return Links(
        site.root,
        {e.path: e.url for e in site.entries},
        site.withheld,
        prefix,
        frozenset(s.path for s in site.stories if s.quote),
        site.withheld_at,
        site.settings.base_url,
    )


class Renderer:
    """A theme's templates, bound to what every page of one Site shares."""

    HELPERS = ("_macros.html",)  # templates that helpers render for any page (card)

    def __init__(self, site: Site, theme: Theme, cache: Path | None = None, prefix: str | None = None):
        """`cache`: the site's cache folder, where Jinja keeps compiled templates between
        runs; `prefix`: the path links start with (by default the path of the site's
        base_url)."""
        self.root, self.settings, self.now = site.root, site.settings, site.now
        # Each text's plain form, for the open data: remembered from the pages that show
        # the texts, kept between builds in the cache (records.Memo).
        self.texts = Memo(cache / "texts" if cache else None, markdown.plain)
        for member in site.members:  # (a shared story's body is its html; its member gives its text)
            for story in member.stories:
                self.texts.remember(story.body, story.member.text)
        self.prefix = url_prefix(site.settings) if prefix is None else prefix
        self.links = links(site, self.prefix)
        # The network feed's texts (network/feed.py) link with the site's full address:
        # made beside each offered story's page, from the same parse, else when the feed is.
        self.offered = frozenset(e.path for e in network.offered(site))
        self.shared_prefix = site.settings.base_url.rstrip("/")
        self.shared_texts = SharedTexts(cache / "feed-texts" if cache else None, self.links, self.shared_prefix)
        self.theme = theme
        self.loader = ThemeLoader(theme)
        self.strings = theme.strings
        self.free_pages = plan.links(site)
        # Templates are compiled in memory, never kept: a compiled template in the cache
        # would be code that a cache restored from elsewhere could replace.
        self.env = environment(self.loader, auto_reload=False)  # (no stat per include: they do not change)
        if cache:
            shutil.rmtree(cache / "templates", ignore_errors=True)  # (where earlier versions kept them)
        self._assets: dict[str, str] = {}
        self._cards: dict[tuple, Markup] = {}
        self._shared: Shared | None = None
        terms = plan.terms(site.settings)
        self._terms = {(t.vocabulary, t.key): t for found in terms.values() for t in found}
        # Filters that depend on this build's settings must not be folded into the
        # compiled templates (Jinja computes a filter of a constant while compiling, and
        # compiled templates are kept between builds of other settings): _unfolded.
        self.env.filters.update(
            isodate=date.isoformat,
            slug=slugify,
            href=_unfolded(self.href),
            absolute=_unfolded(functools.partial(absolute_url, site.settings)),
        )
        self.env.globals.update(
            settings=site.settings,
            drafts=site.drafts,
            free_pages=self.free_pages,
            vocabularies=tuple(VOCABULARY),
            terms=terms,
            term=self.term,
            area=areas.areas().get,  # an area by key (the engine's list: areas.py)
            organisation_url=organisation_url,
            strings_for=self.strings_for,
            lang_dir=lang_dir,
            asset=self.asset,
            picture=self.picture,
            image_of=self.image_of,
            thumbnail=self.thumbnail,
            sharing_image=self.sharing_image,
            json_ld=self.json_ld,
            citation=self.citation,
            citation_meta=self.citation_meta,
            card=self.card,
            region_map=regionmap,
            every_page_word=search.EVERY_PAGE_WORD,
            prefix=self.prefix,
        )

    @property
    def shared(self) -> tuple:
        """What every page sees besides the settings and the theme, for keys.py."""
        return self.free_pages, self.prefix

    # -- helpers for templates: functions of the settings and their arguments ------

    def href(self, url: str) -> str:
        """A site path as a link: escaped (urls.path), below the path the site is served at."""
        return self.prefix + urls.path(url)

    def term(self, vocabulary: str, key: str) -> plan.TermInfo:
        return self._terms[vocabulary, key]

    def image_of(self, entry: Entry) -> ImageSet:
        return entry_image(self.root, entry)

    def picture(self, entry: Entry, sizes: str | None = None, decorative: bool = False, eager: bool = False) -> Markup:
        """The entry's own image as a responsive picture; `decorative` where it only
        repeats what the text beside it says (a card's thumbnail); `eager` for the one
        picture a page opens on (loaded at once, the others as they scroll into view)."""
        alt = "" if decorative else (entry.image.alt or "")
        extra = {"sizes": sizes} if sizes else {}
        return Markup(markdown.picture(self.image_of(entry), alt, self.prefix, eager=eager, **extra))

    def thumbnail(self, entry: Entry) -> str:
        """The URL of an item's picture in search results: its own image at its smallest
        width, else the site's sharing image (never another item's)."""
        if entry.image:
            return self.href(self.image_of(entry).variants[0].webp)
        return self.asset(SHARE_IMAGE)

    def sharing_image(self, entry: Entry | None = None) -> Shared:
        """The picture link previews show for a page: its story's or event's own image,
        else the site's sharing image."""
        if entry is not None and entry.image:
            found = self.image_of(entry).default
            return Shared(absolute_url(self.settings, found.fallback), found.width, found.height, entry.image.alt)
        if self._shared is None:
            from PIL import Image

            with Image.open(io.BytesIO(self.theme.static_bytes(SHARE_IMAGE))) as image:
                size = image.size
            self._shared = Shared(self.asset(SHARE_IMAGE, absolute=True), *size, None)
        return self._shared

    def json_ld(self, entry: Entry | None = None, original: Entry | None = None) -> dict:
        """The page's schema.org description, for `tojson` in a script element."""
        if entry is None:
            return linked_data.website(self.settings)
        image = self.image_of(entry) if entry.image else None
        if entry.kind == "story":
            return linked_data.article(self.settings, entry, original, image)
        return linked_data.event(self.settings, entry, image)

    def citation(self, story: Entry, original: Entry | None) -> dict[str, cite.Citation]:
        source = cite.source(self.settings, self.now, story, original)
        return {"apa": cite.apa(source), "harvard": cite.harvard(source)}

    def citation_meta(self, story: Entry, original: Entry | None) -> tuple[tuple[str, str], ...]:
        """The story's citation as the meta tags reference managers read (cite.highwire)."""
        return cite.highwire(cite.source(self.settings, self.now, story, original))

    def asset(self, name: str, absolute: bool = False) -> str:
        """A theme file's URL (with the site's address, `absolute`), versioned by its
        content so browsers never keep a stale copy."""
        version = self._assets.get(name)
        if version is None:
            digest = hashlib.sha256(self.theme.static_bytes(name)).hexdigest()[:10]
            version = self._assets[name] = f"?v={digest}"
        path = f"/assets/{name}"
        return (absolute_url(self.settings, path) if absolute else self.href(path)) + version

    def card(
        self, item: plan.Listed, lang: str, level: int = 3, feature: bool = False, category: str | None = None
    ) -> Markup:
        """A story's card (the theme's story_card macro) on a page in `lang`, labelled
        with `category` (on that category's page) or else its first: a function of its
        arguments and what every page shares, so made once in a build and reused on
        every listing that shows the story."""
        key = item.entry.path, item.versions, lang, level, feature, category
        found = self._cards.get(key)
        if found is None:
            found = self._cards[key] = self.macro(
                "story_card",
                story=item.entry,
                versions=item.versions,
                t=self.strings_for(lang),
                lang=lang,
                level=level,
                feature=feature,
                category=category or item.entry.categories[0],
            )
        return found

    def macro(self, name: str, **arguments: Any) -> Markup:
        """A macro of the theme's _macros.html, called by keyword: the names of its
        parameters are the contract (docs/theming.md), so a theme's macro that names
        them otherwise is refused at its line, never given its values in another order."""
        template = self.env.get_template(self.HELPERS[0])
        macro = getattr(template.module, name, None)
        if isinstance(macro, jinja2.runtime.Macro):
            unknown = sorted(set(arguments) - set(macro.arguments))
            if not unknown or macro.catch_kwargs:
                return Markup(macro(**arguments))
            wrong = f"it has no parameter {', '.join(unknown)}: name its parameters so"
        else:
            wrong = "the file defines no such macro: define it"
        source = self.template_source(self.HELPERS[0]) or ""
        defined = re.search(r"\{%-?\s*macro\s+" + re.escape(name) + r"\b", source)
        line = source.count("\n", 0, defined.start()) + 1 if defined else 0
        where = _theme_path(self.root, self.theme, template.filename or self.HELPERS[0])
        message = (
            f"the engine calls the macro {name} with {', '.join(arguments)}, by name, but {wrong} (docs/theming.md)"
        )
        raise ContentError([Problem(where, line, message)])

    def template_source(self, name: str) -> str | None:
        """A template's source (as the loader finds it: "default:NAME" too), or None."""
        try:
            return self.loader.get_source(self.env, name)[0]
        except jinja2.TemplateNotFound:
            return None

    def template_problems(self) -> list[Problem]:
        """The theme's templates that cannot be compiled, each at its line."""
        problems = []
        for name in self.env.list_templates():
            source, filename, _ = self.loader.get_source(self.env, name)
            try:
                self.env.parse(source, name, filename)
            except jinja2.TemplateSyntaxError as err:
                problems.append(template_problem(self.root, self.theme, err))
        return problems

    def alone(self, name: str, url: str) -> str:
        """A template rendered as the file at `url`, seeing what every page sees and
        `url` (the web editor's page, made among the site's files)."""
        try:
            return self.env.get_template(name).render(url=url)
        except jinja2.TemplateError as err:
            raise ContentError([template_problem(self.root, self.theme, err, url)]) from None

    def strings_for(self, lang: str) -> ChainMap:
        """The theme's words in a language, English where a word is not translated."""
        base = lang.split("-")[0]
        return ChainMap(self.strings.get(lang, {}), self.strings.get(base, {}), self.strings["en"])

    def shared_html(self, entry: Entry, reads: list[tuple]) -> str:
        """An item's text as HTML with every address absolute, for the network feed;
        what it read of the site added to `reads` (so the feed is made again when a
        picture or a linked item changes)."""
        found = self.shared_texts.get(entry)
        if found is None:  # (its page was not rendered in this build, nor its text kept)
            rendered = markdown.render(entry.path, entry.body, entry.body_line, self.links, shared=self.shared_prefix)
            assert rendered.shared is not None
            self.texts.remember(entry.body, rendered.text)
            found = self.shared_texts.remember(entry, rendered.shared, tuple(rendered.reads))
        reads += found[1]
        return found[0]

    # -- pages ---------------------------------------------------------------------

    def render(self, page: plan.Page) -> Output:
        context = page.context
        if page.made is plan.Made.CITATIONS:
            source = cite.source(self.settings, self.now, context["entry"], context["original"])
            url = context["entry"].url
            return Output(tuple((url + name, make(source)) for name, make in cite.FORMATS.items()), [], [], ())
        if page.made is plan.Made.SITE_FILES:
            site = context["site"]
            reads: list[tuple] = []
            shared, problems = network.files(site, functools.partial(self.shared_html, reads=reads), self.texts)
            made = {
                "/feed.json": feeds.json_feed(site, self.sharing_image().url),
                "/robots.txt": feeds.robots(site),
                **export.files(site, self.texts, shared),
                **hosting.files(site),
                **cms.files(site, self),
            }
            return Output(tuple(made.items()), problems, [], tuple(reads))
        assert page.template is not None  # (every page not made in Python has its template)
        body = None
        if page.template == plan.SHARED:  # (its html, sanitised when it was read: network/shared.py)
            entry = context["entry"]
            body = markdown.Rendered(entry.body, text=entry.member.text)
        elif page.template in BODIES:
            entry = context["entry"]
            quote = None
            if entry.kind == "story" and entry.quote:
                quote = str(self.macro("pull_quote", quote=entry.quote))
            feed_prefix = self.shared_prefix if entry.path in self.offered else None
            body = markdown.render(entry.path, entry.body, entry.body_line, self.links, quote, feed_prefix)
        try:
            html = self.env.get_template(page.template).render(
                url=page.url,
                t=self.strings_for(context["lang"]),
                body=Markup(body.html) if body else "",
                quote_placed=bool(body and body.quote_placed),
                **context,
            )
        except jinja2.TemplateError as err:
            raise ContentError([template_problem(self.root, self.theme, err, page.url)]) from None
        if body is None:
            return Output(((page.url, html),), [], [], ())
        return Output(((page.url, html),), body.problems, body.images, tuple(body.reads), body.text, body.shared)


class SharedTexts:
    """The network feed's texts as HTML (Renderer.shared_html), kept between builds in
    the cache by what each is made from (its file, text and the address its links start
    with), each with what it read of the site, and used again only while the site still
    reads the same (markdown.still), as a stored page is. Parsing them again is most of
    the feed's work. A build keeps only the texts it used: those of the stories offered."""

    def __init__(self, path: Path | None, links: Links, prefix: str):
        self.path, self.links, self.prefix = path, links, prefix
        found = read_record(path, code_version()) if path else None
        self._known: dict[str, tuple[str, tuple]] = found or {}
        self._stale = found is None  # (a record of other code is replaced too: it may hold anything)
        self._used: dict[str, tuple[str, tuple]] = {}

    def get(self, entry: Entry) -> tuple[str, tuple] | None:
        key = self._key(entry)
        found = self._used.get(key) or self._known.get(key)
        if found is not None and markdown.still(found[1], self.links):
            self._used[key] = found
            return found
        return None

    def remember(self, entry: Entry, html: str, reads: tuple) -> tuple[str, tuple]:
        found = self._used[self._key(entry)] = (html, reads)
        return found

    def _key(self, entry: Entry) -> str:
        return digest(entry.path, entry.body, entry.body_line, self.prefix)

    def save(self) -> None:
        if self.path and (self._used != self._known or self._stale):
            write_record(self.path, code_version(), self._used)


DEFAULT_PREFIX = "default:"  # "default:base.html" is always the default theme's base.html


def environment(loader: jinja2.BaseLoader, **options: Any) -> jinja2.Environment:
    """Jinja as every theme template is written for: autoescaped, StrictUndefined, a
    block tag's newline trimmed and the indent before it stripped."""
    return jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )


class ThemeLoader(jinja2.BaseLoader):
    """The theme's templates (theme.py: the site's own over the default's, read as the
    site's own files are); "default:NAME" is the default theme's."""

    def __init__(self, theme: Theme):
        self.theme = theme

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        default = template.startswith(DEFAULT_PREFIX)
        found = self.theme.template(template.removeprefix(DEFAULT_PREFIX), default)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        return *found, lambda: True  # (a build's templates do not change while it runs)

    def list_templates(self) -> list[str]:
        return sorted(self.theme.templates)


def _unfolded(function: Callable[[str], str]) -> Callable:
    """A filter Jinja calls while rendering, never while compiling (a filter that takes
    the template's context is never computed ahead)."""

    @jinja2.pass_context
    def filter(context: jinja2.runtime.Context, value: str) -> str:
        return function(value)

    return filter


def template_problem(root: Path, theme: Theme, err: jinja2.TemplateError, url: str | None = None) -> Problem:
    """A template's error at its file and line: the syntax error, or the innermost
    line of a template that was running (Jinja keeps template lines in tracebacks)."""
    filename, line = getattr(err, "filename", None), getattr(err, "lineno", None) or 0
    if not filename:
        frames = traceback.extract_tb(err.__traceback__)
        found = [f for f in frames if f.filename.endswith((".html", ".xml"))]
        filename, line = (found[-1].filename, found[-1].lineno or 0) if found else (None, 0)
    where = _theme_path(root, theme, filename) if filename else "(theme)"
    return Problem(where, line, f"the template failed{f' on {url}' if url else ''}: {err.message or err}")


def _theme_path(root: Path, theme: Theme, filename: str) -> str:
    """A template's file as the site names it: theme/templates/x.html, or the default
    theme's, marked so."""
    path = Path(filename)
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    if path.is_relative_to(theme.default):
        return f"(default theme) {path.relative_to(theme.default).as_posix()}"
    return filename


def organisation_url(name: str) -> str:
    return f"/organisations/{slugify(name)}/"


def lang_dir(lang: str) -> str:
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


# -- writing every page, shared among worker processes -------------------------------


class Written(NamedTuple):
    """A page rendered and written: its record for the store, the pictures its text
    shows, and its item's text as plain text and as the network feed holds it (or None)."""

    url: str
    record: PageRecord
    images: list[ImageSet]
    text: str | None
    shared: str | None


def write(
    renderer: Renderer,
    pages: list[tuple[plan.Page, str]],
    tree: Tree,
    store: Store | None,
    jobs: int,
    done: Callable[[int, int], None],
) -> list[Written]:
    """Render each (page, key) and write its files into `tree` (keeping them in the
    store), in the order given, telling `done` how many are made so far. The result
    does not depend on `jobs`."""
    in_process = jobs <= 1 or len(pages) < 50  # (a few pages are quicker made than workers started)
    ranges = list(_ranges(len(pages), 1 if in_process else jobs))
    if in_process:
        parts: Iterable[list] = (_write(renderer, pages[start:stop], tree, store) for start, stop in ranges)
        return _gathered(parts, len(pages), done)
    with contextlib.closing(_in_workers((renderer, pages, tree, store), jobs, ranges)) as made:
        return _gathered(made, len(pages), done)


def _gathered(parts: Iterable[list], total: int, done: Callable[[int, int], None]) -> list:
    made: list = []
    for part in parts:
        made += part
        done(len(made), total)
    return made


def _write(renderer: Renderer, pages: list[tuple[plan.Page, str]], tree: Tree, store: Store | None) -> list[Written]:
    made = []
    for page, key in pages:
        output = renderer.render(page)
        names = tuple((url, _put(tree, store, url, text)) for url, text in output.files)
        problems = tuple((p.path, p.line, p.message, p.level) for p in output.problems)
        record = PageRecord(key, names, problems, tuple(str(i.source) for i in output.images), output.reads)
        made.append(Written(page.url, record, output.images, output.text, output.shared))
    return made


def _put(tree: Tree, store: Store | None, url: str, text: str | bytes) -> str:
    """Write a file into the output; its name in the store ("" without one)."""
    if store:
        return store.keep(tree, url, text)
    tree.write(relpath(url), text)
    return ""


# -- the render workers ----------------------------------------------------------------
#
# Forked with the renderer and the pages already in memory, so nothing large is
# pickled; each is sent a range of pages at a time, and sends back what it made. The
# build waits on the workers' pipes and on their deaths with one wait() and starts no
# thread: a process limit that stops a fork stops a thread too, and a helper thread that
# failed (as concurrent.futures' does) would leave the build waiting for ever.

Work = tuple[Renderer, list[tuple[plan.Page, str]], Tree, Store | None]


class WorkerFailure(OSError):
    """The system would not start the render workers, or one stopped before its pages
    were made: the build stops as on any other refusal of the system (cli.py: one line,
    exit status 2, the previous output kept)."""


def _in_workers(work: Work, jobs: int, ranges: list[tuple[int, int]]) -> Generator[list[Written]]:
    """What each range's pages made, in order, made by `jobs` forked workers; the
    workers are killed when this ends, however it ends."""
    context = multiprocessing.get_context("fork")
    workers: dict[Connection, BaseProcess] = {}
    try:
        for _ in range(min(jobs, len(ranges))):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, work, os.getpid()), daemon=True)
            try:
                process.start()
            except OSError as err:
                ours.close()
                raise WorkerFailure(
                    err.errno,
                    f"could not start the render workers ({err.strerror}): the system's limit on processes, "
                    "or its memory, is used up; build with --jobs 1 (no workers), or raise the limit (ulimit -u)",
                ) from None
            finally:
                theirs.close()  # (only the worker holds its end: its death closes the pipe)
            workers[ours] = process
        yield from _dispatch(workers, ranges)
    finally:
        for worker, started in workers.items():
            started.kill()
            started.join()
            worker.close()


def _dispatch(workers: dict[Connection, BaseProcess], ranges: list[tuple[int, int]]) -> Iterator[list[Written]]:
    """Each range to the next free worker; what each made, in the order of the ranges
    (and so the first error a page meets, as in one process: a template's, say)."""
    tasks = iter(enumerate(ranges))
    given: dict[Connection, int] = {}  # worker -> the range it is making
    made: dict[int, tuple[str, Any]] = {}  # range -> ("made", its pages) or ("failed", the error)

    def give(worker: Connection) -> None:
        task = next(tasks, None)
        if task is not None:
            given[worker] = task[0]
            _send(worker, workers[worker], task[1])

    for worker in workers:
        give(worker)
    for index in range(len(ranges)):
        while index not in made:
            ready = wait([*given, *(process.sentinel for process in workers.values())])
            for process in workers.values():
                if process.sentinel in ready:  # (a worker never ends while the build runs)
                    raise _died(process)
            for worker in given.keys() & set(ready):
                made[given.pop(worker)] = _received(worker, workers[worker])
                give(worker)
        outcome, value = made.pop(index)
        if outcome == "failed":
            raise value
        yield value


def _send(worker: Connection, process: BaseProcess, task: tuple[int, int]) -> None:
    try:
        worker.send(task)
    except OSError:  # (it died since the last wait)
        raise _died(process) from None


def _received(worker: Connection, process: BaseProcess) -> tuple[str, Any]:
    try:
        return worker.recv()
    except (EOFError, OSError):
        raise _died(process) from None


def _died(process: BaseProcess) -> WorkerFailure:
    process.join(5)  # (its pipe closes as it ends)
    code = process.exitcode
    if code == -signal.SIGKILL:
        how = "killed by SIGKILL, as the system does when memory runs out"
    elif code is not None and code < 0:
        how = f"killed by {signal.Signals(-code).name}"
    else:
        how = f"it ended with status {code}" if code is not None else "it stopped answering"
    return WorkerFailure(
        None, f"a render worker stopped before its pages were made ({how}): build again, or with fewer --jobs"
    )


def _serve(conn: Connection, work: Work, parent: int) -> None:
    """A worker: make each range of pages it is sent, until it is killed."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (Ctrl-C is the build's to handle: it kills the workers)
    renderer, pages, tree, store = work
    while True:
        start, stop = conn.recv()
        try:
            conn.send(("made", _write(renderer, pages[start:stop], tree, store)))
        except Exception as err:  # (the build reports it, as if made in-process)
            conn.send(("failed", err))


def _die_with(parent: int) -> None:
    """End this worker when the build that forked it ends, however it ends (even by
    SIGKILL, when no Python code of the parent runs): Linux's parent-death signal."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _ranges(total: int, jobs: int) -> Iterator[tuple[int, int]]:
    size = max(1, min(200, total // (jobs * 4) or 1))
    for start in range(0, total, size):
        yield start, min(total, start + size)
