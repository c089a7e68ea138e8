"""Fail closed across sites: a story that leaves its member's feed (withdrawn there), or
whose member cannot be fetched, is gone from the hub's next build in every byte: its
output (pages, listings, counts, feeds, sitemap, search index, open data), the spare
folder beside it and .goodrel-cache/ (searched as test_forgetting searches)."""

from __future__ import annotations

import pytest
from conftest import NOW, run
from network_servers import Members
from test_forgetting import TOKEN, _traces
from test_network_hub import feed, hub, shared

from goodrel_site import limits

WITHDRAWN = {
    "title": "The Qvzjxtitle of a shared story",
    "summary": "What qvzjxsummary said.",
    "organisations": ["Qvzjxorganisation Trust"],
    "tags": ["qvzjxtag"],
    "html": "<p>The qvzjxbodyphrase.</p>",
    "text": "The qvzjxbodyphrase.",
}


@pytest.fixture
def members(monkeypatch):
    monkeypatch.setattr(limits, "NETWORK_SECONDS", 1)
    found = Members()
    yield found
    found.close()


def built(site) -> None:
    assert run("build", "--site", str(site), "--now", NOW.isoformat(), "--quiet") == 0  # (with its search index)


@pytest.mark.parametrize("how", ["withdrawn at its member", "its member is down", "its member left the hub"])
def test_a_story_gone_from_its_members_feed_leaves_no_byte_at_the_hub(site, members, capsys, how):
    member = members.url + "/good/"
    kept = shared(member, "kept")
    members.feeds["/good/"] = feed(member, kept, shared(member, "qvzjxslug", **WITHDRAWN))
    hub(site, member)
    built(site)
    assert _traces(site / "public")  # (it was there, in every kind of output)
    assert any("pagefind" in trace for trace in _traces(site / "public"))
    assert any(".goodrel-cache" in trace for trace in _traces(site))
    if how == "withdrawn at its member":
        members.feeds["/good/"] = feed(member, kept)
    elif how == "its member is down":
        members.feeds.pop("/good/")
    else:
        text = (site / "site.yaml").read_text()
        (site / "site.yaml").write_text(text.replace(f"    - url: {member}\n", f"    - url: {members.url}/other/\n"))
    built(site)
    assert TOKEN not in capsys.readouterr().err
    assert _traces(site) == []  # the output, the spare beside it, the cache
    assert (site / "public" / "index.html").is_file()
