"""Templates that can be changed safely: no line of a shipped template over 160
characters; the macros the engine calls, called by the names of their parameters; and
the web editor's page and the preview's error page theme templates, which a site's own
theme/templates/ replaces as it does any other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, run, tree_hashes, write
from test_serve import start, stop, until

from goodrel_site import scaffold
from goodrel_site.options import Options
from goodrel_site.pipeline import build as build_once

LONGEST = 160
GOLDEN_SITE = REPO / "tests" / "fixtures" / "golden" / "site"  # (it has a pull quote)
MACROS = (REPO / "theme" / "templates" / "_macros.html").read_text("utf-8")
CARD = "story_card(story, versions, t, lang, level=3, feature=false, category=none)"


def shipped_templates() -> list[Path]:
    """The default theme's templates, and any template `init` gives a new site."""
    folders = (REPO / "theme" / "templates", scaffold.STARTER_FOLDER)
    return sorted(p for f in folders for p in f.rglob("*") if p.is_file() and p.suffix in (".html", ".xml"))


def test_no_line_of_a_shipped_template_is_longer_than_160_characters():
    names = {p.name for p in shipped_templates()}
    assert {"base.html", "story.html", "admin.html", "preview-error.html"} <= names
    long = [
        f"{path.relative_to(REPO)}:{number}: {len(line)} characters"
        for path in shipped_templates()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if len(line) > LONGEST
    ]
    assert long == []


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    root = tmp_path / "golden"
    shutil.copytree(GOLDEN_SITE, root)
    return root


def _macros(root: Path, text: str) -> None:
    (root / "theme" / "templates").mkdir(parents=True, exist_ok=True)
    (root / "theme" / "templates" / "_macros.html").write_text(text, "utf-8")


def test_a_themes_macro_gets_its_values_by_name_whatever_the_order_of_its_parameters(golden: Path, tmp_path: Path):
    assert build(golden, tmp_path / "default") == 0
    assert CARD in MACROS
    _macros(
        golden,
        MACROS.replace(CARD, "story_card(lang, t, category=none, story=none, feature=false, versions=(), level=3)"),
    )
    assert build(golden, tmp_path / "reordered") == 0
    assert tree_hashes(tmp_path / "reordered") == tree_hashes(tmp_path / "default")


@pytest.mark.parametrize(
    "old, new, called",
    [
        (
            "story_card(story, versions,",
            "story_card(item, versions,",
            "the macro story_card with story, versions, t, lang",
        ),
        (
            "pull_quote(quote)",
            "pull_quote(words)",
            "the macro pull_quote with quote, by name, but it has no parameter quote",
        ),
    ],
)
def test_a_themes_macro_without_a_parameter_the_engine_names_is_refused_at_its_line(
    golden: Path, tmp_path: Path, capsys, old: str, new: str, called: str
):
    out = tmp_path / "out"
    assert build(golden, out) == 0
    before = tree_hashes(out)
    text = MACROS.replace(old, new)
    _macros(golden, text)
    assert build(golden, out) == 1
    err = capsys.readouterr().err
    line = text[: text.index(new)].count("\n") + 1
    assert f"theme/templates/_macros.html:{line}: the engine calls {called}" in err, err
    assert "(docs/theming.md)" in err and "Traceback" not in err
    assert tree_hashes(out) == before


def _with_editor(root: Path, title: str) -> None:
    settings = root / "site.yaml"
    text = settings.read_text("utf-8").replace("title: Golden Test Site", f"title: {title}", 1)
    settings.write_text(text + "cms:\n  repo: our-network/stories\n  branch: main\n", "utf-8")


def test_the_web_editors_page_is_the_themes_and_a_sites_own_replaces_it(golden: Path, tmp_path: Path):
    _with_editor(golden, '"Tom & Jerry\'s <b>stories</b>"')
    hostile = "Common </script><script>alert(1)</script> purpose"
    settings_file = golden / "site.yaml"
    settings_file.write_text(
        settings_file.read_text("utf-8").replace("label: Common purpose", f'label: "{hostile}"', 1), "utf-8"
    )
    out = tmp_path / "out"
    assert build(golden, out) == 0
    html = (out / "admin/index.html").read_text("utf-8")
    assert html.startswith(
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        "<title>Editor · Tom &amp; Jerry&#39;s &lt;b&gt;stories&lt;/b&gt;</title>\n"
    )
    assert 'import CMS from "./sveltia-cms.js";' in html
    # The terms' labels, for the preview, as JSON that no label can break out of.
    page = BeautifulSoup(html, "html.parser")
    labels = json.loads(page.find("script", id="term-labels").string)
    settings = yaml.safe_load((golden / "site.yaml").read_text("utf-8"))
    assert labels == {v: {k: term["label"] for k, term in settings[v].items()} for v in ("categories", "regions")}
    assert labels["categories"]["common-purpose"] == hostile and "alert(1)" not in str(page.find_all("script")[-1])
    write(
        golden,
        "theme/templates/admin.html",
        """\
        <!doctype html>
        <title>Our newsroom · {{ settings.title }} at {{ url }}</title>
        <script type="module" src="sveltia-cms.js"></script>
        """,
    )
    assert build(golden, out) == 0  # with the cache: the page is made again all the same
    page = BeautifulSoup((out / "admin/index.html").read_text("utf-8"), "html.parser")
    assert page.title.get_text() == "Our newsroom · Tom & Jerry's <b>stories</b> at /admin/"
    assert page.find("b") is None  # (the title escaped)
    build_once(Options(site=golden, out=tmp_path / "clean", now=NOW, search=False, cache=False))
    assert tree_hashes(out) == tree_hashes(tmp_path / "clean")


@pytest.mark.parametrize(
    "template, line, error",
    [
        ("<title>{{ settings.title }</title>\n", 1, "unexpected '}'"),
        ("<!doctype html>\n<title>{{ settings.no_such_setting }}</title>\n", 2, "no_such_setting"),
    ],
    ids=["that cannot be compiled", "that fails while rendering"],
)
def test_a_sites_broken_web_editor_page_is_named_at_its_line(
    golden: Path, tmp_path: Path, capsys, template: str, line: int, error: str
):
    _with_editor(golden, "Ours")
    out = tmp_path / "out"
    assert build(golden, out) == 0
    before = tree_hashes(out)
    write(golden, "theme/templates/admin.html", template)
    assert build(golden, out) == 1
    err = capsys.readouterr().err
    assert f"theme/templates/admin.html:{line}: the template failed on /admin/: " in err and error in err, err
    assert "Traceback" not in err
    assert tree_hashes(out) == before


OWN_ERROR_PAGE = """\
<!doctype html>
<html><head><title>Our own error page</title></head><body>
<h1>Not this time</h1>
<ul>{% for p in problems %}<li class="ours">{{ p.path }}:{{ p.line }}: {{ p.message }}
<pre>{% for row in p.excerpt %}{{ row.number }}{% if row.marked %}>{% endif %} {{ row.text }}
{% endfor %}</pre></li>{% endfor %}</ul>
</body></html>
"""


def test_the_preview_shows_a_sites_own_error_and_404_pages_and_the_default_when_its_own_fails(
    site: Path, tmp_path: Path
):
    write(site, "theme/templates/preview-error.html", OWN_ERROR_PAGE)
    write(site, "theme/templates/404.html", '{% extends "default:404.html" %}\n{% block title %}Lost{% endblock %}\n')
    (tmp_path / "secret.html").write_text("SECRET-FROM-OUTSIDE", "utf-8")
    story = site / "stories" / "first.md"
    good = story.read_text("utf-8")
    preview = start(site)
    try:
        status, _, body = preview.get("/no-such-page/")
        assert status == 404 and "<title>Lost ·" in body

        story.write_text(good.replace("title: First story", "title: <script>alert(1)</script>\ntitle: again"), "utf-8")
        body = until(lambda: "Our own error page" in (r := preview.get("/"))[2] and r, "the site's own error page")[2]
        soup = BeautifulSoup(body, "html.parser")
        problem = soup.select_one("li.ours").get_text(" ", strip=True)
        assert problem.startswith("stories/first.md:") and "given twice" in problem, problem
        assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert [s["src"] for s in soup.find_all("script", src=True)] == ["/__goodrel/reload.js"]

        write(site, "theme/templates/preview-error.html", "<h1>{{ problems[0].no_such_field }}</h1>\n")
        failed = "theme/templates/preview-error.html , line 1: the template failed"
        shown = until(lambda: (found := _problems(preview)) and found[-1].startswith(failed) and found, "the default")
        assert shown[0].startswith("stories/first.md , line ") and len(shown) == 2, shown

        (site / "theme/templates/preview-error.html").unlink()
        (site / "theme/templates/preview-error.html").symlink_to(tmp_path / "secret.html")
        refused = "theme/templates/preview-error.html : is a link to"
        until(lambda: any(p.startswith(refused) for p in _problems(preview)), "the refused error page named")
        assert "SECRET" not in preview.get("/")[2]
    finally:
        stop(preview)


def _problems(preview) -> list[str]:
    """The problems the default error page lists, as text (none while another page shows)."""
    status, _, body = preview.get("/")
    soup = BeautifulSoup(body, "html.parser")
    if status != 500 or soup.h1 is None or soup.h1.get_text() != "The site could not be built":
        return []
    return [li.get_text(" ", strip=True) for li in soup.select("main li")]


def test_check_names_a_broken_error_page_of_the_sites_own(site: Path, capsys):
    write(site, "theme/templates/preview-error.html", "{% for p in problems %}\n")
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    err = capsys.readouterr().err
    assert "theme/templates/preview-error.html:1: the template failed: Unexpected end of template" in err
    assert "Traceback" not in err


def test_a_template_that_cannot_be_compiled_stops_the_build_at_its_line(site: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert build(site, out) == 0
    before = tree_hashes(out)
    write(site, "theme/templates/story.html", "{% extends 'default:story.html' %}\n{% block title %}{{ entry.title }\n")
    assert build(site, out) == 1
    err = capsys.readouterr().err
    assert "theme/templates/story.html:2: the template failed on /stories/first/: unexpected '}'" in err, err
    assert "Traceback" not in err
    assert tree_hashes(out) == before
