"""A site's own theme files over the default theme, one file at a time: a site with no
theme folder builds with the default; an overridden template, static file or string
changes just what it replaces."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import NOW, REPO, build, run, tree_hashes, write


def test_a_site_without_a_theme_folder_builds_with_the_default_theme(site: Path, tmp_path: Path):
    assert not (site / "theme").exists()
    assert build(site, tmp_path / "default") == 0
    shutil.copytree(REPO / "theme", site / "theme")  # the same files as the site's own
    assert build(site, tmp_path / "copied") == 0
    assert tree_hashes(tmp_path / "default") == tree_hashes(tmp_path / "copied")


def test_a_theme_file_that_is_not_the_sites_own_is_refused(site: Path, tmp_path: Path, capsys):
    (site / "theme" / "static").mkdir(parents=True)
    (site / "theme" / "static" / "leak.txt").symlink_to("/etc/hostname")
    for command in (["check"], ["build", "--out", str(tmp_path / "out"), "--no-search"]):
        assert run(*command, "--site", str(site), "--now", NOW.isoformat()) == 1
        err = capsys.readouterr().err
        assert "theme/static/leak.txt: is a link to /etc/hostname, outside the site folder" in err
        assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_template_error_is_reported_at_its_line(site: Path, capsys):
    write(site, "theme/templates/page.html", "{% extends 'default:page.html' %}\n{% block title %}{{ entry.title }\n")
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    err = capsys.readouterr().err
    assert "theme/templates/page.html:2: the template failed" in err and "Traceback" not in err


def test_an_overridden_template_changes_just_its_pages(site: Path, tmp_path: Path):
    assert build(site, tmp_path / "before") == 0
    write(
        site,
        "theme/templates/event.html",
        """\
        {% extends "default:event.html" %}
        {% block title %}Gathering: {{ super() }}{% endblock %}
        """,
    )
    assert build(site, tmp_path / "after") == 0
    before, after = tree_hashes(tmp_path / "before"), tree_hashes(tmp_path / "after")
    changed = sorted(rel for rel in before if before[rel] != after.get(rel))
    assert changed == ["events/leeds-2013/index.html"]
    page = (tmp_path / "after/events/leeds-2013/index.html").read_text("utf-8")
    assert "<title>Gathering: Leeds gathering ·" in page


def test_an_overridden_base_template_reaches_every_page(site: Path, tmp_path: Path):
    default_base = (REPO / "theme/templates/base.html").read_text("utf-8")
    write(site, "theme/templates/base.html", default_base.replace("</footer>", "<p>Our own footer</p></footer>"))
    assert build(site, tmp_path / "out") == 0
    for rel in ("index.html", "stories/first/index.html", "events/leeds-2013/index.html", "search/index.html"):
        assert "<p>Our own footer</p></footer>" in (tmp_path / "out" / rel).read_text("utf-8")


def test_static_files_and_strings_are_replaced_one_by_one(site: Path, tmp_path: Path):
    write(site, "theme/static/site.css", "body { color: rebeccapurple }\n")
    write(site, "theme/strings/en.yaml", "latest: Newest from the field\n")
    assert build(site, tmp_path / "out") == 0
    out = tmp_path / "out"
    assert (out / "assets/site.css").read_text("utf-8") == "body { color: rebeccapurple }\n"
    assert (out / "assets/search.js").is_file()  # not replaced: the default's
    home = (out / "index.html").read_text("utf-8")
    assert '<h2 id="latest">Newest from the field</h2>' in home
    assert "Skip to content" in home  # a word the site did not replace: the default's


def test_a_theme_edit_is_seen_by_the_next_build(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert build(site, out) == 0
    write(
        site,
        "theme/templates/event.html",
        '{% extends "default:event.html" %}{% block title %}Edited {{ super() }}{% endblock %}\n',
    )
    assert build(site, out) == 0
    assert "<title>Edited Leeds gathering" in (out / "events/leeds-2013/index.html").read_text("utf-8")
