"""`goodrel init`: a new site that checks and builds at once with the default theme,
its CI workflow and pre-commit hook, and a refusal of any folder already in use."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import NOW, REPO, build, run

from goodrel_site import __version__, engine_source, scaffold, sitefiles


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    root = tmp_path / "our-site"
    assert run("init", str(root)) == 0
    return root


def test_init_makes_a_site_that_checks_and_builds_with_the_default_theme(new_site: Path, capsys):
    assert not (new_site / "theme").exists()
    assert {p.name for p in (new_site / "pages").iterdir()} == {"for-journalists.md"}
    assert run("check", "--site", str(new_site), "--now", NOW.isoformat()) == 0
    assert "0 errors, 0 notes." in capsys.readouterr().err
    assert build(new_site) == 0
    out = new_site / "public"
    story = (out / "stories/an-example-story/index.html").read_text("utf-8")
    assert "Example: a shared garden brings two streets together" in story
    assert "/events/an-example-gathering/" in story  # the story names its event
    assert (out / "events/an-example-gathering/index.html").is_file()
    assert (out / "assets/site.css").read_bytes() == (REPO / "theme/static/site.css").read_bytes()
    # Someone to call, from site.yaml's contact, and a sharing picture that names no other site.
    assert 'href="mailto:stories@example.org"' in story
    assert (out / "assets/share.png").read_bytes() == (REPO / "theme/static/share.png").read_bytes()


def test_init_writes_the_reports_vocabularies(new_site: Path):
    ours = yaml.safe_load((new_site / "site.yaml").read_text("utf-8"))
    bundled = yaml.safe_load((REPO / "site.yaml").read_text("utf-8"))
    for vocab in ("categories", "approaches", "divides", "themes", "regions"):
        assert ours[vocab] == bundled[vocab]


def test_the_example_story_is_dated_the_day_of_init(tmp_path: Path):
    scaffold.create(tmp_path / "site", date(2027, 3, 4))
    story = (tmp_path / "site/stories/an-example-story.md").read_text("utf-8")
    assert "date: 2027-03-04" in story and "{today}" not in story


@pytest.mark.parametrize("existing", ["a file inside", "a hidden file inside", "a file"])
def test_init_refuses_a_folder_in_use(tmp_path: Path, existing: str, capsys):
    target = tmp_path / "taken"
    if existing == "a file":
        target.write_text("notes\n")
    else:
        target.mkdir()
        (target / ("notes.txt" if existing == "a file inside" else ".git")).write_text("x\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert run("init", str(target)) == 2
    err = capsys.readouterr().err
    assert str(target) in err and ("not empty" in err or "is a file" in err)
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_a_full_disk_during_init_is_one_line_and_exit_2(tmp_path: Path, capsys, monkeypatch):
    def full(root, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(sitefiles, "write", full)  # (every file init writes goes through it)
    assert run("init", str(tmp_path / "ours")) == 2
    err = capsys.readouterr().err
    assert err.startswith("goodrel: ") and "the disk is full" in err and "Traceback" not in err, err
    assert len(err.splitlines()) == 1


def test_init_accepts_an_empty_folder(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert run("init", str(tmp_path / "empty")) == 0
    assert (tmp_path / "empty/site.yaml").is_file()


def test_the_version(capsys):
    with pytest.raises(SystemExit) as exit:
        run("--version")
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"goodrel {__version__}\n"


def test_the_workflow_checks_pull_requests_and_publishes_main_every_day(new_site: Path):
    workflow = yaml.safe_load((new_site / ".github/workflows/site.yml").read_text("utf-8"))
    triggers = workflow[True]  # (YAML 1.1 reads the key `on` as true)
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert triggers["push"]["branches"] == ["main"] and triggers["schedule"][0]["cron"]
    jobs = workflow["jobs"]
    steps = lambda job: " ".join(s.get("run", "") for s in jobs[job]["steps"])  # noqa: E731
    assert "goodrel check --format github" in steps("check") and "if" not in jobs["check"]
    assert "-r requirements.txt -c constraints.txt" in steps("check")
    assert jobs["build"]["needs"] == "check" and "pull_request" in jobs["build"]["if"]
    assert "goodrel build" in steps("build")
    assert jobs["deploy"]["needs"] == "build"
    # A scheduled rebuild that fails says so, and the schedule is kept switched on.
    assert jobs["alert"]["if"] == "failure() && github.event_name == 'schedule'"
    assert set(jobs["alert"]["needs"]) == {"check", "build", "deploy"}
    assert "gh issue create" in steps("alert")
    assert "actions/workflows/site.yml/enable" in steps("keep-schedule")
    assert_valid_shell(jobs)
    # After publishing, a hub can be asked to rebuild: only once a variable names it.
    ping = jobs["ping-hub"]
    assert ping["needs"] == "deploy" and ping["if"] == "vars.NETWORK_HUB != ''"
    assert 'repos/$HUB/dispatches" -f event_type=member-published' in steps("ping-hub")
    assert ping["steps"][0]["env"] == {"GH_TOKEN": "${{ secrets.NETWORK_HUB_TOKEN }}", "HUB": "${{ vars.NETWORK_HUB }}"}


def assert_valid_shell(jobs: dict) -> None:
    for job in jobs.values():  # every shell step is valid shell
        for step in job["steps"]:
            if "run" in step:
                script = step["run"].replace("${{", "").replace("}}", "")
                assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0, step


def test_init_hub_makes_a_hub_rebuilt_every_hour_and_when_a_member_asks(tmp_path: Path, capsys):
    hub, member = tmp_path / "hub", tmp_path / "member"
    assert run("init", "--hub", str(hub)) == 0
    assert "It is a hub: list its member sites under network: in site.yaml" in capsys.readouterr().out
    assert run("init", str(member)) == 0
    workflow = yaml.safe_load((hub / ".github/workflows/site.yml").read_text("utf-8"))
    triggers = workflow[True]
    assert set(triggers) == {"pull_request", "push", "schedule", "repository_dispatch", "workflow_dispatch"}
    assert triggers["schedule"] == [{"cron": "17 * * * *"}]  # every hour
    # The event a member's ping-hub job sends.
    member_flow = yaml.safe_load((member / ".github/workflows/site.yml").read_text("utf-8"))
    sent = member_flow["jobs"]["ping-hub"]["steps"][0]["run"].rsplit("event_type=", 1)[1]
    assert triggers["repository_dispatch"] == {"types": [sent]}
    # Otherwise the same jobs as a member's, the daily wording made hourly.
    assert workflow["jobs"].keys() == member_flow["jobs"].keys()
    assert_valid_shell(workflow["jobs"])
    text = (hub / ".github/workflows/site.yml").read_text("utf-8") + (hub / "README.md").read_text("utf-8")
    assert "daily" not in text and 'title="The hourly rebuild failed"' in text
    # site.yaml shows how to list the members: its lines, the # removed, are the setting.
    settings = (hub / "site.yaml").read_text("utf-8")
    block = settings[settings.index("# network:") :].split("\n\n", 1)[0]
    example = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    assert yaml.safe_load(example) == {
        "network": {
            "members": [
                {"url": "https://oldham-stories.example.org/"},
                {"url": "https://leeds-together.example.org/", "key": "leeds"},
            ]
        }
    }
    assert "# network:" not in (member / "site.yaml").read_text("utf-8")
    # As made, with no member listed yet, it checks and builds at once.
    assert run("check", "--site", str(hub), "--now", NOW.isoformat()) == 0
    assert build(hub) == 0


def test_the_pre_commit_hook_runs_check(new_site: Path, tmp_path: Path):
    hook = yaml.safe_load((new_site / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]["hooks"][0]
    command = ["sh", "-c", hook["entry"].removeprefix("sh -c ").strip("'")]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    assert subprocess.run(command, cwd=new_site, env=env, capture_output=True).returncode == 0
    story = new_site / "stories/an-example-story.md"
    story.write_text(story.read_text("utf-8").replace("region: national", "region: atlantis"), "utf-8")
    found = subprocess.run(command, cwd=new_site, env=env, capture_output=True, text=True)
    assert found.returncode == 1
    assert "stories/an-example-story.md:" in found.stderr and "atlantis" in found.stderr


class Installed:
    """The engine's installed metadata, with the direct_url.json pip would have written."""

    def __init__(self, origin: dict | None):
        self.origin = origin

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return json.dumps(self.origin) if self.origin else None


def installed(monkeypatch, origin: dict | None) -> engine_source.EngineSource:
    monkeypatch.setattr(engine_source.metadata, "distribution", lambda name: Installed(origin))
    return engine_source.find()


def test_the_site_installs_the_engine_it_was_made_with(monkeypatch):
    # From a package index: that version, from there.
    assert installed(monkeypatch, None) == engine_source.EngineSource(f"goodrel-site=={__version__}")
    # From git: the same commit of the same repository.
    git = {"url": "https://github.com/our-network/goodrel-site", "vcs_info": {"vcs": "git", "commit_id": "0123abc"}}
    assert installed(monkeypatch, git) == engine_source.EngineSource(
        "goodrel-site @ git+https://github.com/our-network/goodrel-site@0123abc"
    )
    # An archive on the web: the same archive.
    web = {"url": "https://example.org/goodrel_site-0.1.0-py3-none-any.whl", "archive_info": {}}
    assert installed(monkeypatch, web).requirement == f"goodrel-site @ {web['url']}"
    assert not installed(monkeypatch, web).unreachable


def test_a_local_wheel_is_named_at_once_with_what_to_write_instead(monkeypatch, tmp_path: Path, capsys):
    wheel = f"file://{tmp_path}/dist/goodrel_site-{__version__}-py3-none-any.whl"
    found = installed(monkeypatch, {"url": wheel, "archive_info": {"hash": "sha256=00"}})
    assert found.requirement == f"goodrel-site @ {wheel}"  # (the README's setup, here, installs it)
    assert found.unreachable.startswith(
        f"requirements.txt installs goodrel from a wheel on this computer ({tmp_path}/dist/goodrel_site-"
    )
    assert f"with 'goodrel-site=={__version__}' once that version is on the Python Package Index" in found.unreachable
    assert run("init", str(tmp_path / "ours")) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0] == f"First: {found.unreachable}." and said[2].startswith("Made a new site in")
    requirements = (tmp_path / "ours/requirements.txt").read_text("utf-8").splitlines()
    assert requirements[-1] == found.requirement and requirements[1].startswith("# requirements.txt installs")
    # and `check` says it again until the line is replaced.
    assert run("check", "--site", str(tmp_path / "ours"), "--now", NOW.isoformat()) == 0
    assert f"requirements.txt:{len(requirements)}: warning: this installs goodrel from a file on this computer" in (
        capsys.readouterr().out
    )
    (tmp_path / "ours/requirements.txt").write_text(f"goodrel-site=={__version__}\n", "utf-8")
    assert run("check", "--site", str(tmp_path / "ours"), "--now", NOW.isoformat()) == 0
    assert "requirements.txt" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "origin",
    ["git@github.com:our-network/goodrel-site.git", "https://github.com/our-network/goodrel-site.git"],
)
def test_a_checkout_on_github_is_answered_with_its_commit(monkeypatch, tmp_path: Path, origin: str):
    checkout = tmp_path / "goodrel-site"
    checkout.mkdir()
    for args in (["init", "-q"], ["remote", "add", "origin", origin]):
        subprocess.run(["git", "-C", str(checkout), *args], check=True)
    subprocess.run(
        ["git", "-C", str(checkout), "-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-q",
         "--allow-empty", "-m", "x"],
        check=True,
    )  # fmt: skip
    commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True)
    found = installed(monkeypatch, {"url": f"file://{checkout}", "dir_info": {"editable": True}})
    assert found.requirement == f"goodrel-site @ file://{checkout}"
    assert found.unreachable.endswith(
        "with 'goodrel-site @ git+https://github.com/our-network/goodrel-site.git@"
        f"{commit.stdout.strip()}' (once that commit is pushed)"
    )


def test_init_prints_the_link_that_makes_a_volunteers_token(tmp_path: Path, capsys):
    assert run("init", str(tmp_path / "ours")) == 0
    said = capsys.readouterr().out.splitlines()
    at = said.index("token of their own, for this site's repository only (docs/cms.md says how), made here:")
    link = said[at + 1].strip()
    assert link.startswith("https://github.com/settings/personal-access-tokens/new?")
    assert "contents=write" in link and "pull_requests=write" in link and "expires_in=90" in link
