"""The theme a site is rendered with: the default theme shipped with the engine, and
the site's own `theme/` folder over it, one file at a time.

A site may hold no theme at all, or only the files it changes: a template in
`theme/templates/` replaces the default's template of that name for every page (a
default template that includes or extends it gets the site's), a file in
`theme/static/` replaces the default's file of that name, and a strings file in
`theme/strings/` replaces just the words it gives. A site's template can build on
the default one it replaces: `{% extends "default:base.html" %}`.

Every theme file is read as the site's own files are (sitefiles.py): a link out of the
site, a FIFO or a device under theme/ is refused, by `check` and the build alike, and so
is a link out of theme/ itself (its files are published as they are). The default
theme's files are read the same way, within its own folder."""

from __future__ import annotations

import dataclasses
import hashlib
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

from . import limits, sitefiles
from .load import LoadError, decode, load_yaml
from .problems import ContentError, Problem


@cache
def default_folder() -> Path:
    """The default theme: in a source checkout (an editable install included), the
    project's top-level theme/ folder; where a wheel is installed, the copy it put among
    its data files (pyproject's data-files: share/goodrel-site/theme under the
    environment's data folder), found through the wheel's own list of what it installed,
    and only if this very code came from that wheel."""
    here = Path(__file__).resolve()
    try:
        installed = metadata.distribution("goodrel-site")
    except metadata.PackageNotFoundError:
        installed = None
    if installed is not None and Path(str(installed.locate_file("goodrel_site/theme.py"))).resolve() == here:
        for file in installed.files or ():
            if file.parts[-4:] == ("goodrel-site", "theme", "templates", "base.html"):
                return Path(str(installed.locate_file(file))).resolve().parent.parent
    return here.parent.parent / "theme"


class Theme:
    """The theme folders of one site, the site's own first, each with the folder its
    files must stay inside (the site root; the default theme's own folder)."""

    def __init__(self, root: Path):
        self.root = root
        self.default = default_folder().resolve()
        own = root / "theme"
        layers = [(own, root)] if own.is_dir() and own.resolve() != self.default else []
        self.layers = tuple(layers + [(self.default, self.default)])

    def problems(self) -> list[Problem]:
        """Everything under the site's theme/ that the site refuses to read (a link out
        of the site, a FIFO…), and a theme/ folder that is itself a link out."""
        own = self.root / "theme"
        if not own.exists() and not own.is_symlink():
            return []
        try:
            sitefiles.inspect_folder(self.root, own)
        except sitefiles.Refused as err:
            return [err.problem]
        except FileNotFoundError:
            return []
        paths, refused = sitefiles.files(self.root, own, recursive=True)
        return sorted([*refused, *self._leading_out(paths)])

    def _leading_out(self, paths: list[Path]) -> list[Problem]:
        """The site's theme files that a link takes out of its theme/ folder (or the
        default theme's): each is published or run as it is, so a link to another file
        of the checkout (notes, a deploy key) is refused."""
        return sitefiles.leading_out(self.root, self.root / "theme", paths, (self.default,))

    def _files(self, part: str, suffix: str = "") -> dict[str, tuple[Path, Path]]:
        """Every file of a part of the theme (static, strings, templates) by its name in
        that part, the site's own over the default's, with the folder it stays in."""
        found: dict[str, tuple[Path, Path]] = {}
        problems = []
        for folder, boundary in reversed(self.layers):
            paths, refused = sitefiles.files(boundary, folder / part, suffix, recursive=True)
            problems += refused + (self._leading_out(paths) if boundary == self.root else [])
            for path in paths:
                found[path.relative_to(folder / part).as_posix()] = path, boundary
        if problems:
            raise ContentError(problems)
        return dict(sorted(found.items()))

    def _read(self, path: Path, boundary: Path) -> bytes:
        try:
            return sitefiles.read_bytes(boundary, path, limits.THEME_FILE_BYTES)
        except sitefiles.Refused as err:
            raise ContentError([self._named(err.problem, boundary)]) from None

    def _named(self, problem: Problem, boundary: Path) -> Problem:
        """A problem with a default theme file, named as a file of that theme."""
        return (
            problem if boundary == self.root else dataclasses.replace(problem, path=f"(default theme) {problem.path}")
        )

    @cached_property
    def _static(self) -> dict[str, tuple[Path, Path]]:
        return self._files("static")

    @cached_property
    def static(self) -> dict[str, Path]:
        """Every static file by its path under /assets/."""
        return {name: path for name, (path, _) in self._static.items()}

    def static_bytes(self, name: str) -> bytes:
        return self._read(*self._static[name])

    @cached_property
    def strings(self) -> dict[str, dict[str, Any]]:
        """The theme's words by language, the site's own over the default's."""
        found: dict[str, dict[str, Any]] = {}
        for folder, boundary in reversed(self.layers):
            paths, problems = sitefiles.files(boundary, folder / "strings", ".yaml")
            problems += self._leading_out(paths) if boundary == self.root else []
            if problems:
                raise ContentError(problems)
            for path in paths:
                rel = sitefiles.relative(boundary, path)
                try:
                    words, _ = load_yaml(decode(self._read(path, boundary), rel), rel)
                except LoadError as err:
                    raise ContentError([self._named(err.problem, boundary)]) from None
                found.setdefault(path.stem, {}).update(words or {})
        return found

    @cached_property
    def templates(self) -> dict[str, tuple[Path, Path]]:
        """Every template by name, the site's own over the default's."""
        return self._files("templates")

    def template(self, name: str, default: bool = False) -> tuple[str, str] | None:
        """A template's source and file (`default`: the default theme's), or None."""
        found = self._default_templates.get(name) if default else self.templates.get(name)
        if found is None:
            return None
        path, boundary = found
        return self._read(path, boundary).decode("utf-8"), str(path)

    @cached_property
    def _default_templates(self) -> dict[str, tuple[Path, Path]]:
        paths, problems = sitefiles.files(self.default, self.default / "templates", recursive=True)
        if problems:
            raise ContentError([self._named(p, self.default) for p in problems])
        return {p.relative_to(self.default / "templates").as_posix(): (p, self.default) for p in paths}

    @cached_property
    def digest(self) -> str:
        """What every page depends on: the strings and the static files (pages name
        assets by their content). Templates count page by page (keys.py)."""
        h = hashlib.blake2b(repr(sorted(self.strings.items())).encode(), digest_size=16)
        for name in self.static:
            h.update(name.encode() + b"\0" + self.static_bytes(name) + b"\0")
        return h.hexdigest()
