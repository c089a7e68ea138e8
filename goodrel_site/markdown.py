"""Markdown to HTML with markdown-it-py: tables, footnotes and heading anchors; raw
HTML escaped (and reported), unsafe link schemes left unlinked, and relative links
to other content files turned into those items' URLs; a paragraph that is only
`[pull quote]` places the story's pull quote (its front matter's `quote`) there.

What a text reads of the site (where each content file it links to is, and the
picture files it shows) is noted as it is read, here and nowhere else, so that a page
made from the text is known to come out the same while those still read the same
(`still`)."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock, reference, table
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from . import images, limits, urls
from .anchors import anchors
from .problems import Problem
from .records import digest, signature
from .site import address_keys

UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)
HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
PULL_QUOTE = "[pull quote]"  # the marker, alone in a paragraph (any letter case)


@dataclass
class Links:
    """What links may point at: the shown items, and every content file."""

    root: Path
    urls: dict[str, str]  # source path -> url, for the items in the site
    withheld: frozenset[str]  # source paths of content files that are not shown
    prefix: str = ""  # the path the site is served below ("/stories" for example.org/stories/)
    quoted: frozenset[str] = frozenset()  # source paths of the stories with a pull quote to place
    withheld_at: frozenset[str] = frozenset()  # the withheld items' addresses (site.withheld_at)
    base_url: str = ""  # the address the site is published at

    @cached_property
    def by_digest(self) -> dict[str, tuple[str | None, bool]]:
        """Each content file, by the digest of its path -> (its url, whether withheld)."""
        found: dict[str, tuple[str | None, bool]] = {digest(p): (None, True) for p in self.withheld}
        return found | {digest(p): (url, False) for p, url in self.urls.items()}

    def hides(self, keys: tuple[str, ...]) -> bool:
        """Whether a site path, by its site.address_keys, is a withheld item's address."""
        return any(key in self.withheld_at for key in keys)


@dataclass
class Rendered:
    html: str
    problems: list[Problem] = field(default_factory=list)
    images: list[images.ImageSet] = field(default_factory=list)
    # What the text read: ("link", the digest of a content file's path, its url or None,
    # whether it is withheld), ("address", a site path's address_keys, whether withheld)
    # and ("file", picture path, its signature). No content file is named: a page's record
    # is kept in the cache, and the file it links to may be withheld.
    reads: list[tuple] = field(default_factory=list)
    text: str = ""  # the text as plain text (see plain)
    quote_placed: bool = False  # the text placed the pull quote (else the page shows it after)
    shared: str | None = None  # the html again below another prefix, if asked for (see render)


def still(reads: tuple | list, links: Links) -> bool:
    """Whether the site still reads as a text found it (see Rendered.reads)."""
    for read in reads:
        if read[0] == "link":
            if links.by_digest.get(read[1], (None, False)) != (read[2], read[3]):
                return False
        elif read[0] == "address":
            if links.hides(read[1]) != read[2]:
                return False
        elif signature(Path(read[1])) != read[2]:
            return False
    return True


def _parser() -> MarkdownIt:
    # html is parsed (so it can be reported) but always rendered escaped, below.
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(footnote_plugin).use(anchors).use(_limited)
    md.validateLink = lambda url: not UNSAFE_SCHEME.match(url)  # type: ignore[method-assign]  # (the documented way)
    md.core.ruler.push("content_links", _resolve_links)
    md.add_render_rule("html_block", lambda self, tokens, i, options, env: f"<p>{escape(tokens[i].content)}</p>\n")
    md.add_render_rule("html_inline", lambda self, tokens, i, options, env: escape(tokens[i].content))
    md.add_render_rule("image", _render_image)
    md.add_render_rule(
        "pull_quote",
        lambda self, tokens, i, options, env: (env["quote"] or "") + "\n" if tokens[i].meta.get("placed") else "",
    )
    return md


def render(
    path: str, body: str, body_line: int, links: Links, pull_quote: str | None = None, shared: str | None = None
) -> Rendered:
    """`pull_quote`: the markup of the story's pull quote, for where the text places it
    (without it, as when only checking, the marker is checked and left out); `shared`: a
    prefix (the site's full address) to render the text below again, without the pull
    quote, as Rendered.shared (the network feed's: network/feed.py), from the same parse."""
    result = Rendered("")
    pieces = _Pieces(limits.MARKDOWN_PIECES)
    env = {"path": path, "first": body_line, "links": links, "result": result, "quote": pull_quote, "pieces": pieces}
    try:
        _few_enough_lines(body)
        tokens = _MD.parse(body, env)
    except _TooMany as err:
        _problem(env, body_line + err.line, _TOO_MANY)
        return result
    result.html = _MD.renderer.render(tokens, _MD.options, env)
    result.text = _plain_text(tokens)
    if shared is not None:
        for token in (child for block in tokens for child in block.children or ()):
            if "site_path" in token.meta:
                token.attrSet("href", shared + token.meta["site_path"])
        again = {**env, "links": dataclasses.replace(links, prefix=shared), "quote": None}
        result.shared = _MD.renderer.render(tokens, _MD.options, again)
    return result


# -- how much a text may make ----------------------------------------------------------
#
# markdown-it's work and memory grow with the pieces a text makes, not with its size:
# a 10 MB table of one-letter cells makes 30 million tokens (6 GB), 10 MB of `*_`
# as many, 10 MB of `[` tries a link at each of 10 million places (two minutes). So a
# text of more lines than limits.MARKDOWN_PIECES is refused unread (markdown-it keeps
# four numbers a line, and the rules' work at each line is bounded), and as it parses
# the rest, each block begun, each token made, each place the inline rules try, each
# `*` or `_` of a run and each link reference is counted, up to that limit: the work
# and memory of any text are bounded, whatever its shape.

_TOO_MANY = (
    f"the text makes more than {limits.MARKDOWN_PIECES:,} pieces of Markdown (each line, paragraph, list "
    "item, table cell, emphasis mark or bracket is one, a link, picture or link reference ten), far more "
    "than a page can show; the count passed the limit in the paragraph, list or table at this line: split "
    "the text into several files, or take out formatting it does not need"
)
_RUN = re.compile(r"\*+|_+")


class _TooMany(Exception):
    def __init__(self, line: int):
        self.line = line  # in the text, from 0


def _few_enough_lines(body: str) -> None:
    if body.count("\n") >= limits.MARKDOWN_PIECES:
        raise _TooMany(limits.MARKDOWN_PIECES)


class _Pieces:
    """How many more pieces the text may make; the line of the block being read."""

    __slots__ = ("left", "line")

    def __init__(self, left: int):
        self.left, self.line = left, 0

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _TooMany(self.line)

    def need(self, count: int) -> None:
        """Stop before work that would make `count` pieces, if they are more than are left."""
        if count > self.left:
            raise _TooMany(self.line)


class _Tokens(list):
    """Tokens, each counted as it is made (a table's row makes one per cell and more,
    within one rule); a link or a picture as LINK pieces, for the work its address takes
    (parsed, encoded, resolved: as much as ten other pieces)."""

    LINK = 10

    def __init__(self, pieces: _Pieces):
        super().__init__()
        self.pieces = pieces

    def append(self, token: Token) -> None:
        self.pieces.spend(self.LINK if token.type in ("link_open", "image") else 1)
        super().append(token)


def _limited(md: MarkdownIt) -> None:
    md.core.ruler.after("normalize", "pieces", _count_tokens)
    md.core.ruler.at("inline", _inline)
    md.block.ruler.before("table", "pieces", _block_piece)  # first: tried at each block's start
    md.block.ruler.at("table", _table, {"alt": ["paragraph", "reference"]})  # (its place, as markdown-it gives it)
    md.block.ruler.at("reference", _reference)
    md.inline.ruler.before("text", "pieces", _inline_piece)  # first: tried at every place


def _count_tokens(state: StateCore) -> None:
    state.tokens = _Tokens(state.env["pieces"])


def _inline(state: StateCore) -> None:
    """markdown-it's own inline rule, noting the line each block of words starts at."""
    pieces: _Pieces = state.env["pieces"]
    for token in state.tokens:
        if token.type == "inline":
            pieces.line = (token.map or [pieces.line])[0]
            token.children = _Tokens(pieces)  # (the block rules leave it empty)
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def _block_piece(state: StateBlock, line: int, end: int, silent: bool) -> bool:
    pieces: _Pieces = state.env["pieces"]
    pieces.line = line
    pieces.spend(1)
    return False


def _table(state: StateBlock, line: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule, once the cells of its header are known to be fewer than
    the pieces left: it splits the header's lines and makes its cells in one go, before
    any is counted (its line of dashes has a `|` between each two)."""
    if line + 1 < end:
        dashes = state.src.count("|", state.bMarks[line + 1], state.eMarks[line + 1])
        state.env["pieces"].need(dashes)
    return table(state, line, end, silent)


def _reference(state: StateBlock, line: int, end: int, silent: bool) -> bool:
    """markdown-it's rule for a link reference (`[name]: address`), which makes no
    token but costs what a link does."""
    found = reference(state, line, end, silent)
    if found:
        state.env["pieces"].spend(_Tokens.LINK)
    return found


def _inline_piece(state: StateInline, silent: bool) -> bool:
    """A place tried; a run of `*` or `_` as many pieces as it has (each its own token)."""
    run = None if silent else _RUN.match(state.src, state.pos)
    state.env["pieces"].spend(run.end() - state.pos if run else 1)
    return False


def _resolve_links(state: StateCore) -> None:
    env = state.env
    _place_quote(state)
    for block in state.tokens:
        if block.map is None:
            continue
        line = env["first"] + block.map[0]
        if block.type == "html_block":
            _problem(env, line, "raw HTML is shown as text, not used: write it in Markdown instead", "warning")
        children = block.children or []
        for i, token in enumerate(children):
            if token.type in ("softbreak", "hardbreak"):  # a paragraph's next line
                line += 1
            elif token.type == "text" and PULL_QUOTE in token.content.lower():
                _problem(
                    env,
                    line,
                    f"'{PULL_QUOTE}' must be a paragraph of its own: put it on a line by "
                    "itself with an empty line before and after (not in a list or a quote)",
                )
            elif token.type == "html_inline":
                _problem(env, line, f"raw HTML '{token.content}' is shown as text: use Markdown instead", "warning")
            elif token.type == "link_open":
                found = _content_url(str(token.attrGet("href") or ""), env, line)
                if found is None:
                    _unlink(children, i, env, line)
                else:
                    href, in_site = found
                    token.attrSet("href", env["links"].prefix + href if in_site else href)
                    if in_site:
                        token.meta["site_path"] = href  # (for the text again below another prefix: render)
            elif token.type == "image":
                token.meta["image"] = _image(str(token.attrGet("src") or ""), env, line)
                if not token.content.strip():
                    _problem(
                        env,
                        line,
                        f"the image '{token.attrGet('src')}' needs alt text: "
                        "write it between the brackets, ![like this](photo.jpg)",
                    )


def _place_quote(state: StateCore) -> None:
    """Each paragraph that is only the marker becomes the place of the pull quote: the
    first, when the story has a quote; any other is reported. (The tokens are copied
    once: taking each marker's three out of the list in place would move all the tokens
    after it, for every marker.)"""
    env, tokens, placed = state.env, state.tokens, None
    kept: list[Token] = []
    i = 0
    while i < len(tokens):
        block = tokens[i]
        if not (
            i < len(tokens) - 2
            and block.type == "paragraph_open"
            and block.level == 0
            and tokens[i + 1].content.strip().lower() == PULL_QUOTE
        ):
            kept.append(block)
            i += 1
            continue
        line = env["first"] + (block.map or [0])[0]
        marker = Token("pull_quote", "", 0)
        marker.map = block.map
        if env["path"] not in env["links"].quoted:
            _problem(
                env,
                line,
                f"'{PULL_QUOTE}' places the story's pull quote, but this file has no quote "
                "in its front matter (only stories have one): add quote: with its text, "
                "or remove this line",
            )
        elif placed is not None:
            _problem(
                env, line, f"the pull quote is placed once, and already is at line {placed}: remove this '{PULL_QUOTE}'"
            )
        else:
            placed = line
            marker.meta["placed"] = env["result"].quote_placed = True
        kept.append(marker)
        i += 3
    state.tokens = kept


def _content_url(href: str, env: MutableMapping[str, Any], line: int) -> tuple[str, bool] | None:
    """Where a link goes, and whether that is a path in the site, which the link gets
    below the path the site is served at: a relative link to a content file becomes that
    item's URL, a site path (`/categories/`) stays one; a link to a withheld item, in
    any form, is None: its words are shown without it (a withdrawal always wins)."""
    links: Links = env["links"]
    if not href or href.startswith("#"):
        return href, False
    paths = _site_paths(href, links)
    if paths:
        keys = tuple(key for path in paths for key in address_keys(path))
        withheld = links.hides(keys)
        env["result"].reads.append(("address", keys, withheld))
        if withheld:
            return None
        return href, href.startswith("/") and not href.startswith("//")
    if HAS_SCHEME.match(href) or href.startswith("//"):
        return href, False
    target, _, fragment = href.partition("#")
    source = posixpath.normpath(posixpath.join(posixpath.dirname(env["path"]), unquote(target.partition("?")[0])))
    url, withheld = links.by_digest.get(digest(source), (None, False))
    env["result"].reads.append(("link", digest(source), url, withheld))
    if url is not None:
        return url + (f"#{fragment}" if fragment else ""), True
    if withheld:
        return None
    if not source.endswith(".md"):
        _problem(
            env,
            line,
            f"the relative link '{href}' does not name a content file: "
            "link to a story, event or page (.md), or use a full https:// address",
        )
    else:
        _problem(env, line, f"links to {source}, which does not exist: check the file name")
    return href, False


def _site_paths(href: str, links: Links) -> tuple[str, ...]:
    """The paths in the site a link may name, if it is an address of this site (`/x/`,
    or `//host/x/` and `https://host/x/` at the site's own host): its path decoded,
    without query or fragment, and without the site's prefix when it has it."""
    if not href.startswith("/") and not HAS_SCHEME.match(href):
        return ()
    base = urlsplit(links.base_url)
    try:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.scheme.lower() not in ("", "http", "https"):
                return ()
            if (parts.hostname, parts.port) != (base.hostname, base.port):
                return ()
    except ValueError:  # (a port that is not a number)
        return ()
    path = posixpath.normpath("/" + unquote(parts.path).lstrip("/"))
    if parts.path.endswith("/") and path != "/":
        path += "/"
    prefix = base.path.rstrip("/").casefold()  # (as written, the path may or may not have it)
    if prefix and (path.casefold() + "/").startswith(prefix + "/"):
        return (path, path[len(prefix) :] or "/")
    return (path,)


def _unlink(children: list[Token], i: int, env: MutableMapping[str, Any], line: int) -> None:
    """The link opened at children[i] goes to a withheld item: its words stay, the link
    goes, and the file's editor is told (a note, not an error: nothing another file says
    can stop the build that takes an item down). Words that are the address itself
    (`<https://…/stories/slug/>`) would name the item: the site's address stands in
    their place, and the note does not repeat them."""
    j = next(k for k in range(i + 1, len(children)) if children[k].type == "link_close")
    words = "".join(_words(t) for t in children[i + 1 : j]).strip()
    address = children[i].markup == "autolink" or words == children[i].attrGet("href")
    children[i] = children[j] = Token("text", "", 0)
    if address:
        for token in children[i + 1 : j]:
            token.content = ""
        children[i + 1].content = env["links"].base_url
        _problem(
            env,
            line,
            "the address on this line goes to an item that is not public now (withdrawn, a "
            "draft, embargoed or past its unpublish_on): the site's address is shown in its "
            "place, without a link, until that item is public again; remove it if it should not",
            "warning",
        )
        return
    shown = words if len(words) <= 60 else words[:59] + "\u2026"
    _problem(
        env,
        line,
        f"the link '{shown}' goes to an item that is not public now (withdrawn, a draft, "
        "embargoed or past its unpublish_on): its words are shown without the link, which "
        "comes back when that item is public again; remove the link if it should not",
        "warning",
    )


def _image(src: str, env: MutableMapping[str, Any], line: int) -> images.ImageSet | None:
    """The picture an image's address names: an address, so `%20` is a space (and
    markdown-it has already escaped what the text wrote as it is, `<my photo.jpg>`)."""
    src = unquote(src)
    if not src or HAS_SCHEME.match(src) or src.startswith("/"):
        _problem(env, line, f"the image '{src}' must be a file beside the content, e.g. images/photo.jpg")
        return None
    links: Links = env["links"]
    path = ((links.root / env["path"]).parent / src).resolve()
    env["result"].reads.append(("file", str(path), signature(path)))  # (even when missing)
    try:
        image = images.find(links.root, env["path"], src)
    except images.ImageError as err:
        _problem(env, line, err.message)
        return None
    env["result"].images.append(image)
    return image


def _render_image(self: RendererHTML, tokens: Sequence[Token], i: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[i]
    alt = self.renderInlineAsText(token.children or [], options, env)
    image = token.meta.get("image")
    return picture(image, alt, env["links"].prefix) if image else escape(alt)


def picture(
    image: images.ImageSet,
    alt: str,
    prefix: str = "",
    sizes: str = "(min-width: 50rem) 48rem, 100vw",
    eager: bool = False,
) -> str:
    """A responsive picture with explicit size (no layout shift), its files' URLs below
    `prefix`: loaded lazily, or, `eager` (the one picture a page opens on), at once
    and before other pictures."""
    default = image.default
    loading = 'loading="eager" fetchpriority="high"' if eager else 'loading="lazy" decoding="async"'
    webp, fallback = escape(image.srcset("webp", prefix)), escape(image.srcset("fallback", prefix))
    src, sizes = escape(prefix + urls.path(default.fallback)), escape(sizes)
    return (
        f'<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        f'<img src="{src}" srcset="{fallback}" sizes="{sizes}" '
        f'width="{default.width}" height="{default.height}" alt="{escape(alt)}" {loading}></picture>'
    )


def _problem(env: MutableMapping[str, Any], line: int, message: str, level: str = "error") -> None:
    env["result"].problems.append(Problem(env["path"], line, message, level))


_NOWHERE = Links(Path("/nonexistent/goodrel"), {}, frozenset())  # (a site of no files: nothing is read)


def plain(body: str) -> str:
    """A text as plain text (the open data's `text`): what render() gives, for a text
    rendered on its own (the site's links and pictures do not change its words)."""
    return render("", body, 1, _NOWHERE).text


def _plain_text(tokens: list) -> str:
    """Markdown's tokens as plain text: a blank line between paragraphs, headings, lists,
    tables and footnotes; list items and table rows one a line; links as their words,
    pictures as their alt text, footnotes numbered."""
    blocks: list[list[str]] = []  # each block's parts (a list: adding to a string copies it whole)
    lists = 0  # how deep in lists the next words are
    marker = ""  # what the next words start with: a list item's bullet or a footnote's number
    cells: list[str] | None = None
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open", "table_open"):
            lists += kind != "table_open"
            if lists <= 1:
                blocks.append([])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "list_item_open":
            marker = "  " * (lists - 1) + (f"{token.info}. " if token.markup in (".", ")") else "- ")
        elif kind == "footnote_open":
            marker = f"[{token.meta['id'] + 1}] "
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close":
            _add_line(blocks[-1], " | ".join(cells or ()))
            cells = None
        elif kind in ("fence", "code_block", "html_block"):
            blocks.append([token.content.strip("\n")])
        elif kind == "inline":
            words = marker + "".join(_words(t) for t in token.children or ())
            marker = ""
            if cells is not None:
                cells.append(words)
            elif lists:
                _add_line(blocks[-1], words)
            else:
                blocks.append([words])
    texts = ("".join(parts) for parts in blocks)
    return "\n\n".join(text for text in texts if text.strip())


def _add_line(parts: list[str], words: str) -> None:
    """A line more in a block: after a line break, unless the block is still empty."""
    if parts:
        parts.append("\n" + words)
    elif words:
        parts.append(words)


def _words(token: Token) -> str:
    if token.type in ("text", "code_inline", "html_inline", "image"):
        return token.content
    if token.type == "softbreak":
        return " "
    if token.type == "hardbreak":
        return "\n"
    if token.type == "footnote_ref":
        return f"[{token.meta['id'] + 1}]"
    return ""


_MD = _parser()
