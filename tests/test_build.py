"""The build pipeline end to end: URLs, visibility, atomic output, command line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO, build, run, story, tree_hashes, write

from goodrel_site.stages import load_site

WITHHELD = [
    "draft-refugee-welcome-supper",
    "embargoed-ten-years-on",
    "withdrawn-market-traders",
    "expired-festival-pop-up",
]


def test_every_contract_url_is_rendered(bundled):
    site, _ = load_site(REPO, NOW)
    urls = [
        "/",
        "/stories/",
        "/events/",
        "/organisations/",
        "/search/",
        "/404.html",
        "/feed.xml",
        "/feed.json",
        "/sitemap.xml",
        "/robots.txt",
        "/data/stories.json",
        "/data/stories.csv",
        "/data/events.json",
        "/data/events.csv",
        "/pagefind/pagefind.js",
    ]
    urls += [e.url for e in site.entries] + [o.url for o in site.organisations]
    for vocab, terms in site.terms.items():
        urls += [f"/{vocab}/"] + [t.url for t in terms]
    for url in urls:
        path = bundled / url.lstrip("/")
        assert (path / "index.html" if url.endswith("/") else path).is_file(), url


def test_bundled_site_uses_every_vocabulary_term_and_withholds_four(bundled):
    site, _ = load_site(REPO, NOW)
    for vocab, terms in site.terms.items():
        if vocab == "measures":  # (a catalogue drawn from public frameworks: a site reports some)
            continue
        unused = [t.key for t in terms if not t.stories]
        assert not unused, f"{vocab} terms no public story uses: {unused}"
    public = {s.slug for s in site.stories}
    assert not public & set(WITHHELD)
    for path in bundled.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv", ".txt"):
            text = path.read_text("utf-8")
            assert not any(slug in text for slug in WITHHELD), path


def test_withheld_items_appear_nowhere(site):
    write(
        site,
        "stories/secret-draft.md",
        story("Secret draft", "organisations: [Hidden Org]\n").replace("status: published", "status: draft"),
    )
    write(site, "stories/secret-embargo.md", story("Secret embargo", "publish_on: 2099-01-01\n"))
    write(
        site,
        "stories/secret-withdrawn.md",
        story("Secret withdrawn").replace("status: given, date: 2014-01-10", "status: withdrawn"),
    )
    write(site, "stories/secret-expired.md", story("Secret expired", "unpublish_on: 2020-01-01\n"))
    assert run("build", "--site", str(site), "--now", NOW.isoformat()) == 0  # with search
    for path in (site / "public").rglob("*"):
        if path.is_file() and not path.name.endswith((".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta")):
            data = path.read_bytes()
            assert b"Secret" not in data and b"secret-" not in data and b"Hidden Org" not in data, path
    assert not (site / "public/organisations/hidden-org").exists()


def test_embargo_lifts_on_its_date(site):
    write(site, "stories/later.md", story("Later", "publish_on: 2020-06-01\n"))
    assert run("build", "--site", str(site), "--now", "2020-05-31", "--no-search") == 0
    assert not (site / "public/stories/later").exists()
    assert run("build", "--site", str(site), "--now", "2020-06-01", "--no-search") == 0
    assert (site / "public/stories/later/index.html").exists()


def test_build_date_comes_from_source_date_epoch(site, monkeypatch):
    write(site, "stories/later.md", story("Later", "publish_on: 2020-06-01\n"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1590969600")  # 2020-06-01 00:00 UTC
    assert run("build", "--site", str(site), "--no-search") == 0
    assert (site / "public/stories/later/index.html").exists()


def test_drafts_preview_has_banner_and_noindex(site):
    write(site, "stories/wip.md", story("Work in progress").replace("status: published", "status: draft"))
    assert build(site, None, "--drafts") == 0
    html = (site / "public/stories/wip/index.html").read_text()
    assert 'name="robots" content="noindex' in html
    assert "Draft: not public." in html
    assert "Disallow: /" in (site / "public/robots.txt").read_text()


def test_nothing_from_an_earlier_build_survives(site):
    assert build(site) == 0
    (site / "stories" / "first.md").unlink()
    assert build(site) == 0
    assert not (site / "public/stories/first").exists()
    # Beside it: the build lock, and a spare for the next build to update, which holds
    # just what the output holds (hard links), nothing of the output before.
    assert sorted(p.name for p in site.glob(".public.*")) == [".public.goodrel-lock", ".public.goodrel-spare"]
    spare, public = site / ".public.goodrel-spare", site / "public"
    assert {p.relative_to(spare): p.stat().st_ino for p in spare.rglob("*") if p.is_file()} == {
        p.relative_to(public): p.stat().st_ino for p in public.rglob("*") if p.is_file()
    }
    # (A file added to the output is not the build's: it is refused, never deleted,
    # tests/test_out_folder.py.)
    write(site, "stories/first.md", story("First story"))
    assert build(site) == 0 and (site / "public/stories/first").is_dir()


def test_what_a_killed_build_left_beside_the_output_is_cleared(site):
    # A build killed midway (SIGKILL, say) runs no cleanup; its folder names its process.
    killed = site / ".public.new-999999999-x1y2z3"
    running = site / f".public.new-{os.getpid()}-a1b2c3"  # a build still going: kept
    for folder in (killed, running):
        (folder / "stories").mkdir(parents=True)
        (folder / "stories" / "index.html").write_text("half made")
    assert build(site) == 0
    assert not killed.exists() and running.exists()


@pytest.mark.parametrize("out", [".", "..", "stories", "stories/public", "theme", "site.yaml"])
def test_an_output_folder_over_the_content_is_refused(site, capsys, out):
    assert run("build", "--site", str(site), "--out", str(site / out), "--now", NOW.isoformat()) == 2
    assert "--out" in capsys.readouterr().err
    assert (site / "stories/first.md").exists()


@pytest.mark.parametrize(
    "alias, why",
    [
        ("/search/", "is already the address of a page made from site.yaml"),
        ("/stories/first/", "is already the address of stories/first.md"),
        ("/stories/first/cite.bib", "would put a page inside /stories/first/cite.bib, a file the site writes"),
        ("/feed.xml", "would put a page inside /feed.xml, a file the site writes"),
        ("/404.html", "is already the address of a page made from site.yaml"),
        ("/categories/common-purpose/", "is already the address of a page made from site.yaml"),
        ("/data/stories.json", "is an address the site keeps for its own files (/data)"),
        ("/assets/site.css", "is an address the site keeps for its own files (/assets)"),
        ("/pagefind/", "is an address the site keeps for its own files (/pagefind)"),
        ("/media/x.jpg", "is an address the site keeps for its own files (/media)"),
        ("/robots.txt", "would put a page inside /robots.txt, a file the site writes"),
        ("/" + "x" * 300 + "/", "is too long to be a file name"),
    ],
)
def test_an_alias_never_takes_another_address(site, capsys, alias, why):
    public = site / "public"
    assert build(site) == 0
    before = tree_hashes(public)
    write(site, "stories/moved.md", story("Moved", f"aliases: ['{alias}']\n"))
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    assert build(site) == 1
    err = capsys.readouterr().err
    assert err.count(f"stories/moved.md:9: the alias '{alias}' {why}") == 2, err  # check, then build
    assert "Traceback" not in err
    assert tree_hashes(public) == before


def test_alias_cannot_climb_out_of_the_output(site, capsys):
    write(site, "stories/moved.md", story("Moved", "aliases: [/../../escape/]\n"))
    assert build(site) == 1
    assert "stories/moved.md:9: the alias '/../../escape/' may not contain '.' or '..'" in capsys.readouterr().err


def test_alias_redirects_to_the_story(site):
    write(site, "stories/moved.md", story("Moved", "aliases: [/stories/old-name/]\n"))
    assert build(site) == 0
    html = (site / "public/stories/old-name/index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=/stories/moved/"' in html
    assert 'rel="canonical" href="https://goodrel.example.org/stories/moved/"' in html


def test_relative_links_become_urls(site):
    write(
        site,
        "stories/linker.md",
        story("Linker") + "\n[first](first.md) and [event](../events/leeds-2013.md#questions)\n",
    )
    assert build(site) == 0
    html = (site / "public/stories/linker/index.html").read_text()
    assert 'href="/stories/first/"' in html and 'href="/events/leeds-2013/#questions"' in html


def test_check_writes_nothing_and_reports(site, capsys):
    write(site, "stories/bad.md", story("Bad", "titel: x\n"))
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    assert "stories/bad.md:9: unknown field 'titel'" in capsys.readouterr().err
    assert not (site / "public").exists()


@pytest.mark.parametrize(
    "args", [["build", "--jobs", "0"], ["build", "--now", "2013-02-30"], ["frobnicate"], ["build", "--unknown"]]
)
def test_bad_usage_exits_2(site, args):
    with pytest.raises(SystemExit) as exit:
        run(*args, "--site", str(site))
    assert exit.value.code == 2


def _build_in_process(site: Path, out: Path, jobs: int, seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--site",
            str(site),
            "--out",
            str(out),
            "--now",
            NOW.isoformat(),
            "--jobs",
            str(jobs),
        ],
        check=True,
        env=env,
        capture_output=True,
    )


def test_output_is_byte_identical_whatever_jobs_order_or_hash_seed(tmp_path):
    _build_in_process(REPO, tmp_path / "a" / "public", 1, "1")
    _build_in_process(REPO, tmp_path / "b" / "out", 2, "2")
    # Pagefind's own filter and metadata indexes are not written deterministically
    # (upstream Pagefind issue #638); every other file, its fragments included, is.
    skip = ("pagefind/filter/", "pagefind/pagefind.", "pagefind/pagefind-entry.json")
    a, b = tree_hashes(tmp_path / "a" / "public", skip), tree_hashes(tmp_path / "b" / "out", skip)
    assert len(a) > 100 and a == b


def test_a_folder_that_no_build_made_is_never_replaced(site, tmp_path, capsys):
    precious = tmp_path / "documents"
    write(precious, "thesis.txt", "years of work")
    assert run("build", "--site", str(site), "--out", str(precious), "--now", NOW.isoformat()) == 2
    assert "holds what no build made: thesis.txt" in capsys.readouterr().err
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_base_url_sets_absolute_addresses_and_is_checked(site, capsys):
    assert build(site, None, "--base-url", "https://stories.example.net/") == 0
    assert "https://stories.example.net/stories/first/" in (site / "public/sitemap.xml").read_text()
    assert build(site, None, "--base-url", "not an address") == 2
    assert "--base-url" in capsys.readouterr().err


def test_a_site_with_nothing_public_builds_with_search(site, capsys):
    for path in [*(site / "stories").glob("*.md"), *(site / "events").glob("*.md")]:
        path.write_text(path.read_text("utf-8").replace("status: published", "status: draft"), "utf-8")
    assert run("build", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert (site / "public/search/index.html").is_file() and not (site / "public/pagefind").exists()
