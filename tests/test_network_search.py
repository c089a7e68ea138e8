"""A hub's pages in a browser: its search finds its members' stories by the words of
their text, from the hub's own index (no member is asked at search time), and its
network pages pass axe."""

from __future__ import annotations

from conftest import NOW, run, serve_folder
from network_servers import Members
from test_network_hub import feed, hub, shared
from test_search import open_search, results


def test_a_word_of_a_shared_story_finds_it_on_the_hub(site, page):
    members = Members()
    try:
        member = members.url + "/good/"
        members.feeds["/good/"] = feed(
            member, shared(member, "choir", html="<p>The zitherophone choir met every Thursday.</p>")
        )
        hub(site, member)
        assert run("build", "--site", str(site), "--now", NOW.isoformat(), "--quiet") == 0
    finally:
        members.close()  # (the search needs no member)
    server, url = serve_folder(site / "public")
    try:
        open_search(page, url, [("q", "zitherophone")])
        found = results(page)
        assert len(found) == 1 and found[0].startswith("/network/") and found[0].endswith("/choir/")
    finally:
        server.shutdown()


def test_the_network_pages_have_no_accessibility_violations(site, page):
    from axe_playwright_python.sync_playwright import Axe
    from test_a11y import violations

    members = Members()
    try:
        member = members.url + "/good/"
        members.feeds["/good/"] = feed(member, shared(member, "choir"), shared(member, "garden"))
        hub(site, member)
        assert run("build", "--site", str(site), "--now", NOW.isoformat(), "--quiet", "--no-search") == 0
    finally:
        members.close()
    server, url = serve_folder(site / "public")
    axe = Axe()
    try:
        pages = ["/network/"] + [
            "/" + p.parent.relative_to(site / "public").as_posix() + "/"
            for p in sorted((site / "public" / "network").glob("*/index.html"))
        ]
        pages += [pages[1] + "choir/"]
        for path in pages:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            assert violations(axe, page) == [], path
    finally:
        server.shutdown()
