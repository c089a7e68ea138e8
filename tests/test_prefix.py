"""A site served below a path (https://org.github.io/stories-site/): every link, asset,
picture, feed entry, sitemap address, JSON-LD id, citation, redirect and the search
page's imports carry the path. Built with the prefix, served under it, no link is
broken, and search finds stories and links to them there."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import NOW, REPO
from test_search import open_search, results

from goodrel_site.linkcheck import check

BASE = "https://org.example.org/stories-site/"
PREFIX = "/stories-site"


@pytest.fixture(scope="module")
def below(tmp_path_factory) -> Path:
    """The bundled site built with search, for a base URL below a path."""
    out = tmp_path_factory.mktemp("prefixed") / "public"
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--out", str(out), "--now", NOW.isoformat(), "--base-url", BASE],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_no_link_leaves_the_path_or_is_broken(below: Path) -> None:
    report = check(below, BASE)
    assert report.broken == []
    assert report.links > 5000


def test_pages_feeds_and_data_name_the_path(below: Path) -> None:
    story = (below / "stories" / "allotment-across-the-fence" / "index.html").read_text("utf-8")
    assert f'href="{PREFIX}/assets/site.css?v=' in story and f'href="{PREFIX}/stories/"' in story
    assert (
        f'"url": "{BASE}stories/allotment-across-the-fence/"' in story.replace("\\/", "/")
        or f'"url":"{BASE}stories/allotment-across-the-fence/"' in story
    )
    feed = (below / "feed.xml").read_text("utf-8")
    assert f"<id>{BASE}stories/" in feed and "org.example.org/stories/" not in feed.replace(BASE, "")
    assert f"<loc>{BASE}stories/</loc>" in (below / "sitemap.xml").read_text("utf-8")
    assert f"UR  - {BASE}stories/allotment-across-the-fence/" in (
        below / "stories" / "allotment-across-the-fence" / "cite.ris"
    ).read_text("utf-8")
    stories = json.loads((below / "data" / "stories.json").read_text("utf-8"))
    assert all(s["url"].startswith(BASE) for s in stories)
    search = (below / "search" / "index.html").read_text("utf-8")
    assert f'"base": "{PREFIX}"' in search


class _Below(http.server.SimpleHTTPRequestHandler):
    """The output folder served only under PREFIX, as a project's GitHub Pages are."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(PREFIX + "/"):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path(path[len(PREFIX) :])

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served_below(below: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Below, directory=str(below)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()


def test_search_works_below_the_path(page, served_below: str) -> None:
    open_search(page, served_below, [("q", "allotment")])
    found = results(page)
    assert f"{PREFIX}/stories/allotment-across-the-fence/" in found
    assert all(url.startswith(PREFIX + "/") for url in found)
    page.goto(served_below + found[0])
    assert page.title() and "Not found" not in page.title()
