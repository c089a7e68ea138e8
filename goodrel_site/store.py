"""What earlier builds made, kept in the site's .goodrel-cache/ (never published): every
file a page gave, in store/ under the digest of its bytes, and the index of the last
build's pages, each with the key of everything it was made from (keys.py).

A page whose key is the same, and whose text still reads the site as it did (markdown's
reads: where its links point, the pictures it shows), is not rendered again: its
files are hard-linked from the store into the output being made. Only files the last
build used are kept, so nothing of an item withheld since stays in the store.

The store is data that may come from elsewhere (a cache CI restores between runs): a
stored file is published only once its bytes are read and found to be the ones its
name is the digest of; any other is a miss, removed and made again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from . import sitefiles
from .output import Tree, relpath
from .records import FOLDER, FORMAT, code_version, file_digest, path_digest, read_record, write_record


class PageRecord(NamedTuple):
    key: str
    files: tuple[tuple[str, str], ...]  # (url, stored name) of every file the page gave
    problems: tuple[tuple, ...]  # what its text gave (warnings, information), as Problem fields
    images: tuple[str, ...]  # the pictures its text shows, by source path
    reads: tuple[tuple, ...]  # what its text read of the site (markdown.Rendered.reads)


class Store:
    def __init__(self, root: Path):
        self.folder = root / FOLDER / "store"
        self._index_path = root / FOLDER / "pages"
        self._format = f"{FORMAT}-{code_version()}"
        found = read_record(self._index_path, self._format) or {}
        self.index: dict[str, PageRecord] = {url: PageRecord(*r) for url, r in found.items()}
        try:
            with os.scandir(self.folder) as entries:
                self.held = {entry.name: entry.inode() for entry in entries}
        except FileNotFoundError:
            self.held = {}
        self._intact: set[str] = set()  # stored files whose bytes were found to match their names

    def link(self, tree: Tree, files: tuple[tuple[str, str], ...]) -> bool:
        """Put stored files into the output being made; False if one is not stored, or
        not as its name says (then it is removed, to be made again)."""
        if not all(name in self.held and self._check(name) for _, name in files):
            return False
        for url, name in files:
            tree.link(relpath(url), os.path.join(self.folder, name), self.held[name])
        return True

    def _check(self, name: str) -> bool:
        """Whether the stored file `name` holds the bytes whose digest its name begins
        with (read whole, once a build); if not, it is removed from the store."""
        if name in self._intact:
            return True
        path = os.path.join(self.folder, name)
        if path_digest(path) == name.partition(".")[0]:
            self._intact.add(name)
            return True
        try:
            os.unlink(path)  # (a link, a folder or other bytes: never published)
        except OSError:
            pass
        del self.held[name]
        return False

    def keep(self, tree: Tree, url: str, text: str | bytes) -> str:
        """Write a file into the output being made and keep it in the store; its stored
        name. Where the store holds the same bytes already, that file is linked instead:
        a link is some forty times cheaper than a new file on a slow disk."""
        data = text.encode() if isinstance(text, str) else text
        name = file_digest(data) + os.path.splitext(url)[1]
        if self.link(tree, ((url, name),)):
            return name
        written = tree.write(relpath(url), data)
        folder = sitefiles.folder(self.folder.parent, self.folder)  # (in the cache: never a link out)
        try:
            os.link(written, os.path.join(folder, name))  # (a new name: never through a link)
        except FileExistsError:  # kept meanwhile by another worker
            pass
        except OSError:  # no hard links here: a copy, put in place whole
            sitefiles.write(self.folder.parent, self.folder / name, data)
        return name

    def save(self, index: dict[str, PageRecord]) -> None:
        """Keep the index of this build's pages, and only the files they use."""
        write_record(self._index_path, self._format, {url: tuple(r) for url, r in index.items()})
        used = {name for record in index.values() for _, name in record.files}
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return
        for entry in entries:
            if entry.name not in used:
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    pass
