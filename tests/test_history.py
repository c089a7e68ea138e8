"""`updated` from git: a story without `updated` gets the date of its last commit,
when the site root is a git checkout; outside git, nothing is invented."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import build, story, write


def git(root: Path, *args: str, when: str = "2020-01-01") -> str:
    """Run git in `root` with fixed identities and dates (commits are deterministic)."""
    stamp = f"{when}T12:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    return subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True).stdout


def commit(root: Path, when: str, message: str = "edit") -> None:
    git(root, "add", "-A", when=when)
    git(root, "commit", "-q", "-m", message, when=when)


def init(root: Path, when: str = "2015-01-01") -> None:
    git(root, "init", "-q", "-b", "main")
    commit(root, when, "start")


def modified(root: Path) -> dict[str, str]:
    """Each story's date_modified in the built JSON Feed, by title."""
    assert build(root) == 0
    feed = json.loads((root / "public" / "feed.json").read_text("utf-8"))
    return {item["title"]: item["date_modified"][:10] for item in feed["items"]}


def test_the_last_commit_that_changed_a_story_dates_it(site):
    write(site, "stories/second.md", story("Second story"))
    write(site, "stories/dated.md", story("Dated story", "updated: 2016-05-05\n"))
    init(site, "2015-01-01")
    (site / "stories" / "first.md").write_text(
        (site / "stories" / "first.md").read_text().replace("Body of", "New body of")
    )
    commit(site, "2017-06-30")
    write(site, "events/leeds-2013.md", (site / "events/leeds-2013.md").read_text() + "\nMore.\n")
    commit(site, "2018-02-02")  # a commit that touches no story dates none
    # Second story was only ever added: its writing is not an update, so it keeps its date.
    assert modified(site) == {
        "First story": "2017-06-30",
        "Second story": "2014-03-01",
        "Dated story": "2016-05-05",
    }  # the editor's own date wins


def test_dates_come_from_commits_not_from_file_times(site, tmp_path):
    write(site, "stories/second.md", story("Second story"))
    init(site, "2015-01-01")
    write(site, "stories/second.md", story("Second story") + "\nA correction.\n")
    commit(site, "2016-02-02")
    clone = tmp_path / "clone"  # a fresh checkout: every file's time is now
    git(tmp_path, "clone", "-q", f"file://{site}", str(clone))
    assert modified(clone) == modified(site) == {"First story": "2014-03-01", "Second story": "2016-02-02"}


def test_outside_git_nothing_is_invented(site):
    assert modified(site) == {"First story": "2014-03-01"}


def test_uncommitted_stories_and_later_commits_are_not_used(site):
    init(site, "2015-01-01")
    (site / "stories" / "first.md").write_text((site / "stories" / "first.md").read_text() + "\nMore.\n")
    commit(site, "2030-01-01")  # after the build date (--now)
    write(site, "stories/new.md", story("New story"))  # not committed yet
    assert modified(site) == {"First story": "2015-01-01", "New story": "2014-03-01"}


def test_a_commit_before_the_publication_date_is_not_an_update(site):
    write(
        site,
        "stories/first.md",
        story("First story", "event: leeds-2013\n").replace("date: 2014-03-01", "date: 2016-01-01"),
    )
    init(site, "2015-01-01")  # written ahead of publication, e.g. under embargo
    assert modified(site) == {"First story": "2016-01-01"}


def test_a_site_nested_in_another_repository_is_not_dated(site):
    init(site.parent, "2015-01-01")
    assert modified(site) == {"First story": "2014-03-01"}


def test_a_shallow_clone_is_not_trusted_and_says_so(site, tmp_path, capsys):
    init(site, "2015-01-01")
    (site / "stories" / "first.md").write_text((site / "stories" / "first.md").read_text() + "\nMore.\n")
    commit(site, "2017-06-30")
    write(site, "stories/second.md", story("Second story"))
    commit(site, "2019-09-09")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{site}", str(clone))
    capsys.readouterr()
    # In a one-commit clone every story would seem changed on 2019-09-09.
    assert modified(clone) == {"First story": "2014-03-01", "Second story": "2014-03-01"}
    assert "shallow git checkout" in capsys.readouterr().err


def test_a_commit_alone_is_seen_by_the_next_build(site):
    # The build after a commit that changed no file since the last build must still
    # run (it is not "up to date"): history gives the story a new date.
    init(site, "2015-01-01")
    (site / "stories" / "first.md").write_text(
        (site / "stories" / "first.md").read_text().replace("Body of", "New body of")
    )
    assert modified(site)["First story"] == "2014-03-01"
    commit(site, "2017-06-30")
    assert modified(site)["First story"] == "2017-06-30"
