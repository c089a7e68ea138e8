"""Bad input: each case gives a clear PATH:LINE error, exit status 1, and leaves the
previous output exactly as it was."""

import pytest

from conftest import build, story, tree_hashes, write

# (file, content, the error expected on standard error)
CASES = {
    "invalid yaml": ("stories/bad.md", "---\ntitle: Fine\nsummary: [unclosed\ndate: 2014-03-01\n---\n",
                     "stories/bad.md:3: invalid YAML: a '[' on this line opens a list that is never closed"),
    "no front matter": ("stories/bad.md", "Just some text.\n", "stories/bad.md:1: no front matter"),
    "unclosed front matter": ("stories/bad.md", "---\ntitle: x\n", "stories/bad.md:1: the front matter is never closed"),
    "empty file": ("stories/bad.md", "", "stories/bad.md:1: the file is empty"),
    "unknown key": ("stories/bad.md", story("Bad", "titel: Typo\n"),
                    "stories/bad.md:9: unknown field 'titel': did you mean 'title'?"),
    "list for a string": ("stories/bad.md", story("Bad", "place: [Leeds, Bradford]\n"),
                          "stories/bad.md:9: 'place' must be text, not a list"),
    "impossible date": ("stories/bad.md", story("Bad").replace("2014-03-01", "2013-02-30"),
                        "stories/bad.md:4: '2013-02-30' is not a real date"),
    "unknown category": ("stories/bad.md", story("Bad").replace("[common-purpose]", "[cooking]"),
                         "stories/bad.md:6: unknown category 'cooking'; allowed: voice-and-agency, "),
    "slug with dots": ("stories/bad.md", story("Bad", "slug: ../evil\n"),
                       "stories/bad.md:9: 'slug' is '../evil': a slug uses lowercase letters"),
    "slug with capitals": ("stories/bad.md", story("Bad", "slug: Evil\n"),
                           "stories/bad.md:9: 'slug' is 'Evil'"),
    "missing event": ("stories/bad.md", story("Bad", "event: nowhere-2013\n"),
                      "stories/bad.md:9: no event has the slug 'nowhere-2013'"),
    "published without consent": ("stories/bad.md", story("Bad").replace("status: given, date: 2014-01-10", "status: pending"),
                                  "stories/bad.md:8: this story is published but consent is still pending"),
    "link to a missing story": ("stories/bad.md", story("Bad") + "\nSee [this](../stories/gone.md).\n",
                                "stories/bad.md:13: links to stories/gone.md, which does not exist"),
    "link to a withheld story": ("stories/bad.md", story("Bad") + "\nSee [this](draft.md).\n",
                                 "stories/bad.md:13: links to stories/draft.md, which is not public"),
    "link on a paragraph's third line": ("stories/bad.md", story("Bad") + "\nOne line,\nanother,\nand [gone](gone.md).\n",
                                         "stories/bad.md:15: links to stories/gone.md, which does not exist"),
    "duplicate key": ("stories/bad.md", story("Bad", "title: Again\n"),
                      "stories/bad.md:9: 'title' is given twice (first on line 2)"),
    "missing required field": ("stories/bad.md", story("Bad").replace("region: london\n", ""),
                               "stories/bad.md:1: 'region' is required"),
    "missing consent date": ("stories/bad.md", story("Bad").replace(", date: 2014-01-10", ""),
                             "stories/bad.md:8: consent.date is required when consent is given"),
    "updated before date": ("stories/bad.md", story("Bad", "updated: 2014-02-01\n"),
                            "stories/bad.md:9: updated (2014-02-01) must not be before date"),
    "image without alt": ("stories/bad.md", story("Bad", "image: {src: images/x.jpg}\n"),
                          "stories/bad.md:9: image.alt is required"),
    "missing image file": ("stories/bad.md", story("Bad", "image: {src: images/x.jpg, alt: A picture}\n"),
                           "stories/bad.md:9: image file not found: 'images/x.jpg'"),
    "wrong type number": ("events/bad.md", "---\ntitle: E\nsummary: S\ndate: 2013-01-01\nstatus: published\n"
                          "region: london\nplace: Here\nattendees: many\n---\n",
                          "events/bad.md:8: 'attendees' must be a whole number, not 'many'"),
    "page slug taken by the site": ("pages/search.md", "---\ntitle: Search\n---\n",
                                    "pages/search.md:1: '/search/' is used by the site itself"),
    "bad setting": ("site.yaml", None, "site.yaml:"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_reported_and_output_kept(site, capsys, case):
    rel, text, expected = CASES[case]
    out = site / "public"
    write(site, "stories/draft.md", story("Draft", "").replace("status: published", "status: draft"))
    assert build(site) == 0
    before = tree_hashes(out)
    capsys.readouterr()
    if rel == "site.yaml":
        (site / "site.yaml").write_text((site / "site.yaml").read_text().replace("per_page: 12", "per_page: lots"))
    else:
        write(site, rel, text)
    assert build(site) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert "nothing was written" in err
    assert tree_hashes(out) == before


def test_two_stories_with_one_slug_name_both_files(site, capsys):
    write(site, "stories/other.md", story("Other", "slug: first\n"))
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "stories/other.md:9: two story files have the slug 'first': stories/first.md and stories/other.md" in err


def test_bytes_that_are_not_utf8(site, capsys):
    (site / "stories" / "latin1.md").write_bytes(story("Caf\u00e9").encode("latin-1"))
    assert build(site) == 1
    assert "stories/latin1.md:2: the file is not UTF-8 text" in capsys.readouterr().err


def test_all_errors_are_reported_together(site, capsys):
    write(site, "stories/a.md", story("A", "titel: x\n"))
    write(site, "stories/b.md", story("B").replace("[common-purpose]", "[cooking]"))
    write(site, "events/c.md", "no front matter\n")
    assert build(site) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err[:-1]] == ["events/c.md", "stories/a.md", "stories/b.md"]


def test_bom_and_crlf_are_accepted(site):
    text = "\ufeff" + story("Windows story").replace("\n", "\r\n")
    (site / "stories" / "windows.md").write_bytes(text.encode("utf-8"))
    assert build(site) == 0
    assert "Windows story" in (site / "public/stories/windows/index.html").read_text()


def test_a_five_megabyte_story_builds(site):
    paragraph = "Neighbours met every week to talk and to listen. " * 20 + "\n\n"
    body = paragraph * (5_000_000 // len(paragraph) + 1)
    write(site, "stories/long.md", story("Long story") + body)
    assert (site / "stories/long.md").stat().st_size > 5_000_000
    assert build(site) == 0
    assert (site / "public/stories/long/index.html").stat().st_size > 5_000_000


def test_unsafe_links_are_not_clickable_and_raw_html_is_escaped(site):
    write(site, "stories/links.md", story("Links") + "\n[a](javascript:alert(1)) [b](vbscript:x) "
          "[c](data:text/html,x) <script>alert(1)</script>\n")
    assert build(site) == 0
    html = (site / "public/stories/links/index.html").read_text()
    assert "javascript:" not in html.split("<main")[1].replace("[a](javascript:alert(1))", "")
    assert 'href="vbscript' not in html and 'href="data:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
