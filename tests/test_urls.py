"""Addresses (goodrel_site/urls.py): no file name, setting or front matter field can run
script or give a broken address (issue 19, class 2 and class 9's picture names)."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from goodrel_site import urls
from tests.conftest import REPO, build, run, serve_folder, story, tree_hashes, write

BASE = "https://goodrel.example.org"
# What a file name may hold here: any printable letter or sign (line breaks, controls
# and other invisible characters are class 5's: refused as names), with the ones that
# broke addresses and attributes drawn often.
NAME_CHARS = st.one_of(
    st.sampled_from(list("\"'<>& ,#?%;=()[]{}\\`!$*+@:~")),
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"), exclude_characters="/"),
)
NAMES = st.text(NAME_CHARS, min_size=1, max_size=40).map(lambda s: f"p{s}")  # (p: never hidden, never "con")


def _picture(path: Path, shade: int) -> None:
    Image.new("RGB", (40, 30), (shade % 256, shade // 256 % 256, 90)).save(path, "PNG")


def _markdown_address(name: str) -> str:
    """A file name as a Markdown image address: between angle brackets, '%' as '%25'
    (the address is an address), and what CommonMark reads specially escaped."""
    return "<" + re.sub(r"([<>\\&])", r"\\\1", name.replace("%", "%25")) + ">"


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str | None]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs) -> None:
        self.found += [(tag, name, value) for name, value in attrs]


def _addresses(tag: str, name: str, value: str | None) -> list[str]:
    if not value or name not in ("src", "href", "srcset") and not (tag == "meta" and value.startswith(BASE)):
        return []
    if name == "srcset":
        return [part.strip().rsplit(" ", 1)[0] for part in value.split(", ")]
    return [value]


def _resolves(out: Path, address: str) -> bool:
    """Whether a site address names a file of the output (percent-decoded)."""
    if address.startswith(BASE):
        address = address[len(BASE) :]
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or not parts.path:  # (another site, or a fragment)
        return True
    target = out / unquote(parts.path).lstrip("/")
    return (target / "index.html").is_file() if parts.path.endswith("/") else target.is_file()


def _check_output(out: Path) -> int:
    """Every address of every HTML file resolves, and no attribute was injected; the
    count of pictures' addresses checked."""
    pictures = 0
    for page in out.rglob("*.html"):
        parser = _Attributes()
        parser.feed(page.read_text("utf-8"))
        for tag, name, value in parser.found:
            assert not name.startswith("on"), f"{page}: <{tag} {name}={value!r}>"
            for address in _addresses(tag, name, value):
                assert _resolves(out, address), f"{page}: <{tag} {name}> {address!r} names no file"
                pictures += "/media/" in address
    return pictures


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NAMES, min_size=2, max_size=4, unique_by=lambda n: n.lower()))
def test_any_picture_name_gives_working_addresses_and_no_markup(names):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        shutil.copy(REPO / "site.yaml", root / "site.yaml")
        (root / "stories").mkdir()
        for i, name in enumerate(names):
            _picture(root / "stories" / f"{name}.png", i * 40)
        lead = json.dumps(f"{names[0]}.png", ensure_ascii=False)
        body = "\n\n".join(f"![picture {i}]({_markdown_address(n + '.png')})" for i, n in enumerate(names))
        write(root, "stories/first.md", story("First", f"image: {{src: {lead}, alt: the lead}}\n"))
        text = (root / "stories/first.md").read_text("utf-8") + "\n" + body + "\n"
        (root / "stories/first.md").write_text(text, "utf-8")
        assert build(root, root / "public") == 0
        out = root / "public"
        assert _check_output(out) >= len(names) * 2  # (each picture: src and srcset at least)
        assert all(re.fullmatch(r"[a-z0-9-]+\.(webp|png|jpg)", p.name) for p in (out / "media").iterdir())


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",))))
def test_a_site_path_is_escaped_and_reads_back(path):
    escaped = urls.path(path)
    assert re.fullmatch(r"[A-Za-z0-9._~/!$&'()*+;=:@%-]*", escaped)
    assert unquote(escaped) == path


SCRIPT_ADDRESSES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript&#58;alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    'https://example.org/" onmouseover="alert(1)',
    "https://example.org/<script>",
    "https://example.org/{x}",
]


@given(st.sampled_from(SCRIPT_ADDRESSES) | st.text())
def test_only_plain_web_and_mail_addresses_are_external(value):
    try:
        accepted = urls.external(value)
    except ValueError as err:
        assert str(err).startswith(urls.REFUSED)
        return
    assert re.match(r"(?i)(https?://[A-Za-z0-9.-]|mailto:)", accepted)
    assert not re.search(r"[\s\"'<>\\{}]", accepted.replace("'", ""))


def _settings_field(root: Path, value: str) -> int:
    """site.yaml's licence.url set to `value`; its line."""
    path = root / "site.yaml"
    lines = path.read_text("utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("  url:"))
    lines[number] = "  url: " + json.dumps(value)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return number + 1


def _front_matter(root: Path, field: str) -> int:
    """The site's story with one more front matter line, `field`; its line."""
    write(root, "stories/first.md", story("First story", field + "\n"))
    return (root / "stories/first.md").read_text("utf-8").splitlines().index(field) + 1


@pytest.mark.parametrize("value", SCRIPT_ADDRESSES)
@pytest.mark.parametrize("where", ["licence.url", "image.src", "aliases"])
def test_a_script_address_is_refused_at_its_line(site, capsys, where, value):
    out = site / "public"
    assert build(site, out) == 0
    before = tree_hashes(out)
    capsys.readouterr()
    if where == "licence.url":
        file, line = "site.yaml", _settings_field(site, value)
    elif where == "image.src":
        file, line = "stories/first.md", _front_matter(site, f"image: {{src: {json.dumps(value)}, alt: a picture}}")
    else:
        file, line = "stories/first.md", _front_matter(site, f"aliases: [{json.dumps(value)}]")
    for command in (["check", "--site", str(site), "--now", "2026-11-28"], None):
        status = run(*command) if command else build(site, out)
        printed = capsys.readouterr()
        text = printed.out + printed.err
        assert status == 1, text
        assert f"{file}:{line}:" in text, text
        assert "Traceback" not in text
        if where == "licence.url":
            assert "'licence.url' is not an address a link may go to" in text
            assert "https://" in text  # (what to write)
    assert tree_hashes(out) == before


def test_a_plain_licence_address_is_written_as_it_is(site):
    _settings_field(site, "https://example.org/licence?lang=en&v=2#terms")
    assert build(site) == 0
    page = (site / "public/index.html").read_text("utf-8")
    assert 'href="https://example.org/licence?lang=en&amp;v=2#terms" rel="license"' in page


ONERROR = 'x" onerror="window.ran=1;alert(1)'


def test_the_onerror_picture_runs_no_script_in_chromium(site, page):
    """The tester's case, in a real browser: a picture named to end its attribute and add
    an onerror shows as a picture (so its address works) and runs nothing."""
    names = [ONERROR, "a b,c#d?e%20f", "Café, «été»"]
    for i, name in enumerate(names):
        _picture(site / "stories" / f"{name}.png", i * 50)
    lead = json.dumps(f"{ONERROR}.png")
    body = "\n\n".join(f"![picture {i}]({_markdown_address(n + '.png')})" for i, n in enumerate(names))
    write(site, "stories/first.md", story("First story", f"image: {{src: {lead}, alt: the lead}}\n"))
    with (site / "stories/first.md").open("a", encoding="utf-8") as file:
        file.write("\n" + body + "\n")
    assert build(site) == 0
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    server, address = serve_folder(site / "public")
    try:
        page.set_viewport_size({"width": 1200, "height": 6000})  # (every lazy picture in view)
        page.goto(f"{address}/stories/first/", wait_until="load")
        page.wait_for_function("[...document.images].every(i => i.complete)")
        widths = page.eval_on_selector_all("main img", "images => images.map(i => i.naturalWidth)")
        ran = page.evaluate("window.ran")
    finally:
        server.shutdown()
    assert len(widths) == 4 and all(widths), (widths, page.troubles)
    assert not dialogs and ran is None
