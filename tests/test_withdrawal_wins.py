"""A withdrawal always wins (issue 19, found by the outside attack): what is wrong in a
withdrawn story's own file, because something else changed (the event it names was
deleted, a term it alone used was removed from site.yaml), does not stop the build that
takes the story down: a warning at its line, and the story is gone. The same holds for
an item withheld by date or made a draft."""

from __future__ import annotations

import pytest
from conftest import NOW, build, run, story, write

WITHDRAWN = "consent: {status: given, date: 2014-01-10}"


def test_a_withdrawn_storys_own_errors_do_not_keep_it_online(site, capsys):
    write(site, "stories/alpha.md", story("Alpha story", "event: leeds-2013\n"))
    assert build(site) == 0
    assert (site / "public" / "stories" / "alpha" / "index.html").is_file()
    text = (site / "stories" / "alpha.md").read_text("utf-8")
    text = text.replace(WITHDRAWN, "consent: {status: withdrawn}").replace("region: london", "region: atlantis")
    (site / "stories" / "alpha.md").write_text(text, "utf-8")
    (site / "events" / "leeds-2013.md").unlink()
    (site / "stories" / "first.md").write_text(story("First story"), "utf-8")  # (it named the event too)
    capsys.readouterr()
    assert build(site) == 0
    told = capsys.readouterr()
    out = told.out + told.err
    assert "stories/alpha.md:7: warning: unknown region 'atlantis'" in out
    assert "stories/alpha.md:9: warning: no event has the slug 'leeds-2013'" in out
    assert "(the story is withdrawn: the build goes on)" in out
    assert not (site / "public" / "stories" / "alpha").exists()
    assert "Alpha story" not in (site / "public" / "stories" / "index.html").read_text("utf-8")


def test_the_same_errors_in_a_story_that_is_not_withdrawn_stop_the_build(site, capsys):
    write(site, "stories/alpha.md", story("Alpha story", "event: no-such-event\n"))
    capsys.readouterr()
    assert build(site) == 1
    assert "stories/alpha.md:9: no event has the slug 'no-such-event'" in capsys.readouterr().err


WITHHELD = {
    "unpublished": ("unpublish_on: 2026-11-01\n", "unpublished"),
    "embargoed": ("publish_on: 2027-06-01\n", "embargoed"),
    "a draft": ("", "a draft"),
}


def _broken(title: str, extra: str, draft: bool) -> str:
    text = story(title, "event: no-such-event\n" + extra).replace("region: london", "region: atlantis")
    return text.replace("status: published", "status: draft") if draft else text


@pytest.mark.parametrize("how", list(WITHHELD))
def test_an_item_withheld_by_date_or_made_a_draft_is_not_kept_online_by_its_own_errors(site, capsys, how):
    """Issue 19: an item withheld on the build date (its unpublish_on passed, its
    publish_on still to come) or made a draft is dropped like a withdrawn one: its own
    errors are warnings, in check and build alike."""
    extra, said = WITHHELD[how]
    write(site, "stories/alpha.md", story("Alpha story"))
    assert build(site) == 0
    assert (site / "public" / "stories" / "alpha" / "index.html").is_file()
    write(site, "stories/alpha.md", _broken("Alpha story", extra, how == "a draft"))
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    checked = capsys.readouterr()
    assert build(site) == 0
    told = capsys.readouterr()
    for out in (checked.out + checked.err, told.out + told.err):
        assert "stories/alpha.md:7: warning: unknown region 'atlantis'" in out, out
        assert "stories/alpha.md:9: warning: no event has the slug 'no-such-event'" in out, out
        assert f"(the story is {said}: the build goes on)" in out, out
    assert not (site / "public" / "stories" / "alpha").exists()
    assert "Alpha story" not in (site / "public" / "stories" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("how", ["embargoed", "a draft"])
def test_a_preview_that_shows_drafts_still_stops_at_their_errors(site, capsys, how):
    """With --drafts a draft or an embargoed item is shown, so its errors stay errors."""
    write(site, "stories/alpha.md", _broken("Alpha story", WITHHELD[how][0], how == "a draft"))
    capsys.readouterr()
    assert build(site, None, "--drafts") == 1
    assert "stories/alpha.md:9: no event has the slug 'no-such-event'" in capsys.readouterr().err


def test_a_published_story_whose_consent_is_pending_is_still_an_error(site, capsys):
    write(site, "stories/alpha.md", story("Alpha story").replace("status: given, date: 2014-01-10", "status: pending"))
    capsys.readouterr()
    assert build(site) == 1
    assert "stories/alpha.md:" in capsys.readouterr().err
