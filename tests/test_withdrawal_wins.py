"""A withdrawal always wins (issue 19, found by the outside attack): what is wrong in a
withdrawn story's own file, because something else changed (the event it names was
deleted, a term it alone used was removed from site.yaml), does not stop the build that
takes the story down: a warning at its line, and the story is gone."""

from __future__ import annotations

from conftest import build, story, write

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
