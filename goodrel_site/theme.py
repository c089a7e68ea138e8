"""The theme a site is rendered with: the default theme shipped with the engine, and
the site's own `theme/` folder over it, one file at a time.

A site may hold no theme at all, or only the files it changes: a template in
`theme/templates/` replaces the default's template of that name for every page (a
default template that includes or extends it gets the site's), a file in
`theme/static/` replaces the default's file of that name, and a strings file in
`theme/strings/` replaces just the words it gives. A site's template can build on
the default one it replaces: `{% extends "default:base.html" %}`."""

from __future__ import annotations

import hashlib
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import jinja2

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same values, faster
DEFAULT_PREFIX = "default"  # "default:base.html" is always the default theme's base.html


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
    if installed is not None and installed.locate_file("goodrel_site/theme.py").resolve() == here:
        for file in installed.files or ():
            if file.parts[-4:] == ("goodrel-site", "theme", "templates", "base.html"):
                return Path(installed.locate_file(file)).resolve().parent.parent
    return here.parent.parent / "theme"


class Theme:
    """The theme folders of one site, the site's own first."""

    def __init__(self, root: Path):
        default = default_folder().resolve()
        own = (root / "theme").resolve()
        self.default = default
        self.folders = tuple(dict.fromkeys(f for f in (own, default) if f.is_dir()))

    @cached_property
    def loader(self) -> jinja2.BaseLoader:
        import jinja2  # (only when rendering: the up-to-date check needs the folders alone)

        chain = [jinja2.FileSystemLoader(str(f / "templates")) for f in self.folders]
        default = jinja2.FileSystemLoader(str(self.default / "templates"))
        return jinja2.ChoiceLoader([jinja2.PrefixLoader({DEFAULT_PREFIX: default}, delimiter=":"), *chain])

    @cached_property
    def static(self) -> dict[str, Path]:
        """Every static file by its path under /assets/, the site's own first."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    found[path.relative_to(static).as_posix()] = path
        return dict(sorted(found.items()))

    @cached_property
    def strings(self) -> dict[str, dict[str, Any]]:
        """The theme's words by language, the site's own over the default's."""
        found: dict[str, dict[str, Any]] = {}
        for folder in reversed(self.folders):
            for path in sorted((folder / "strings").glob("*.yaml")):
                words = yaml.load(path.read_text("utf-8"), Loader=_YAML_LOADER) or {}
                found.setdefault(path.stem, {}).update(words)
        return found

    @cached_property
    def digest(self) -> str:
        """Every file of the theme as pages see it: templates, strings and static files
        (pages name assets by their content)."""
        h = hashlib.blake2b(repr(sorted(self.strings.items())).encode(), digest_size=16)
        for name, path in self.static.items():
            h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        import jinja2

        env = jinja2.Environment()
        for name in sorted(self.loader.list_templates()):
            h.update(name.encode() + b"\0" + self.loader.get_source(env, name)[0].encode() + b"\0")
        return h.hexdigest()
