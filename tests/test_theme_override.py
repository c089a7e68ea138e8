"""A site's own theme files over the default theme, one file at a time: a site with no
theme folder builds with the default; an overridden template, static file or string
changes just what it replaces."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, build, tree_hashes, write


def _without_theme(site: Path) -> Path:
    (site / "theme").unlink()  # the fixture's theme is a link to the default one
    return site


def test_a_site_without_a_theme_folder_builds_with_the_default_theme(site: Path, tmp_path: Path):
    assert build(site, tmp_path / "linked") == 0
    assert build(_without_theme(site), tmp_path / "default") == 0
    assert tree_hashes(tmp_path / "default") == tree_hashes(tmp_path / "linked")


def test_an_overridden_template_changes_just_its_pages(site: Path, tmp_path: Path):
    _without_theme(site)
    assert build(site, tmp_path / "before") == 0
    write(site, "theme/templates/event.html", """\
        {% extends "default:event.html" %}
        {% block title %}Gathering: {{ super() }}{% endblock %}
        """)
    assert build(site, tmp_path / "after") == 0
    before, after = tree_hashes(tmp_path / "before"), tree_hashes(tmp_path / "after")
    changed = sorted(rel for rel in before if before[rel] != after.get(rel))
    assert changed == ["events/leeds-2013/index.html"]
    page = (tmp_path / "after/events/leeds-2013/index.html").read_text("utf-8")
    assert "<title>Gathering: Leeds gathering ·" in page


def test_an_overridden_base_template_reaches_every_page(site: Path, tmp_path: Path):
    default_base = (REPO / "theme/templates/base.html").read_text("utf-8")
    _without_theme(site)
    write(site, "theme/templates/base.html", default_base.replace("</footer>", "<p>Our own footer</p></footer>"))
    assert build(site, tmp_path / "out") == 0
    for rel in ("index.html", "stories/first/index.html", "events/leeds-2013/index.html", "search/index.html"):
        assert "<p>Our own footer</p></footer>" in (tmp_path / "out" / rel).read_text("utf-8")


def test_static_files_and_strings_are_replaced_one_by_one(site: Path, tmp_path: Path):
    _without_theme(site)
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
    _without_theme(site)
    out = tmp_path / "out"
    assert build(site, out) == 0
    write(site, "theme/templates/event.html", '{% extends "default:event.html" %}'
          '{% block title %}Edited {{ super() }}{% endblock %}\n')
    assert build(site, out) == 0
    assert "<title>Edited Leeds gathering" in (out / "events/leeds-2013/index.html").read_text("utf-8")
