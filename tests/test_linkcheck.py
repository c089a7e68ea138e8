"""The internal link checker: the bundled site's default build has no broken link; every
kind of link it follows is found broken, at its file and line, when its target is
missing; a site served below a path is checked under that path."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW, run, write

from goodrel_site.linkcheck import Broken, check, main

BASE = "https://goodrel.example.org/"  # the bundled site.yaml's base_url


def test_the_bundled_sites_default_build_has_no_broken_link(bundled: Path):
    report = check(bundled, BASE)
    assert report.broken == []
    html_files = sum(1 for _ in bundled.rglob("*.html"))
    assert report.files > html_files  # feeds, sitemap, data and citations too
    assert report.links > 20 * html_files


def _page(name: str, links: str) -> str:
    return f"<!doctype html>\n<html><head><title>{name}</title></head>\n<body>\n{links}\n</body></html>\n"


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """A small built site by hand: every kind of link, some of them broken."""
    out = tmp_path / "public"
    write(
        out,
        "index.html",
        _page(
            "home",
            """\
        <a href="/stories/">fine</a> <a href="stories/one/">fine, relative</a>
        <a href="/stories/gone/">missing page</a>
        <img src="/media/a.webp" srcset="/media/a.webp 1x, /media/b.webp 2x" alt="">
        <a href="/stories/one/#quote">fine fragment</a> <a href="/stories/one/#nowhere">missing id</a>
        <a href="#top">missing id here</a> <span id="here"></span><a href="#here">fine</a>
        <a href="https://goodrel.example.org/stories/one/">fine, absolute</a>
        <a href="https://goodrel.example.org/old/">missing, absolute</a>
        <a href="https://elsewhere.example.com/nothing/">another site</a> <a href="mailto:a@b.c">mail</a>
        <meta property="og:image" content="https://goodrel.example.org/media/og.png">
        <script type="application/ld+json">{"@id": "https://goodrel.example.org/#org",
          "url": "https://goodrel.example.org/missing.json"}</script>
        <script type="module">import("/pagefind/pagefind.js");</script>
        <form action="/search/"></form>
        <a href="/stories">fine: the folder's index</a>
        """,
        ),
    )
    write(out, "stories/index.html", _page("stories", '<a href="../">up</a> <a href="../../../x/">above</a>'))
    write(
        out,
        "stories/one/index.html",
        _page(
            "one", '<blockquote id="quote"></blockquote><meta http-equiv="refresh" content="0; url=/stories/moved/">'
        ),
    )
    write(out, "search/index.html", _page("search", ""))
    write(out, "media/a.webp", "x")
    write(out, "assets/site.css", "body { background: url(/media/a.webp) }\n.x { background: url('/media/c.png') }\n")
    write(
        out,
        "sitemap.xml",
        """\
        <?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://goodrel.example.org/stories/one/</loc></url>
        <url><loc>https://goodrel.example.org/stories/two/</loc></url>
        </urlset>
        """,
    )
    write(
        out,
        "feed.xml",
        """\
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
        <link href="https://goodrel.example.org/feed.xml" rel="self"/>
        <entry>
        <content type="html">&lt;p&gt;&lt;a href="https://goodrel.example.org/stories/three/"&gt;x&lt;/a&gt;&lt;/p&gt;</content>
        </entry>
        </feed>
        """,
    )
    write(
        out,
        "feed.json",
        '{"items": [\n{"url": "https://goodrel.example.org/stories/one/"},\n'
        '{"url": "https://goodrel.example.org/stories/four/"}\n]}\n',
    )
    write(out, "robots.txt", "Sitemap: https://goodrel.example.org/sitemap.xml\n")
    write(out, "data/stories.csv", "title,url\nOne,https://goodrel.example.org/stories/five/\n")
    return out


def test_every_kind_of_broken_link_is_found_at_its_line(output: Path):
    report = check(output, BASE)
    assert [str(b) for b in report.broken] == [
        "assets/site.css:2: /media/c.png: no such file in the output",
        "data/stories.csv:2: https://goodrel.example.org/stories/five/: no such file in the output",
        "feed.json:3: https://goodrel.example.org/stories/four/: no such file in the output",
        "feed.xml:5: https://goodrel.example.org/stories/three/: no such file in the output",
        "index.html:5: /stories/gone/: no such file in the output",
        "index.html:6: /media/b.webp: no such file in the output",
        "index.html:7: /stories/one/#nowhere: no element has the id 'nowhere' in stories/one/index.html",
        "index.html:8: #top: no element has the id 'top' in index.html",
        "index.html:10: https://goodrel.example.org/old/: no such file in the output",
        "index.html:12: https://goodrel.example.org/media/og.png: no such file in the output",
        "index.html:13: https://goodrel.example.org/#org: no element has the id 'org' in index.html",
        "index.html:14: https://goodrel.example.org/missing.json: no such file in the output",
        "index.html:15: /pagefind/pagefind.js: no such file in the output",
        "sitemap.xml:4: https://goodrel.example.org/stories/two/: no such file in the output",
        "stories/index.html:4: ../../../x/: outside the site's base path /",
        "stories/one/index.html:4: /stories/moved/: no such file in the output",
    ]
    assert report.files == 10 and report.links == 31


def test_a_site_below_a_path_is_checked_under_it(tmp_path: Path):
    out = tmp_path / "public"
    write(
        out,
        "index.html",
        _page(
            "home",
            """\
        <a href="/stories-site/stories/">fine</a> <a href="stories/">fine, relative</a>
        <link rel="stylesheet" href="/assets/site.css">
        <a href="https://org.example.io/stories-site/">fine, absolute</a>
        <a href="https://org.example.io/other-site/">another site on the host</a>
        """,
        ),
    )
    write(out, "stories/index.html", _page("stories", ""))
    write(out, "assets/site.css", "")
    assert check(out, "https://org.example.io/stories-site/").broken == [
        Broken("index.html", 5, "/assets/site.css", "outside the site's base path /stories-site/"),
        Broken("index.html", 7, "https://org.example.io/other-site/", "outside the site's base path /stories-site/"),
    ]


def test_a_new_sites_build_has_no_broken_link_until_a_page_goes_missing(tmp_path: Path):
    site, out = tmp_path / "site", tmp_path / "out"
    assert run("init", str(site)) == 0
    assert run("build", "--site", str(site), "--out", str(out), "--now", NOW.isoformat()) == 0  # search included
    base = "https://example.org/"  # the new site.yaml's base_url
    report = check(out, base)
    assert report.broken == [] and report.links > 1000
    (out / "events/an-example-gathering/index.html").unlink()
    broken = check(out, base).broken
    assert {b.path for b in broken} >= {"stories/an-example-story/index.html", "events/index.html", "sitemap.xml"}
    assert all(b.link.rstrip("/").endswith("events/an-example-gathering") and b.line > 1 for b in broken)


def test_the_command_line(output: Path, tmp_path: Path, capsys):
    assert main([str(output), "--base-url", BASE]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "assets/site.css:2: /media/c.png: no such file in the output"
    assert printed[-1] == "31 internal links in 10 files: 16 broken."
    (tmp_path / "clean").mkdir()
    write(tmp_path / "clean", "index.html", _page("home", '<a href="/">home</a>'))
    assert main([str(tmp_path / "clean"), "--base-url", BASE]) == 0
    assert capsys.readouterr().out == "1 internal link in 1 file: 0 broken.\n"
    assert main([str(tmp_path / "nothing"), "--base-url", BASE]) == 2
    assert main([str(output), "--base-url", "goodrel.example.org"]) == 2
    assert "not an address" in capsys.readouterr().err
