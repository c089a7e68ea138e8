"""The docs say what the site does (issue 23): `nav` lists a page where the editor's
guide says (at the foot of every page, in its order; a page without it in no list),
the bundled site gives readers one editors' address, its contact's, everywhere, and
the web editor's guide gives the token link init prints."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import REPO, build, write

from goodrel_site import cms

GUIDE = (REPO / "docs/editing.md").read_text("utf-8")


def test_nav_lists_a_page_where_the_guide_says(site: Path):
    assert 'lists the page at the foot of every\npage, under "About this site", lower numbers first' in GUIDE
    write(site, "pages/second.md", "---\ntitle: Second\nnav: 2\n---\n\nText.\n")
    write(site, "pages/first.md", "---\ntitle: First\nnav: 1\n---\n\nText.\n")
    write(site, "pages/unlisted.md", "---\ntitle: Unlisted\n---\n\nText.\n")
    assert build(site) == 0
    for page in ("index.html", "stories/first/index.html", "second/index.html"):
        html = BeautifulSoup((site / "public" / page).read_text("utf-8"), "html.parser")
        foot = html.select_one("footer nav[aria-labelledby=footer-about]")
        assert [a.get_text() for a in foot.select("a")][:2] == ["First", "Second"]
        assert "Unlisted" not in html.get_text()
        assert "First" not in html.select_one("header").get_text()  # (the menu: the site's own sections)


def test_the_bundled_site_gives_one_editors_address():
    contact = yaml.safe_load((REPO / "site.yaml").read_text("utf-8"))["contact"]["email"]
    found = {
        (path.name, address)
        for path in (REPO / "pages").glob("*.md")
        for address in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", path.read_text("utf-8"))
    }
    assert found and {address for _, address in found} == {contact}, found


def test_the_token_link_in_the_web_editors_guide_is_the_one_init_prints():
    guide = (REPO / "docs/cms.md").read_text("utf-8")
    (link,) = re.findall(r"^https://github\.com/settings/personal-access-tokens/new\?\S+$", guide, re.M)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    made = urllib.parse.parse_qs(urllib.parse.urlsplit(cms.token_link()).query)
    assert query == {**made, "target_name": ["our-network"]}
    for words in ("Sign In Using Access Token", "Work with Local Repository", "Only select repositories"):
        assert words in guide
