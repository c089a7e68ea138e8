"""Fetching members' feeds (goodrel_site/network/fetch.py): limits, redirects, plain
http only from this computer, conditional requests, and no stale copy ever used."""

from __future__ import annotations

import socket

import pytest
from conftest import refused_everywhere
from network_servers import Members

from goodrel_site import limits
from goodrel_site.network import fetch
from goodrel_site.records import FOLDER


@pytest.fixture
def members(monkeypatch):
    monkeypatch.setattr(limits, "NETWORK_SECONDS", 1)
    monkeypatch.setattr(limits, "NETWORK_FEED_BYTES", 256 * 1024)
    found = Members()
    yield found
    found.close()


def kept(root):
    folder = root / FOLDER / fetch.CACHE
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_feed_is_fetched_then_confirmed_by_one_conditional_request(members, tmp_path):
    members.feeds["/good/"] = b'{"feed": 1}'
    url = members.url + "/good/"
    assert fetch.fetch_all([url], tmp_path)[url] == fetch.Fetched(url, b'{"feed": 1}')
    assert len(kept(tmp_path)) == 1
    members.requests.clear()
    assert fetch.fetch_all([url], tmp_path)[url].body == b'{"feed": 1}'
    etag = members.requests[0][1]
    assert members.requests == [("/good/data/network.json", etag)] and etag  # one request, conditional
    members.feeds["/good/"] = b'{"feed": 2}'
    assert fetch.fetch_all([url], tmp_path)[url].body == b'{"feed": 2}'


def test_a_member_that_fails_contributes_nothing_and_its_kept_feed_is_deleted(members, tmp_path):
    members.feeds["/good/"] = b'{"feed": 1}'
    good, broken = members.url + "/good/", members.url + "/broken/"
    fetch.fetch_all([good], tmp_path)
    assert len(kept(tmp_path)) == 1
    found = fetch.fetch_all([broken, good.replace("/good/", "/gone/")], tmp_path)
    assert found[broken] == fetch.Fetched(
        broken, None, f"{members.url + '/broken/data/network.json'!r} answered 500 (not 200)"
    )
    assert kept(tmp_path) == []  # the good member is no longer listed: its copy goes too


@pytest.mark.parametrize(
    ("where", "why"),
    [
        ("silent", "no answer within 1 seconds"),
        ("drip", "no answer within 1 seconds"),
        ("endless", f"its feed is larger than {256 * 1024:,} bytes"),
        ("away", "outside the member's own site"),
    ],
)
def test_hostile_members_are_cut_off(members, tmp_path, where, why):
    url = f"{members.url}/{where}/"
    found = fetch.fetch_all([url], tmp_path)[url]
    assert found.body is None and why in found.why
    assert kept(tmp_path) == []


def test_a_redirect_within_the_member_is_followed(members, tmp_path):
    members.feeds["/good/"] = b"{}"
    url = members.url + "/home/"
    assert fetch.fetch_all([url], tmp_path)[url].body == b"{}"


def test_a_member_down(tmp_path):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{free.getsockname()[1]}/"
    found = fetch.fetch_all([url], tmp_path)[url]
    assert found.body is None and "refused the connection" in found.why


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.1/",
        "http://member.example/",
        "http://[2001:db8::1]/",
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "https:///x",
        "http://h:99999/",
    ],
)
def test_only_https_or_plain_http_from_this_computer(url, tmp_path):
    assert fetch.refusal(url)
    found = fetch.fetch_all([url], tmp_path)[url]
    assert found.body is None and found.why == fetch.refusal(fetch.feed_url(url))


def test_plain_http_to_a_name_is_checked_where_it_resolves(monkeypatch, tmp_path):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(0, 0, 0, "", ("192.0.2.7", 80))])
    found = fetch.fetch_all(["http://localhost/"], tmp_path)["http://localhost/"]
    assert found.body is None and "not this computer" in found.why


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ("[{url: 'http://member.example.org/'}]", "is plain http to another computer"),
        ("[{url: 'https://member.example.org'}]", "ending in '/'"),
        ("[{url: 'javascript:alert(1)//'}]", "is not an address a link may go to"),
        (
            "[{url: 'https://a.example.org/'}, {url: 'https://b.example.org/', key: a-example-org}]",
            "two members have the key 'a-example-org'",
        ),
        ("[{url: 'https://a.example.org/', key: con}]", "a name that Windows keeps for a device"),
    ],
)
def test_a_member_listed_wrongly_is_refused_at_its_line(site, capsys, members, expected):
    text = (site / "site.yaml").read_text() + f"network:\n  members: {members}\n"
    refused_everywhere(site, capsys, "site.yaml", text, expected)
