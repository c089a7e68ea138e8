"""`check` for pull requests: everything the build validates plus images, consent
reviews, stories awaiting consent and moved stories, in text, JSON and GitHub
annotation formats; and the pre-commit hook and CI workflow that run it."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import yaml
from conftest import NOW, REPO, run, story, write
from test_history import commit, git, init

from goodrel_site.again import again

REVIEWED = """\
---
title: Reviewed story
summary: Its consent review date has passed.
date: 2014-03-01
status: published
categories: [common-purpose]
region: london
consent:
  status: given
  date: 2014-01-10
  review_by: 2025-06-01
---

Body.
"""


def check(site: Path, capsys, *options: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = run("check", "--site", str(site), "--now", NOW.isoformat(), *options)
    out, err = capsys.readouterr()
    return status, out, err


def untidy_site(site: Path) -> None:
    """One of each thing check reports, at known lines."""
    shutil.copy(REPO / "stories" / "images" / "bridge.png", site / "stories" / "bridge.png")
    write(site, "stories/reviewed.md", REVIEWED)  # review_by: line 11
    write(site, "stories/due-later.md", REVIEWED.replace("2025-06-01", "2027-01-01"))
    write(
        site,
        "stories/waiting.md",
        story("Waiting story")
        .replace("status: published", "status: draft")
        .replace("{status: given, date: 2014-01-10}", "{status: pending}"),
    )
    write(site, "stories/html.md", story("Raw HTML") + "\n<div>boxed</div>\n")  # line 13
    write(site, "stories/no-alt.md", story("Picture without words") + "\n![](bridge.png)\n")


def test_text_format_lists_errors_on_stderr_and_notes_on_stdout(site, capsys):
    untidy_site(site)
    status, out, err = check(site, capsys)
    assert status == 1
    assert any(line.startswith("stories/no-alt.md:") and "needs alt text" in line for line in err.splitlines())
    assert "stories/reviewed.md:11: warning: consent was due for review on 2025-06-01" in out
    assert "due-later" not in out + err  # not due yet
    assert "stories/waiting.md:8: info: awaiting consent: \u201cWaiting story\u201d" in out
    assert "stories/html.md:13: warning: raw HTML is shown as text" in out
    assert err.splitlines()[-1] == "1 error, 3 notes."


def test_front_matter_images_must_exist_and_have_alt_text(site, capsys):
    shutil.copy(REPO / "stories" / "images" / "bridge.png", site / "stories" / "bridge.png")
    write(site, "stories/pictured.md", story("Pictured", "image: {src: bridge.png}\n"))
    write(
        site,
        "stories/missing-image.md",
        story(
            "Missing picture",
            """\
        image:
          src: nowhere.png
          alt: A picture that is not there
        """,
        ),
    )
    status, out, err = check(site, capsys, "--format", "github")
    assert status == 1
    assert out.splitlines() == [
        "::error file=stories/missing-image.md,line=10::image file not found: 'nowhere.png' "
        "(the path is relative to stories/missing-image.md, e.g. 'images/photo.jpg')",
        "::error file=stories/pictured.md,line=9::image.alt is required: describe the picture "
        "for people who cannot see it (or set decorative: true)",
    ]
    write(site, "stories/pictured.md", story("Pictured", "image: {src: bridge.png, decorative: true}\n"))
    (site / "stories" / "missing-image.md").unlink()
    assert check(site, capsys)[0] == 0


def test_json_format(site, capsys):
    untidy_site(site)
    status, out, err = check(site, capsys, "--format", "json")
    assert status == 1 and err == ""
    found = json.loads(out)
    assert {
        "path": "stories/reviewed.md",
        "line": 11,
        "level": "warning",
        "message": found[[p["path"] for p in found].index("stories/reviewed.md")]["message"],
    } in found
    assert {(p["path"], p["level"]) for p in found} == {
        ("stories/no-alt.md", "error"),
        ("stories/reviewed.md", "warning"),
        ("stories/html.md", "warning"),
        ("stories/waiting.md", "info"),
    }
    assert all(set(p) == {"path", "line", "level", "message"} for p in found)


def test_github_format_annotates_the_lines(site, capsys):
    untidy_site(site)
    status, out, err = check(site, capsys, "--format", "github")
    assert status == 1
    lines = out.splitlines()
    assert any(line.startswith("::error file=stories/no-alt.md,line=") for line in lines)
    assert any(line.startswith("::warning file=stories/reviewed.md,line=11::consent was due") for line in lines)
    assert any(line.startswith("::notice file=stories/waiting.md,line=8::awaiting consent") for line in lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_github_annotations_escape_what_would_end_them(site, capsys):
    write(site, "stories/Odd, name: 100%.md", story("Odd"))
    status, out, _ = check(site, capsys, "--format", "github")
    assert status == 1
    assert out.startswith(
        "::error file=stories/Odd%2C name%3A 100%25.md,line=1::the file name 'Odd, name: 100%25.md' cannot be a URL"
    )


def test_a_clean_site_passes(site, capsys):
    status, out, err = check(site, capsys)
    assert (status, out, err) == (0, "", "0 errors, 0 notes.\n")


def test_a_schema_left_behind_by_site_yaml_is_flagged(site, capsys):
    assert run("schema", "--site", str(site)) == 0
    assert check(site, capsys)[0:2] == (0, "")
    settings = (site / "site.yaml").read_text()
    (site / "site.yaml").write_text(
        settings.replace("regions:\n", "regions:\n  wales: {label: Wales, description: Work in Wales.}\n", 1)
    )
    status, out, err = check(site, capsys)
    assert status == 0
    assert (
        "site.yaml:1: warning: schema/story.schema.json no longer matches site.yaml and the "
        f"models: run '{again(site, 'schema')}' and commit the result"
    ) in out


# Moving a story: a public address that disappears since the previous commit.


def moved(site: Path, capsys) -> list[str]:
    return [line for line in check(site, capsys)[1].splitlines() if "aliases" in line]


def test_a_changed_slug_without_an_alias_is_flagged_before_commit(site, capsys):
    init(site)
    first = site / "stories" / "first.md"
    first.write_text(first.read_text().replace("event: leeds-2013\n", "event: leeds-2013\nslug: first-of-many\n"))
    assert moved(site, capsys) == [
        "stories/first.md:10: warning: this story was at /stories/first/ in HEAD and is now at "
        "/stories/first-of-many/: add 'aliases: [/stories/first/]' so that links to the old "
        "address still work"
    ]
    first.write_text(
        first.read_text().replace("slug: first-of-many\n", "slug: first-of-many\naliases: [/stories/first/]\n")
    )
    assert moved(site, capsys) == []


def test_a_renamed_file_is_compared_with_the_previous_commit_once_committed(site, capsys):
    init(site)
    git(site, "mv", "stories/first.md", "stories/renamed.md")
    commit(site, "2016-01-01")
    assert moved(site, capsys) == [
        "stories/renamed.md:1: warning: this story was at /stories/first/ in HEAD~1 and is now at "
        "/stories/renamed/: add 'aliases: [/stories/first/]' so that links to the old address still work"
    ]


def test_a_deleted_story_is_flagged_and_a_withdrawn_one_is_not(site, capsys):
    write(site, "stories/second.md", story("Second story"))
    init(site)
    (site / "stories" / "second.md").unlink()
    first = site / "stories" / "first.md"
    first.write_text(first.read_text().replace("status: given", "status: withdrawn"))
    assert moved(site, capsys) == [
        "stories/second.md:1: warning: /stories/second/ was a public story in HEAD and is gone: "
        "if the story moved, add /stories/second/ to the 'aliases' of its new file; to take a "
        "story down, set consent.status: withdrawn or unpublish_on instead of deleting it"
    ]


def test_no_history_no_warning(site, capsys):
    assert moved(site, capsys) == []  # not a git checkout
    init(site)
    assert moved(site, capsys) == []  # one commit, nothing changed


# The hook and the workflow that run check.


def test_the_pre_commit_hook_runs_check(site):
    hooks = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    [hook] = [h for repo in hooks["repos"] for h in repo["hooks"] if h["id"] == "goodrel-check"]
    assert hook["language"] == "system" and hook["pass_filenames"] is False
    shutil.copy(REPO / "build.py", site / "build.py")
    (site / ".venv").symlink_to(REPO / ".venv")
    hook_run = lambda: subprocess.run(shlex.split(hook["entry"]), cwd=site, capture_output=True, text=True)  # noqa: E731
    assert hook_run().returncode == 0
    write(site, "stories/broken.md", story("Broken", "region: atlantis\n").replace("region: london\n", ""))
    result = hook_run()
    assert result.returncode == 1
    assert result.stderr.startswith("stories/broken.md:8: unknown region 'atlantis'")


def test_the_workflow_checks_pull_requests_and_publishes_main():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "site.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    steps = {
        job: " ".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in spec["steps"])
        for job, spec in workflow["jobs"].items()
    }
    assert "build.py check --format github" in steps["check"] and ".ci/run" in steps["check"]
    assert "build.py build" in steps["build"] and "upload-pages-artifact" in steps["build"]
    assert "deploy-pages" in steps["deploy"]


def test_an_alias_bomb_in_the_previous_commit_is_read_with_the_same_limits(site, capsys):
    # check reads the previous commit's story files too: input like any other.
    bomb = "".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(10))
    write(site, "stories/bombed.md", story("Bombed", bomb))
    init(site)
    write(site, "stories/bombed.md", story("Bombed"))
    status, out, err = check(site, capsys)
    assert status == 0 and "Traceback" not in err
    assert "stories/bombed.md" not in out + err  # (it was not public then: unreadable)
