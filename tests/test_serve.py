"""`serve`, driven for real: a subprocess on a free port, previewing a copy of the
bundled site, edited while it runs."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO

STORY = "stories/welcome-walks.md"
PAGE = "/stories/welcome-walks/"
DRAFT_PAGE = "/stories/draft-refugee-welcome-supper/"


def until(condition, what: str, timeout: float = 60):
    """Poll until `condition()` returns something true (a bounded wait, not a timing)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}; last saw {last!r}")


class Preview:
    def __init__(self, root: Path, port: int, process: subprocess.Popen, log: Path):
        self.root, self.port, self.process, self.log = root, port, process, log

    def get(self, target: str) -> tuple[int, dict, str]:
        """GET a raw request target: http.client sends it exactly as given."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", target)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def title(self, target: str = PAGE) -> str | None:
        status, _, body = self.get(target)
        return BeautifulSoup(body, "html.parser").h1.get_text(" ", strip=True) if status == 200 else None

    def error_page(self) -> str:
        """The story page once it has become the error page (status 500)."""
        return until(lambda: (r := self.get(PAGE))[0] == 500 and r, "the error page")[2]

    def first_problem(self) -> str:
        """The first problem the error page lists, as text."""
        return BeautifulSoup(self.error_page(), "html.parser").select_one("main li").get_text(" ", strip=True)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(root: Path, *options: str) -> Preview:
    port = free_port()
    log = root.parent / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--site", str(root), "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    preview = Preview(root, port, process, log)

    def ready():
        assert process.poll() is None, log.read_text()
        return "Previewing" in log.read_text()

    until(ready, "the preview to start", timeout=120)
    return preview


def stop(preview: Preview) -> None:
    preview.process.send_signal(signal.SIGTERM)
    try:
        preview.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        preview.process.kill()
        raise


def copy_site(target: Path) -> Path:
    target.mkdir()
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    for folder in ("stories", "events", "pages", "theme"):
        shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    running = start(copy_site(tmp_path_factory.mktemp("serve") / "site"))
    yield running
    stop(running)


def test_serves_pages_with_a_reload_script_that_built_files_never_carry(preview):
    status, headers, body = preview.get(PAGE)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    soup = BeautifulSoup(body, "html.parser")
    assert soup.h1.get_text(strip=True) == "Welcome walks"
    assert [s["src"] for s in soup.find_all("script", src=True)][-1] == "/__goodrel/reload.js"
    # The background build (for the search index) writes plain built files.
    built = until(
        lambda: list((preview.root / ".goodrel-cache").glob("preview-*/stories/welcome-walks/index.html")),
        "the background build",
    )
    assert not [path for path in built if "__goodrel" in path.read_text("utf-8")]
    assert not (preview.root / "public").exists()  # the preview never touches the published output
    status, headers, script = preview.get("/__goodrel/reload.js")
    assert status == 200 and "EventSource" in script
    status, headers, css = preview.get("/assets/site.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and "__goodrel" not in css
    assert preview.get("/stories")[0] == 301  # a folder without its slash is redirected


def test_every_kind_of_file_is_served_as_the_build_writes_it(preview):
    for target, kind in [
        (f"{PAGE}cite.ris", "text/plain"),
        (f"{PAGE}cite.bib", "text/x-bibtex"),
        (f"{PAGE}cite.json", "application/json"),
        ("/data/stories.csv", "text/csv"),
        ("/feed.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
    ]:
        status, headers, body = preview.get(target)
        assert status == 200 and headers["Content-Type"].startswith(kind), target
        assert "__goodrel" not in body, target  # the reload script goes into HTML pages only
    cache = preview.root / ".goodrel-cache"
    built = until(lambda: next(cache.glob("preview-*/stories/welcome-walks/cite.ris"), None), "the background build")
    assert preview.get(f"{PAGE}cite.ris")[2] == built.read_bytes().decode("utf-8")
    assert preview.get(f"{PAGE}index.html")[0] == 200
    status, _, body = preview.get("/no-such-page/")
    assert status == 404 and "/__goodrel/reload.js" in body


def test_listens_on_localhost_only(preview):
    # /proc/net/tcp lists each listening socket's local address (hex, little-endian).
    listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:] if line.split()[3] == "0A"]
    ours = [fields[1] for fields in listening if int(fields[1].split(":")[1], 16) == preview.port]
    assert ours == [f"0100007F:{preview.port:04X}"]


def test_drafts_are_shown_marked_by_default_and_hidden_when_asked(preview, tmp_path):
    status, _, body = preview.get(DRAFT_PAGE)
    assert status == 200
    soup = BeautifulSoup(body, "html.parser")
    words = yaml.safe_load((REPO / "theme" / "strings" / "en.yaml").read_text("utf-8"))
    assert words["draft_banner"] in soup.get_text(" ")
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert "Drafts and embargoed items are shown" in preview.log.read_text()  # said at start
    without = start(copy_site(tmp_path / "site"), "--no-drafts")
    try:
        assert without.get(DRAFT_PAGE)[0] == 404
        assert "drafts are hidden" in without.log.read_text()
    finally:
        stop(without)


def test_an_edit_is_served_without_restarting(preview):
    preview.edit(STORY, "title: Welcome walks", "title: Welcome walks, edited")
    try:
        until(lambda: preview.title() == "Welcome walks, edited", "the edited title")
    finally:
        preview.edit(STORY, "title: Welcome walks, edited", "title: Welcome walks")
    until(lambda: preview.title() == "Welcome walks", "the original title")


@pytest.mark.parametrize(
    "rel",
    [STORY, "stories/allotment-across-the-fence.md"],
    ids=["on the page asked for, when it is", "on another page, once the background build finds it"],
)
def test_a_link_to_a_missing_story_shows_the_error_page(preview, rel):
    preview.edit(rel, "\n\n", "\n\nSee [a walk](no-such-walk.md).\n\n")
    try:
        problem = preview.first_problem()
        assert problem.startswith(f"{rel} , line ") and "no-such-walk.md" in problem
    finally:
        preview.edit(rel, "\n\nSee [a walk](no-such-walk.md).\n\n", "\n\n")
    until(lambda: preview.title() == "Welcome walks", "the page after the fix")


def test_an_ended_sessions_builds_are_cleared_and_a_running_ones_kept(tmp_path):
    root = copy_site(tmp_path / "site")
    ended = root / ".goodrel-cache" / "preview-999999999" / "stories"
    ended_spare = root / ".goodrel-cache" / ".preview-999999999.goodrel-spare" / "stories"
    running = root / ".goodrel-cache" / f"preview-{os.getpid()}" / "stories"
    for folder in (ended, ended_spare, running):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text("old")
    second = start(root)
    try:
        until(
            lambda: not ended.parent.exists() and not ended_spare.parent.exists(),
            "the ended session's builds to be deleted",
        )
        assert (running / "index.html").read_text() == "old"
        assert second.title() == "Welcome walks"
    finally:
        stop(second)


def test_site_yaml_and_the_theme_are_watched_too(preview):
    preview.edit("site.yaml", "title: Untold Stories of Good Relations", "title: Untold Stories, renamed")
    preview.edit("theme/static/site.css", "", "/* edited theme */\n")
    try:
        until(lambda: "Untold Stories, renamed" in preview.get(PAGE)[2], "the new site title")
        _, _, body = preview.get(PAGE)
        css = BeautifulSoup(body, "html.parser").find("link", rel="stylesheet")["href"]
        assert preview.get(css)[2].startswith("/* edited theme */")
    finally:
        preview.edit("site.yaml", "title: Untold Stories, renamed", "title: Untold Stories of Good Relations")
        preview.edit("theme/static/site.css", "/* edited theme */\n", "")
    until(lambda: "Untold Stories, renamed" not in preview.get(PAGE)[2], "the original site title")


def test_a_broken_file_shows_an_error_page_and_the_next_good_save_recovers(preview):
    preview.edit(STORY, "status: published", "status: [published")
    try:
        soup = BeautifulSoup(preview.error_page(), "html.parser")
        assert soup.h1.get_text() == "The site could not be built"
        problem = soup.select_one("main li").get_text(" ", strip=True)
        assert problem.startswith(f"{STORY} , line ") and "invalid YAML" in problem
        line = int(problem.split("line ")[1].split(":")[0])
        assert soup.select_one("main li mark").get_text().lstrip().startswith(f"{line} |")
        assert [s["src"] for s in soup.find_all("script", src=True)] == ["/__goodrel/reload.js"]
        assert preview.get("/assets/site.css")[0] == 200  # the last good build's files stay
        assert preview.process.poll() is None
    finally:
        preview.edit(STORY, "status: [published", "status: published")
    until(lambda: preview.title() == "Welcome walks", "the page after the fix")


def test_the_error_page_escapes_what_it_shows(preview):
    preview.edit(STORY, "title: Welcome walks", "title: <script>alert(1)</script>\ntitle: again")
    try:
        body = preview.error_page()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # the excerpt of the file
        assert "given twice" in body
    finally:
        preview.edit(STORY, "title: <script>alert(1)</script>\ntitle: again", "title: Welcome walks")
    until(lambda: preview.title() == "Welcome walks", "the page after the fix")


def test_a_broken_template_is_shown_too(preview):
    preview.edit("theme/templates/story.html", "", "{% if %}\n")
    try:
        problem = preview.first_problem()
        assert "theme/templates/story.html , line 1: the template failed" in problem, problem
        assert "Expected an expression" in problem and "1 | {% if %}" in problem
    finally:
        preview.edit("theme/templates/story.html", "{% if %}\n", "")
    until(lambda: preview.title() == "Welcome walks", "the page after the fix")


@pytest.mark.parametrize(
    "target",
    [
        "/../../etc/passwd",
        "/stories/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/stories/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
        "/..%5c..%5cetc/passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/assets/..%00/etc/passwd",
        "http://127.0.0.1/etc/passwd",
        "/pagefind/../../../../etc/passwd",
    ],
)
def test_requests_for_paths_outside_the_site_get_404(preview, target):
    status, _, body = preview.get(target)
    # (http.client names the host of an absolute-form target without the port: refused too)
    assert status == (421 if target.startswith("http:") else 404)
    assert "root:" not in body


def test_an_open_tab_is_told_about_each_build(preview):
    with socket.create_connection(("127.0.0.1", preview.port), timeout=60) as sock:
        sock.sendall(f"GET /__goodrel/events HTTP/1.0\r\nHost: 127.0.0.1:{preview.port}\r\n\r\n".encode())
        stream = sock.makefile("rb")

        def next_generation() -> str:
            while (line := stream.readline()) and not line.startswith(b"data: "):
                pass
            return line[len(b"data: ") :].strip().decode()

        first = next_generation()
        _, _, body = preview.get(PAGE)
        while f'data-generation="{first}"' not in body:  # an earlier test's build landed meanwhile
            first = next_generation()
            _, _, body = preview.get(PAGE)
        assert f'data-generation="{first}"' in body  # the page knows which build it shows
        preview.edit(STORY, "title: Welcome walks", "title: Welcome walks again")
        try:
            assert next_generation() != first
        finally:
            preview.edit(STORY, "title: Welcome walks again", "title: Welcome walks")
    until(lambda: preview.title() == "Welcome walks", "the original title")


def test_the_browser_tab_reloads_itself(preview, page):
    page.goto(f"http://127.0.0.1:{preview.port}{PAGE}")
    assert page.locator("h1").inner_text() == "Welcome walks"
    preview.edit(STORY, "title: Welcome walks", "title: Welcome walks, live")
    try:
        page.locator("h1", has_text="Welcome walks, live").wait_for(timeout=60_000)
    finally:
        preview.edit(STORY, "title: Welcome walks, live", "title: Welcome walks")
    until(lambda: preview.title() == "Welcome walks", "the original title")


def test_the_search_index_catches_up(preview):
    status, headers, _ = until(lambda: (r := preview.get("/pagefind/pagefind.js"))[0] == 200 and r, "the search index")
    assert "javascript" in headers["Content-Type"]
    assert preview.get("/pagefind/pagefind-entry.json")[0] == 200


def test_every_shard_of_a_large_sites_index_is_served(preview):
    # The index comes in shards, /pagefind/ and /pagefind-<digest>/ (search.py); one is
    # put beside the background build's /pagefind/ (again, if a build replaces it).
    folder = preview.root / ".goodrel-cache" / f"preview-{preview.process.pid}"
    until(lambda: (folder / "pagefind").is_dir(), "the search index")

    def shard_served():
        shard = folder / "pagefind-0123456789ab"
        shard.mkdir(exist_ok=True)
        (shard / "pagefind-entry.json").write_text('{"shard": 2}')
        status, headers, body = preview.get("/pagefind-0123456789ab/pagefind-entry.json")
        return status == 200 and body == '{"shard": 2}' and headers["Content-Type"].startswith("application/json")

    try:
        until(shard_served, "the second shard")
        assert preview.get("/pagefind-x/pagefind-entry.json")[0] == 404
    finally:  # (no build made it: left there, it would stop the later builds, which keep what they did not make)
        shutil.rmtree(folder / "pagefind-0123456789ab", ignore_errors=True)


def request(port: int, target: str, host: str | None, timeout: float = 30) -> tuple[int, str]:
    """A GET with exactly this Host header (None: none at all)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        header = f"Host: {host}\r\n" if host is not None else ""
        sock.sendall(f"GET {target} HTTP/1.1\r\n{header}Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example:{port}",
        "attacker.example",
        "127.0.0.1",
        "127.0.0.1:{other}",
        "localhost.attacker.example:{port}",
        "127.0.0.1:{port}.attacker.example",
        "",
        None,
    ],
)
def test_only_requests_for_its_own_address_are_answered(preview, host):
    # DNS rebinding: a site whose name resolves to 127.0.0.1 loads the preview in a
    # reader's browser; the browser names that site in the Host header.
    if host is not None:
        host = host.format(port=preview.port, other=preview.port + 1)
    for target in (DRAFT_PAGE, "/", "/data/stories.json", "/assets/site.css", "/__goodrel/events"):
        status, body = request(preview.port, target, host)
        assert status == 421, (host, target)
        assert "Draft" not in body and "refugee" not in body.lower()
    for own in (f"127.0.0.1:{preview.port}", f"localhost:{preview.port}", f"LOCALHOST:{preview.port}"):
        assert request(preview.port, DRAFT_PAGE, own)[0] == 200


def test_two_hundred_connections_at_once_are_all_served(preview):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    _, _, page = preview.get(PAGE)
    css = BeautifulSoup(page, "html.parser").find("link", rel="stylesheet")["href"]
    together = Barrier(200)

    def one(i: int) -> int:
        together.wait()  # every connection opened in the same instant
        # Each request must be answered within the client's timeout (no connection
        # dropped and retried by the system for want of a listen queue).
        return request(preview.port, css if i % 4 else PAGE, f"127.0.0.1:{preview.port}", timeout=20)[0]

    with ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200
    assert preview.process.poll() is None


def test_no_link_out_of_the_site_is_followed(preview, tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET-OUTSIDE-THE-SITE")
    static = preview.root / "theme" / "static"
    media = until(
        lambda: next((preview.root / ".goodrel-cache" / "media").glob("*.webp"), None), "the preview's pictures"
    )
    made = [static / "leak.txt", static / "leak-folder", media.parent / "leak.webp", static / "pipe.css"]
    made[0].symlink_to(secret)
    made[1].symlink_to(secret.parent)
    made[2].symlink_to(secret)
    os.mkfifo(made[3])
    try:
        for target in (
            "/assets/leak.txt",
            "/assets/leak-folder/secret.txt",
            "/media/leak.webp",
            "/assets/pipe.css",
        ):  # (a FIFO: answered at once, not waited on)
            status, _, body = preview.get(target)
            assert status == 404 and "SECRET" not in body, target
        assert preview.get("/media/" + media.name)[0] == 200  # the preview's own pictures still are
    finally:
        for path in made:
            path.unlink()


def test_a_story_linked_from_outside_is_refused_and_never_shown(preview, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(
        Path(preview.root / STORY).read_text("utf-8").replace("title: Welcome walks", "title: SECRET-FROM-OUTSIDE")
    )
    link = preview.root / "stories" / "linked.md"
    link.symlink_to(outside)
    try:
        soup = BeautifulSoup(preview.error_page(), "html.parser")
        problem = soup.select_one("main li").get_text(" ", strip=True)
        assert problem.startswith("stories/linked.md : is a link to") and "outside the site" in problem
        assert "SECRET" not in str(soup)  # nor any excerpt of it
    finally:
        link.unlink()
    until(lambda: preview.title() == "Welcome walks", "the page after the fix")


def test_an_alias_bomb_is_refused_at_its_line(preview):
    bomb = "".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9) if i else 'lol'}]\n" for i in range(10))
    preview.edit(STORY, "title: Welcome walks\n", "title: Welcome walks\n" + bomb)
    try:
        problem = preview.first_problem()
        assert problem.startswith(f"{STORY} , line 3:") and "anchor or alias" in problem, problem
    finally:
        preview.edit(STORY, "title: Welcome walks\n" + bomb, "title: Welcome walks\n")
    until(lambda: preview.title() == "Welcome walks", "the page after the fix")


def test_a_fixed_error_never_comes_back_from_an_older_background_build(preview):
    # An error only a whole build finds (a link, in a page not open, to a story that
    # does not exist), fixed while the background build of the broken save still runs.
    rel, broken, fixed = (
        "stories/allotment-across-the-fence.md",
        "\n\nSee [a walk](no-such-walk.md).\n\n",
        "\n\nA sentence that was not there before.\n\n",
    )
    log_before = len(preview.log.read_text())
    preview.edit(rel, "\n\n", broken)
    until(lambda: preview.log.read_text().count("Ready in", log_before) >= 1, "the broken save")
    preview.edit(rel, broken, fixed)
    try:
        fixed_at = until(
            lambda: (
                (i := preview.log.read_text().find("Ready in", log_before)) >= 0
                and preview.log.read_text().find("Ready in", i + 1)
            ),
            "the fixed save",
        )
        # The background build of the fixed save has finished (the broken save's fails,
        # and so leaves no output): its output is newer than the fix.
        marker = preview.root / ".goodrel-cache" / f"preview-{preview.process.pid}" / ".goodrel-build"
        saved = (preview.root / rel).stat().st_mtime_ns
        until(lambda: marker.is_file() and marker.stat().st_mtime_ns > saved, "the fixed save's background build")
        assert "no-such-walk" not in preview.log.read_text()[fixed_at:]
        assert preview.title() == "Welcome walks"
    finally:
        preview.edit(rel, fixed, "\n\n")
