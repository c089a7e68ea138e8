"""Shared fixtures: small sites written on the fly, the bundled site built once, a
static server on localhost, and headless Chromium (Debian's, never a download)."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import shutil
import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

import pytest

from goodrel_site.cli import main

REPO = Path(__file__).resolve().parent.parent
NOW = date(2026, 11, 28)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_addoption(parser):
    parser.addoption(
        "--regen-golden", action="store_true", help="rewrite tests/fixtures/golden/expected from the current output"
    )


def pytest_collection_modifyitems(items):
    """Every test that drives Chromium is marked `browser`, from the fixtures it uses, so
    that `-m 'not browser'` gives a fast loop (CI runs everything)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):  # (the `page` fixture uses it too)
            item.add_marker(pytest.mark.browser)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    return path


STORY = """\
---
title: {title}
summary: A short summary of {title}.
date: 2014-03-01
status: published
categories: [common-purpose]
region: london
consent: {{status: given, date: 2014-01-10}}
{extra}---

Body of {title}.
"""


def story(title: str = "A story", extra: str = "") -> str:
    return STORY.format(title=title, extra=textwrap.dedent(extra))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A minimal valid site: the bundled site.yaml (and no theme folder: the default
    theme), one story, one event."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    write(root, "stories/first.md", story("First story", "event: leeds-2013\n"))
    write(
        root,
        "events/leeds-2013.md",
        """\
        ---
        title: Leeds gathering
        summary: Practitioners met in Leeds.
        date: 2013-05-01
        status: published
        region: yorkshire-and-the-humber
        place: Leeds
        hosts: [Leeds Together]
        attendees: 30
        ---

        What happened.
        """,
    )
    return root


def _generator():
    """benchmarks/generate.py, which makes valid sites of any size."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated site of 60 stories and 4 events, with a copy of the default theme."""
    root = tmp_path_factory.mktemp("corpus") / "site"
    _generator().generate(root, stories=60, events=4, seed=7, copy_theme=True)
    return root


def run(*args: str) -> int:
    """The command line, in-process."""
    return main(list(args))


def build(root: Path, out: Path | None = None, *extra: str) -> int:
    return run(
        "build",
        "--site",
        str(root),
        "--out",
        str(out or root / "public"),
        "--now",
        NOW.isoformat(),
        "--no-search",
        *extra,
    )


def tree_hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    import hashlib

    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)
    }


def refused_everywhere(site: Path, capsys, rel: str, text: str, expected: str) -> None:
    """`rel` written with `text` is refused by `check` and the build with `expected`
    (PATH:LINE: message), exit 1, no traceback, and the output built before unchanged."""
    out = site / "public"
    assert build(site) == 0, capsys.readouterr().err
    before = tree_hashes(out)
    write(site, rel, text)
    capsys.readouterr()
    assert run("check", "--site", str(site), "--now", NOW.isoformat()) == 1
    checked = capsys.readouterr()
    assert build(site) == 1
    built = capsys.readouterr()
    for said in (checked.out + checked.err, built.err):
        assert expected in said, said
        assert "Traceback" not in said
    assert tree_hashes(out) == before


@pytest.fixture(scope="session")
def bundled(tmp_path_factory) -> Path:
    """The bundled site, built once with its search index."""
    out = tmp_path_factory.mktemp("bundled") / "public"
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--out", str(out), "--now", NOW.isoformat()],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve_folder(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def bundled_url(bundled):
    server, url = serve_folder(bundled)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download), one per
    test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A new tab; what its scripts report (console errors, uncaught exceptions, failed
    requests) is kept in `tab.troubles`, for a test to print when a page never settles."""
    context = browser.new_context()
    tab = context.new_page()
    tab.troubles = []

    def console(message) -> None:
        if message.type in ("error", "warning"):
            tab.troubles.append(f"console {message.type}: {message.text}")

    tab.on("console", console)
    tab.on("pageerror", lambda err: tab.troubles.append(f"uncaught: {err}"))
    tab.on("requestfailed", lambda r: tab.troubles.append(f"request failed: {r.url} ({r.failure})"))
    yield tab
    context.close()
