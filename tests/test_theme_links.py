"""Issue 19 (found by the outside attack): a theme's links may lead only inside the
theme folder itself. A link from theme/ to another file of the checkout that is not
hidden and not content (notes/creds.md) would publish it under /assets/; it is refused
at its path, by check and build alike, with what to do, and the output is kept."""

from __future__ import annotations

import os

import pytest
from conftest import NOW, build, run, tree_hashes, write

CREDS = "deploy token: SECRETTOKEN\n"


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("theme/static/c.txt", "../../notes/creds.md"),
        ("theme/static/notes", "../../notes"),  # (a folder: its files would be served)
        ("theme/templates/creds.html", "../../notes/creds.md"),
        ("theme/strings/en.yaml", "../../notes/en.yaml"),
        ("theme/static/site.txt", "../../site.yaml"),
    ],
)
def test_a_theme_link_out_of_the_theme_folder_is_refused(site, capsys, link, target):
    write(site, "notes/creds.md", CREDS)
    write(site, "notes/en.yaml", "site_title: SECRETTOKEN\n")
    assert build(site) == 0
    before = tree_hashes(site / "public")
    (site / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, site / link)
    for command in (("check", "--site", str(site), "--now", NOW.isoformat()), None):
        capsys.readouterr()
        assert (run(*command) if command else build(site)) == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        assert f"{link}: is a link to " in err and "outside theme/" in err and "put a copy" in err, err
    assert tree_hashes(site / "public") == before
    assert not any(
        "SECRETTOKEN" in p.read_text("utf-8", "replace") for p in (site / "public").rglob("*") if p.is_file()
    )


def test_links_within_the_theme_folder_are_followed(site):
    write(site, "theme/static/real.css", "body { color: black }\n")
    write(site, "theme/templates/partials/x.css", "p { color: red }\n")
    os.symlink("../templates/partials/x.css", site / "theme" / "static" / "x.css")
    os.symlink("real.css", site / "theme" / "static" / "alias.css")
    assert build(site) == 0
    assert (site / "public" / "assets" / "x.css").read_text("utf-8") == "p { color: red }\n"
    assert (site / "public" / "assets" / "alias.css").read_text("utf-8") == "body { color: black }\n"


def test_a_theme_folder_that_is_a_link_inside_the_site_keeps_its_own_links(site):
    write(site, "themes/dark/static/real.css", "body { color: white }\n")
    os.symlink("real.css", site / "themes" / "dark" / "static" / "alias.css")
    os.symlink("themes/dark", site / "theme")
    assert build(site) == 0
    assert (site / "public" / "assets" / "alias.css").read_text("utf-8") == "body { color: white }\n"
