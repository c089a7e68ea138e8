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


WIPED = {
    "its summary removed": lambda t: t.replace("summary: A short summary of Alpha story.\n", ""),
    "its title emptied": lambda t: t.replace("title: Alpha story", 'title: ""'),
    "a field the model does not know": lambda t: t.replace("region: london", "region: london\nwithdrawn_note: asked"),
    "an impossible date": lambda t: t.replace("date: 2014-03-01", "date: 2014-02-30"),
    "consent written as a word": lambda t: t.replace("consent: {status: withdrawn}", "consent: withdrawn"),
}


@pytest.mark.parametrize("how", list(WIPED))
def test_a_withdrawn_story_that_no_longer_fits_its_model_is_still_taken_down(site, capsys, how):
    """Found by the outside attack: an editor who wipes a withdrawn story's words (or
    leaves it half-edited) must not keep it online. A file that does not fit its model
    is read loosely for its consent, status and dates, and a withdrawal found there wins."""
    write(site, "stories/alpha.md", story("Alpha story"))
    assert build(site) == 0
    assert (site / "public" / "stories" / "alpha" / "index.html").is_file()
    text = WIPED[how](story("Alpha story").replace(WITHDRAWN, "consent: {status: withdrawn}"))
    write(site, "stories/alpha.md", text)
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert build(site) == 0
    out = capsys.readouterr()
    assert (
        "stories/alpha.md:" in out.out + out.err and "(the story is withdrawn: the build goes on)" in out.out + out.err
    )
    public = site / "public"
    assert not (public / "stories" / "alpha").exists()
    assert not [p for p in public.rglob("*") if p.is_file() and b"Alpha story" in p.read_bytes()]


def test_a_half_written_draft_does_not_stop_the_build(site, capsys):
    write(
        site,
        "stories/alpha.md",
        story("Alpha story")
        .replace("status: published", "status: draft")
        .replace("summary: A short summary of Alpha story.\n", ""),
    )
    assert build(site) == 0
    assert "stories/alpha.md:1: warning: 'summary' is required (the story is a draft: the build goes on)" in (
        capsys.readouterr().err
    )
    assert build(site, None, "--drafts") == 1  # (shown in a preview with drafts: its errors are errors)


def test_a_file_that_says_nothing_of_its_consent_stays_an_error(site, capsys):
    write(site, "stories/alpha.md", story("Alpha story").replace("summary: A short summary of Alpha story.\n", ""))
    assert build(site) == 1
    assert "stories/alpha.md:" in capsys.readouterr().err


CLAIMS = {
    "its slug, taken by a shown story": ("slug: first\n", "stories/aaa.md", ""),
    "a spelling of an organisation": (
        "organisations: [Leeds Zqorg Together]\n",
        "stories/bbb.md",
        "organisations: [Leeds zqorg together]\n",
    ),
    "an alias a shown story claims": ("aliases: [/old/place/]\n", "stories/ccc.md", "aliases: [/old/place/]\n"),
    "its address, which a shown story now redirects": ("", "stories/zqgone.md", "aliases: [/stories/zqgone/]\n"),
}


@pytest.mark.parametrize("how", list(CLAIMS))
def test_a_withheld_item_claims_nothing_a_shown_item_may_take(site, capsys, how):
    """Found by the outside attack: a withdrawn story's slug, alias, address or spelling
    of an organisation made a shown story's file an error, so the commit that took it
    down could not be built. A withheld item holds no slug, address or page."""
    withheld_extra, path, shown_extra = CLAIMS[how]
    withdrawn = story("Gone story", withheld_extra).replace(WITHDRAWN, "consent: {status: withdrawn}")
    write(site, path, withdrawn)
    write(site, "stories/shown.md", story("Shown story", shown_extra))
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0, capsys.readouterr().err
    assert build(site) == 0, capsys.readouterr().err
    assert not [p for p in (site / "public").rglob("*") if p.is_file() and b"Gone story" in p.read_bytes()]


def test_two_shown_stories_with_one_slug_are_still_an_error(site, capsys):
    write(site, "stories/aaa.md", story("Another first", "slug: first\n"))
    capsys.readouterr()
    assert build(site) == 1
    assert "have the slug 'first'" in capsys.readouterr().err
