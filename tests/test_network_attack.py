"""What the outside attack of the hub found (issue 21): a member's organisation name
that can make no address stopped every hub build (and so every withdrawal reaching it);
a backslash let a picture load from another host; a percent-encoded '..' let a story's
address lead into another member's folder."""

from __future__ import annotations

import pytest
from conftest import build
from test_network_hub import feed, hub, members, shared

__all__ = ["members"]  # (the fixture, used by name)


@pytest.mark.parametrize("name", ["!!!", "..", "CON"])
def test_an_organisation_name_that_makes_no_address_is_left_out_and_the_build_goes_on(site, members, capsys, name):
    member = members.url + "/good/"
    members.feeds["/good/"] = feed(
        member, shared(member, "odd", organisations=[name, "Oldham Together"]), shared(member, "plain")
    )
    hub(site, member)
    assert build(site) == 0, capsys.readouterr().err
    assert "left out" in capsys.readouterr().err
    out = site / "public"
    assert next((out / "network").glob("*/odd/index.html"))
    assert (out / "organisations" / "oldham-together" / "index.html").is_file()
    assert not (out / "organisations" / "con").exists()


def test_a_picture_whose_address_holds_a_backslash_is_dropped(site, members, capsys):
    member = members.url + "/good/"
    host = members.url.split("//")[1]
    sneaky = f'<p>Words <img src="http://127.0.0.1:1\\@{host}/good/media/p.webp" alt="p"></p>'
    members.feeds["/good/"] = feed(member, shared(member, "pic", html=sneaky))
    hub(site, member)
    assert build(site) == 0, capsys.readouterr().err
    page = next((site / "public" / "network").glob("*/pic/index.html")).read_text()
    assert "Words" in page and "127.0.0.1:1" not in page


def test_a_story_address_with_an_encoded_dot_dot_refuses_the_feed(site, members, capsys):
    member = members.url + "/good/"
    story = shared(member, "sly")
    story["id"] = story["url"] = f"{member}stories/%2e%2e/%2E%2E/other/sly/"
    members.feeds["/good/"] = feed(member, story)
    hub(site, member)
    assert build(site) == 0
    assert "contributes nothing" in capsys.readouterr().err
    assert not list((site / "public").rglob("sly"))
