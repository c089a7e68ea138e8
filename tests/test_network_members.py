"""A hub of member sites built by the tests and served on 127.0.0.1: what a storyteller
agreed to share reaches the hub, nothing else does, and a withdrawal at the member is
gone from the hub's next build in every byte."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from conftest import REPO, build, serve_folder, story, write
from test_forgetting import _traces
from test_network_hub import hub

TOKEN_STORY = story(
    "The Qvzjxtitle of a member story",
    "organisations: [Qvzjxorganisation Trust]\ntags: [qvzjxtag]\n",
).replace("consent: {status: given, date: 2014-01-10}", "consent: {status: given, date: 2014-01-10, network: true}")


@pytest.fixture
def member(tmp_path):
    """A member site (the bundled site.yaml, two stories: one shared with the network,
    one not), served on 127.0.0.1 from its output folder; (root, url)."""
    root = tmp_path / "member"
    (root / "public").mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    write(root, "stories/shared.md", TOKEN_STORY.replace("Body of", "The qvzjxbodyphrase of"))
    write(root, "stories/kept-home.md", story("Kept at home"))
    server, url = serve_folder(root / "public")
    yield root, url + "/"
    server.shutdown()


def built_member(root, url) -> None:
    assert build(root, None, "--base-url", url) == 0


def test_only_what_the_storyteller_shared_reaches_the_hub(site, member, capsys):
    root, url = member
    built_member(root, url)
    hub(site, url)
    assert build(site) == 0, capsys.readouterr().err
    out = site / "public"
    shared = list((out / "network").glob("*/*/index.html"))
    assert [p.parent.name for p in shared] == ["shared"]
    assert "The Qvzjxtitle of a member story" in shared[0].read_text()
    assert "qvzjxbodyphrase" in shared[0].read_text()
    assert "Kept at home" not in "".join(p.read_text() for p in out.rglob("*.html"))


def test_a_withdrawal_at_the_member_leaves_no_byte_at_the_hub(site, member, capsys):
    root, url = member
    built_member(root, url)
    hub(site, url)
    assert build(site) == 0
    assert _traces(site / "public")
    path = root / "stories/shared.md"
    path.write_text(path.read_text().replace("{status: given", "{status: withdrawn"))
    built_member(root, url)
    assert build(site) == 0
    assert _traces(site) == []  # the hub's output, its spare and its cache
    assert (site / "public" / "network" / "index.html").is_file()


def test_a_feed_changed_within_the_second_it_was_fetched_in_is_fetched_again(site, member, capsys):
    """A host that sends Last-Modified alone (no ETag) counts whole seconds: a withdrawal
    published within the second of the hub's last fetch must not be answered 304."""
    root, url = member
    built_member(root, url)
    feed = root / "public" / "data" / "network.json"
    stamp = time.time()
    os.utime(feed, (stamp, stamp))  # (fetched in the very second it was written)
    hub(site, url)
    assert build(site) == 0
    path = root / "stories/shared.md"
    path.write_text(path.read_text().replace("{status: given", "{status: withdrawn"))
    built_member(root, url)
    os.utime(root / "public" / "data" / "network.json", (stamp, stamp))  # the same Last-Modified
    capsys.readouterr()
    assert build(site) == 0
    assert "Up to date" not in capsys.readouterr().out
    assert _traces(site) == []


def test_a_feed_last_changed_long_ago_is_asked_for_conditionally(site, member, capsys):
    root, url = member
    built_member(root, url)
    old = time.time() - 3600
    os.utime(root / "public" / "data" / "network.json", (old, old))
    hub(site, url)
    assert build(site) == 0
    capsys.readouterr()
    assert build(site) == 0
    assert "Up to date" in capsys.readouterr().out  # (answered 304: the kept feed confirmed)
