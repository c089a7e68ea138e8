"""A whole build, stage by stage: load and validate, make the Site, plan every page,
render what is not already made, write, index. Everything is read and checked before
anything is published, and the output appears only when every stage succeeded."""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from . import history, images, markdown, review, search
from .keys import Keys
from .kinds import KIND
from .models import Settings
from .network import shared as network
from .network.fetch import Fetched
from .options import Options, Result
from .output import Tree, output_tree, relpath
from .plan import Made, Page, clashes, plan
from .problems import ContentError, Problem, UsageError
from .progress import Silent
from .records import FOLDER, file_digest
from .render import BODIES, Renderer, links, write
from .site import Site, build_site
from .sources import Sources
from .store import PageRecord, Store
from .theme import Theme
from .uptodate import Inputs, Note, note, pictures, summary
from .validate import Validated, entry_image, validate


def load_site(
    root: Path,
    now: date,
    drafts: bool = False,
    base_url: str | None = None,
    sources: Sources | None = None,
    validated: Validated | None = None,
    feeds: dict[str, Fetched] | None = None,
) -> tuple[Site, list[Problem]]:
    """The Site, and the notes on its content; `feeds`: a hub's members' feeds as
    fetched (network/fetch.py; without them, a hub shows its own stories alone)."""
    content = (
        validate(root, sources.load, validated, now, drafts) if sources else validate(root, now=now, drafts=drafts)
    )
    content = history.with_updated_dates(content, now)
    if base_url:
        try:
            settings = Settings.model_validate({**content.settings.model_dump(), "base_url": base_url})
        except ValidationError:
            raise UsageError(f"--base-url {base_url!r} is not an address such as https://example.org/") from None
        content = dataclasses.replace(content, settings=settings)
    members, shared = network.read(content.settings, feeds or {}) if feeds is not None else ([], [])
    site = build_site(content, now, drafts, tuple(members))
    if sources is not None:
        sources.keep(site.withheld)  # (none of a withheld item's files is kept)
    return site, [*content.notes, *shared]


def check(root: Path, now: date) -> list[Problem]:
    """Every problem a build would meet, without writing anything, and what an editor
    should know before merging (review.py)."""
    theme = Theme(root)
    refused = theme.problems()
    try:
        content = validate(root, now=now)
    except ContentError as err:
        return sorted([*refused, *err.problems])
    site = build_site(content, now)
    notes = [*refused, *content.notes, *review.notes(content, now), *clashes(site, plan(site))]
    if not refused:
        notes += Renderer(site, theme).template_problems()
    targets = links(site)
    shown = []
    for entry in site.entries:
        rendered = markdown.render(entry.path, entry.body, entry.body_line, targets)
        notes += rendered.problems
        shown += rendered.images
    notes += _decoded(_pictures(site, shown), images.verify)  # (as the build would, when it makes the sizes)
    return sorted(notes)


def build_all(
    root: Path, options: Options, inputs: Inputs | None, progress: Silent, feeds: dict[str, Fetched] | None = None
) -> Result:
    """Every stage; what the build reports. `feeds`: a hub's members' (fetch.fetch_all)."""
    clock = _Clock(progress)
    theme = Theme(root)
    refused = theme.problems()
    if refused:
        raise ContentError(refused)
    sources = Sources(root) if options.cache else None
    site, notes = load_site(root, options.now, options.drafts, options.base_url, sources, feeds=feeds or {})
    clock.lap("read and checked the content")
    pages = plan(site)
    found = clashes(site, pages)
    if found:
        raise ContentError(found)
    renderer = Renderer(site, theme, root / FOLDER)
    store = Store(root) if options.cache else None
    keys = Keys(site, renderer, root / FOLDER / "templates.names" if store else None)
    clock.lap("planned the pages")
    with output_tree(options.out, reuse=options.cache) as tree:
        records, shown = _pages(pages, keys, renderer, store, tree, options.jobs, progress)
        problems = [Problem(*p) for r in records.values() for p in r.problems]
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise ContentError(errors)
        clock.lap("rendered the pages")
        media = _write_images(site, shown, tree, root / FOLDER / "media")
        for name in theme.static:
            tree.write(f"assets/{name}", theme.static_bytes(name))
        clock.lap("wrote the pictures")
        if options.search:
            _index(
                pages, records, tree, root / FOLDER / "search" if store else None, site.settings.language, options.jobs
            )
            clock.lap("indexed for search")
    result = Result(len(tree.made), len(site.stories), len(site.events), tuple(sorted(set(notes + problems))))
    if store is not None and inputs is not None:
        store.save(records)
        keys.save()
        note(root, options, Note(inputs, pictures(media), tree.published, summary(result)))
    return result


def _pages(
    pages: list[Page], keys: Keys, renderer: Renderer, store: Store | None, tree: Tree, jobs: int, progress: Silent
) -> tuple[dict[str, PageRecord], list[images.ImageSet]]:
    """Every page in the output: linked from the store where it is made already, else
    rendered; each page's record, and the pictures the pages' texts show."""
    records: dict[str, PageRecord] = {}
    shown: list[images.ImageSet] = []
    todo = []
    for page in pages:
        key = keys.page(page)
        record = store.index.get(page.url) if store is not None else None
        if (
            store is not None
            and record is not None
            and record.key == key
            and markdown.still(record.reads, renderer.links)
            and store.link(tree, record.files)
        ):
            records[page.url] = record
            shown += [images.plan(Path(p)) for p in record.images]
        else:
            todo.append((page, key))
    # The files made from the whole site come after the pages: the open data holds every
    # text in plain words, which the pages that show the texts have made on the way.
    shows = {page.url: page.context["entry"] for page, _ in todo if page.template in BODIES}
    site_files = [item for item in todo if item[0].made is Made.SITE_FILES]
    made = write(renderer, [item for item in todo if item not in site_files], tree, store, jobs, progress.count)
    for one in made:
        if one.text is not None:
            renderer.texts.remember(shows[one.url].body, one.text)
        if one.shared is not None:  # (and the network feed's html of it)
            renderer.shared_texts.remember(shows[one.url], one.shared, one.record.reads)
    if site_files:
        made += write(renderer, site_files, tree, store, 1, progress.count)
        renderer.texts.save()
        renderer.shared_texts.save()
    for one in made:
        records[one.url] = one.record
        shown += one.images
    tree.made.update(relpath(url) for record in records.values() for url, _ in record.files)
    return {page.url: records[page.url] for page in pages}, shown


def _index(
    pages: list[Page], records: dict[str, PageRecord], tree: Tree, cache: Path | None, language: str, jobs: int
) -> None:
    """The search index of the story and event pages, Pagefind's bundles kept in
    `cache` (without one, in a folder of their own for this build alone)."""
    indexed = []
    for page in pages:
        if page.made is Made.TEMPLATE and "entry" in page.context and KIND[page.context["entry"].kind].dated:
            rel = relpath(page.url)
            content = records[page.url].files[0][1] or file_digest((tree.path / rel).read_bytes())
            indexed.append(search.Indexed(rel, page.context["entry"].date, content))
    if cache is not None:
        search.index(tree, indexed, cache, language, jobs)
        return
    with tempfile.TemporaryDirectory(prefix=".goodrel-search-", dir=tree.path.parent) as folder:
        search.index(tree, indexed, Path(folder), language, jobs)


def _pictures(site: Site, shown: list[images.ImageSet]) -> dict[Path, tuple[images.ImageSet, str, int, str]]:
    """Each picture the site shows, where, and how a problem there names it: an item's
    own picture at its `src` line, a picture in a text by its own path (the text's line
    is not kept in the page's record)."""
    wanted = {i.source: (i, i.source.relative_to(site.root.resolve()).as_posix(), 0, "") for i in shown}
    for entry in site.entries:
        own = getattr(entry.meta, "image", None)
        if own:
            found = entry_image(site.root, entry)
            wanted[found.source] = (found, entry.path, entry.line("image", "src"), f"the image '{own.src}' ")
    return wanted


def _decoded(
    wanted: dict[Path, tuple[images.ImageSet, str, int, str]], decode: Callable[[images.ImageSet], object]
) -> list[Problem]:
    """The site's pictures counted from their headers, then each decoded whole by
    `decode` (ImageError for a damaged one), only if they are within the budget: a
    Problem where each is shown for what went wrong."""
    problems = images.over_budget(wanted)
    for source in sorted(wanted) if not problems else ():
        image, path, line, named = wanted[source]
        try:
            decode(image)
        except images.ImageError as err:
            problems.append(Problem(path, line, named + err.message))
    return problems


def _write_images(site: Site, shown: list[images.ImageSet], out: Tree, media: Path) -> list[Path]:
    """Write every picture the pages show, from the media cache, which keeps no other
    (nothing of a picture no longer shown stays); their source files."""
    wanted = _pictures(site, shown)
    made: dict[Path, list[str]] = {}

    def make(image: images.ImageSet) -> None:
        made[image.source] = images.cached(image, media)

    problems = _decoded(wanted, make)
    if problems:
        raise ContentError(problems)
    used = set()
    for source in sorted(wanted):
        for name in made[source]:
            out.link(f"media/{name}", media / name)
            used.add(name)
    for old in os.scandir(media) if media.is_dir() else ():
        if old.name not in used:
            os.unlink(old.path)
    return sorted(wanted)


class _Clock:
    def __init__(self, progress: Silent):
        self.progress, self.last = progress, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.progress.stage(stage, now - self.last)
        self.last = now
