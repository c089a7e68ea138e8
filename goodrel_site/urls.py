"""Addresses: the one place where what the engine writes as a URL is made safe.

Two kinds of address reach the output:

- site paths (`/media/photo-….webp`, `/stories/slug/`), made from slugs and file
  names: `path` percent-encodes every character a path may not hold as it is (RFC
  3986), so that no file name can end an attribute, split a srcset or start a query;
- addresses from outside (site.yaml's `licence.url`, and any front matter or feed
  field that holds an address): `external` lets through only a full http, https or
  mailto address of the characters an address holds unescaped, so that none can run
  script (`javascript:`, `data:`, `vbscript:` in any case or spelling) or break the
  file it is copied into (HTML, JSON, XML, BibTeX, RIS, CSV). It is checked when the
  settings or the front matter are read, so every sink gets a checked address.
"""

from __future__ import annotations

import re
from urllib.parse import quote

REFUSED = "is not an address a link may go to"  # how every refusal begins (validate names the field)
# The sub-delimiters, ':' and '@' stay as they are (RFC 3986 pchar), but not ',', which
# ends an address in a srcset.
_PATH_SAFE = "/!$&'()*+;=:@"
# A full address: a scheme allowed, then only the characters an address holds unescaped
# (so no space, quote, angle bracket, brace, backslash or non-ASCII letter).
_EXTERNAL = re.compile(
    r"(?:(?i:https?)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][A-Za-z0-9._~%!$&'()*+,;=:@/?#\[\]-]*)?"
    r"|(?i:mailto):[A-Za-z0-9._~%!$&'()*+,;=:@/?-]+)",
)


def path(site_path: str) -> str:
    """A site path as an address: every character outside RFC 3986's path characters
    (space, comma, '#', '?', '%', quotes, '<', '>', any non-ASCII letter) as its UTF-8
    percent-escapes. `site_path` is raw (never already escaped): a '%' in it is a '%'."""
    return quote(site_path, safe=_PATH_SAFE)


def external(value: str) -> str:
    """`value` if it is a full http, https or mailto address that needs no escaping;
    else ValueError, whose message says what to write."""
    if _EXTERNAL.fullmatch(value):
        return value
    shown = value if len(value) <= 60 else value[:57] + "..."
    raise ValueError(
        f"{REFUSED} ({shown!r}): write a full address starting with https:// (or http:// or "
        "mailto:), with any space written as %20, e.g. 'https://creativecommons.org/licenses/by/4.0/'"
    )
