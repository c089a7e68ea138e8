"""The web editor: Decap CMS's configuration made from the models and site.yaml, its
files published at /admin/ only when site.yaml turns it on, and, for real, a story
written in the form in headless Chromium against decap-server (Decap's local backend,
from package.json) and saved as a commit on a branch, as a pull request would hold it,
which `check` passes and the build publishes once it is no longer a draft."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import NOW, REPO, build, run, serve_folder

from goodrel_site import cms, scaffold
from goodrel_site.models import META
from goodrel_site.validate import load_settings

DECAP_SERVER = REPO / "node_modules/decap-server/dist/index.js"
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
    assert inner["network"]["widget"] == "boolean" and not inner["network"]["required"]
    assert inner["network"]["hint"].startswith("true when the storyteller agreed")
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
    assert '<script src="decap-cms.js"></script>' in page and "http" not in page.replace("http-equiv", "")
    config = yaml.safe_load((admin / "config.yml").read_text("utf-8"))
    assert config == cms.config(load_settings(site))
    for path in cms.DECAP.iterdir():
        assert (admin / path.name).read_bytes() == path.read_bytes()


def test_the_shipped_decap_files_are_those_of_the_pinned_release():
    """goodrel_site/decap/ holds what `npm run vendor` copies from the version that
    package.json pins (and package-lock.json locks)."""
    pinned = json.loads((REPO / "package.json").read_text("utf-8"))["devDependencies"]["decap-cms"]
    dist = REPO / "node_modules/decap-cms/dist"
    assert json.loads((dist.parent / "package.json").read_text("utf-8"))["version"] == pinned, "run npm ci"
    wanted = {
        p.name
        for p in dist.iterdir()
        if p.name.endswith(("decap-cms.js", ".wasm")) or p.name == "decap-cms.js.LICENSE.txt"
    }
    assert {p.name for p in cms.DECAP.iterdir()} == wanted
    for name in wanted:
        assert (cms.DECAP / name).read_bytes() == (dist / name).read_bytes(), name


@pytest.fixture
def decap_server(new_site: Path):
    """decap-server in git mode over the new site (a git repository), on a free port."""
    assert DECAP_SERVER.is_file(), "decap-server is missing: run `npm ci` (./dev test does)"
    subprocess.run(["git", "init", "-q", "-b", "main", str(new_site)], check=True)
    subprocess.run([*GIT, "-C", str(new_site), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(new_site), "commit", "-q", "-m", "A new site"], check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "MODE": "git",
        "GIT_REPO_DIRECTORY": str(new_site),
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "LOG_LEVEL": "warn",
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    server = subprocess.Popen(
        ["node", str(DECAP_SERVER)], env=env, cwd=new_site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    api = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                request = urllib.request.Request(
                    api, json.dumps({"action": "info"}).encode(), {"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=1) as answer:
                    assert json.load(answer)["type"] == "local_git"
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.1)
        yield api
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_story_written_in_the_form_is_saved_for_review_checks_and_builds(
    new_site, decap_server, page, tmp_path: Path
):
    out = tmp_path / "out"
    assert build(new_site, out) == 0
    server, url = serve_folder(out)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    # Decap looks for its local backend at localhost:8081, which may be taken: this
    # test's decap-server answers there instead.
    page.route("http://localhost:8081/**", lambda route: route.fulfill(response=route.fetch(url=decap_server)))
    try:
        page.goto(url + "/admin/")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Example: a shared garden brings two streets together").wait_for()
        page.goto(url + "/admin/#/collections/stories/new")
        field = lambda name: page.locator(f'[id^="{name}-field-"]').first  # noqa: E731
        field("title").fill("Football across the estates")
        field("summary").fill("Young people from two estates that never mixed formed one team.")
        field("date").fill("2026-11-20")
        field("categories").fill("Common purpose")
        page.keyboard.press("Enter")
        field("region").fill("North West")
        page.keyboard.press("Enter")
        field("place").fill("Oldham")
        page.locator('[data-slate-editor="true"]').click()
        page.keyboard.type("They played every Saturday, and then they organised the league.")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/collections/stories/entries/football-across-the-estates", timeout=30_000)
    finally:
        server.shutdown()
    assert all(a.startswith((url, "http://localhost:8081/", "data:", "blob:")) for a in asked), [
        a for a in asked if not a.startswith(url)
    ]
    # The submission is a commit on a branch of its own: what the pull request holds.
    branch = "cms/stories/football-across-the-estates"
    text = subprocess.run(
        ["git", "-C", str(new_site), "show", f"{branch}:stories/football-across-the-estates.md"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "status: draft" in text and "status: pending" in text
    review = tmp_path / "review"
    subprocess.run(["git", "-C", str(new_site), "worktree", "add", "-q", str(review), branch], check=True)
    assert run("check", "--site", str(review), "--now", NOW.isoformat()) == 0
    assert build(review, tmp_path / "drafts", "--drafts") == 0
    story = (tmp_path / "drafts/stories/football-across-the-estates/index.html").read_text("utf-8")
    assert "Football across the estates" in story and "They played every Saturday" in story
    assert build(review, tmp_path / "public") == 0  # a draft, pending consent: not published
    assert not (tmp_path / "public/stories/football-across-the-estates").exists()
    # The editor who approves it records consent and publishes: it goes out.
    path = review / "stories/football-across-the-estates.md"
    path.write_text(
        text.replace("status: draft", "status: published").replace(
            "  status: pending", "  status: given\n  date: 2026-11-21"
        ),
        "utf-8",
    )
    assert run("check", "--site", str(review), "--now", NOW.isoformat()) == 0
    assert build(review, tmp_path / "public") == 0
    assert (tmp_path / "public/stories/football-across-the-estates/index.html").is_file()


def test_a_wrong_cms_setting_is_named_at_its_line(tmp_path: Path, capsys):
    scaffold.create(tmp_path / "site", NOW)
    settings = tmp_path / "site/site.yaml"
    settings.write_text(settings.read_text("utf-8") + "cms:\n  repo: https://github.com/our-network/stories\n", "utf-8")
    line = settings.read_text("utf-8").splitlines().index("  repo: https://github.com/our-network/stories") + 1
    assert run("check", "--site", str(tmp_path / "site")) == 1
    err = capsys.readouterr().err
    assert f"site.yaml:{line}:" in err and "cms.repo" in err and "Traceback" not in err
