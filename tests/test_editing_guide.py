"""docs/editing.md, the editor's guide: it names every field, and its example works."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import NOW, REPO, build, run
from goodrel_site.models import Consent, Contact, EventMeta, Image, Outcome, PageMeta, Quote, StoryMeta

GUIDE = (REPO / "docs" / "editing.md").read_text("utf-8")


@pytest.mark.parametrize("model", [StoryMeta, EventMeta, PageMeta, Consent, Quote, Outcome, Contact, Image],
                         ids=lambda m: m.__name__)
def test_the_guide_names_every_field(model):
    missing = [name for name in model.model_fields if f"`{name}`" not in GUIDE]
    assert missing == [], f"docs/editing.md does not explain {', '.join(missing)} ({model.__name__})"


def test_the_guides_example_story_builds(tmp_path, capsys):
    example = re.search(r"## A complete example\n\n```yaml\n(.*?)```", GUIDE, re.S)[1]
    site = tmp_path / "site"
    (site / "stories" / "images").mkdir(parents=True)
    (site / "events").mkdir()
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    (site / "theme").symlink_to(REPO / "theme")
    shutil.copy(REPO / "stories" / "images" / "five-a-side.png", site / "stories" / "images")
    (site / "events" / "oldham-2013.md").write_text(
        "---\ntitle: Oldham gathering\nsummary: Practitioners met.\ndate: 2013-06-01\n"
        "status: published\nregion: north-west\nplace: Oldham\n---\n\nWhat happened.\n", "utf-8")
    (site / "stories" / "football-across-the-estates.md").write_text(example, "utf-8")
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0, capsys.readouterr()
    assert build(site) == 0
    page = (site / "public" / "stories" / "football-across-the-estates" / "index.html").read_text("utf-8")
    assert "We stopped being the lads from the other estate." in page


def test_the_commands_in_the_guide_exist():
    from goodrel_site.cli import parser

    commands = set(parser(REPO)._subparsers._group_actions[0].choices)
    used = set(re.findall(r"python build\.py (\w+)", GUIDE))
    assert used and used <= commands, used - commands
