"""The web editor: Sveltia CMS's configuration made from the models and site.yaml, its
files (from package.json's pinned packages) published at /admin/ only when site.yaml
turns it on, the link that makes a volunteer's token, and, for real in headless
Chromium, the local trial: a story written in the form into a copy of a new site with
uncommitted changes, a failed Save that leaves nothing behind, the preview pane in the
site's own look, and the saved file, which `check` passes and the build publishes once
it is no longer a draft."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
import yaml
from conftest import NOW, REPO, build, run

from goodrel_site import cms, scaffold
from goodrel_site.models import META
from goodrel_site.validate import load_settings

GIT = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org"]


def _with_editor(root: Path) -> Path:
    settings = root / "site.yaml"
    settings.write_text(settings.read_text("utf-8") + "cms:\n  repo: our-network/stories\n  branch: main\n", "utf-8")
    return root


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    scaffold.create(tmp_path / "site", NOW)
    return _with_editor(tmp_path / "site")


def _fields(fields: list[dict]) -> dict[str, dict]:
    return {f["name"]: f for f in fields}


def test_every_front_matter_field_is_in_the_form_with_its_type(new_site: Path):
    settings = load_settings(new_site)
    config = cms.config(settings)
    assert config["publish_mode"] == "editorial_workflow"
    assert config["backend"] == {
        "name": "github",
        "repo": "our-network/stories",
        "branch": "main",
        "squash_merges": True,
        "auth_methods": ["token"],  # (no sign-in server: each volunteer's own token)
    }
    collections = {c["name"]: c for c in config["collections"]}
    assert list(collections) == ["stories", "events", "pages"]
    for kind, name in (("story", "stories"), ("event", "events"), ("page", "pages")):
        fields = _fields(collections[name]["fields"])
        assert set(fields) == set(META[kind].model_fields) | {"body"}
        assert fields["status"]["default"] == "draft" and fields["body"]["widget"] == "markdown"
        assert collections[name]["delete"] is False and collections[name]["folder"] == name
    story = _fields(collections["stories"]["fields"])
    assert list(story)[:7] == ["title", "summary", "date", "status", "categories", "region", "consent"]
    assert story["date"]["widget"] == "datetime" and story["date"]["format"] == "YYYY-MM-DD"
    assert story["summary"]["widget"] == "text" and story["title"]["widget"] == "string"
    assert story["featured"]["widget"] == "boolean" and story["tags"]["widget"] == "list"
    assert story["event"] == {**story["event"], "widget": "relation", "collection": "events"}
    for field, vocab in (("categories", "categories"), ("approaches", "approaches"), ("region", "regions")):
        options = story[field]["options"]
        assert [o["value"] for o in options] == list(getattr(settings, vocab))
        assert options[0]["label"] == getattr(settings, vocab)[options[0]["value"]].label
    assert story["categories"]["multiple"] and story["categories"]["min"] == 1 and story["categories"]["required"]
    assert "multiple" not in story["region"]
    # Consent: a section of its own that must be there, pending to start with.
    consent = story["consent"]
    assert consent["widget"] == "object" and consent["required"] and not consent["collapsed"]
    inner = _fields(consent["fields"])
    assert inner["status"]["options"] == ["given", "pending", "withdrawn"] and inner["status"]["default"] == "pending"
    assert inner["status"]["required"] and inner["date"]["widget"] == "datetime"
    # An optional section's fields can be left empty (check asks for what it needs).
    assert not any(f["required"] for f in _fields(story["quote"]["fields"]).values())
    assert _fields(story["image"]["fields"])["src"]["widget"] == "image"
    outcomes = _fields(story["outcomes"]["fields"])
    assert outcomes["indicator"]["required"] and outcomes["evidence"]["widget"] == "select"
    assert story["slug"]["pattern"][0] == "^[a-z0-9]+(-[a-z0-9]+)*$"
    assert story["consent"]["hint"].startswith("the storyteller's permission")
    event = _fields(collections["events"]["fields"])
    assert event["attendees"] == {**event["attendees"], "widget": "number", "value_type": "int", "min": 0}


def test_the_editor_is_published_at_admin_only_when_site_yaml_turns_it_on(tmp_path: Path):
    scaffold.create(tmp_path / "plain", NOW)
    assert build(tmp_path / "plain", tmp_path / "out-plain") == 0
    assert not (tmp_path / "out-plain/admin").exists()
    scaffold.create(tmp_path / "site", NOW)
    site = _with_editor(tmp_path / "site")
    assert build(site, tmp_path / "out") == 0
    admin = tmp_path / "out/admin"
    page = (admin / "index.html").read_text("utf-8")
    assert 'import CMS from "./sveltia-cms.js";' in page and "http" not in page.replace("http-equiv", "")
    assert '"immutable": "./immutable.es.js"' in page  # (its own copy, not a CDN's)
    assert 'CMS.registerPreviewStyle("/assets/site.css?v=' in page
    config = yaml.safe_load((admin / "config.yml").read_text("utf-8"))
    assert config == cms.config(load_settings(site))
    shipped = [p for p in cms.EDITOR.rglob("*") if p.is_file()]
    assert len(shipped) > 10
    for path in shipped:
        assert (admin / path.relative_to(cms.EDITOR)).read_bytes() == path.read_bytes()


def test_the_shipped_editor_files_are_those_of_the_pinned_release():
    """goodrel_site/sveltia/ holds what `npm run vendor` copies from the versions that
    package.json pins (and package-lock.json locks): Sveltia's build for modules, its
    chunks, fonts and their licences (not its source maps), and immutable."""
    pinned = json.loads((REPO / "package.json").read_text("utf-8"))["devDependencies"]
    built = REPO / "node_modules/@sveltia/cms"
    for name, folder in (("@sveltia/cms", built), ("immutable", REPO / "node_modules/immutable")):
        assert json.loads((folder / "package.json").read_text("utf-8"))["version"] == pinned[name], "run npm ci"
    wanted = {
        "sveltia-cms.js": built / "npm/index.js",
        "LICENSE.txt": built / "LICENSE.txt",
        "immutable.es.js": REPO / "node_modules/immutable/dist/immutable.es.js",
        **{
            f"{part}/{p.name}": p
            for part in ("chunks", "assets")
            for p in (built / "npm" / part).iterdir()
            if not p.name.endswith(".map")
        },
    }
    shipped = {p.relative_to(cms.EDITOR).as_posix(): p for p in cms.EDITOR.rglob("*") if p.is_file()}
    assert sorted(shipped) == sorted(wanted)
    for name, source in wanted.items():
        assert shipped[name].read_bytes() == source.read_bytes(), name


def test_the_token_link_asks_for_one_repositorys_files_and_pull_requests():
    link = urllib.parse.urlsplit(cms.token_link("our-network/stories"))
    assert (link.scheme, link.netloc, link.path) == ("https", "github.com", "/settings/personal-access-tokens/new")
    assert urllib.parse.parse_qs(link.query) == {
        "name": ["Story editor (our-network/stories)"],
        "description": ["Sign-in for the web editor at /admin/: writes stories as pull requests"],
        "target_name": ["our-network"],
        "expires_in": ["90"],
        "contents": ["write"],
        "pull_requests": ["write"],
    }
    assert "target_name" not in cms.token_link()  # (a site whose repository is not named yet)


def test_a_wrong_cms_setting_is_named_at_its_line(tmp_path: Path, capsys):
    scaffold.create(tmp_path / "site", NOW)
    settings = tmp_path / "site/site.yaml"
    settings.write_text(settings.read_text("utf-8") + "cms:\n  repo: https://github.com/our-network/stories\n", "utf-8")
    line = settings.read_text("utf-8").splitlines().index("  repo: https://github.com/our-network/stories") + 1
    assert run("check", "--site", str(tmp_path / "site")) == 1
    err = capsys.readouterr().err
    assert f"site.yaml:{line}:" in err and "cms.repo" in err and "Traceback" not in err
