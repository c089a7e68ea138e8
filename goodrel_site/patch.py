"""A rebuild after edits to the text of stories, events or pages, and nothing else.

When everything the last build read is as it was but some content files, and each of
those has the same front matter (the same values on the same lines), the Site, the
plan, every check and every page but those entries' own are what the last build made.
An entry's own page differs only where its body is printed, and the last build noted
where that is (render._Body): the new page is the old one with the new body put in
the old one's place. The rest of the output is linked from the last one into a new
tree, swapped into place as a whole build's would be. Anything else (a changed front
matter, an error, a body whose place is not known, a story to index again for search)
is left to a whole build, which finds the same and more."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .load import CONTENT_DIRS, LoadError, load_source
from .output import MARKER, output_tree, relpath
from .records import SEARCHED, text_digests
from .uptodate import Inputs, Note

if TYPE_CHECKING:
    from .markdown import Links, Rendered
    from .pipeline import Options


def state(digests: dict[str, tuple[str, str, str]], bodies: dict[str, tuple | None], links: Links) -> tuple:
    """What a patch needs to know of the content files, as plain data for the note:
    each file's text_digests (from cache.Sources.digests), each entry's page
    (cache.BuildCache.bodies), and where Markdown links point."""
    texts = {rel: (front, body) for rel, (_, body, front) in digests.items()}
    return texts, bodies, (links.urls, links.withheld)


def rebuild(root: Path, options: Options, found: Inputs, last: Note) -> Note | None:
    """Patch the last output for the changed content files, and return the note of
    the build this makes; None where a whole build is needed."""
    if found.rest != last.inputs.rest or found.texts.keys() != last.inputs.texts.keys():
        return None
    digests, bodies, (urls, withheld) = last.patching
    digests, bodies = dict(digests), dict(bodies)
    edits: dict[str, Rendered] = {}  # content file -> its new body
    for rel, sig in found.texts.items():
        if last.inputs.texts[rel] == sig:
            continue
        if rel not in digests:  # not read as content by the last build
            return None
        try:
            source = load_source(root, root / rel, CONTENT_DIRS[rel.split("/")[0]])
        except (LoadError, OSError):
            return None
        front, body = text_digests(source)
        if front != digests[rel][0]:
            return None
        if body != digests[rel][1] and rel in bodies:  # (not in bodies: shown nowhere)
            if bodies[rel] is None:
                return None
            url, _, _, _, pictures = bodies[rel]
            if options.search and SEARCHED.match(url):
                return None
            from . import markdown  # (only now: Markdown and Pillow take a while to import)

            text = markdown.render(rel, source.body, source.body_line, markdown.Links(root, urls, withheld))
            if any(p.level == "error" for p in text.problems) or \
                    tuple(str(i.source) for i in text.images) != pictures:
                return None
            edits[rel] = text
        digests[rel] = front, body
    return _patch(options.out.resolve(), found, last, edits, (digests, bodies, (urls, withheld)))


def _patch(out: Path, found: Inputs, last: Note, edits: dict[str, Rendered],
           patching: tuple) -> Note:
    files, stories, events, notes = last.summary
    notes = set(map(tuple, notes))
    output = dict(last.output)
    bodies = patching[1]
    if edits:
        with output_tree(out, reuse=True) as tree:
            pages = {}
            for rel, text in edits.items():
                url, start, end, problems, pictures = bodies[rel]
                page = (out / relpath(url)).read_bytes().decode("utf-8")
                pages[relpath(url)] = page[:start] + text.html + page[end:]
                found_problems = tuple(dataclasses.astuple(p) for p in text.problems)
                notes = notes - set(problems) | set(found_problems)
                bodies[rel] = url, start, start + len(text.html), found_problems, pictures
            folder = str(out)
            for path, inode in last.output.items():
                if path not in pages and path != MARKER:
                    tree.link(path, os.path.join(folder, path), inode)
            for path, html in pages.items():
                tree.write(path, html)
        for path in [*pages, MARKER]:
            output[path] = os.stat(out / path).st_ino
    return Note(found, last.pictures, output, (files, stories, events, sorted(notes)), patching)
