"""Which addresses the engine takes, said once: validate refuses a free page whose slug
is one of them, validate and plan refuse an alias that would take one, and
tests/test_addresses_taken.py checks that the build writes nothing anywhere else.

Addresses are compared as a host or file system that ignores letter case compares
them (macOS's, Windows', some web hosts'): two that differ only in case are one file
there, so the second is refused. A path segment that Windows keeps for a device (con,
aux, nul, prn, com1…, lpt1…, with any extension) is refused too: no file may have it."""

from __future__ import annotations

import re

from .kinds import DATED, VOCABULARY
from .output import CARRIED, MARKER, relpath

SETTINGS = "site.yaml"  # the source of the engine's own pages and files

# The first segment of every page the engine makes from site.yaml (plan.plan), besides
# /data/ (below): a free page may not take one. (An alias may lie inside one, where no
# page is: plan knows which pages there are.)
PAGE_FOLDERS = {
    **{kind.folder: f"the {kind.folder}" for kind in DATED},
    "organisations": "the organisations",
    "search": "the search page",
    "figures": "the figures",
    "network": "the network's members and their stories",
    "areas": "the local areas",
    **{vocabulary: f"the {vocabulary}" for vocabulary in VOCABULARY},
}
# A hub's pages of its network (network/shared.py): the members at NETWORK, a member's
# page at NETWORK + KEY/, a story it shares at NETWORK + KEY/SLUG/.
NETWORK = "/network/"
# Folders the engine fills with files made in Python, which no plan lists: nothing
# else may be in one.
FILE_FOLDERS = {
    "assets": "the theme's files",
    "media": "the pictures",
    "data": "the open data",
    "admin": "the web editor",  # (whether or not site.yaml turns it on: it may, later)
    "pagefind": "the search index",
}
_SEARCH_SHARD = re.compile(r"pagefind-[0-9a-f]+")  # the search index's other folders (search.py)
# Files at the top of the output that are not pages: made in Python (the JSON feed,
# robots.txt, Netlify's redirects), the build's marker, and what the build carries over.
FILES = ("feed.json", "robots.txt", "_redirects", MARKER, *CARRIED)

# Windows keeps these names for devices, in any case and with any extension.
_DEVICE = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")
# What an alias may be (models.URL_PATH_PATTERN): a plain path of segments of letters,
# digits, '-', '_', '~' and '.', none starting or ending with '.'.
_ALIAS_CHARS = re.compile(r"[A-Za-z0-9_.~/-]")
_WHY_NOT = {
    ":": "which Netlify's redirects read as the start of a placeholder (':name')",
    "*": "which Netlify's redirects read as a wildcard",
    "!": "which Netlify's redirects read as 'force'",
    "%": "a %-code, which hosts decode before they look for the file",
    " ": "a space, which ends the address in a redirect file",
}


def alias_url(alias: str) -> str:
    """The address an alias redirects from: a folder unless it names a file."""
    return alias if alias.endswith(("/", ".html")) else alias + "/"


def site_folder(segment: str) -> str | None:
    """What the engine keeps a top-level folder for (a free page's slug may not be
    one), or None."""
    return PAGE_FOLDERS.get(segment.casefold()) or _files_folder(segment)


def _files_folder(segment: str) -> str | None:
    folded = segment.casefold()
    return FILE_FOLDERS["pagefind"] if _SEARCH_SHARD.fullmatch(folded) else FILE_FOLDERS.get(folded)


# How a refusal says why a name Windows keeps (_DEVICE) cannot be used.
DEVICE = "a name that Windows keeps for a device (like con, aux, nul or com1), which no file or folder may have there"


def device_name(path: str) -> str | None:
    """The first segment of a path (or slug) that Windows keeps for a device, or None."""
    return next((part for part in path.split("/") if _DEVICE.fullmatch(part)), None)


def alias_problem(alias: str) -> str:
    """Why an alias is not a plain path of this site (one that models.URL_PATH_PATTERN
    refuses)."""
    if not alias.startswith("/"):
        return "must be an address on this site, starting with '/', like '/stories/old-name/'"
    parts = alias[1:].split("/")
    if any(part in (".", "..") for part in parts):
        return "may not contain '.' or '..' segments: write the address as the old site had it"
    bad = next((char for char in alias if not _ALIAS_CHARS.fullmatch(char)), None)
    if bad is not None:
        why = _WHY_NOT.get(bad, "which a redirect file or a file name cannot hold as it is")
        return (
            f"holds {bad!r}, {why}: an old address may hold only letters, digits and - _ ~ . "
            "between slashes (redirect any other at your host)"
        )
    if "" in parts[:-1]:
        return "holds '//': write each slash once"
    return (
        "has a segment that starts or ends with '.' (a hidden file, which hosts do not "
        "serve, or a name Windows shortens): write the address as the old site had it"
    )


class Claims:
    """The paths an output holds as a file system that ignores letter case holds them:
    each file by its case-folded path, with the spelling and the source file of the
    first to claim it; each folder they are in, with the spelling first claimed."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[str, str]] = {}
        self._folders: dict[str, str] = {}

    def claim(self, url: str, source: str) -> None:
        """The file a site URL is written to, made from `source`."""
        rel = relpath(url)
        self._files.setdefault(rel.casefold(), (rel, source))
        parts = rel.split("/")
        for n in range(1, len(parts)):
            folder = "/".join(parts[:n])
            self._folders.setdefault(folder.casefold(), folder)

    def alias(self, alias: str, source: str) -> str | None:
        """Claim an alias's address for `source`; or, if it cannot have it (or holds a
        name Windows keeps), why not, said for the editor."""
        device = device_name(alias)
        why = f"holds '{device}', {DEVICE}" if device else self.refusal(alias_url(alias))
        if why:
            return f"the alias '{alias}' {why}: give the old address it really had, or remove it"
        self.claim(alias_url(alias), source)
        return None

    def refusal(self, url: str) -> str | None:
        """Why the file for `url` cannot be added (it would take or be inside another,
        here or on a system that ignores case, or lie in a folder of the engine's own
        files), or None."""
        rel = relpath(url)
        top = rel.split("/")[0]
        if rel.casefold() not in self._files and _files_folder(top):
            return f"is an address the site keeps for its own files (/{top})"
        return self.clash(url)

    def clash(self, url: str) -> str | None:
        """Why the file for `url` cannot be added beside those claimed (it would take or
        be inside another, here or on a system that ignores case), or None: for the
        engine's own folders too (the theme's files under /assets/)."""
        rel = relpath(url)
        folded = rel.casefold()
        if folded in self._files:
            spelt, source = self._files[folded]
            if spelt == rel:
                return f"is already the address of {_made(source)}"
            return f"differs only in letter case from {_url(spelt)}, the address of {_made(source)}{_ONE}"
        parts = rel.split("/")
        if any(len(part.encode()) > 255 for part in parts):
            return "is too long to be a file name"
        if folded in self._folders:
            return f"is already a folder the site writes, /{self._folders[folded]}/"
        for n in range(1, len(parts)):
            folder = "/".join(parts[:n])
            if folder.casefold() in self._files:
                return f"would put a page inside /{self._files[folder.casefold()][0]}, a file the site writes"
            spelt = self._folders.get(folder.casefold(), folder)
            if spelt != folder:
                return f"is in /{folder}/, which differs only in letter case from /{spelt}/, a folder the site writes{_ONE}"
        return None


_ONE = " (on a computer or host that ignores letter case they are one)"


def _made(source: str) -> str:
    return "a page made from site.yaml" if source == SETTINGS else source


def _url(rel: str) -> str:
    return "/" + rel.removesuffix("index.html")
