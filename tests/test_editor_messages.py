"""Messages an editor can act on (issue 23): each mistake a volunteer makes in front
matter is reported at the line to fix, with what to write in their own terms (the key
for a label, the value they typed, a block to paste), by `check` and the build alike;
the commands messages name work where they are run; counts are said in words."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, build, refused_everywhere, run, story, write
from PIL import Image

QUOTE_LEFT_OPEN = """\
---
title: "Football across the estates
summary: A summary.
date: 2014-03-01
status: published
categories: [common-purpose]
region: london
consent: {status: given, date: 2014-01-10}
image:
  src: match.jpg
  alt: A match on the green
  credit: "Photo: Jo Bloggs"
---

Text.
"""


def test_a_quote_left_open_is_reported_where_it_opens(site: Path, capsys):
    # The guide's own example has a quoted credit: the open quote of the title runs on
    # to it, and YAML's error comes ten lines later.
    refused_everywhere(
        site,
        capsys,
        "stories/bad.md",
        QUOTE_LEFT_OPEN,
        'stories/bad.md:2: invalid YAML: the quote (") opened on this line is not closed on it, so the '
        'value runs on to the next ", on line 12: end the value with " on this line',
    )


def test_an_apostrophe_inside_single_quotes_is_reported_where_the_quote_opens(site: Path, capsys):
    text = story("Bad").replace("region: london\n", "region: london\nplace: 'Our town\norganisations: [Jo's club]\n")
    expected = "stories/bad.md:8: invalid YAML: the quote (') opened on this line is not closed on it"
    refused_everywhere(site, capsys, "stories/bad.md", text, expected)


@pytest.mark.parametrize(
    "before, after, expected",
    [
        (
            "categories: [common-purpose]",
            "categories: [Common purpose]",
            "stories/bad.md:6: 'Common purpose' is the label of the category whose key is "
            "'common-purpose': write common-purpose",
        ),
        (
            "region: london",
            "region: London",
            "stories/bad.md:7: 'London' is the label of the region whose key is 'london': write london",
        ),
        (
            "region: london",
            "region: North West",
            "stories/bad.md:7: 'North West' is the label of the region whose key is 'north-west': write north-west",
        ),
        (
            "categories: [common-purpose]",
            "categories: [Common-Purpose]",
            "stories/bad.md:6: no category is 'Common-Purpose': its key is written 'common-purpose' "
            "(lowercase, with hyphens): write common-purpose",
        ),
        (
            "categories: [common-purpose]",
            "categories: [comon-purpose]",
            "stories/bad.md:6: unknown category 'comon-purpose'; did you mean 'common-purpose'? allowed: ",
        ),
        (
            "region: london",
            "region: Oldham",
            "stories/bad.md:7: unknown region 'Oldham'; allowed: north-east, north-west, ",
        ),
    ],
)
def test_a_term_is_answered_with_the_key_to_write(site: Path, capsys, before, after, expected):
    refused_everywhere(site, capsys, "stories/bad.md", story("Bad").replace(before, after), expected)


@pytest.mark.parametrize("word", ["yes", "true", "Yes", "agreed"])
def test_a_consent_status_that_is_not_one_of_the_words_says_which_to_write(site: Path, capsys, word):
    text = story("Bad").replace("consent: {status: given, date: 2014-01-10}", f"consent:\n  status: {word}\n")
    shown = "true" if word == "true" else word
    expected = (
        f"stories/bad.md:9: 'consent.status' is '{shown}', and it takes one of three words: write given if "
        "the storyteller agreed to publish (with consent.date, the day they did), pending until they answer"
    )
    refused_everywhere(site, capsys, "stories/bad.md", text, expected)


def test_consent_written_as_a_word_shows_the_block_to_write(site: Path, capsys):
    text = story("Bad").replace("consent: {status: given, date: 2014-01-10}", "consent: yes")
    expected = (
        "stories/bad.md:8: 'consent' is a group of fields, not text: write "
        "'consent: {status: given, date: YYYY-MM-DD}' with the day the storyteller agreed"
    )
    refused_everywhere(site, capsys, "stories/bad.md", text, expected)


def test_a_missing_consent_shows_the_line_to_paste_at_the_closing_line(site: Path, capsys):
    text = story("Bad").replace("consent: {status: given, date: 2014-01-10}\n", "")
    expected = (
        "stories/bad.md:8: the storyteller's consent is missing: add the line 'consent: {status: pending}' "
        "above this '---' line, and when they agree, make it 'consent: {status: given, date: YYYY-MM-DD}'"
    )
    refused_everywhere(site, capsys, "stories/bad.md", text, expected)
    # What the message says to paste, pasted, is read: the story is then only waiting.
    lines = text.split("\n")
    lines.insert(7, "consent: {status: pending}")
    write(site, "stories/bad.md", "\n".join(lines).replace("status: published", "status: draft"))
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert "stories/bad.md:8: info: awaiting consent" in capsys.readouterr().out


def test_a_picture_without_credit_or_licence_is_a_note(site: Path, capsys):
    Image.new("RGB", (640, 480), (40, 120, 80)).save(site / "stories" / "match.jpg")
    write(site, "stories/pictured.md", story("Pictured", "image: {src: match.jpg, alt: A match on the green}\n"))
    write(
        site,
        "stories/credited.md",
        story("Credited", "image: {src: match.jpg, alt: A match, credit: Jo Bloggs}\n"),
    )
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    out = capsys.readouterr().out
    assert (
        "stories/pictured.md:9: warning: the picture has no credit and no licence, so it is published under "
        "the site's licence (CC BY 4.0) with no one named: add image.credit (who took or made it)"
    ) in out
    assert "credited.md" not in out


def test_counts_are_said_in_words(site: Path, capsys):
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert capsys.readouterr().err == "0 errors, 0 notes.\n"
    write(site, "stories/bad.md", story("Bad").replace("region: london", "region: Oldham"))
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "1 error, 0 notes."
    assert build(site) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "1 error; nothing was written."
    (site / "stories/bad.md").unlink()
    assert build(site) == 0
    assert "(1 story, 1 event) into" in capsys.readouterr().out


def test_check_names_the_schema_command_that_works_where_it_runs(tmp_path: Path):
    """A site made by `init` has no .venv of its own until its README's setup is done:
    the command `check` gives is the one that ran it, and running it clears the warning."""
    goodrel = str(Path(sys.executable).with_name("goodrel"))
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # (not the engine's folder: as typed, by its path)
    subprocess.run([goodrel, "init", "ours"], cwd=tmp_path, check=True, capture_output=True, env=env)
    site = tmp_path / "ours"
    settings = (site / "site.yaml").read_text("utf-8")
    settings = settings.replace("regions:\n", "regions:\n  wales: {label: Wales, description: Work in Wales.}\n", 1)
    (site / "site.yaml").write_text(settings, "utf-8")
    checked = subprocess.run([goodrel, "check"], cwd=site, capture_output=True, text=True, env=env)
    said = f"no longer matches site.yaml and the models: run '{shlex.join([goodrel, 'schema'])}' and commit"
    assert said in checked.stdout, checked.stdout
    command = checked.stdout.split("run '", 1)[1].split("'", 1)[0]
    subprocess.run(shlex.split(command), cwd=site, check=True, capture_output=True, env=env)
    again = subprocess.run([goodrel, "check"], cwd=site, capture_output=True, text=True, env=env)
    assert again.returncode == 0 and "schema" not in again.stdout, again.stdout
