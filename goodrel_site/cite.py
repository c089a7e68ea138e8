"""How to cite a story: APA (7th edition) and Harvard (Cite Them Right) as ready text,
and BibTeX (biblatex), RIS and CSL-JSON files for reference managers.

A story has no personal author (storytellers are often anonymous), so the publisher
is the group author and the site is the website the page belongs to."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from .chars import FORBIDDEN
from .models import Entry, Settings
from .site import absolute_url

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Citation:
    """A citation as runs of text, each (text, italic), so that a template can set the
    title in italics while autoescaping every part."""

    runs: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass(frozen=True)
class Cited:
    """What every citation style needs to know about one story."""

    key: str
    author: str  # the group author
    title: str
    original_title: str | None  # the original's title, for a translation
    website: str
    published: date
    accessed: date
    url: str
    summary: str
    lang: str
    keywords: tuple[str, ...]


def source(settings: Settings, now: date, story: Entry, original: Entry | None) -> Cited:
    """A story's citation; `original` is the public story it translates, if any."""
    return Cited(
        key=f"goodrel-{story.slug}",
        author=settings.publisher,
        title=_one_line(story.title),
        original_title=_one_line(original.title) if original else None,
        website=settings.title,
        published=story.date,
        accessed=now,
        url=absolute_url(settings, story.url),
        summary=_one_line(story.summary),
        lang=story.lang or settings.language,
        keywords=tuple(settings.categories[key].label for key in story.categories) + tuple(story.tags),
    )


def apa(src: Cited) -> Citation:
    """Group author. (Year, Month Day). *Title* [Translated title]. Website. URL"""
    day = src.published
    runs = [(f"{src.author}. ({day.year}, {MONTHS[day.month - 1]} {day.day}). ", False), (src.title, True)]
    if src.original_title:
        runs.append((f" [{src.original_title}]", False))
    if src.website != src.author:  # APA leaves out a site name that repeats the author
        runs.append((f". {src.website}", False))
    runs.append((f". {src.url}", False))
    return Citation(tuple(runs))


def harvard(src: Cited) -> Citation:
    """Author (Year) *Title*. Available at: URL (Accessed: day Month year)."""
    runs = [(f"{src.author} ({src.published.year}) ", False), (src.title, True)]
    if src.original_title:
        runs.append((f" [{src.original_title}]", False))
    runs.append((f". Available at: {src.url} (Accessed: {_long(src.accessed)}).", False))
    return Citation(tuple(runs))


def bibtex(src: Cited) -> str:
    """A biblatex @online entry; the publisher in double braces, as a name that must not
    be split into first and last names."""
    fields = [
        ("author", "{" + _tex(src.author) + "}"),
        ("title", _tex(src.title)),
        ("organization", _tex(src.website)),
        ("date", src.published.isoformat()),
        ("year", str(src.published.year)),
        ("url", _url(src.url)),
        ("urldate", src.accessed.isoformat()),
        ("langid", _tex(src.lang)),
        ("abstract", _tex(src.summary)),
        ("keywords", _tex(", ".join(src.keywords))),
    ]
    if src.original_title:
        fields.insert(2, ("titleaddon", _tex(f"[{src.original_title}]")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{_tex(src.key)},\n{body}\n}}\n"


def ris(src: Cited) -> str:
    """RIS, tag by tag, CRLF line ends as the format expects; each value on one line
    (a line break in a value would start a tag, or a record, of its own)."""
    day = src.published
    lines = [("TY", "ELEC"), ("ID", src.key), ("AU", src.author), ("TI", src.title)]
    if src.original_title:
        lines.append(("TT", src.original_title))
    lines += [
        ("T2", src.website),
        ("PB", src.author),
        ("PY", str(day.year)),
        ("DA", f"{day.year}/{day.month:02d}/{day.day:02d}/"),
        ("UR", _url(src.url)),
        ("Y2", src.accessed.isoformat().replace("-", "/")),
        ("LA", src.lang),
        ("AB", src.summary),
    ]
    lines += [("KW", word) for word in src.keywords]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


def highwire(src: Cited) -> tuple[tuple[str, str], ...]:
    """The citation as the `citation_*` meta tags (Highwire Press's names) that Zotero,
    Mendeley and Google Scholar read from a page: the RIS file's values, tag by tag
    (the website's name is the page's og:site_name)."""
    day = src.published
    tags = [
        ("citation_title", src.title),
        ("citation_author", src.author),
        ("citation_publication_date", f"{day.year}/{day.month:02d}/{day.day:02d}"),
        ("citation_publisher", src.author),
        ("citation_language", src.lang),
        ("citation_abstract", src.summary),
        ("citation_public_url", src.url),
    ]
    return tuple(tags + [("citation_keywords", word) for word in src.keywords])


def csl_json(src: Cited) -> str:
    """CSL-JSON: a list holding one item, as Zotero and Pandoc read it."""
    item = {
        "id": src.key,
        "type": "webpage",
        "title": src.title,
        "author": [{"literal": src.author}],
        "container-title": src.website,
        "publisher": src.author,
        "issued": _date_parts(src.published),
        "accessed": _date_parts(src.accessed),
        "URL": src.url,
        "abstract": src.summary,
        "language": src.lang,
        "keyword": ", ".join(src.keywords),
    }
    if src.original_title:
        item["original-title"] = src.original_title
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# The citation files beside each story's page (render.plan), by file name.
FORMATS: dict[str, Callable[[Cited], str]] = {"cite.bib": bibtex, "cite.ris": ris, "cite.json": csl_json}


def _one_line(text: str) -> str:
    """Text as one line with nothing invisible in it: any line break, tab or control
    character is a space. (The models already refuse these; a citation file must hold
    even so.)"""
    return re.sub(r"\s+", " ", FORBIDDEN.sub(" ", text)).strip()


def _url(url: str) -> str:
    """An address with every character that a citation format treats specially (braces,
    backslashes, spaces, quotes) percent-encoded; an address the site made needs none."""
    return quote(_one_line(url), safe="/:?#[]@!$&'()*+,;=%~-._")


def _long(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _date_parts(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


# Braces as commands, not \{ and \}: BibTeX counts every brace, escaped or not, and a
# field's braces must balance.
_TEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def _tex(text: str) -> str:
    """One line, with the characters TeX treats as commands escaped; other Unicode is
    left as it is (biber and modern BibTeX read UTF-8)."""
    return _one_line(text).translate(_TEX)
