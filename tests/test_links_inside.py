"""Links that stay inside the site (issue 19, found by the outside attack): a link is
followed only to the site's sources, never into a hidden folder such as .git/ (CI's
credentials, every old version of every story) and never from the theme or another
content folder into a content folder (a withdrawn story's text)."""

from __future__ import annotations

import os

import pytest
from conftest import build, story, tree_hashes, write


@pytest.mark.parametrize(
    ("link", "target", "why"),
    [
        ("theme/static/config.txt", "../../.git/config", "a link into a hidden file or folder"),
        ("theme/static/gitdir", "../../.git", "a link into a hidden file or folder"),
        ("theme/static/notes.txt", "../../stories/alpha.md", "a link into stories/"),
        ("pages/copy.md", "../stories/alpha.md", "a link into stories/"),
    ],
)
def test_a_link_inside_the_site_to_its_secrets_or_content_is_refused(site, capsys, link, target, why):
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic SECRETTOKEN\n", "utf-8")
    write(site, "stories/alpha.md", story("Alpha story"))
    assert build(site) == 0
    before = tree_hashes(site / "public")
    (site / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, site / link)
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert f"{link}: is {why}" in err and "Traceback" not in err
    assert tree_hashes(site / "public") == before
    assert not any(
        "SECRETTOKEN" in p.read_text("utf-8", "replace") for p in (site / "public").rglob("*") if p.is_file()
    )


def test_a_link_within_one_folder_is_still_followed(site):
    write(site, "theme/static/real.css", "body { color: black }\n")
    os.symlink("real.css", site / "theme" / "static" / "alias.css")
    assert build(site) == 0
    assert (site / "public" / "assets" / "alias.css").read_text("utf-8") == "body { color: black }\n"
