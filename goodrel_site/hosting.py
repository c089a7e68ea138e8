"""Files that hosts read from the output rather than serve: Netlify's `_redirects`,
which turns each alias (an old address, see `aliases` in docs/content-model.md) into a
real permanent redirect. Every host, GitHub Pages included, also gets the alias pages
themselves, which send readers on without it."""

from __future__ import annotations

from .site import Site, alias_url, url_prefix


def files(site: Site) -> dict[str, str]:
    """url -> text: `/_redirects` when the site has aliases."""
    prefix = url_prefix(site.settings)  # a site served below a path
    rules = [
        f"{prefix}{alias_url(alias)} {prefix}{entry.url} 301!" for entry in site.entries for alias in entry.aliases
    ]
    if not rules:
        return {}
    # "!": Netlify serves a file that exists (the alias page) before a plain rule.
    return {
        "/_redirects": "# Made by goodrel from the aliases: old address, new address.\n"
        + "\n".join(sorted(rules))
        + "\n"
    }
