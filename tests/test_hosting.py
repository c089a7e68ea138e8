"""Netlify's _redirects, made from the aliases: each old address a permanent redirect
to the new one, forced over the alias page that also stands there for other hosts."""

from __future__ import annotations

from pathlib import Path

from conftest import build, story, write


def test_every_alias_becomes_a_redirect_to_its_page(site: Path, tmp_path: Path):
    write(site, "stories/second.md", story("Second story", "aliases: [/stories/old-second/, /2014/second.html]\n"))
    write(site, "pages/about.md", "---\ntitle: About\naliases: [/about-us]\n---\n\nAbout us.\n")
    assert build(site, tmp_path / "out") == 0
    out = tmp_path / "out"
    lines = (out / "_redirects").read_text("utf-8").splitlines()
    assert lines[1:] == [
        "/2014/second.html /stories/second/ 301!",
        "/about-us/ /about/ 301!",
        "/stories/old-second/ /stories/second/ 301!",
    ]
    for line in lines[1:]:
        old, new, _ = line.split()
        assert (out / old.strip("/")).exists() and (out / new.strip("/") / "index.html").is_file()


def test_below_a_path_both_addresses_carry_it(site: Path, tmp_path: Path):
    write(site, "stories/second.md", story("Second story", "aliases: [/stories/old-second/]\n"))
    assert build(site, tmp_path / "out", "--base-url", "https://org.example.io/stories-site/") == 0
    assert (tmp_path / "out/_redirects").read_text("utf-8").splitlines()[1:] == [
        "/stories-site/stories/old-second/ /stories-site/stories/second/ 301!"
    ]


def test_a_site_without_aliases_has_no_redirects_file(site: Path, tmp_path: Path):
    assert build(site, tmp_path / "out") == 0
    assert not (tmp_path / "out/_redirects").exists()
