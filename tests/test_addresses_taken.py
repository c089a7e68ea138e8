"""The addresses the engine takes, said once (goodrel_site/addresses.py): a free page
cannot take one (`slug: admin` is refused by `check`, the build and the preview
alike, not found by the build as a clash of files); an alias is a plain path of this
site, which Netlify's redirects read as it is; two addresses that differ only in
letter case, or a name Windows keeps for a device, are refused at their line, naming
the first. Everything the build writes lies where addresses.py says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import NOW, REPO, build, refused_everywhere, story, write
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pydantic import TypeAdapter, ValidationError

from goodrel_site import addresses
from goodrel_site.live import Live
from goodrel_site.models import UrlPath
from goodrel_site.problems import ContentError
from goodrel_site.validate import validate

EDITOR = "cms:\n  repo: our-network/stories\n"


def _with_editor(site: Path) -> Path:
    (site / "site.yaml").write_text((site / "site.yaml").read_text("utf-8") + EDITOR, "utf-8")
    return site


# -- a free page cannot take the engine's addresses --------------------------------


def test_a_page_cannot_take_the_web_editors_address(site: Path, capsys):
    """Issue 20: `slug: admin` passed `check`, then the build stopped on a clash of files
    in its cache, with exit 2."""
    _with_editor(site)
    expected = "pages/editor.md:3: '/admin/' is used by the site itself (the web editor); choose another slug"
    refused_everywhere(site, capsys, "pages/editor.md", "---\ntitle: Editor\nslug: admin\n---\n\nHi.\n", expected)


def test_the_preview_refuses_it_too(site: Path, tmp_path: Path):
    _with_editor(site)
    write(site, "pages/admin.md", "---\ntitle: Editor\n---\n\nHi.\n")
    with pytest.raises(ContentError) as refused:
        Live(site, drafts=True, media=tmp_path / "media").load(NOW)
    assert [str(p) for p in refused.value.problems] == [
        "pages/admin.md:1: '/admin/' is used by the site itself (the web editor); choose another slug"
    ]


@pytest.mark.parametrize(
    "slug, what",
    [
        ("admin", "the web editor"),  # (with or without cms: a site may turn it on later)
        ("assets", "the theme's files"),
        ("media", "the pictures"),
        ("data", "the open data"),
        ("pagefind", "the search index"),
        ("pagefind-0a1b2c", "the search index"),
        ("search", "the search page"),
        ("stories", "the stories"),
        ("regions", "the regions"),
        ("figures", "the figures"),
    ],
)
def test_a_page_cannot_take_any_address_of_the_site(site: Path, capsys, slug, what):
    expected = f"pages/p.md:3: '/{slug}/' is used by the site itself ({what}); choose another slug"
    refused_everywhere(site, capsys, "pages/p.md", f"---\ntitle: P\nslug: {slug}\n---\n", expected)


# -- an alias is a plain path -----------------------------------------------------


@pytest.mark.parametrize(
    "alias, why",
    [
        ("/stories/:slug/", "holds ':', which Netlify's redirects read as the start of a placeholder"),
        ("/*", "holds '*', which Netlify's redirects read as a wildcard"),
        ("/old!/", "holds '!', which Netlify's redirects read as 'force'"),
        ("/caf%C3%A9/", "holds '%', a %-code, which hosts decode before they look for the file"),
        ("/old page/", "holds ' ', a space, which ends the address in a redirect file"),
        ("/old?page=2", "holds '?', which a redirect file or a file name cannot hold as it is"),
        ("/old#top", "holds '#'"),
        ("/caf\u00e9/", "holds '\u00e9'"),
        ("/a/../b/", "may not contain '.' or '..' segments"),
        ("/a//b/", "holds '//'"),
        ("/.well-known/x/", "has a segment that starts or ends with '.'"),
        ("/old./", "has a segment that starts or ends with '.'"),
        ("stories/old/", "must be an address on this site, starting with '/'"),
    ],
)
def test_an_alias_must_be_a_plain_path(site: Path, capsys, alias, why):
    text = story("Moved", f"aliases: [{alias!r}]\n".replace("'", '"'))
    refused_everywhere(site, capsys, "stories/moved.md", text, f"stories/moved.md:9: the alias '{alias}' {why}")


@given(st.text(max_size=30) | st.from_regex(r"/[A-Za-z0-9_.~/:*!%-]{0,20}", fullmatch=True))
def test_an_alias_the_models_accept_is_read_by_netlify_as_it_is(alias):
    try:
        accepted = TypeAdapter(UrlPath).validate_python(alias)
    except ValidationError:
        assert addresses.alias_problem(alias)  # (said in words: validate.py)
        return
    assert re.fullmatch(r"/[A-Za-z0-9_.~/-]*", accepted)
    assert "//" not in accepted
    assert not any(part.startswith(".") or part.endswith(".") for part in accepted.split("/"))


def test_every_redirect_is_a_plain_rule(site: Path, tmp_path: Path):
    write(site, "stories/moved.md", story("Moved", "aliases: [/2014/Old_Name~1.html, /old-moved]\n"))
    assert build(site, tmp_path / "out") == 0
    rules = (tmp_path / "out/_redirects").read_text("utf-8").splitlines()[1:]
    assert rules == ["/2014/Old_Name~1.html /stories/moved/ 301!", "/old-moved/ /stories/moved/ 301!"]


# -- addresses that differ only in letter case --------------------------------------

FIRST = "stories/first.md"


@pytest.mark.parametrize(
    "alias, why",
    [
        (
            "/Stories/First/",
            "differs only in letter case from /stories/first/, the address of stories/first.md",
        ),
        ("/About/", "differs only in letter case from /about/, the address of pages/about.md"),
        ("/Search/", "differs only in letter case from /search/, the address of a page made from site.yaml"),
        ("/Stories/old-name/", "is in /Stories/, which differs only in letter case from /stories/"),
        ("/Feed.xml", "would put a page inside /feed.xml, a file the site writes"),
        ("/cname", "would put a page inside /CNAME, a file the site writes"),
        ("/ADMIN/old/", "is an address the site keeps for its own files (/ADMIN)"),
        ("/PageFind/", "is an address the site keeps for its own files (/PageFind)"),
    ],
)
def test_an_alias_that_differs_only_in_case_isrefused_everywhere(site: Path, capsys, alias, why):
    write(site, "pages/about.md", "---\ntitle: About\n---\n\nAbout us.\n")
    text = story("Moved", f"aliases: ['{alias}']\n")
    refused_everywhere(site, capsys, "stories/moved.md", text, f"stories/moved.md:9: the alias '{alias}' {why}")


def test_of_two_aliases_that_differ_only_in_case_the_second_isrefused_everywhere(site: Path, capsys):
    write(site, "stories/going.md", story("Going", "aliases: [/old/Going/]\n"))
    text = story("Moved", "aliases: [/old/going/]\n")
    expected = (
        "stories/moved.md:9: the alias '/old/going/' differs only in letter case from /old/Going/, "
        "the address of stories/going.md"
    )
    refused_everywhere(site, capsys, "stories/moved.md", text, expected)


def test_of_two_aliases_in_folders_that_differ_only_in_case_the_second_isrefused_everywhere(site: Path, capsys):
    write(site, "stories/going.md", story("Going", "aliases: [/Old/going/]\n"))
    text = story("Moved", "aliases: [/old/moved/]\n")
    expected = (
        "stories/moved.md:9: the alias '/old/moved/' is in /old/, which differs only in letter case "
        "from /Old/, a folder the site writes"
    )
    refused_everywhere(site, capsys, "stories/moved.md", text, expected)


def test_slugs_and_picture_names_cannot_differ_only_in_case(site: Path, capsys, tmp_path: Path):
    """Slugs are lowercase (a file name that is not is refused, naming the slug to use),
    and a picture's published name is the slug of its file name with its content's
    digest: two pictures whose names differ only in case never share a file."""
    for name, colour in (("Photo.png", "red"), ("photo.png", "blue")):
        Image.new("RGB", (40, 30), colour).save(site / "stories" / name)
    write(site, "stories/first.md", story("First story", "image: {src: Photo.png, alt: Red}\n"))
    write(site, "stories/second.md", story("Second", "image: {src: photo.png, alt: Blue}\n"))
    assert build(site, tmp_path / "out") == 0
    media = sorted(path.name for path in (tmp_path / "out/media").iterdir())
    assert len(media) == 4 and len({name.casefold() for name in media}) == 4
    assert all(name == name.lower() for name in media)
    refused_everywhere(
        site, capsys, "stories/Third.md", story("Third"), "stories/Third.md:1: the file name 'Third.md' cannot be"
    )


# -- names Windows keeps for devices -------------------------------------------------


@pytest.mark.parametrize(
    "rel, text, expected",
    [
        (
            "stories/moved.md",
            story("Moved", "slug: con\n"),
            "stories/moved.md:9: the slug 'con' is a name that Windows keeps for a device",
        ),
        (
            "stories/aux.md",
            story("Aux"),
            "stories/aux.md:1: the file name 'aux.md' gives the slug 'aux', a name that Windows keeps for a device",
        ),
        ("pages/nul.md", "---\ntitle: Nul\nslug: nul\n---\n", "pages/nul.md:3: the slug 'nul' is a name that Windows"),
        (
            "stories/moved.md",
            story("Moved", "aliases: [/old/COM1.html]\n"),
            "stories/moved.md:9: the alias '/old/COM1.html' holds 'COM1.html', a name that Windows keeps",
        ),
        (
            "stories/moved.md",
            story("Moved", "aliases: [/old/page/, /Lpt9/]\n"),
            "stories/moved.md:9: the alias '/Lpt9/' holds 'Lpt9', a name that Windows keeps",
        ),
        (
            "stories/moved.md",
            story("Moved", "aliases: [/prn.tar.gz/]\n"),
            "stories/moved.md:9: the alias '/prn.tar.gz/' holds 'prn.tar.gz'",
        ),
        (
            "stories/moved.md",
            story("Moved", "organisations: [Leeds Together, NUL]\n"),
            "stories/moved.md:9: the organisation name 'NUL' gives the page /organisations/nul/, and 'nul' is a "
            "name that Windows keeps for a device",
        ),
    ],
)
def test_a_name_windows_keeps_is_refused_at_its_line(site: Path, capsys, rel, text, expected):
    refused_everywhere(site, capsys, rel, text, expected)


def test_a_vocabulary_key_windows_keeps_is_refused_in_site_yaml(site: Path, capsys):
    lines = (site / "site.yaml").read_text("utf-8").splitlines()
    at = lines.index("regions:") + 1
    lines[at:at] = ["  con:", "    label: Con", "    description: A region named like a device."]
    expected = f"site.yaml:{at + 1}: the key 'con' is a name that Windows keeps for a device"
    refused_everywhere(site, capsys, "site.yaml", "\n".join(lines) + "\n", expected)


@pytest.mark.parametrize("name", ["console", "con-1", "com10", "auxiliary", "nul-points", "lpt"])
def test_names_that_only_begin_like_a_device_are_fine(site: Path, tmp_path: Path, name):
    write(site, f"stories/{name}.md", story("Like a device", f"aliases: [/old/{name}.html]\n"))
    assert build(site, tmp_path / "out") == 0
    assert (tmp_path / f"out/stories/{name}/index.html").is_file()
    assert (tmp_path / f"out/old/{name}.html").is_file()


# -- what the build writes lies where addresses.py says ------------------------------


def _top(out: Path) -> set[str]:
    return {path.name for path in out.iterdir()}


def _unexplained(names: set[str], own: set[str]) -> set[str]:
    """The top-level names of an output that addresses.py does not describe and no
    content (`own`: free pages and aliases) made."""
    pages = {"index.html", "feed.xml", "sitemap.xml", "404.html"}  # (files plan makes at the top)
    return {n for n in names - own - pages if addresses.site_folder(n) is None and n not in addresses.FILES}


def test_every_file_the_build_writes_is_an_address_the_engine_says_it_takes(site: Path, tmp_path: Path):
    _with_editor(site)
    Image.new("RGB", (40, 30), "green").save(site / "stories" / "photo.png")
    write(site, "stories/moved.md", story("Moved", "aliases: [/2014/moved.html]\nimage: {src: photo.png, alt: G}\n"))
    write(site, "pages/about.md", "---\ntitle: About\n---\n\nAbout us.\n")
    out = tmp_path / "out"
    assert build(site, out) == 0
    (out / "CNAME").write_text("stories.example.org\n")  # (carried into the next build)
    assert build(site, out) == 0
    assert {"admin", "media", "CNAME", "_redirects"} <= _top(out)
    assert _unexplained(_top(out), {"about", "2014"}) == set()


def test_the_bundled_sites_output_and_search_index_too(bundled: Path):
    assert any(name.startswith("pagefind") for name in _top(bundled))
    entries = validate(REPO).entries
    own = {e.slug for e in entries if e.kind == "page"} | {a.split("/")[1] for e in entries for a in e.aliases}
    assert _unexplained(_top(bundled), own) == set()
