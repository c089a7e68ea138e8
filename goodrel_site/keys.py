"""The key of a page: a digest of everything it is made from, so that a page with the
same key is the same page, by construction.

A page is made from its context (plan.py: every value its template sees besides the
site-wide ones), its template and the templates that one includes, extends or
imports, and what every page shares: the code and library versions, the settings, the
build date and options, the theme's strings and static files, the free pages in the
navigation. Values in a context are described as plain data; a content item (Entry)
by the digest of its front matter as validated, its text and its image file; the
whole Site (given only to files made from all of it, such as the open data) by the
digests of all its items. A context value of any other kind is a mistake in the plan,
reported as one, never guessed at."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cms
from .models import Entry
from .plan import Made
from .records import Memo, code_version, digest, file_digest, signature
from .site import Site
from .validate import image_path

if TYPE_CHECKING:
    from .plan import Page
    from .render import Renderer

_PLAIN = (str, int, float, bool, type(None))
# The templates a page made in Python renders: among the site's files, the web editor's.
RENDERS = {Made.SITE_FILES: (cms.PAGE,), Made.CITATIONS: ()}


class Keys:
    def __init__(self, site: Site, renderer: Renderer, memo: Path | None = None):
        """Keys for the pages of `site` as `renderer` makes them: what every page shares
        (the settings, the theme's words and files, renderer.shared: the navigation, the
        URL prefix…) and its templates; `memo`: where the templates each template names
        are kept by the digest of its source (parsing a template is the slow part of
        reading it)."""
        self._renderer = renderer
        self._base = digest(
            code_version(),
            site.settings.model_dump_json(),
            site.now.isoformat(),
            site.drafts,
            renderer.theme.digest,
            renderer.shared,
        )
        self._entries = {e.path: _entry_digest(site, e) for e in site.entries}
        self._site = digest(self._base, tuple(self._entries.values()))
        self._templates: dict[str, str] = {}
        self._sources: dict[str, tuple[str, tuple] | None] = {}  # template -> (digest, names)
        self._names = Memo(memo, self._parse)

    def page(self, page: Page) -> str:
        if page.template is None:  # made in Python: by its code (in _base) and what it renders
            made = digest(page.made.value, *map(self.template, RENDERS[page.made]))
        else:
            made = self.template(page.template)
        return digest(self._base, made, page.url, self.describe(page.context))

    def template(self, name: str) -> str:
        """A template's source and everything it includes, extends or imports."""
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = digest(*self._closure(name))
        return found

    def _closure(self, name: str) -> list[str]:
        if self._source(name) is None:
            return [f"{name}: not a template"]
        sources, todo, seen = [], [name, *self._renderer.HELPERS], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found = self._source(current)
            if found is None:
                sources.append(f"{current}: not a template")
                continue
            sources.append(f"{current}\0{found[0]}")
            for named in found[1]:
                # (None: a name computed while rendering, so any template may be used)
                todo += self._renderer.env.list_templates() if named is None else [named]
        return sorted(sources)

    def _source(self, name: str) -> tuple[str, tuple] | None:
        """A template's source digest and the names of the templates it uses."""
        if name not in self._sources:
            source = self._renderer.template_source(name)
            self._sources[name] = None if source is None else (file_digest(source.encode()), self._names(source))
        return self._sources[name]

    def _parse(self, source: str) -> tuple:
        from jinja2 import TemplateSyntaxError, meta

        try:
            return tuple(meta.find_referenced_templates(self._renderer.env.parse(source)))
        except TemplateSyntaxError:  # named at its line when a page renders it
            return ()

    def save(self) -> None:
        """Keep what each template used in this build names, for the next build."""
        self._names.save()

    def describe(self, value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is tuple or kind is list:
            return tuple([self.describe(v) for v in value])
        if kind is dict:
            return tuple([(k, self.describe(v)) for k, v in value.items()])
        if kind is Entry:
            return "E", self._entries[value.path]
        if kind is Site:
            return "S", self._site
        if isinstance(value, date):
            return "D", value.isoformat()
        if isinstance(value, tuple):  # a NamedTuple
            return (kind.__name__, *[self.describe(v) for v in value])
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (kind.__name__, *[self.describe(getattr(value, f.name)) for f in dataclasses.fields(value)])
        raise TypeError(f"a page's context cannot hold a {kind.__name__}: plan it as plain values")


def _entry_digest(site: Site, entry: Entry) -> str:
    image = getattr(entry.meta, "image", None)
    path = image_path(site.root, entry, image.src) if image else None
    picture = signature(path) if path else None
    return digest(
        entry.kind,
        entry.path,
        entry.slug,
        entry.url,
        entry.meta.model_dump_json(),
        file_digest(entry.body.encode()),
        entry.body_line,
        picture,
        entry.member,  # (a shared story's member, original and picture: plain values)
    )
