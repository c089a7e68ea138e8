"""`serve`: the editor's preview on 127.0.0.1.

The site is built into a private folder under .goodrel-cache/ (never public/), rebuilt
whenever a file under the site root changes, and served with a small script, added to
HTML responses only here and never to built files, that reloads the open tab after
each build. A failed
build is shown in the browser as a page naming each file, line and message, and the
preview recovers on the next good save. The search index is built after the pages,
in the background, so it may lag them by a few seconds."""

from __future__ import annotations

import html
import mimetypes
import os
import queue
import shutil
import signal
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

import watchfiles

from . import search
from .cli import build_date, report
from .pipeline import Options, build
from .problems import ContentError, Problem, UsageError
from .render import default_jobs

WATCHED = ("stories", "events", "pages", "theme")  # folders; site.yaml is polled
RELOAD_SCRIPT = "/__goodrel/reload.js"
EVENTS = "/__goodrel/events"
NOT_FOUND = b"<!doctype html>\n<title>Not found</title>\n<p>Not found.</p>\n"
RELOAD_JS = b"""(function () {
  var shown = document.currentScript.dataset.generation;
  var events = new EventSource("/__goodrel/events");
  events.onmessage = function (event) { if (event.data !== shown) location.reload(); };
})();
"""


class Preview:
    """The latest build, or the error that stopped it, shared by the builder (the main
    thread) and the threads answering requests. Each build goes into a new folder
    under .goodrel-cache/preview-<process id>/ and is served once complete; the folder
    it replaces is deleted in the background, since deleting thousands of folders can
    take seconds on some disks and must not delay the page."""

    def __init__(self, root: Path, drafts: bool):
        self.root, self.drafts = root, drafts
        self.folder = root / ".goodrel-cache" / f"preview-{os.getpid()}"
        self.idle = threading.Event()  # set while no build is running
        self.sweeper = Sweeper(self.idle)
        for old in sorted(self.folder.parent.glob("preview*")):  # ended sessions' builds
            if not _running(old.name.removeprefix("preview-")):
                self.sweeper.retire(old)
        self.current: Path | None = None  # the newest complete build, being served
        self.search_dir: Path | None = None  # the newest finished search index
        self.generation = f"{os.getpid()}.0"  # a new server always reloads open tabs
        self.count = 0
        self.error: bytes | None = None  # the error page, while the last build failed
        self.changed = threading.Condition()
        self.indexer = SearchIndexer(self)

    def start(self) -> None:
        self.sweeper.start()
        self.indexer.start()

    def rebuild(self, jobs: int) -> None:
        self.idle.clear()
        started, error, result = time.perf_counter(), None, None
        out = self.folder / f"build-{self.count + 1}"
        try:
            result = build(Options(site=self.root, out=out, now=build_date(None),
                                   drafts=self.drafts, jobs=jobs, search=False))
        except ContentError as err:
            report(err.problems)
            error = error_page(self.root, err.problems)
        except Exception as err:  # a preview keeps running through any error
            traceback.print_exc()
            error = error_page(self.root, [], f"{type(err).__name__}: {err}")
        else:
            report([n for n in result.notes if n.level == "warning"])
        seconds = time.perf_counter() - started
        print(f"Build failed ({seconds:.2f} s): the browser shows why." if error
              else f"Built in {seconds:.2f} s.", flush=True)
        with self.changed:
            self.count += 1
            self.generation = f"{os.getpid()}.{self.count}"
            self.error, old = error, self.current
            if result is not None:
                self.current = out
            self.changed.notify_all()
        self.idle.set()
        if result is not None:  # after the tabs are told: the pages come first
            if old is not None:
                self.sweeper.retire(old)
            self.indexer.request(out, result.site.settings.language)


def _running(pid: str) -> bool:
    """Whether a process with this id exists (another preview of the same site)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # it exists, as another user's
        pass
    return True


def _lower_priority() -> None:
    """Let the calling thread use only spare CPU. On Linux a thread's nice value is its
    own, and the threads and processes it starts inherit it."""
    if hasattr(os, "setpriority"):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class Sweeper(threading.Thread):
    """Deletes replaced build folders once no request can still be reading them and the
    search index neither is built in nor served from them, a folder at a time and only
    between builds, so that the disk is the build's while it runs."""

    GRACE = 2.0  # seconds

    def __init__(self, idle: threading.Event):
        super().__init__(daemon=True, name="sweeper")
        self.idle = idle
        self.retired: queue.Queue[tuple[float, Path]] = queue.Queue()
        self.pinned: set[Path] = set()

    def retire(self, folder: Path) -> None:
        self.retired.put((time.monotonic() + self.GRACE, folder))

    def run(self) -> None:
        _lower_priority()
        while True:
            due, folder = self.retired.get()
            time.sleep(max(0.0, due - time.monotonic()))
            if folder in self.pinned:
                self.retire(folder)  # look again later
            else:
                self.delete(folder)

    def delete(self, folder: Path) -> None:
        for parent, folders, files in os.walk(folder, topdown=False):
            self.idle.wait()
            for name in files + folders:  # the folders are empty by now
                _remove(Path(parent, name))
        _remove(folder)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()
    except OSError:  # gone already, or not ours to delete: leave it
        pass


class SearchIndexer(threading.Thread):
    """Indexes the newest build in the background, at low priority, and serves the
    newest finished index; a build that is replaced before its turn is skipped."""

    def __init__(self, preview: Preview):
        super().__init__(daemon=True, name="search-index")
        self.preview = preview
        self.pinned = preview.sweeper.pinned
        self.wanted = threading.Condition()
        self.pending: tuple[Path, str] | None = None

    def request(self, folder: Path, language: str) -> None:
        with self.wanted:
            if self.pending:
                self.pinned.discard(self.pending[0])
            self.pinned.add(folder)
            self.pending = (folder, language)
            self.wanted.notify()

    def run(self) -> None:
        _lower_priority()
        while True:
            with self.wanted:
                self.wanted.wait_for(lambda: self.pending is not None)
                (folder, language), self.pending = self.pending, None
            try:
                search.build_index(folder, language)
            except Exception as err:  # search is a convenience here, not a reason to stop
                print(f"The search index could not be built: {err}", file=sys.stderr, flush=True)
                self.pinned.discard(folder)
                continue
            old, self.preview.search_dir = self.preview.search_dir, folder / "pagefind"
            if old is not None:
                self.pinned.discard(old.parent)


def error_page(root: Path, problems: list[Problem], message: str | None = None) -> bytes:
    """A readable page for a failed build: each problem with the lines around it."""
    items = []
    for problem in problems:
        items.append(f"<li><p><code>{html.escape(problem.path)}</code>, line {problem.line}: "
                     f"{html.escape(problem.message)}</p>{_excerpt(root / problem.path, problem.line)}</li>")
    if message:
        items.append(f"<li><p>{html.escape(message)}</p><p>The terminal running "
                     "<code>serve</code> shows the details.</p></li>")
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Preview: the site could not be built</title>\n<style>"
        "body{font:1.05rem/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
        "h1{color:#a4000f}li{margin-bottom:1.5rem}pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}"
        "mark{background:#ffd7d7;color:inherit}"
        "</style>\n</head>\n<body>\n<main>\n<h1>The site could not be built</h1>\n"
        f"<p>{len(problems) or 1} problem(s) to fix. Save the file again and this page "
        "reloads by itself.</p>\n<ol>\n" + "\n".join(items) + "\n</ol>\n</main>\n</body>\n</html>\n"
    ).encode("utf-8")


def _excerpt(path: Path, line: int, around: int = 2) -> str:
    try:
        lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    first, last = max(1, line - around), min(len(lines), line + around)
    rows = []
    for number in range(first, last + 1):
        text = html.escape(f"{number:>4} | {lines[number - 1]}")
        rows.append(f"<mark>{text}</mark>\n" if number == line else text + "\n")
    return f"<pre>{''.join(rows)}</pre>" if rows else ""


def resolve(folder: Path, target: str) -> Path | None:
    """The file a request target names inside `folder`, or None. Anything that could
    leave the folder (dot segments, encoded or not; backslashes; absolute-form
    targets) is refused rather than normalised."""
    if not target.startswith("/") or target.startswith("//"):
        return None
    path = unquote(urlsplit(target).path)
    parts = path[1:].split("/")
    if parts and parts[-1] == "":
        parts.pop()
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    found = folder.joinpath(*parts)
    try:
        if not found.resolve().is_relative_to(folder.resolve()):
            return None
    except (OSError, ValueError):
        return None
    return found


class Handler(BaseHTTPRequestHandler):
    server_version = "goodrel-preview"

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for builds
        pass

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def do_GET(self) -> None:
        self.respond(body=True)

    def respond(self, body: bool) -> None:
        preview: Preview = self.server.preview
        path = urlsplit(self.path).path if self.path.startswith("/") else ""
        if path == EVENTS and body:
            return self.events(preview)
        if path == RELOAD_SCRIPT:
            return self.send(200, "text/javascript; charset=utf-8", RELOAD_JS, body)
        with preview.changed:
            generation, error, current = preview.generation, preview.error, preview.current
        if path.startswith("/pagefind/"):
            found = resolve(preview.search_dir or preview.folder, path[len("/pagefind"):])
        else:
            found = resolve(current or preview.folder, self.path)
        if found is None:  # outside the site: never an error page
            return self.send(404, "text/plain; charset=utf-8", b"Not found\n", body)
        if error is not None and (path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]):
            return self.send(500, "text/html; charset=utf-8", self.with_reload(error, generation), body)
        if found.is_dir() and (found / "index.html").is_file():
            if not path.endswith("/"):
                query = urlsplit(self.path).query
                return self.redirect(path + "/" + (f"?{query}" if query else ""))
            found = found / "index.html"
        try:
            content = found.read_bytes()
        except OSError:  # missing, a folder, or swept away meanwhile
            missing = current / "404.html" if current else None
            page = missing.read_bytes() if missing and missing.is_file() else NOT_FOUND
            return self.send(404, "text/html; charset=utf-8", self.with_reload(page, generation), body)
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind == "text/html":
            content = self.with_reload(content, generation)
        if kind.startswith("text/") or kind in ("application/json", "application/javascript"):
            kind += "; charset=utf-8"
        self.send(200, kind, content, body)

    @staticmethod
    def with_reload(page: bytes, generation: str) -> bytes:
        tag = f'<script src="{RELOAD_SCRIPT}" data-generation="{generation}"></script>'.encode()
        end = page.lower().rfind(b"</body>")
        return page[:end] + tag + page[end:] if end >= 0 else page + tag

    def send(self, status: int, kind: str, content: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(content)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def events(self, preview: Preview) -> None:
        """Server-Sent Events: the build generation now, then after every build."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                with preview.changed:
                    preview.changed.wait_for(lambda: preview.generation != sent, timeout=15)
                    generation = preview.generation
                if generation != sent:
                    self.wfile.write(f"data: {generation}\n\n".encode())
                    sent = generation
                else:
                    self.wfile.write(b": still here\n\n")  # notices a closed tab
                self.wfile.flush()
        except OSError:  # the tab was closed or reloaded
            return


def changes(root: Path, stop: threading.Event) -> Iterator[list[str]]:
    """Batches of changed paths (relative to the site root) under the watched folders,
    and site.yaml (polled: editors often save it by replacing the file)."""
    def stamp():
        try:
            info = (root / "site.yaml").stat()
            return info.st_mtime_ns, info.st_size, info.st_ino
        except OSError:
            return None

    settings = stamp()
    while not stop.is_set():
        folders = [root / name for name in WATCHED if (root / name).is_dir()]
        if not folders:
            stop.wait(0.5)
            batches: Iterator[set] = iter([set()])
        else:
            batches = watchfiles.watch(*folders, stop_event=stop, rust_timeout=500,
                                       yield_on_timeout=True)
        for batch in batches:
            changed = sorted({_relative(root, path) for _, path in batch})
            if stamp() != settings:
                settings = stamp()
                changed.append("site.yaml")
            if changed:
                yield changed
            if [root / n for n in WATCHED if (root / n).is_dir()] != folders:
                break  # a folder appeared or went: watch the new set


def _relative(root: Path, path: str) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:  # under a symlinked folder such as theme/
        return path


def serve(root: Path, port: int, drafts: bool) -> int:
    if not (root / "site.yaml").is_file():
        raise UsageError(f"{root} is not a site root: it has no site.yaml (use --site)")
    preview = Preview(root, drafts)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as err:
        raise UsageError(f"cannot listen on 127.0.0.1:{port} ({err.strerror}): "
                         "try another --port") from None
    server.daemon_threads = True
    server.preview = preview
    port = server.server_address[1]
    http = threading.Thread(target=server.serve_forever, daemon=True, name="http")
    stop = threading.Event()
    try:
        print("Building the preview…", flush=True)
        preview.rebuild(default_jobs())  # the first build, before any other thread exists
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        http.start()
        preview.start()
        print(f"Previewing {root} at http://127.0.0.1:{port}/"
              f"{' with drafts and embargoed items' if drafts else ''}. Press Ctrl+C to stop.", flush=True)
        for changed in changes(root, stop):
            print(f"Changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}", flush=True)
            preview.rebuild(default_jobs())
    except KeyboardInterrupt:
        pass
    finally:
        if http.is_alive():
            server.shutdown()
        server.server_close()
    print("Preview stopped.")
    return 0
