"""The preview renders every page through the same plan and renderer as the build: with
drafts hidden, each file the build writes is served with the same bytes, apart from the
reload script the preview adds to HTML pages (issue 20)."""

from __future__ import annotations

import http.client
import re
from datetime import date

import pytest
from conftest import run
from test_serve import Preview, copy_site, start, stop

RELOAD = re.compile(rb'<script src="/__goodrel/reload\.js" data-generation="[^"]*"></script>')


def get_bytes(preview: Preview, target: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def built_and_previewed(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("same") / "site")
    # (the preview's day is today's, and so the build's here: the open data is dated)
    assert run("build", "--site", str(root), "--now", date.today().isoformat(), "--no-search") == 0
    preview = start(root, "--no-drafts")
    yield root / "public", preview
    stop(preview)


def test_every_file_the_build_writes_is_served_with_its_bytes(built_and_previewed):
    public, preview = built_and_previewed
    files = sorted(p for p in public.rglob("*") if p.is_file() and not p.name.startswith("."))
    checked = 0
    for path in files:
        rel = path.relative_to(public).as_posix()
        status, body = get_bytes(preview, "/" + rel)
        assert status == 200, rel
        if rel.endswith(".html"):
            body, added = RELOAD.subn(b"", body)
            assert added == 1, rel
        assert body == path.read_bytes(), rel
        checked += 1
    assert checked > 100  # every page of the bundled site, not a sample
