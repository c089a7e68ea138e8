"""A hub (site.yaml's network.members): its members' stories published beside its own,
at /network/KEY/SLUG/, in its listings, term pages, feeds, sitemap, open data and
search; hostile members' data kept as text; a member that fails contributes nothing."""

from __future__ import annotations

import json
import socket

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, build, story, tree_hashes, write
from network_servers import Members

from goodrel_site import limits, pipeline
from goodrel_site.options import Options


@pytest.fixture
def members(monkeypatch):
    monkeypatch.setattr(limits, "NETWORK_SECONDS", 1)
    found = Members()
    yield found
    found.close()


def shared(member: str, slug: str, **changed) -> dict:
    url = f"{member}stories/{slug}/"
    return {
        "id": url,
        "slug": slug,
        "url": url,
        "title": f"Shared {slug}",
        "summary": f"What happened in {slug}.",
        "date": "2015-06-01",
        "updated": None,
        "lang": "en",
        "translation_of": None,
        "categories": ["common-purpose"],
        "approaches": [],
        "divides": [],
        "themes": [],
        "region": "north-west",
        "area": "oldham",
        "area_code": "E08000004",
        "place": "Oldham",
        "organisations": ["Oldham Together"],
        "event": None,
        "quote": None,
        "outcomes": [],
        "contact": None,
        "image": None,
        "tags": [],
        "featured": False,
        "anonymised": False,
        "html": f"<p>The words of {slug}.</p>\n",
        "text": f"The words of {slug}.",
        **changed,
    }


def feed(member: str, *stories: dict) -> bytes:
    head = {
        "title": "Oldham stories",
        "url": member,
        "description": "Stories from Oldham.",
        "publisher": "Oldham Together",
        "language": "en",
        "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        "contact": None,
    }
    return json.dumps(
        {"format": "goodrel-network-feed", "version": 1, "member": head, "stories": list(stories)}
    ).encode()


def hub(site, *urls: str) -> None:
    listed = "".join(f"    - url: {url}\n" for url in urls)
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + f"network:\n  members:\n{listed}")


def html(out, rel: str) -> BeautifulSoup:
    return BeautifulSoup((out / rel).read_text(), "html.parser")


def test_a_members_stories_are_published_beside_the_hubs_own(site, members, capsys):
    member = members.url + "/good/"
    members.feeds["/good/"] = feed(member, shared(member, "bridge"), shared(member, "garden"))
    hub(site, member)
    assert build(site) == 0, capsys.readouterr().err
    out, key = site / "public", "127-0-0-1-" + member.split(":")[-1].split("/")[0] + "-good"
    page = html(out, f"network/{key}/bridge/index.html")
    assert page.h1.text == "Shared bridge"
    assert page.find("link", rel="canonical")["href"] == member + "stories/bridge/"
    assert page.find("a", href=member + "stories/bridge/")  # the original
    assert page.find("a", href=f"/network/{key}/").text == "Oldham stories"  # its member
    assert "The words of bridge." in page.find(class_="prose").text
    members_page = html(out, "network/index.html")
    assert members_page.find("a", href=f"/network/{key}/").text == "Oldham stories"
    member_page = html(out, f"network/{key}/index.html")
    assert member_page.find("a", href=member).text == "Visit their site"
    assert {a["href"] for a in member_page.select(".cards h3 a")} == {
        f"/network/{key}/bridge/",
        f"/network/{key}/garden/",
    }
    # listings, term pages, organisations, feeds, sitemap and open data cover the network
    for rel in (
        "stories/index.html",
        "categories/common-purpose/index.html",
        "regions/north-west/index.html",
        "organisations/oldham-together/index.html",
        "feed.xml",
        "sitemap.xml",
        "data/stories.json",
        "feed.json",
    ):
        assert f"/network/{key}/bridge/" in (out / rel).read_text(), rel
    assert "Oldham Together" in (out / "organisations/index.html").read_text()


def test_a_script_stays_text_and_only_safe_links_and_the_members_pictures_stay(site, members, capsys):
    member = members.url + "/good/"
    hostile = shared(
        member,
        "hostile",
        title="<script>alert(1)</script> in a title",
        summary='"><img src=x onerror=alert(2)>',
        html=(
            "<p onclick='alert(3)'>Words<script>alert(4)</script>"
            '<a href="javascript:alert(5)">js</a> <a href="https://example.org/ok">ok</a>'
            f'<img src="{member}media/own.webp" alt="own"><img src="https://tracker.example/p.gif" alt="other">'
            "<iframe src='https://example.org/'></iframe><style>body{}</style></p>"
        ),
    )
    members.feeds["/good/"] = feed(member, hostile)
    hub(site, member)
    assert build(site) == 0, capsys.readouterr().err
    out = site / "public"
    found = next((out / "network").glob("*/hostile/index.html"))
    text = found.read_text()
    assert "<script>alert" not in text and "alert(3)" not in text and "javascript:" not in text
    assert "<iframe" not in text and "<img src=x" not in text and "body{}" not in text
    page = BeautifulSoup(text, "html.parser")
    assert not [s for s in page.find_all("script") if "alert" in s.text]
    assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert page.h1.text == "<script>alert(1)</script> in a title"
    prose = page.find(class_="prose")
    assert [a.get("href") for a in prose.find_all("a")] == [None, "https://example.org/ok"]
    assert [i.get("src") for i in prose.find_all("img")] == [f"{member}media/own.webp", None]
    for rel in ("stories/index.html", "feed.xml"):  # (text in markup: escaped as local text is)
        assert "<script>alert" not in (out / rel).read_text(), rel
        assert "&lt;script&gt;alert(1)" in (out / rel).read_text(), rel
    titles = [s["title"] for s in json.loads((out / "data/stories.json").read_text())]
    assert "<script>alert(1)</script> in a title" in titles  # (JSON holds text as text)


def test_terms_the_hub_does_not_define_are_dropped_with_a_note(site, members, capsys):
    member = members.url + "/good/"
    members.feeds["/good/"] = feed(
        member,
        shared(
            member,
            "some",
            categories=["common-purpose", "their-own"],
            themes=["theirs"],
            outcomes=[
                {
                    "indicator": "People",
                    "measure": "their-measure",
                    "value": 3,
                    "unit": None,
                    "baseline": None,
                    "evidence": None,
                }
            ],
        ),
        shared(member, "none", categories=["their-own"]),
        shared(member, "elsewhere", region="atlantis"),
    )
    hub(site, member)
    assert build(site) == 0
    said = capsys.readouterr().err
    assert "the hub defines no category their-own, left out" in said
    assert "the hub defines no measure their-measure, left out" in said
    assert "story " + member + "stories/none/ is not shown: the hub defines no category their-own" in said
    assert "is not shown: the hub defines no region atlantis" in said
    out = site / "public"
    assert [p.parent.name for p in (out / "network").glob("*/*/index.html")] == ["some"]
    assert "their-own" not in (next((out / "network").glob("*/some/index.html"))).read_text()


@pytest.mark.parametrize("where", ["garbage", "silent", "drip", "endless", "away", "broken", "down"])
def test_a_member_that_fails_contributes_nothing_and_the_build_goes_on(site, members, capsys, monkeypatch, where):
    monkeypatch.setattr(limits, "NETWORK_FEED_BYTES", 256 * 1024)
    good = members.url + "/good/"
    members.feeds["/good/"] = feed(good, shared(good, "kept"))
    bad = f"{members.url}/{where}/"
    if where == "down":
        with socket.socket() as free:  # (a port nothing listens on)
            free.bind(("127.0.0.1", 0))
            bad = f"http://127.0.0.1:{free.getsockname()[1]}/"
    hub(site, good, bad)
    assert build(site) == 0
    said = capsys.readouterr().err.splitlines()
    assert len([line for line in said if bad in line]) == 1
    assert [line for line in said if bad in line][0].startswith(
        f"site.yaml: warning: the network member {bad} contributes nothing to this build: "
    )
    out = site / "public"
    assert [p.parent.name for p in (out / "network").glob("*/*/index.html")] == ["kept"]


def test_an_item_of_another_origin_refuses_the_feed(site, members, capsys):
    member = members.url + "/good/"
    members.feeds["/good/"] = feed(member, shared(member, "ok"), shared("https://elsewhere.example/", "theirs"))
    hub(site, member)
    assert build(site) == 0
    assert "is not an address of the member" in capsys.readouterr().err
    assert not list((site / "public" / "network").glob("*/*/index.html"))


def test_a_hub_build_where_no_member_changed_renders_nothing(site, members, capsys):
    member = members.url + "/good/"
    members.feeds["/good/"] = feed(member, shared(member, "bridge"))
    hub(site, member)
    assert build(site) == 0
    capsys.readouterr()
    members.requests.clear()
    before = tree_hashes(site / "public")
    assert build(site) == 0
    assert "nothing has changed" in capsys.readouterr().out
    assert len(members.requests) == 1 and members.requests[0][1]  # one conditional request
    assert tree_hashes(site / "public") == before


def test_an_incremental_hub_build_equals_a_clean_one(site, members, capsys, tmp_path):
    member = members.url + "/good/"
    members.feeds["/good/"] = feed(member, shared(member, "bridge"), shared(member, "garden"))
    hub(site, member)
    write(site, "stories/second.md", story("Second story"))
    assert build(site) == 0
    members.feeds["/good/"] = feed(member, shared(member, "bridge", title="Bridge, retold"))
    assert build(site) == 0
    pipeline.build(Options(site=site, out=tmp_path / "clean", now=NOW, search=False, cache=False))
    assert tree_hashes(site / "public") == tree_hashes(tmp_path / "clean")


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        ({"title": "x" * 201}, "String should have at most 200 characters"),
        ({"html": "x" * 1_000_001}, "String should have at most 1000000 characters"),
        ({"tags": ["t"] * 101}, "List should have at most 100 items"),
        ({"summary": "a\x1bb"}, "invisible control character"),
    ],
)
def test_a_feed_with_an_oversized_or_forbidden_field_contributes_nothing(site, members, capsys, changed, said):
    member = members.url + "/good/"
    members.feeds["/good/"] = feed(member, shared(member, "ok"), shared(member, "big", **changed))
    hub(site, member)
    assert build(site) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if member in line]
    assert len(lines) == 1 and said in lines[0] and "contributes nothing" in lines[0]
    assert not list((site / "public" / "network").glob("*/*/index.html"))


def test_one_story_changed_at_a_member_renders_again_only_what_shows_its_text(site, members):
    member = members.url + "/good/"
    stories = [shared(member, slug) for slug in ("bridge", "garden", "choir")]
    members.feeds["/good/"] = feed(member, *stories)
    hub(site, member)
    assert build(site) == 0
    out = site / "public"
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    stories[1]["html"] = "<p>The garden, told again.</p>"
    members.feeds["/good/"] = feed(member, *stories)
    assert build(site) == 0
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    changed = sorted(p for p, inode in after.items() if inode != before.get(p))
    own = next(p for p in changed if p.endswith("/garden/index.html"))
    assert "The garden, told again." in (out / own).read_text()
    # its page, and the files made from the whole site (the open data holds its text)
    assert [p for p in changed if p.endswith(".html")] == [own]
