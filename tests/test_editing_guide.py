"""docs/editing.md, the editor's guide: it names every field, and its example works."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO, build, run
from test_serve import free_port

from goodrel_site.models import Consent, Contact, EventMeta, Image, Outcome, PageMeta, Quote, StoryMeta

GUIDE = (REPO / "docs" / "editing.md").read_text("utf-8")


@pytest.mark.parametrize(
    "model", [StoryMeta, EventMeta, PageMeta, Consent, Quote, Outcome, Contact, Image], ids=lambda m: m.__name__
)
def test_the_guide_names_every_field(model):
    missing = [name for name in model.model_fields if f"`{name}`" not in GUIDE]
    assert missing == [], f"docs/editing.md does not explain {', '.join(missing)} ({model.__name__})"


def test_the_guides_example_story_builds(tmp_path, capsys):
    example = re.search(r"## A complete example\n\n```yaml\n(.*?)```", GUIDE, re.S)[1]
    site = tmp_path / "site"
    (site / "stories" / "images").mkdir(parents=True)
    (site / "events").mkdir()
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    shutil.copy(REPO / "stories" / "images" / "five-a-side.png", site / "stories" / "images")
    (site / "events" / "oldham-2013.md").write_text(
        "---\ntitle: Oldham gathering\nsummary: Practitioners met.\ndate: 2013-06-01\n"
        "status: published\nregion: north-west\nplace: Oldham\n---\n\nWhat happened.\n",
        "utf-8",
    )
    (site / "stories" / "football-across-the-estates.md").write_text(example, "utf-8")
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0, capsys.readouterr()
    assert build(site) == 0
    page = (site / "public" / "stories" / "football-across-the-estates" / "index.html").read_text("utf-8")
    assert "We stopped being the lads from the other estate." in page


def guide_commands() -> list[str]:
    """Every command the guide tells an editor to type (inline or on a line of its own)."""
    return sorted(set(re.findall(r"(?:`|^)(\.venv/bin/goodrel [^`\n]*|\./dev \w+)", GUIDE, re.M)))


def test_the_commands_in_the_guide_work_as_written_from_the_project_folder(tmp_path):
    # A copy of the project as an editor has it after `./dev preview` set it up.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("site.yaml", "build.py", "dev"):
        shutil.copy(REPO / name, project / name)
    for name in ("stories", "events", "pages", "theme", "schema"):
        shutil.copytree(REPO / name, project / name)
    (project / ".venv").symlink_to(Path(sys.executable).parent.parent)
    commands = guide_commands()
    assert {c.split()[1] for c in commands if c.startswith(".venv")} >= {"new", "serve", "check", "schema"}
    for command in commands:
        words = shlex.split(command)
        if words[0] == "./dev":  # (it sets up an environment: only its commands are checked)
            assert re.search(rf"^\s+{words[1]}\)", (REPO / "dev").read_text(), re.M), command
            continue
        if words[1] == "serve":
            port = free_port()
            process = subprocess.Popen(
                words + ["--port", str(port)], cwd=project, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            try:
                started = "".join(process.stdout.readline() for _ in range(4))
                assert f"Previewing {project} at http://127.0.0.1:{port}/" in started, started
                assert (
                    "drafts are hidden" if "--no-drafts" in words else "Drafts and embargoed items are shown"
                ) in started
            finally:
                process.terminate()
                process.wait(timeout=60)
            continue
        result = subprocess.run(words, cwd=project, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        if words[1] == "new":  # and what it prints works as written, too
            printed = re.findall(r": +(\.venv/bin/goodrel \w+)$", result.stdout, re.M)
            assert printed == [".venv/bin/goodrel serve", ".venv/bin/goodrel check"], result.stdout
            assert (
                subprocess.run(shlex.split(printed[1]), cwd=project, capture_output=True, timeout=300).returncode == 0
            )
