"""The web editor: Sveltia CMS's configuration made from the models and site.yaml, its
files (from package.json's pinned packages) published at /admin/ only when site.yaml
turns it on, the link that makes a volunteer's token, and, for real in headless
Chromium, the local trial: a story written in the form into a copy of a new site with
uncommitted changes, a failed Save that leaves nothing behind, the preview pane in the
site's own look, and the saved file, which `check` passes and the build publishes once
it is no longer a draft."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import yaml
from conftest import NOW, REPO, build, run, serve_folder
from github_standin import CORS, GitHub
from test_serve import start, stop

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


def _write_a_story(page) -> None:
    """Fill in the new story's form as a volunteer would."""

    def field(name: str, part: str = "input"):
        """A field of the form, scrolled to: the form shows its fields as it is scrolled."""
        found = page.locator(f"[data-key-path={name}] {part}").first
        for _ in range(50):
            if found.count():
                break
            page.mouse.move(300, 500)
            page.mouse.wheel(0, 600)
        return found

    field("title").fill("Football across the estates")
    field("summary", "textarea").fill("Young people from two estates that never mixed formed one team.")
    field("date").fill("2026-11-20")
    field("categories", "[role=combobox]").click()
    page.get_by_role("option", name="Common purpose").click()
    field("region", "[role=combobox]").click()
    page.get_by_role("option", name="North West").click()
    field("place", "textarea").fill("Oldham")
    field("body", "[contenteditable=true]").click()
    page.keyboard.type("They played every Saturday, and then they organised the league.")


# The local trial, in headless Chromium against `goodrel serve`: the editor's "Work with
# Local Repository" reads
# and writes the files of the folder it is given (the browser's File System Access
# API), with no git command and no server. Chromium's folder picker is a dialog that
# headless Chromium cannot show, so the picker is answered with a folder of the
# browser's own private file system holding a copy of the site, which the test reads
# back afterwards.
PICKER = """
window.showDirectoryPicker = async () =>
  (await navigator.storage.getDirectory()).getDirectoryHandle("site", { create: true });
// One Save that fails as a full disk or a folder taken away would: the next write fails.
const createWritable = FileSystemFileHandle.prototype.createWritable;
FileSystemFileHandle.prototype.createWritable = function (...args) {
  if (window.failNextWrite) {
    window.failNextWrite = false;
    return Promise.reject(new DOMException("The disk is full", "QuotaExceededError"));
  }
  return createWritable.apply(this, args);
};
"""
COPY_IN = """async (files) => {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle("site", { create: true });
  for (const [path, data] of Object.entries(files)) {
    const parts = path.split("/");
    let folder = root;
    for (const part of parts.slice(0, -1)) folder = await folder.getDirectoryHandle(part, { create: true });
    const file = await (await folder.getFileHandle(parts.at(-1), { create: true })).createWritable();
    await file.write(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
    await file.close();
  }
}"""
READ_BACK = """async (name) => {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle("site");
  const folder = await root.getDirectoryHandle(name);
  const found = {};
  for await (const [file, handle] of folder.entries()) {
    if (handle.kind === "file") found[file] = await (await handle.getFile()).text();
  }
  return found;
}"""


def _site_files(root: Path) -> dict[str, str]:
    """Every file of the site as the editor's folder holds it (the build's output and
    cache left out), base64: the .git folder too, which the editor looks for."""
    skip = ("public", ".goodrel-cache")
    return {
        p.relative_to(root).as_posix(): base64.b64encode(p.read_bytes()).decode()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in skip
    }


def test_the_local_trial_saves_a_story_whatever_is_uncommitted_and_after_a_failed_save(
    new_site: Path, page, tmp_path: Path
):
    subprocess.run(["git", "init", "-q", "-b", "main", str(new_site)], check=True)
    subprocess.run([*GIT, "-C", str(new_site), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(new_site), "commit", "-q", "-m", "A new site"], check=True)
    # Uncommitted work, as a fresh site has while its people try things out.
    example = new_site / "stories/an-example-story.md"
    example.write_text(example.read_text("utf-8").replace("Our town", "Our own town"), "utf-8")
    (new_site / "notes.txt").write_text("to do\n", "utf-8")
    before = {p: p.read_bytes() for p in (new_site / "stories").iterdir()}
    # The editor as the docs say to try it: from `goodrel serve`.
    preview = start(new_site)
    url = f"http://127.0.0.1:{preview.port}"
    status, headers, _ = preview.get("/admin/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    # (GitHub's status page, which the editor asks whether GitHub is up: no network here.)
    page.route("https://www.githubstatus.com/**", lambda route: route.fulfill(json={"status": {}}))
    page.add_init_script(PICKER)
    try:
        page.goto(url + "/admin/")
        page.evaluate(COPY_IN, _site_files(new_site))
        page.get_by_role("button", name="Work with Local Repository").click()
        page.get_by_text("Example: a shared garden brings two streets together").first.wait_for()
        page.goto(url + "/admin/#/collections/stories/new")

        _write_a_story(page)
        # The preview pane: the story as its page shows it, in the site's stylesheet.
        pane = page.frame_locator("iframe").first
        assert pane.locator("header.item-head h1").inner_text() == "Football across the estates"
        eyebrow = pane.locator("p.eyebrow")  # (as the site's stylesheet sets it: in capitals)
        assert eyebrow.text_content() == "Common purpose" and eyebrow.inner_text() == "COMMON PURPOSE"
        assert pane.locator("p.meta").inner_text().endswith("Oldham, North West")
        assert "every Saturday" in pane.locator(".prose").inner_text()
        assert any("/assets/site.css?v=" in a for a in asked)
        # A Save that fails, then one that succeeds.
        page.evaluate("window.failNextWrite = true")
        page.get_by_role("button", name="Save").click()
        alert = page.get_by_role("alertdialog")  # (the editor says so, and keeps what was typed)
        assert "There was an error while saving the entry" in alert.inner_text()
        assert "The disk is full" in alert.inner_text()
        alert.get_by_role("button", name="OK").click()
        assert "football-across-the-estates.md" not in page.evaluate(READ_BACK, "stories")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Football across the estates (draft)").wait_for()  # (the stories, listed again)
        saved = page.evaluate(READ_BACK, "stories")
    finally:
        stop(preview)
    assert all(a.startswith((url, "data:", "blob:", "https://www.githubstatus.com/")) for a in asked), [
        a for a in asked if not a.startswith(url)
    ]
    # One new file, named for its title, beside the stories as they were (uncommitted
    # changes and all). The failed Save left only an empty temporary file, which breaks
    # nothing and which the site's .gitignore keeps out of any commit.
    left = [name for name in saved if name.startswith(".sveltia-tmp-")]
    assert len(left) == 1 and saved[left[0]] == ""
    assert sorted(set(saved) - set(left)) == sorted([p.name for p in before] + ["football-across-the-estates.md"])
    assert all(saved[p.name].encode() == data for p, data in before.items())
    text = saved["football-across-the-estates.md"]
    assert "status: draft" in text and "status: pending" in text
    for name, content in saved.items():
        (new_site / "stories" / name).write_text(content, "utf-8")
    status = subprocess.run(["git", "-C", str(new_site), "status", "--porcelain"], capture_output=True, text=True)
    assert sorted(status.stdout.splitlines()) == [
        " M stories/an-example-story.md",
        "?? notes.txt",
        "?? stories/football-across-the-estates.md",
    ]
    assert run("check", "--site", str(new_site), "--now", NOW.isoformat()) == 0
    assert build(new_site, tmp_path / "drafts", "--drafts") == 0
    story = (tmp_path / "drafts/stories/football-across-the-estates/index.html").read_text("utf-8")
    assert "Football across the estates" in story and "They played every Saturday" in story
    assert build(new_site, tmp_path / "public") == 0  # a draft, pending consent: not published
    assert not (tmp_path / "public/stories/football-across-the-estates").exists()


def test_a_volunteer_signs_in_with_a_token_and_a_save_opens_a_draft_pull_request(new_site: Path, page, tmp_path: Path):
    """Against a stand-in for GitHub (tests/github_standin.py; the real one cannot be
    reached from here): the token is the only sign-in, every request carries it, and a
    Save leaves main as it was and puts the story on a branch of its own with a draft
    pull request to main, where the site's CI runs `check`."""
    token = "github_pat_11AAAAAAA0volunteer"
    github = GitHub(new_site, "our-network/stories", token)
    main = dict(github.files("main"))
    out = tmp_path / "out"
    assert build(new_site, out) == 0
    server, url = serve_folder(out)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.route("https://api.github.com/**", github.handle)
    page.route("https://www.githubstatus.com/**", lambda route: route.fulfill(json={"status": {}}, headers=CORS))
    try:
        page.goto(url + "/admin/")
        assert page.get_by_role("button", name="Sign In with GitHub").count() == 0  # (no sign-in server)
        page.get_by_role("button", name="Sign In Using Access Token").click()
        page.get_by_role("textbox").first.fill(token)
        page.get_by_role("button", name="Sign In", exact=True).click()
        page.get_by_text("Example: a shared garden brings two streets together").first.wait_for()
        page.goto(url + "/admin/#/collections/stories/new")
        _write_a_story(page)
        page.get_by_role("button", name="Save").click()
        for _ in range(200):  # (the stand-in answers while the page waits)
            if github.pulls and github.pulls[0]["labels"]:
                break
            page.wait_for_timeout(50)
    finally:
        server.shutdown()
    assert github.unknown == []
    assert all(
        a.startswith((url, "data:", "blob:", "https://api.github.com/", "https://www.githubstatus.com/")) for a in asked
    )
    assert all(headers_token == token for headers_token in github.tokens)
    assert github.files("main") == main  # a Save never reaches main
    branch = "cms/stories/football-across-the-estates"
    (pull,) = github.pulls
    assert (pull["head"]["ref"], pull["base"]["ref"], pull["draft"]) == (branch, "main", True)
    assert pull["labels"] == [{"name": "sveltia-cms/draft"}]
    added = set(github.files(branch)) - set(main)
    assert added == {"stories/football-across-the-estates.md"}
    review = tmp_path / "review"
    shutil.copytree(new_site, review, ignore=shutil.ignore_patterns("public", ".goodrel-cache"))
    (review / "stories/football-across-the-estates.md").write_bytes(github.files(branch)[added.pop()])
    text = (review / "stories/football-across-the-estates.md").read_text("utf-8")
    assert "status: draft" in text and "status: pending" in text
    assert run("check", "--site", str(review), "--now", NOW.isoformat()) == 0
