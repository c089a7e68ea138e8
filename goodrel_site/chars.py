"""Characters that no text of the site may hold, and the line breaks that no
one-line field may hold: checked once, where text comes in (load.py for whole files,
models.py for every text field), so that no output format (HTML, XML, JSON, CSV,
BibTeX, RIS, the search index) ever has to cope with them.

Refused: control characters other than tab, line feed and carriage return (C0, DEL,
C1: invisible, and invalid in XML or HTML), and Unicode non-characters (U+FDD0 to
U+FDEF, and the last two code points of every plane). Surrogates cannot arrive: strict
UTF-8 decoding and YAML's escapes both refuse them. In a field, the controls that
reorder a line (U+202A to U+202E, U+2066 to U+2069) only in pairs that close: one left
open reorders what follows it (a name shown backwards, 'exe.txt' as 'txt.exe')."""

from __future__ import annotations

import re

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_NONCHARACTERS}]")
# A run of line breaks and tabs, with the spaces around it.
_BREAKS = re.compile("[ \t]*[\t\n\r\u2028\u2029][ \t\n\r\u2028\u2029]*")


# What no file name of the site may hold: bytes that are not UTF-8 (which Python reads
# as surrogates), control characters (a line break would split a PATH:LINE: line, or
# start a GitHub workflow command), line and paragraph separators, the controls that
# reorder a line (which would disguise a name in a terminal), and the invisible marks
# (zero-width space and joiners, LRM, RLM, ALM, word joiner, BOM) that make a lookalike
# of another name ('site\u200b.css').
_BAD_NAME = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\udc80-\udcff]"
)


def bad_name(name: str) -> bool:
    return _BAD_NAME.search(name) is not None


def shown_name(name: str) -> str:
    """A file name as any output may show it, on one line: what bad_name finds written
    as an escape (\\n, \\x1b, and a byte that is not UTF-8 as \\xff)."""
    return _BAD_NAME.sub(_escaped, name) if bad_name(name) else name


def _escaped(found: re.Match) -> str:
    code = ord(found[0])
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return found[0].encode("unicode_escape").decode("ascii")


# The controls that reorder a line, each opener with the control that closes it:
# embeddings and overrides close with U+202C, isolates with U+2069.
_BIDI_CLOSE = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c"}
_BIDI_CLOSE |= {"\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def unbalanced_bidi(text: str) -> int | None:
    """Where the first control that reorders the line is left open, or closes nothing
    (or not the last one opened), in `text`; None if every one is closed in turn."""
    if text.isascii():
        return None
    opened: list[tuple[str, int]] = []
    for found in _BIDI.finditer(text):
        char = found[0]
        if char in _BIDI_CLOSE:
            opened.append((char, found.start()))
        elif opened and _BIDI_CLOSE[opened[-1][0]] == char:
            opened.pop()
        else:
            return found.start()
    return opened[0][1] if opened else None


def describe(char: str) -> str:
    """What a forbidden character is, for an editor."""
    code = f"U+{ord(char):04X}"
    if _BIDI.fullmatch(char):
        return f"a control that reorders the line ({code})"
    if ord(char) < 0xA0:
        return f"an invisible control character ({code})"
    return f"a code that is not a character ({code})"


def first_forbidden(text: str) -> re.Match | None:
    """The first forbidden character in `text`, or None."""
    # Printable text holds no control character (Cc) and no non-character (Cn): most
    # texts are answered so, ten times quicker than by the pattern.
    if text.replace("\n", "").replace("\t", "").replace("\r", "").isprintable():
        return None
    return FORBIDDEN.search(text)


def one_line(text: str) -> str:
    """Line breaks and tabs as single spaces, and no space at either end."""
    return _BREAKS.sub(" ", text).strip() if not text.isprintable() or text != text.strip() else text
