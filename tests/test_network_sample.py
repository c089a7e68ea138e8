"""The sample network (`./dev network`, examples/network/): its two member sites built
and served on 127.0.0.1, and the bundled site built as their hub, as a newcomer sees it."""

from __future__ import annotations

import gzip
import importlib.util

import pytest
from conftest import REPO

from goodrel_site.network.feed import Feed

NOT_SHARED = ("knitting", "committees-year", "committee's year", "draft-already-offered", "already offered")


def _preview():
    spec = importlib.util.spec_from_file_location("preview", REPO / "examples/network/preview.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    preview = _preview()
    work = tmp_path_factory.mktemp("network")
    servers = {key: preview.serve(work / key, 0) for key in preview.MEMBERS}
    members = {key: preview.address(server) for key, server in servers.items()}
    assert preview.build_network(work, members, work / "hub-public")
    yield work, members
    for server in servers.values():
        server.shutdown()


def test_each_member_offers_its_consented_stories_only(network):
    work, members = network
    for key, url in members.items():
        feed = Feed.model_validate_json((work / key / "data/network.json").read_bytes())
        assert feed.member.url == url
        assert len(feed.stories) == 3 and all(s.id.startswith(url) for s in feed.stories)
        assert len(list((work / key / "stories").glob("*/index.html"))) == 4  # (and one of its own)


def test_the_hub_shows_the_members_and_their_stories_and_nothing_else_of_them(network):
    work, members = network
    out = work / "hub-public"
    listing = (out / "network/index.html").read_text("utf-8")
    for key in members:
        assert f'href="/network/{key}/"' in listing
    page = (out / "network/severn-together/iftar-on-the-pitch/index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{members["severn-together"]}stories/iftar-on-the-pitch/">' in page
    assert "An iftar on the football pitch" in page
    shared = sorted(p.parent.name for p in (out / "network").glob("*/*/index.html"))
    assert len(shared) == 6 and "the-knitting-circle" not in shared
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            text = (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8", "replace").lower()
            assert not [words for words in NOT_SHARED if words in text], path
    own = Feed.model_validate_json((out / "data/network.json").read_bytes())
    assert not [s.id for s in own.stories if s.id.startswith(tuple(members.values()))]  # (a hub offers only its own)
    assert "\nnetwork:" not in (REPO / "site.yaml").read_text("utf-8")  # (the bundled site is left as it is)
