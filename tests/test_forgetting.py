"""Forgetting: once a story is withdrawn (consent withdrawn, past its unpublish_on, made
a draft, or its file deleted) and the site built again, no byte that the build keeps,
in the output, beside it or in .goodrel-cache/, holds anything of it: not its text, its
title, its slug, its file's name, its pictures' names, in any form (as written, letter
case folded, percent-encoded, made a slug), nor in any file's name. What builds keep
of a withheld item's reads are digests (site.address_keys, uptodate's file keys).

Every distinctive string of the story holds one token, so that one search, letter case
folded, finds each of them in every form: gzip-compressed files (the search index) are
searched unpacked."""

from __future__ import annotations

import gzip
import json
import marshal
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import NOW, run, story, write
from PIL import Image

from goodrel_site.live import Live
from goodrel_site.options import Options
from goodrel_site.pipeline import build
from goodrel_site.slugs import slugify

TOKEN = "qvzjx"
TITLE = "The Qvzjxtitle of a story"
SLUG = "qvzjxslug-marker"
FILE = "stories/Qvzjxfile-name.md"
BODY = "qvzjxbodyphrase"
PICTURE = "Qvzjxpicture Ñame.png"  # its own picture (front matter)
INLINE = "qvzjxinline photo.jpg"  # a picture its text shows
ALIAS = "/old/qvzjxalias-address/"
ORGANISATION = "Qvzjxorganisation Trust"  # its own page, /organisations/…/
DISTINCT = (TITLE, SLUG, FILE, BODY, PICTURE, INLINE, ALIAS, ORGANISATION, "qvzjxtag", "qvzjxquote")

WITHDRAWALS = {
    "consent withdrawn": ("{status: given", "{status: withdrawn"),
    "past its unpublish_on": ("consent:", "unpublish_on: 2026-01-01\nconsent:"),
    "made a draft": ("status: published", "status: draft"),
    "deleted": None,
}


def test_every_form_of_every_distinctive_string_holds_the_token():
    """(So that searching for the token is searching for each of these.)"""
    for text in DISTINCT:
        for form in (text, text.casefold(), quote(text), slugify(text), json.dumps(text), Path(text).stem):
            assert TOKEN in form.casefold(), form


def _files(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file or folder under `folder` (but the top-level names in `skip`), by its
    path: a file's bytes (unpacked, letter case folded), a folder's none."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel.split("/")[0] in skip:
            continue
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        found[rel] = (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).lower()
    return found


def _traces(folder: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """Each file or folder under `folder` (but the top-level names in `skip`) whose name
    or bytes hold the token, with what is around it."""
    found = []
    for rel, data in _files(folder, skip).items():
        if TOKEN in rel.casefold():
            found.append(f"{rel} (its name)")
        at = data.find(TOKEN.encode())
        if at >= 0:
            found.append(f"{rel}: {data[max(0, at - 30) : at + 40]!r}")
    return found


@pytest.fixture
def told(site: Path) -> Path:
    """A site with a public story full of distinctive strings, with a picture of its own
    and one in its text, an alias, an organisation of its own, a tag and a quote."""
    Image.new("RGB", (640, 400), (10, 200, 90)).save(site / "stories" / PICTURE)
    Image.new("RGB", (500, 300), (200, 20, 90)).save(site / "stories" / INLINE)
    write(
        site,
        FILE,
        story(
            TITLE,
            f"""\
            slug: {SLUG}
            aliases: [{ALIAS}]
            organisations: [{ORGANISATION}]
            tags: [qvzjxtag]
            image: {{src: {PICTURE}, alt: A picture}}
            quote: {{text: Words qvzjxquote said}}
            """,
        ).replace("date: 2014-01-10}", "date: 2014-01-10, network: true}")  # (offered to networks too)
        + f"\nWords about {BODY} in the text.\n\n![A picture in the text](<{INLINE}>)\n",
    )
    return site


def _build(site: Path) -> None:
    assert run("build", "--site", str(site), "--now", NOW.isoformat()) == 0


def _withdraw(site: Path, how: str) -> None:
    path = site / FILE
    change = WITHDRAWALS[how]
    if change is None:
        path.unlink()
        return
    text = path.read_text("utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), "utf-8")


def _edit_another(site: Path) -> None:
    """An edit elsewhere, so that the next build is an incremental one."""
    path = site / "stories" / "first.md"
    path.write_text(path.read_text("utf-8") + "\nOne more line.\n", "utf-8")


@pytest.mark.parametrize("how", WITHDRAWALS)
def test_a_withdrawn_story_leaves_nothing_the_build_keeps(told: Path, tmp_path: Path, how: str):
    _build(told)
    _edit_another(told)
    _build(told)  # (incremental: the story's page comes from the store)
    # What other builds left: a preview's background build for a session that has ended
    # (its process gone), and a build into a folder removed since (its spare kept).
    ended = told / ".goodrel-cache" / "preview-999999999"
    build(Options(site=told, out=ended, now=NOW, drafts=True, jobs=1, search=True))
    for _ in range(2):  # (the second build keeps the first's output as its spare)
        _edit_another(told)
        build(Options(site=told, out=tmp_path / "elsewhere", now=NOW, jobs=1, search=False))
    shutil.rmtree(tmp_path / "elsewhere")
    content = ("stories", "events", "pages")  # (where the withheld file itself may still be)
    kept = b"\n".join(rel.casefold().encode() + b"\n" + data for rel, data in _files(told, content).items())
    for text in (TITLE, SLUG, FILE, BODY, slugify(Path(PICTURE).stem), slugify(Path(INLINE).stem), ALIAS):
        assert text.casefold().encode() in kept, text  # (the search finds what is there)
    assert _traces(tmp_path, skip=("site",))
    assert BODY in (told / "public" / "data" / "network.json").read_text("utf-8")

    _withdraw(told, how)
    _build(told)
    assert _traces(told, skip=content) == []
    assert _traces(tmp_path, skip=("site",)) == []  # (the removed output's spare went too)
    assert not ended.exists()
    assert "Qvzjx" not in (told / "public" / "index.html").read_text("utf-8")
    if how == "deleted":
        (told / "stories" / PICTURE).unlink()
        (told / "stories" / INLINE).unlink()
        _build(told)
        assert _traces(told) == []


def test_records_of_other_code_are_replaced_or_removed_too(told: Path):
    """A record written by another version of the code (before an upgrade) is never
    read, so a build that finds nothing in it to change must still replace or remove
    it: it may hold anything. (Here the story is the site's only text: after it, the
    build uses no kept plain text at all.)"""
    (told / "stories" / "first.md").unlink()
    (told / "events" / "leeds-2013.md").unlink()
    _build(told)
    for path in (told / ".goodrel-cache").rglob("*"):
        try:
            _, value = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):  # (not a record)
            continue
        path.write_bytes(marshal.dumps(("other code", value)))
    assert _traces(told / ".goodrel-cache")
    _withdraw(told, "consent withdrawn")
    _build(told)
    assert _traces(told, skip=("stories",)) == []


def test_the_preview_forgets_a_withdrawn_storys_pictures(told: Path):
    """The preview (serve) makes the pictures it shows into a folder of its own in the
    cache; after the save that withdraws a story, none of its pictures is left there,
    nor anything of it elsewhere in the cache."""
    media = told / ".goodrel-cache" / f"preview-{os.getpid()}-media"
    live = Live(told, drafts=True, media=media)
    snapshot, _ = live.load(NOW)
    page = snapshot.page(f"/stories/{SLUG}/")
    assert page is not None and BODY in page
    assert [p.name for p in media.iterdir() if TOKEN in p.name.casefold()]  # its own picture and its text's
    _withdraw(told, "consent withdrawn")
    snapshot, _ = live.load(NOW)
    assert snapshot.page(f"/stories/{SLUG}/") is None
    assert _traces(told / ".goodrel-cache") == []


def test_an_address_to_a_withdrawn_story_written_as_words_is_not_kept(told: Path, capsys):
    """`<https://SITE/stories/slug/>` to a story withdrawn since shows the site's address
    instead, and the note names the line, not the address. (The linking file itself is
    kept parsed in the cache as it is in the site's folder, like every shown file.)"""
    address = f"https://goodrel.example.org/stories/{SLUG}/"
    text = story("Linking") + f"\nSee <{address}> and [{address}]({address}) now.\n"
    write(told, "stories/linking.md", text)
    line = text.splitlines().index(f"See <{address}> and [{address}]({address}) now.") + 1
    _build(told)
    _withdraw(told, "consent withdrawn")
    capsys.readouterr()
    _build(told)
    out = capsys.readouterr()
    said = out.out + out.err
    assert f"stories/linking.md:{line}: warning: the address on this line goes to an item that is not public" in said
    assert "Traceback" not in said
    assert TOKEN not in said.casefold().replace(FILE.casefold(), "")  # (the consent note names its file)
    page = (told / "public" / "stories" / "linking" / "index.html").read_text("utf-8")
    assert "See https://goodrel.example.org/ and https://goodrel.example.org/ now." in page
    assert _traces(told / ".goodrel-cache", skip=("sources",)) == []
    assert _traces(told / "public") == []
