"""Bad input: each case gives a clear PATH:LINE error, exit status 1, and leaves the
previous output exactly as it was."""

import errno
import os
import shutil
import socket
import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from conftest import NOW, REPO, build, run, story, tree_hashes, write

# (file, content, the error expected on standard error)
CASES = {
    "invalid yaml": (
        "stories/bad.md",
        "---\ntitle: Fine\nsummary: [unclosed\ndate: 2014-03-01\n---\n",
        "stories/bad.md:3: invalid YAML: a '[' on this line opens a list that is never closed",
    ),
    "no front matter": ("stories/bad.md", "Just some text.\n", "stories/bad.md:1: no front matter"),
    "unclosed front matter": (
        "stories/bad.md",
        "---\ntitle: x\n",
        "stories/bad.md:1: the front matter is never closed",
    ),
    "empty file": ("stories/bad.md", "", "stories/bad.md:1: the file is empty"),
    "unknown key": (
        "stories/bad.md",
        story("Bad", "titel: Typo\n"),
        "stories/bad.md:9: unknown field 'titel': did you mean 'title'?",
    ),
    "list for a string": (
        "stories/bad.md",
        story("Bad", "place: [Leeds, Bradford]\n"),
        "stories/bad.md:9: 'place' must be text, not a list",
    ),
    "impossible date": (
        "stories/bad.md",
        story("Bad").replace("2014-03-01", "2013-02-30"),
        "stories/bad.md:4: '2013-02-30' is not a real date",
    ),
    "unknown category": (
        "stories/bad.md",
        story("Bad").replace("[common-purpose]", "[cooking]"),
        "stories/bad.md:6: unknown category 'cooking'; allowed: voice-and-agency, ",
    ),
    "slug with dots": (
        "stories/bad.md",
        story("Bad", "slug: ../evil\n"),
        "stories/bad.md:9: 'slug' is '../evil': a slug uses lowercase letters",
    ),
    "slug with capitals": ("stories/bad.md", story("Bad", "slug: Evil\n"), "stories/bad.md:9: 'slug' is 'Evil'"),
    "missing event": (
        "stories/bad.md",
        story("Bad", "event: nowhere-2013\n"),
        "stories/bad.md:9: no event has the slug 'nowhere-2013'",
    ),
    "published without consent": (
        "stories/bad.md",
        story("Bad").replace("status: given, date: 2014-01-10", "status: pending"),
        "stories/bad.md:8: this story is published but consent is still pending",
    ),
    "link to a missing story": (
        "stories/bad.md",
        story("Bad") + "\nSee [this](../stories/gone.md).\n",
        "stories/bad.md:13: links to stories/gone.md, which does not exist",
    ),
    "link on a paragraph's third line": (
        "stories/bad.md",
        story("Bad") + "\nOne line,\nanother,\nand [gone](gone.md).\n",
        "stories/bad.md:15: links to stories/gone.md, which does not exist",
    ),
    "duplicate key": (
        "stories/bad.md",
        story("Bad", "title: Again\n"),
        "stories/bad.md:9: 'title' is given twice (first on line 2)",
    ),
    "missing required field": (
        "stories/bad.md",
        story("Bad").replace("region: london\n", ""),
        "stories/bad.md:8: 'region' is required: add it above this '---' line",
    ),
    "missing consent date": (
        "stories/bad.md",
        story("Bad").replace(", date: 2014-01-10", ""),
        "stories/bad.md:8: consent.date is required when consent is given",
    ),
    "updated before date": (
        "stories/bad.md",
        story("Bad", "updated: 2014-02-01\n"),
        "stories/bad.md:9: updated (2014-02-01) must not be before date",
    ),
    "image without alt": (
        "stories/bad.md",
        story("Bad", "image: {src: images/x.jpg}\n"),
        "stories/bad.md:9: image.alt is required",
    ),
    "missing image file": (
        "stories/bad.md",
        story("Bad", "image: {src: images/x.jpg, alt: A picture}\n"),
        "stories/bad.md:9: image file not found: 'images/x.jpg'",
    ),
    "wrong type number": (
        "events/bad.md",
        "---\ntitle: E\nsummary: S\ndate: 2013-01-01\nstatus: published\n"
        "region: london\nplace: Here\nattendees: many\n---\n",
        "events/bad.md:8: 'attendees' must be a whole number, not 'many'",
    ),
    "page slug taken by the site": (
        "pages/search.md",
        "---\ntitle: Search\n---\n",
        "pages/search.md:1: '/search/' is used by the site itself",
    ),
    "bad setting": ("site.yaml", None, "site.yaml:"),
    # YAML syntax, said in plain words at the line to fix
    "a colon in a title": (
        "stories/bad.md",
        story("Oldham: a year on"),
        "stories/bad.md:2: invalid YAML: this value holds ': ', which YAML reads as "
        "the start of another field: put the whole value in double quotes",
    ),
    "a tab for indenting": (
        "stories/bad.md",
        story("Bad").replace("consent: {status: given, date: 2014-01-10}", "consent:\n\tstatus: given"),
        "stories/bad.md:9: invalid YAML: a tab is used here: indent with spaces only",
    ),
    "an unclosed quote": (
        "stories/bad.md",
        story("Bad").replace("title: Bad", 'title: "Oldham'),
        "stories/bad.md:2: invalid YAML: a quote opened on this line is never closed",
    ),
    "text after the closing quote": (
        "stories/bad.md",
        story('"Oldham" a year on'),
        "stories/bad.md:2: invalid YAML: there is text after the closing quote",
    ),
    "a value starting with a star": (
        "stories/bad.md",
        story("*Bold* words"),
        "stories/bad.md:2: invalid YAML: a value that starts with '*' is read as a YAML alias",
    ),
    "a line of text among the fields": (
        "stories/bad.md",
        story("Bad", "This line belongs in the story.\n"),
        "stories/bad.md:9: invalid YAML: this line is not a 'name: value' field",
    ),
    "a list never closed": (
        "stories/bad.md",
        story("Bad").replace("[common-purpose]", "[common-purpose"),
        "stories/bad.md:6: invalid YAML: a '[' on this line opens a list that is never closed",
    ),
    # Values the models refuse, each at its line
    "a misspelt required field is one error": (
        "stories/bad.md",
        story("Bad").replace("region:", "regon:"),
        "stories/bad.md:7: unknown field 'regon': did you mean 'region'?",
    ),
    "a nan": (
        "stories/bad.md",
        story("Bad", "outcomes:\n  - {indicator: people, value: .nan}\n"),
        "stories/bad.md:10: 'value' in item 1 of 'outcomes' must be a number, not nan (.nan and .inf are not numbers here)",
    ),
    "an infinity": (
        "events/bad.md",
        "---\ntitle: E\nsummary: S\ndate: 2013-01-01\nstatus: published\n"
        "region: london\nplace: Here\nattendees: .inf\n---\n",
        "events/bad.md:8: 'attendees' must be a whole number, not inf",
    ),
    "a number of thousands of digits": (
        "stories/bad.md",
        story("Bad", "outcomes:\n  - {indicator: x, value: " + "9" * 5000 + "}\n"),
        "stories/bad.md:10: this number is 5000 characters long",
    ),
    "a number too large": (
        "events/bad.md",
        "---\ntitle: E\nsummary: S\ndate: 2013-01-01\nstatus: published\n"
        "region: london\nplace: Here\nattendees: 10000000000000000\n---\n",
        "events/bad.md:8: 'attendees' must be 1,000,000,000,000,000 or less",
    ),
    "a self-referencing alias": (
        "stories/bad.md",
        story("Bad", "tags: &a [*a]\n"),
        "stories/bad.md:9: '&a' is a YAML anchor or alias",
    ),
    "an alias bomb": (
        "stories/bad.md",
        story("Bad", "".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(10))),
        "stories/bad.md:9: '&b0' is a YAML anchor or alias",
    ),
    "deep nesting": (
        "stories/bad.md",
        story("Bad", "tags: " + "[" * 900 + "]" * 900 + "\n"),
        "stories/bad.md:9: lists and groups of fields are nested more than 8 deep",
    ),
    "a YAML tag": (
        "stories/bad.md",
        story("Bad", "place: !!binary aGVsbG8=\n"),
        "stories/bad.md:9: '!!binary' is a YAML tag",
    ),
    "a field name that is not a word": (
        "stories/bad.md",
        story("Bad", "true: 1\n"),
        "stories/bad.md:9: a field's name must be a word, not 'true'",
    ),
    "front matter over 64 KB": (
        "stories/bad.md",
        story("Bad", "place: " + "x" * 70_000 + "\n"),
        "stories/bad.md:1: the front matter (between the '---' lines) is 70,",
    ),
    "thousands of unknown fields": (
        "stories/bad.md",
        story("Bad", "".join(f"k{i}: v\n" for i in range(2000))),
        "stories/bad.md:59: and 1,950 more problems in this file from here on",
    ),
    "a text too long": (
        "stories/bad.md",
        story("Bad", "place: " + "x" * 1001 + "\n"),
        "stories/bad.md:9: 'place' is 1001 characters long; at most 1000",
    ),
    "too many tags": (
        "stories/bad.md",
        story("Bad", "tags: [" + ", ".join(f"t{i}" for i in range(101)) + "]\n"),
        "stories/bad.md:9: 'tags' has 101 items; at most 100 are allowed",
    ),
    "a control character in the file": (
        "stories/bad.md",
        story("Bad", "place: Leeds\x07\n"),
        "stories/bad.md:9: this line holds an invisible control character (U+0007)",
    ),
    "a control character in the text": (
        "stories/bad.md",
        story("Bad") + "A bell\x1b[31m.\n",
        "stories/bad.md:12: this line holds an invisible control character (U+001B)",
    ),
    "a control character as an escape": (
        "stories/bad.md",
        story('"Bell \\x07 here"'),
        "stories/bad.md:2: 'title': the text holds an invisible control character (U+0007)",
    ),
    "a non-character as an escape": (
        "stories/bad.md",
        story('"Odd \\uFFFE here"'),
        "stories/bad.md:2: 'title': the text holds a code that is not a character (U+FFFE)",
    ),
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
    assert "nothing was written" in err and "Traceback" not in err
    assert tree_hashes(out) == before
    # check finds what build refuses, and says it the same way
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    assert expected in capsys.readouterr().err
    if case == "a misspelt required field is one error":
        assert err.count("stories/bad.md:") == 1, err


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
    write(
        site,
        "stories/links.md",
        story("Links") + "\n[a](javascript:alert(1)) [b](vbscript:x) [c](data:text/html,x) <script>alert(1)</script>\n",
    )
    assert build(site) == 0
    html = (site / "public/stories/links/index.html").read_text()
    assert "javascript:" not in html.split("<main")[1].replace("[a](javascript:alert(1))", "")
    assert 'href="vbscript' not in html and 'href="data:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _png(width: int, height: int) -> bytes:
    """A PNG's signature and header alone: it claims its size, and holds no pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IEND", b"")
    )


def _outside(site: Path) -> Path:
    secret = site.parent / "outside" / "secret.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text("---\ntitle: SECRET\n---\nSECRET\n")
    return secret


def _socket(site: Path) -> None:
    """A socket at pages/bad.md (made where its path is short enough, then moved)."""
    folder = Path(tempfile.mkdtemp(dir="/tmp"))
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "s"))
        (site / "pages").mkdir(exist_ok=True)
        os.rename(folder / "s", site / "pages" / "bad.md")
    folder.rmdir()


def _with_image(site: Path, make) -> None:
    """A story whose image is stories/images/pic.png, made by `make(path)`."""
    path = site / "stories" / "images" / "pic.png"
    path.parent.mkdir(exist_ok=True)
    make(path)
    write(site, "stories/pictured.md", story("Pictured", "image: {src: images/pic.png, alt: A picture}\n"))


def _truncated(path: Path) -> None:
    shutil.copy(REPO / "stories" / "images" / "bridge.png", path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


# (setup, the error expected on standard error): files and pictures that are not the site's own
FILE_CASES = {
    "a story linked from outside": (
        lambda s: (s / "stories/bad.md").symlink_to(_outside(s)),
        "stories/bad.md: is a link to {outside}, outside the site folder",
    ),
    "a story linked to nothing": (
        lambda s: (s / "stories/bad.md").symlink_to(s / "nowhere.md"),
        "stories/bad.md: is a link to a file that does not exist",
    ),
    "a FIFO as a story": (
        lambda s: os.mkfifo(s / "stories/bad.md"),
        "stories/bad.md: is a named pipe (FIFO), not a file",
    ),
    "a socket as a page": (_socket, "pages/bad.md: is a socket, not a file"),
    "a folder of stories linked from outside": (
        lambda s: (s / "stories" / "more").symlink_to(_outside(s).parent),
        "stories/more: is a link to {outside_folder}, outside the site folder",
    ),
    "a link out among the pictures": (
        lambda s: ((s / "stories/images").mkdir(), (s / "stories/images/p.png").symlink_to(_outside(s))),
        "stories/images/p.png: is a link to {outside}, outside the site folder",
    ),
    "site.yaml linked from outside": (
        lambda s: (
            (s / "site.yaml").rename(s.parent / "outside.yaml"),
            (s / "site.yaml").symlink_to(s.parent / "outside.yaml"),
        ),
        "site.yaml: is a link to {outside_yaml}, outside the site folder",
    ),
    "a story of more than 10 MB": (
        lambda s: write(s, "stories/bad.md", story("Bad") + "x" * 10_500_000),
        "stories/bad.md: is 10,500,188 bytes; at most 10,485,760 bytes (10 MB) are allowed",
    ),
    "an image linked from outside": (
        lambda s: _with_image(s, lambda p: p.symlink_to(REPO / "stories/images/bridge.png")),
        "stories/pictured.md:9: the image 'images/pic.png' is a link to {bridge}, outside the site folder",
    ),
    "a text file as an image": (
        lambda s: _with_image(s, lambda p: p.write_text("not a picture")),
        "stories/pictured.md:9: the image 'images/pic.png' is not a JPEG, PNG, WebP or GIF picture",
    ),
    "a cut-short image": (
        lambda s: _with_image(s, _truncated),
        "stories/pictured.md:9: the image 'images/pic.png' is damaged or cut short",
    ),
    "an image of too many pixels": (
        lambda s: _with_image(s, lambda p: p.write_bytes(_png(8_000, 8_000))),
        "stories/pictured.md:9: the image 'images/pic.png' is 8,000 x 8,000 pixels; at most 50,000,000 pixels",
    ),
    "a decompression bomb": (
        lambda s: _with_image(s, lambda p: p.write_bytes(_png(15_000, 15_000))),
        "stories/pictured.md:9: the image 'images/pic.png' has far more pixels than the 50,000,000 pixels allowed",
    ),
    "an image too tall": (
        lambda s: _with_image(s, lambda p: p.write_bytes(_png(100, 20_000))),
        "stories/pictured.md:9: the image 'images/pic.png' is 100 x 20,000 pixels",
    ),
    "a FIFO as an image in the text": (
        lambda s: (
            os.mkfifo(s / "stories/pipe.png"),
            write(s, "stories/pictured.md", story("Pictured") + "\n![A pipe](pipe.png)\n"),
        ),
        "stories/pipe.png: is a named pipe (FIFO), not a file",
    ),
    "an EPS file as an image (no Ghostscript is run)": (
        lambda s: _with_image(s, lambda p: p.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n")),
        "stories/pictured.md:9: the image 'images/pic.png' is not a JPEG, PNG, WebP or GIF picture",
    ),
}


@pytest.mark.parametrize("case", FILE_CASES, ids=list(FILE_CASES))
def test_files_that_are_not_the_sites_own_are_refused_by_check_and_build(site, capsys, case):
    setup, expected = FILE_CASES[case]
    out = site / "public"
    assert build(site) == 0
    before = tree_hashes(out)
    capsys.readouterr()
    setup(site)
    expected = expected.format(
        outside=site.parent / "outside" / "secret.txt",
        outside_folder=site.parent / "outside",
        outside_yaml=site.parent / "outside.yaml",
        bridge=REPO / "stories" / "images" / "bridge.png",
    )
    for command in (lambda: build(site), lambda: run("check", "--site", str(site), "--now", NOW.isoformat())):
        assert command() == 1
        err = capsys.readouterr().err
        assert expected in err, err
        assert "SECRET" not in err and "Traceback" not in err
    assert tree_hashes(out) == before


def test_a_loop_of_folder_links_inside_the_site_is_walked_once(site, capsys):
    """Links inside the site are followed, each folder once: a loop of them ends, in
    `check`, the build and the build's look for anything changed."""
    (site / "stories" / "sub").mkdir()
    (site / "stories" / "sub" / "up").symlink_to("..")
    (site / "stories" / "sub" / "again").symlink_to("..")
    (site / "stories" / "here").symlink_to(".")
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 0
    assert build(site) == 0
    capsys.readouterr()
    assert build(site) == 0
    assert capsys.readouterr().out.startswith("Up to date: nothing has changed")


def test_an_image_removed_during_the_build_is_one_clear_line(site, capsys, monkeypatch):
    _with_image(site, lambda p: shutil.copy(REPO / "stories/images/bridge.png", p))
    from goodrel_site import images

    encode = images._encode

    def remove_first(image, *args):  # the picture goes after it was checked, before it is made
        image.source.unlink(missing_ok=True)
        return encode(image, *args)

    monkeypatch.setattr(images, "_encode", remove_first)
    assert build(site) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "stories/pictured.md:9: the image 'images/pic.png' cannot be read (No such file or directory): "
        "was it moved or deleted meanwhile?"  # (named where it is shown, as every picture's problem is)
    ), err
    assert not (site / "public").exists()


@pytest.mark.parametrize("epoch", ["9" * 30, "99999999999999", "-99999999999999", "1e9", "nan", " "])
def test_an_odd_source_date_epoch_is_a_usage_error(site, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert run("build", "--site", str(site), "--no-search") == 2
    err = capsys.readouterr().err
    assert err.startswith("goodrel: SOURCE_DATE_EPOCH must be a whole number of seconds") and "Traceback" not in err


@pytest.mark.parametrize("make", ["read-only", "full"])
def test_a_disk_that_refuses_writes_is_one_line_and_exit_2(site, tmp_path, capsys, monkeypatch, make):
    out = tmp_path / "out"
    assert build(site, out) == 0
    before = tree_hashes(out)
    capsys.readouterr()
    write(site, "stories/new.md", story("A new story"))
    code = errno.EROFS if make == "read-only" else errno.ENOSPC
    real_open = open

    def refusing(file, mode="r", *args, **kwargs):  # every file written into the new output
        if "w" in mode and str(file).startswith(str(tmp_path / ".out.")):
            raise OSError(code, os.strerror(code), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refusing)
    assert build(site, out) == 2
    err = capsys.readouterr().err
    expected = "the disk is read-only" if make == "read-only" else "the disk is full"
    assert err.startswith("goodrel: ") and expected in err and len(err.splitlines()) == 1, err
    monkeypatch.undo()
    assert tree_hashes(out) == before
