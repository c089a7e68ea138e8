"""A withdrawal always wins: nothing another item says keeps a withheld item online or
stops the build that takes it down. A link to a withheld item, in any form, is shown
as its words without the link, with a note (not an error) to the linking file's
editor at the linking line, in `check` and in `build` alike."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import NOW, build, run, story, tree_hashes, write

from goodrel_site.options import Options
from goodrel_site.pipeline import build as build_site

MARKER = "zqxgone"  # the withheld story's file name and slug
EVENT, PAGE = "zqxevent", "zqxpage"  # those of an event and a page
WORDS = "Qvlinkwords"  # the linking words, kept as plain text


def _bytes_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, compressed ones unpacked, by its path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[path.relative_to(folder).as_posix()] = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    return found


def _naming(folder: Path, word: str) -> list[str]:
    return [rel for rel, data in _bytes_of(folder).items() if word in rel.lower() or word.encode() in data.lower()]


@pytest.fixture
def gone(site: Path) -> Path:
    """A site with a story to take down (with an alias, and an event and a page that can
    be withheld too) and a story that will link to them."""
    write(site, f"stories/{MARKER}.md", story("Going", f"aliases: [/old/{MARKER}-address/]\n"))
    write(
        site,
        f"events/{EVENT}.md",
        """\
        ---
        title: An event
        summary: It met.
        date: 2013-05-02
        status: published
        region: london
        place: London
        hosts: [Someone]
        attendees: 3
        ---

        It met.
        """,
    )
    write(site, f"pages/{PAGE}.md", "---\ntitle: A page\nstatus: published\n---\n\nPage text.\n")
    return site


def _linking(site: Path, href: str) -> int:
    """The linking story, its link at the line returned."""
    text = story("Linking") + f"\nBefore.\n\nSee [{WORDS} here]({href}) for more.\n"
    write(site, "stories/linking.md", text)
    return text.splitlines().index(f"See [{WORDS} here]({href}) for more.") + 1


def _withdraw(site: Path, rel: str = f"stories/{MARKER}.md", how=("{status: given", "{status: withdrawn")) -> None:
    path = site / rel
    text = path.read_text("utf-8")
    assert how[0] in text
    path.write_text(text.replace(how[0], how[1], 1), "utf-8")


def _assert_taken_down(site: Path, capsys, line: int, name: str = MARKER) -> None:
    """Check and build exit 0 with the note at the linking line; no file of the output
    or of the cache but the parsed sources names the withheld item; the words stay."""
    for command in ("check", "build"):
        args = ["--site", str(site), "--now", NOW.isoformat()]
        status = run(command, *args) if command == "check" else build(site)
        out = capsys.readouterr()
        assert status == 0, out
        assert "Traceback" not in out.out + out.err
        assert f"stories/linking.md:{line}:" in out.out + out.err, out
        assert "not public now" in out.out + out.err
    for folder in (site / "public", site / ".goodrel-cache"):
        names = _naming(folder, name)
        assert [n for n in names if not n.startswith("sources/")] == []
    page = (site / "public" / "stories" / "linking" / "index.html").read_text("utf-8")
    assert f"See {WORDS} here for more." in page


ADDRESSES = [
    f"{MARKER}.md",
    f"../stories/{MARKER}.md",
    f"{MARKER}.md#part",
    f"/stories/{MARKER}/",
    f"/stories/{MARKER}",
    f"/stories/{MARKER}/index.html",
    f"/stories/{MARKER}/#part",
    f"/stories/{MARKER}/?x=1",
    f"/stories/%7A{MARKER[1:]}/",
    f"/stories/{MARKER.upper()}/",
    f"/stories/./{MARKER}/",
    f"https://goodrel.example.org/stories/{MARKER}/",
    f"HTTP://GOODREL.example.org/stories/{MARKER}",
    f"//goodrel.example.org/stories/{MARKER}/",
    f"/stories/{MARKER}/cite.bib",
    f"/stories/{MARKER}/cite.ris",
    f"/old/{MARKER}-address/",
    f"/old/{MARKER}-address",
]


@pytest.mark.parametrize("href", ADDRESSES)
def test_a_link_to_a_withdrawn_story_becomes_its_words(gone: Path, capsys, href: str):
    line = _linking(gone, href)
    assert build(gone) == 0
    capsys.readouterr()
    _withdraw(gone)
    _assert_taken_down(gone, capsys, line)


@pytest.mark.parametrize(
    "how",
    [
        ("status: published", "status: draft"),
        ("consent:", "publish_on: 2027-01-01\nconsent:"),
        ("consent:", "unpublish_on: 2026-01-01\nconsent:"),
    ],
)
def test_every_way_of_withholding_a_story_unlinks_it(gone: Path, capsys, how):
    line = _linking(gone, f"{MARKER}.md")
    _withdraw(gone, how=how)
    _assert_taken_down(gone, capsys, line)


@pytest.mark.parametrize(
    "rel, href",
    [
        (f"events/{EVENT}.md", f"../events/{EVENT}.md"),
        (f"events/{EVENT}.md", f"/events/{EVENT}/"),
        (f"pages/{PAGE}.md", f"../pages/{PAGE}.md"),
        (f"pages/{PAGE}.md", f"/{PAGE}/"),
    ],
)
def test_a_link_to_a_withheld_event_or_page_becomes_its_words(gone: Path, capsys, rel: str, href: str):
    line = _linking(gone, href)
    _withdraw(gone, rel, ("status: published", "status: draft"))
    _assert_taken_down(gone, capsys, line, Path(rel).stem)


def test_below_a_prefix_every_form_is_unlinked(gone: Path, capsys):
    settings = gone / "site.yaml"
    settings.write_text(
        settings.read_text("utf-8").replace("https://goodrel.example.org/", "https://example.org/sub/"), "utf-8"
    )
    _withdraw(gone)
    for href in (f"/sub/stories/{MARKER}/", f"/stories/{MARKER}/", f"https://example.org/sub/stories/{MARKER}/"):
        line = _linking(gone, href)
        _assert_taken_down(gone, capsys, line)


def test_links_to_public_items_and_other_sites_are_kept(gone: Path, capsys):
    write(
        gone,
        "stories/linking.md",
        story("Linking")
        + f"\n[a]({MARKER}.md) [b](/stories/{MARKER}/) [c](https://other.example.org/stories/{MARKER}/)"
        + " [d](/categories/) [e](https://goodrel.example.org:8443/x/) [f](mailto:a@example.org)\n",
    )
    assert build(gone) == 0
    out = capsys.readouterr()
    assert "not public now" not in out.out + out.err
    page = (gone / "public" / "stories" / "linking" / "index.html").read_text("utf-8")
    for href in (
        f"/stories/{MARKER}/",
        f"https://other.example.org/stories/{MARKER}/",
        "/categories/",
        "https://goodrel.example.org:8443/x/",
        "mailto:a@example.org",
    ):
        assert f'href="{href}"' in page
    assert page.count(f'href="/stories/{MARKER}/"') >= 2


def test_a_link_to_a_missing_file_is_still_an_error(gone: Path, capsys):
    before = tree_hashes(gone / "public") if (gone / "public").exists() else {}
    line = _linking(gone, "nowhere.md")
    assert build(gone) == 1
    out = capsys.readouterr()
    assert f"stories/linking.md:{line}:" in out.out + out.err and "does not exist" in out.out + out.err
    assert "Traceback" not in out.out + out.err
    assert (tree_hashes(gone / "public") if (gone / "public").exists() else {}) == before


def _clean(site: Path, tmp_path: Path, name: str) -> dict[str, bytes]:
    """The output of a build of `site` from nothing (no cache), to compare with."""
    out = tmp_path / name
    build_site(Options(site=site, out=out, now=NOW, search=False, cache=False))
    return _bytes_of(out)


def test_the_incremental_build_unlinks_and_links_again(gone: Path, tmp_path: Path, capsys):
    _linking(gone, f"/stories/{MARKER}/")
    write(gone, "stories/other.md", story("Other") + f"\n[rel]({MARKER}.md)\n")
    assert build(gone) == 0
    linked = _bytes_of(gone / "public")
    _withdraw(gone)
    assert build(gone) == 0
    assert _bytes_of(gone / "public") == _clean(gone, tmp_path, "clean-withdrawn")
    page = (gone / "public" / "stories" / "other" / "index.html").read_text("utf-8")
    assert "<p>rel</p>" in page and MARKER not in page
    _withdraw(gone, how=("{status: withdrawn", "{status: given"))
    assert build(gone) == 0
    assert _bytes_of(gone / "public") == _clean(gone, tmp_path, "clean-public") == linked
    assert "Traceback" not in capsys.readouterr().err
