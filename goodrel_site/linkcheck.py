"""An internal link checker over a whole built site, as a host would serve it below its
base URL (`https://org.github.io/stories-site/` serves the output folder's files under
`/stories-site/`).

It follows every link that points inside the site: in HTML, each href, src, srcset,
poster and action, a refresh's address, script imports and the site's own addresses in
meta tags and JSON-LD; in feeds, the sitemap and the open data (XML, JSON), every
address of the site, and the links inside entries' HTML; in any other text file, the
site's absolute addresses. A link is broken when no file answers it (`/a/b/` is
a/b/index.html; `/a/b` is the file a/b or the folder's index.html), when it leaves the
base path (a root-relative `/assets/…` on a site served under `/stories-site/`), or
when its #fragment names no id on the page it leads to.

    python -m goodrel_site.linkcheck public --base-url https://org.github.io/stories-site/
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from posixpath import normpath
from urllib.parse import unquote, urljoin, urlsplit
from xml.parsers import expat

URL_ATTRIBUTES = {"href", "src", "poster", "action", "data", "cite"}
SKIPPED_SCHEMES = {"mailto", "tel", "data", "javascript", "sms", "geo"}
IMPORTS = re.compile(r"""(?:\bimport\s*\(\s*|\bimport\s+|\bfrom\s+)["']([^"']+)["']""")
CSS_URLS = re.compile(r"""url\(\s*["']?(?!data:)([^"')\s]+)""")
# XML elements whose text is an address (sitemap, Atom) and feed fields holding HTML.
XML_ADDRESSES = {"loc", "id", "uri", "icon", "logo", "url"}
HTML_FIELDS = {"content", "summary", "content_html", "description"}
TEXT_SUFFIXES = {".txt", ".csv", ".ris", ".bib", ".yml", ".yaml", ".js", ".css", ".svg", ".webmanifest"}


@dataclass(frozen=True, order=True)
class Broken:
    path: str  # the output file holding the link, relative to the output folder
    line: int
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.link}: {self.reason}"


@dataclass
class Report:
    files: int = 0  # files read
    links: int = 0  # internal links followed
    broken: list[Broken] = field(default_factory=list)


@dataclass(frozen=True)
class LinkAt:
    line: int
    url: str


class Published:
    """The output folder and the address it is served at."""

    def __init__(self, folder: Path, base_url: str):
        base = urlsplit(base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ValueError(f"--base-url {base_url!r} is not an address such as https://example.org/stories/")
        self.folder = folder
        self.netloc = base.netloc
        self.prefix = "/" + base.path.strip("/") + "/" if base.path.strip("/") else "/"
        self.base = f"{base.scheme}://{base.netloc}{self.prefix}"
        self.files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        self.ids: dict[str, set[str]] = {}

    def url_of(self, rel: str) -> str:
        """The address a file is served at (a folder's index.html at the folder's)."""
        return self.prefix + (rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)

    def resolve(self, page: str, link: str) -> tuple[str, str] | str | None:
        """(file, fragment) for an internal link from `page`, None for an outside one,
        or why it is broken."""
        split = urlsplit(link)
        if split.scheme in SKIPPED_SCHEMES or split.scheme and split.scheme not in ("http", "https"):
            return None
        if split.netloc and split.netloc != self.netloc:
            return None
        path = urljoin(page, split.path) if split.path else page
        if not path.startswith(self.prefix):
            return f"outside the site's base path {self.prefix}"
        rel = unquote(path[len(self.prefix) :])
        if ".." in rel.split("/"):
            rel = normpath(rel)
        candidates = [rel + "index.html"] if rel == "" or rel.endswith("/") else [rel, rel + "/index.html"]
        for candidate in candidates:
            if candidate in self.files:
                return candidate, split.fragment
        return "no such file in the output"


def check(folder: Path, base_url: str) -> Report:
    """Every internal link of the site in `folder`, served at `base_url`, followed."""
    site = Published(folder, base_url)
    report = Report()
    found: list[tuple[str, LinkAt]] = []
    for rel in sorted(site.files):
        links = _links(site, rel)
        if links is not None:
            report.files += 1
            found += [(rel, link) for link in links]
    for rel, link in found:
        target = site.resolve(site.url_of(rel), link.url)
        if target is None:
            continue
        report.links += 1
        if isinstance(target, str):
            report.broken.append(Broken(rel, link.line, link.url, target))
            continue
        file, fragment = target
        if (
            fragment
            and not fragment.startswith(":~:")
            and file.endswith(".html")
            and unquote(fragment) not in site.ids.get(file, ())
        ):
            report.broken.append(
                Broken(rel, link.line, link.url, f"no element has the id '{unquote(fragment)}' in {file}")
            )
    report.broken.sort()
    return report


def _links(site: Published, rel: str) -> list[LinkAt] | None:
    """The links a file holds (None: a file of a kind that holds none, or not text)."""
    try:
        text = (site.folder / rel).read_text("utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    suffix = Path(rel).suffix
    if suffix in (".html", ".htm"):
        page = _Html(site)
        page.feed(text)
        page.close()
        site.ids[rel] = page.ids
        return page.links
    if suffix == ".xml":
        return _xml(site, text)
    if suffix == ".json":
        try:
            return _json(site, json.loads(text), text)
        except ValueError:  # (not the site's: Pagefind's, say)
            return []
    if suffix not in TEXT_SUFFIXES and suffix != "":
        return None
    links = _absolute(site, text)
    if suffix == ".js":
        links += [LinkAt(_line(text, m.start()), m[1]) for m in IMPORTS.finditer(text) if m[1].startswith("/")]
    if suffix == ".css":
        links += [LinkAt(_line(text, m.start()), m[1]) for m in CSS_URLS.finditer(text)]
    return links


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _absolute(site: Published, text: str, first_line: int = 1) -> list[LinkAt]:
    """The site's own absolute addresses in a text."""
    pattern = re.compile(r"(?:https?:)?//" + re.escape(site.netloc) + r"""[^\s"'<>()\[\]{},]*""")
    return [LinkAt(first_line + _line(text, m.start()) - 1, m[0]) for m in pattern.finditer(text)]


def _is_site_address(site: Published, value: str) -> bool:
    split = urlsplit(value)
    return split.scheme in ("http", "https") and split.netloc == site.netloc


def _json(site: Published, value: object, text: str) -> list[LinkAt]:
    links: list[LinkAt] = []

    def walk(item: object, key: str | None = None) -> None:
        if isinstance(item, dict):
            for k, v in item.items():
                walk(v, k)
        elif isinstance(item, list):
            for v in item:
                walk(v, key)
        elif isinstance(item, str):
            line = _line(text, max(text.find(json.dumps(item)[1:-1]), 0))
            if key in HTML_FIELDS and "<" in item:
                links.extend(_html_fragment(site, item, line))
            elif _is_site_address(site, item):
                links.append(LinkAt(line, item))

    walk(value)
    return links


def _html_fragment(site: Published, html: str, line: int) -> list[LinkAt]:
    """The links of HTML held inside another file (a feed entry's content)."""
    inner = _Html(site, line - 1)
    inner.feed(html)
    inner.close()
    return inner.links


def _xml(site: Published, text: str) -> list[LinkAt]:
    links: list[LinkAt] = []
    parser = expat.ParserCreate()
    stack: list[tuple[str, bool, int, list[str]]] = []  # (name, holds html, line, text)

    def start(name: str, attrs: dict) -> None:
        line = parser.CurrentLineNumber
        for attr in ("href", "src"):
            if attr in attrs:
                links.append(LinkAt(line, attrs[attr]))
        local = name.rsplit(":", 1)[-1]
        stack.append((local, local in HTML_FIELDS and attrs.get("type") in ("html", "xhtml", None), line, []))

    def end(name: str) -> None:
        local, holds_html, line, parts = stack.pop()
        content = "".join(parts).strip()
        if local in XML_ADDRESSES and content:
            if _is_site_address(site, content) or content.startswith("/"):
                links.append(LinkAt(line, content))
        elif holds_html and "<" in content:
            links.extend(_html_fragment(site, content, line))

    def data(chunk: str) -> None:
        if stack:
            stack[-1][3].append(chunk)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    try:
        parser.Parse(text, True)
    except expat.ExpatError as err:
        return [LinkAt(err.lineno, f"(unreadable XML: {err})")]
    return links


class _Html(HTMLParser):
    """The links and ids of one HTML page."""

    def __init__(self, site: Published, line_offset: int = 0):
        super().__init__(convert_charrefs=True)
        self.site, self.first_line = site, line_offset
        self.links: list[LinkAt] = []
        self.ids: set[str] = set()
        self._script: tuple[str, int] | None = None  # (type, line) of the script being read
        self._text: list[str] = []

    def add(self, url: str) -> None:
        url = url.strip()
        if url:
            self.links.append(LinkAt(self.getpos()[0] + self.first_line, url))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name in URL_ATTRIBUTES & values.keys():
            self.add(values[name])
        for name in ("srcset", "imagesrcset"):
            for candidate in values.get(name, "").split(","):
                self.add(candidate.strip().split(" ")[0])
        if tag == "meta":
            content = values.get("content", "")
            if values.get("http-equiv", "").lower() == "refresh":
                found = re.search(r"url\s*=\s*['\"]?([^'\"]+)", content, re.I)
                if found:
                    self.add(found[1])
            elif _is_site_address(self.site, content):
                self.add(content)
        if tag == "script":
            self._script, self._text = (values.get("type", ""), self.getpos()[0] + self.first_line), []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        kind, line = self._script
        text, self._script = "".join(self._text), None
        if kind in ("application/ld+json", "application/json"):
            try:
                found = json.loads(text)
            except ValueError:
                self.links.append(LinkAt(line, "(unreadable JSON in a script element)"))
                return
            self.links += [LinkAt(line + link.line - 1, link.url) for link in _json(self.site, found, text)]
        else:
            self.links += [LinkAt(line + _line(text, m.start()) - 1, m[1]) for m in IMPORTS.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m goodrel_site.linkcheck", description="Find broken internal links in a built site."
    )
    parser.add_argument("folder", type=Path, help="the output folder (a build's --out)")
    parser.add_argument("--base-url", required=True, help="the address the folder is served at")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"linkcheck: {args.folder} is not a folder: give a build's output folder", file=sys.stderr)
        return 2
    try:
        report = check(args.folder, args.base_url)
    except ValueError as err:
        print(f"linkcheck: {err}", file=sys.stderr)
        return 2
    for broken in report.broken:
        print(broken)
    print(f"{report.links} internal links in {report.files} files: {len(report.broken)} broken.")
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
