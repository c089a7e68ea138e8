"""`new`: a story or event file that lists every field, ready to fill in."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from conftest import NOW, run
from pydantic import BaseModel

from goodrel_site import blanks
from goodrel_site.load import load_source
from goodrel_site.models import EventMeta, StoryMeta, descriptions

MODELS = {"story": StoryMeta, "event": EventMeta}
FOLDERS = {"story": "stories", "event": "events"}


def field_paths(model: type[BaseModel], prefix: tuple = ()) -> dict[tuple, bool]:
    """Every field of a model and of the models inside it, with whether it is required."""
    paths = {}
    for name, info in model.model_fields.items():
        paths[prefix + (name,)] = info.is_required()
        for inner in _models_in(info.annotation):
            paths.update(field_paths(inner, prefix + (name,)))
    return paths


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def new(site: Path, kind: str, title: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = run("new", kind, title, "--site", str(site))
    return (status, *capsys.readouterr())


@pytest.mark.parametrize("kind", MODELS)
def test_the_blank_names_every_field_of_the_model_and_explains_it(kind, site, capsys):
    assert set(blanks.fields(kind)) == set(field_paths(MODELS[kind]))
    about = descriptions(MODELS[kind])
    assert set(about) == set(field_paths(MODELS[kind]))  # every field described, once, in models.py
    new(site, kind, "Explained", capsys)
    text = (site / FOLDERS[kind] / "explained.md").read_text("utf-8")
    assert all(f"  # {description}" in text for description in about.values())


@pytest.mark.parametrize("kind", MODELS)
def test_a_new_file_has_the_required_fields_and_the_optional_ones_commented(site, kind, capsys):
    status, out, _ = new(site, kind, "Youth forum in Oldham", capsys)
    assert status == 0
    path = site / FOLDERS[kind] / "youth-forum-in-oldham.md"
    assert out.startswith(f"Created {FOLDERS[kind]}/youth-forum-in-oldham.md")
    source = load_source(site, path, kind)
    required = {p[0] for p, needed in field_paths(MODELS[kind]).items() if needed and len(p) == 1}
    assert set(source.data) == required  # everything else is there, commented out
    assert source.data["title"] == "Youth forum in Oldham" and source.data["status"] == "draft"
    lines = path.read_text("utf-8").splitlines()
    assert lines[1] == f"# yaml-language-server: $schema=../schema/{kind}.schema.json"
    assert (path.parent / f"../schema/{kind}.schema.json").resolve().is_file()  # written if missing


def test_a_new_story_passes_check_as_a_draft_awaiting_consent(site, capsys):
    assert new(site, "story", "Youth forum in Oldham", capsys)[0] == 0
    assert new(site, "event", "Oldham gathering", capsys)[0] == 0
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert "stories/youth-forum-in-oldham.md:17: info: awaiting consent" in capsys.readouterr().out


def test_the_blank_lists_the_sites_own_vocabulary(site, capsys):
    settings = site / "site.yaml"
    settings.write_text(
        settings.read_text().replace(
            "regions:\n", "regions:\n  wales: {label: Wales, description: Work in Wales.}\n", 1
        )
    )
    new(site, "story", "Cardiff choir", capsys)
    text = (site / "stories" / "cardiff-choir.md").read_text("utf-8")
    regions = next(line for line in text.splitlines() if line.startswith("# Regions in site.yaml:"))
    assert regions.startswith("# Regions in site.yaml: wales, north-east,")


def test_it_never_overwrites(site, capsys):
    before = (site / "stories" / "first.md").read_text("utf-8")
    status, _, err = new(site, "story", "First", capsys)
    assert status == 2 and "goodrel: stories/first.md already exists" in err
    assert (site / "stories" / "first.md").read_text("utf-8") == before


@pytest.mark.parametrize(
    "title, slug",
    [
        ("پانچ کھلاڑی", "pnch-khlry"),
        ("Żółta ławka: sąsiedzi", "zolta-lawka-sasiedzi"),
        ("社区花园", "shequhuayuan"),
        ('Quotes "and" # hashes: all kept', "quotes-and-hashes-all-kept"),
    ],
)
def test_any_title_gives_a_readable_slug_and_is_kept_exactly(site, capsys, title, slug):
    status, out, _ = new(site, "story", title, capsys)
    assert status == 0, out
    source = load_source(site, site / "stories" / f"{slug}.md", "story")
    assert source.data["title"] == title


def test_a_title_is_needed(site, capsys):
    status, _, err = new(site, "story", "  ", capsys)
    assert status == 2 and "give the new item a title" in err


@pytest.mark.parametrize("kind", MODELS)
def test_a_blank_cannot_be_published_until_its_placeholders_are_replaced(site, capsys, kind):
    assert new(site, "story" if kind == "story" else "event", "Youth forum", capsys)[0] == 0
    path = site / FOLDERS[kind] / "youth-forum.md"
    text = (
        path.read_text("utf-8")
        .replace("status: draft", "status: published")
        .replace("  status: pending", "  status: given\n  date: 2014-01-01")
    )
    path.write_text(text, "utf-8")
    lines = text.splitlines()
    expected = [i + 1 for i, line in enumerate(lines) if '"Replace with' in line or line.startswith("Write the")]
    assert len(expected) == (2 if kind == "story" else 3)  # summary, (place,) the text
    for command in (["check"], ["build", "--out", str(site.parent / "out"), "--no-search"]):
        capsys.readouterr()
        assert run(*command, "--site", str(site), "--now", NOW.isoformat()) == 1
        err = capsys.readouterr().err
        found = sorted(int(line.split(":")[1]) for line in err.splitlines() if "still holds the placeholder" in line)
        assert found == expected, err
    # The real text, and it publishes.
    for line in expected:
        lines[line - 1] = (
            re.sub(r'"Replace with [^"]*"', '"Written by an editor"', lines[line - 1])
            if '"Replace' in lines[line - 1]
            else "What really happened."
        )
    path.write_text("\n".join(lines) + "\n", "utf-8")
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0, capsys.readouterr().err


def test_new_says_which_commands_to_run_as_they_would_be_typed(site, capsys, monkeypatch):
    monkeypatch.chdir(site)
    monkeypatch.setattr("sys.argv", [".venv/bin/goodrel", "new", "story", "Youth forum"])
    status, out, _ = new(site, "story", "Youth forum", capsys)
    assert status == 0
    assert out.splitlines()[1:] == [
        "See it as you write (drafts are shown, marked): .venv/bin/goodrel serve",
        "Before publishing, check it:                    .venv/bin/goodrel check",
    ]
    assert "preview it with `.venv/bin/goodrel serve`" in (site / "stories/youth-forum.md").read_text("utf-8")
    monkeypatch.chdir(site.parent)
    monkeypatch.setattr("sys.argv", ["site/build.py", "new", "story", "Other"])
    status, out, _ = new(site, "story", "Other", capsys)
    assert out.splitlines()[1].endswith(" site/build.py serve")  # (build.py: its folder is the site)
