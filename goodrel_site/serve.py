"""`serve`: the editor's preview on 127.0.0.1.

The site is held in memory (live.py): after each save under the site root, only the
changed files are read and validated again, and each page is rendered when the browser
asks for it, with a small script, added here and never to built files, that reloads
the open tab after each save. A failed load is shown in the browser as a page naming
each file, line and message (the theme's preview-error.html, which a site's own theme
may replace), and the preview recovers on the next good save. Whole
builds, with the search index, run after each save in a background process at low
priority, into a private folder under .goodrel-cache/ (never public/): search may lag
the pages by a few seconds, or more on a large site."""

from __future__ import annotations

import functools
import gc
import mimetypes
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple, cast
from urllib.parse import unquote, urlsplit

import jinja2
import watchfiles

from . import limits, sitefiles
from .kinds import CONTENT_FOLDERS
from .live import Live, Snapshot
from .options import Options, build_date
from .pipeline import COMMITTED_CACHE, build, clear_committed_cache
from .problems import (
    ContentError,
    ImageError,
    Problem,
    UsageError,
    environment_error,
    report,
)
from .records import FOLDER
from .render import DEFAULT_PREFIX, ThemeLoader, environment, template_problem
from .theme import Theme
from .uptodate import ended_previews

WATCHED = (*CONTENT_FOLDERS, "theme")  # folders; site.yaml is polled
RELOAD_SCRIPT = "/__goodrel/reload.js"
EVENTS = "/__goodrel/events"
ERROR_PAGE = "preview-error.html"  # the theme's page for a save that cannot be built
SEARCH_BUNDLE = re.compile(r"^/pagefind(-[0-9a-f]{12})?/")  # the index comes in shards (search.py)
NOT_FOUND = b"<!doctype html>\n<title>Not found</title>\n<p>Not found.</p>\n"
SERVED_BYTES = 256 * 1024 * 1024  # a theme file or a search bundle, read whole to be served
RELOAD_JS = b"""(function () {
  var shown = document.currentScript.dataset.generation;
  var events = new EventSource("/__goodrel/events");
  events.onmessage = function (event) { if (event.data !== shown) location.reload(); };
})();
"""


class Preview:
    """The site as of the latest good save, or the error that the latest save met,
    shared by the main thread (which reloads it) and the threads answering requests."""

    def __init__(self, root: Path, drafts: bool):
        self.root, self.drafts = root, drafts
        # The background builds' output, for the search index (see Indexer), and the
        # pictures the preview shows.
        self.folder = root / ".goodrel-cache" / f"preview-{os.getpid()}"
        self.live = Live(root, drafts, self.folder.with_name(f"{self.folder.name}-media"))
        for old in ended_previews(self.folder.parent):  # ended sessions' builds (and their spares)
            threading.Thread(target=shutil.rmtree, args=(old, True), daemon=True).start()
        self.snapshot: Snapshot | None = None
        self.generation = f"{os.getpid()}.0"  # a new server always reloads open tabs
        self.count = 0
        self.error: bytes | None = None  # the error page, while the last save failed
        self.changed = threading.Condition()
        self.indexer = Indexer(self)

    def reload(self) -> None:
        started, error, snapshot = time.perf_counter(), None, None
        try:
            snapshot, notes = self.live.load(build_date(None))
        except Exception as err:  # a preview keeps running through any error
            error = self.failure(err)
        else:
            report([n for n in notes if n.level == "warning"])
        seconds = time.perf_counter() - started
        print(
            f"Failed ({seconds:.2f} s): the browser shows why." if error else f"Ready in {seconds:.2f} s.", flush=True
        )
        with self.changed:
            self._show(error, snapshot)
        if snapshot is not None:
            self.indexer.request(self.generation)

    def failure(self, err: Exception) -> bytes:
        """Tell the terminal why the site could not be read; the page that says it."""
        problems = _problems(err, self.root)
        if problems is not None:
            report(problems)
            return error_page(self.root, problems)
        if isinstance(err, OSError):
            message = environment_error(err, self.root)
            print(message, file=sys.stderr, flush=True)
        else:  # a bug, or a broken template: the details are for whoever fixes it
            traceback.print_exc()
            message = f"{type(err).__name__}: {err}"
        return error_page(self.root, [], message)

    def changed_since(self, generation: str | None) -> bool:
        """Whether the preview shows another generation than this one."""
        return self.generation != generation

    def failed_in_background(self, generation: str, page: bytes) -> bool:
        """A whole build of this save found an error that loading it did not (a link
        to a story that is gone, say): show it, as for a failed save. False if the
        editor has saved again since (that save's own build will tell)."""
        with self.changed:
            if self.generation != generation:
                return False
            self._show(page)
            return True

    def _show(self, error: bytes | None, snapshot: Snapshot | None = None) -> None:
        """A new generation (holding self.changed): open tabs reload to see it."""
        self.count += 1
        self.generation = f"{os.getpid()}.{self.count}"
        self.error = error
        if snapshot is not None:
            self.snapshot = snapshot
        self.changed.notify_all()


def _problems(err: Exception, root: Path) -> list[Problem] | None:
    """What the editor can fix, as problems at their files (None: not the content's)."""
    if isinstance(err, ContentError):
        return err.problems
    if isinstance(err, sitefiles.Refused):
        return [err.problem]
    if isinstance(err, ImageError):
        return [Problem(sitefiles.relative(root, err.source), 0, err.message)]
    return None


def _lower_priority() -> None:
    """Let this process use only spare CPU (the preview's own work comes first)."""
    if hasattr(os, "nice"):
        os.nice(10)


def _build_quietly(options: Options, result: Connection) -> None:
    """A whole build, in the background process; sends None, or what stopped it."""
    _lower_priority()
    try:
        build(options)
        result.send(None)
    except Exception as err:
        problems = _problems(err, options.site)
        result.send(
            problems
            if problems is not None
            else environment_error(err, options.site)
            if isinstance(err, OSError)
            else f"{type(err).__name__}: {err}"
        )


class Indexer(threading.Thread):
    """After each save, a whole build with the search index into the preview's private
    folder, in a process of its own at low priority (so that it neither holds the
    preview's interpreter nor slows the editor's pages); saves made meanwhile are built
    together, once it is done."""

    def __init__(self, preview: Preview):
        super().__init__(daemon=True, name="search-index")
        self.preview = preview
        self.wanted = threading.Condition()
        self.pending: str | None = None  # the generation to build
        self.closed = False
        self.process: multiprocessing.process.BaseProcess | None = None

    def request(self, generation: str) -> None:
        with self.wanted:
            self.pending = generation
            self.wanted.notify()

    def close(self) -> None:
        """Stop the background build, midway if need be: it only ever writes into the
        preview's private folder, and swaps its output in whole."""
        with self.wanted:
            self.closed = True
            self.wanted.notify()
            process = self.process
        if process is not None:
            process.kill()
            process.join()

    def run(self) -> None:
        preview, spawn = self.preview, multiprocessing.get_context("spawn")
        while True:
            with self.wanted:
                self.wanted.wait_for(lambda: self.pending is not None or self.closed)
                if self.closed:
                    return
                generation, self.pending = self.pending or "", None
                options = Options(
                    site=preview.root,
                    out=preview.folder,
                    now=build_date(None),
                    drafts=preview.drafts,
                    jobs=1,
                    search=True,
                )
                receive, send = spawn.Pipe(duplex=False)
                self.process = spawn.Process(target=_build_quietly, args=(options, send), daemon=True)
                self.process.start()
            send.close()
            try:
                failed = receive.recv()
            except EOFError:  # stopped by close(), or the process died
                failed = "the background build stopped"
            self.process.join()
            # Told only while it is news: an older save's build that ends after the
            # editor fixed the error must not bring it back.
            if isinstance(failed, list):
                if preview.failed_in_background(generation, error_page(preview.root, failed)):
                    report(failed)
            elif failed and not self.closed and preview.generation == generation:
                print(f"The search index could not be built: {failed}", file=sys.stderr, flush=True)


class Row(NamedTuple):
    """A line of a site file, as the error page shows it around a problem."""

    number: int
    text: str
    marked: bool  # the problem's own line


class Shown(NamedTuple):
    """A problem as the error page shows it: with the lines around it."""

    path: str
    line: int
    message: str
    excerpt: list[Row]


def error_page(root: Path, problems: list[Problem], message: str | None = None) -> bytes:
    """A readable page for a failed build: each problem with the lines around it, by the
    theme's preview-error.html. The default theme's stands in for a site's own that
    cannot be read or fails (the site's theme may be what failed), which it names too."""
    theme = Theme(root)
    try:
        return _error_page(root, theme, ERROR_PAGE, problems, message)
    except ContentError as err:  # a theme file refused
        failed = [p for p in err.problems if p not in problems]
    except OSError:  # a theme file gone meanwhile: the problems are still worth showing
        failed = []
    except Exception as err:  # the site's own page failed (a template is code: any error)
        error = (
            err
            if isinstance(err, jinja2.TemplateError)
            else jinja2.TemplateRuntimeError(f"{type(err).__name__}: {err}")
        )
        failed = [template_problem(root, theme, error.with_traceback(err.__traceback__))]
    return _error_page(root, theme, DEFAULT_PREFIX + ERROR_PAGE, problems + failed, message)


def _error_page(root: Path, theme: Theme, name: str, problems: list[Problem], message: str | None) -> bytes:
    shown = [Shown(p.path, p.line, p.message, _excerpt(root, p.path, p.line)) for p in problems]
    template = environment(ThemeLoader(theme)).get_template(name)
    return template.render(problems=shown, message=message).encode("utf-8")


def _excerpt(root: Path, rel: str, line: int, around: int = 2) -> list[Row]:
    """The lines around `line` of a site file (none for a file refused: a link out of
    the site must not be shown through the error page)."""
    if not line:
        return []
    try:
        data = sitefiles.read_bytes(root, root / rel, limits.CONTENT_FILE_BYTES)
    except (sitefiles.Refused, OSError):
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    first, last = max(1, line - around), min(len(lines), line + around)
    return [Row(number, lines[number - 1], number == line) for number in range(first, last + 1)]


def site_path(target: str) -> str | None:
    """The path a request target names, decoded, or None for anything that could
    leave the site (dot segments, encoded or not; backslashes; absolute-form targets):
    refused rather than normalised."""
    if not target.startswith("/") or target.startswith("//"):
        return None
    path = unquote(urlsplit(target).path)
    parts = path[1:].removesuffix("/").split("/")
    if path != "/" and any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    return path


def resolve(folder: Path, path: str) -> Path:
    """The file a site path (from site_path) names inside `folder`."""
    return folder.joinpath(*path[1:].removesuffix("/").split("/"))


class Handler(BaseHTTPRequestHandler):
    server_version = "goodrel-preview"
    timeout = 60  # seconds a connection may sit idle (the event stream writes every 15)

    def log_message(self, format: str, *args: object) -> None:  # quiet: the terminal is for builds
        pass

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def do_GET(self) -> None:
        self.respond(body=True)

    def respond(self, body: bool) -> None:
        server = cast(Server, self.server)
        preview = server.preview
        if (self.headers.get("Host") or "").lower() not in server.hosts:
            # Only a page of the preview itself asks for it by its own address: any other
            # name (a DNS-rebinding site's, say) is turned away, drafts and all.
            message = f"This preview answers only at http://127.0.0.1:{server.server_port}/\n"
            return self.send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8", message.encode(), body)
        path = site_path(self.path)
        if path == EVENTS and body:
            return self.events(preview)
        if path == RELOAD_SCRIPT:
            return self.send(200, "text/javascript; charset=utf-8", RELOAD_JS, body)
        with preview.changed:
            generation, error, snapshot = preview.generation, preview.error, preview.snapshot
        if path is None or snapshot is None:  # outside the site: never an error page
            return self.send(404, "text/plain; charset=utf-8", b"Not found\n", body)
        # Files: the search index from the background build, and the pictures, each
        # from a folder the preview writes; the theme's from the site. No link leads out.
        if SEARCH_BUNDLE.match(path):
            return self.send_file(preview.folder, resolve(preview.folder, path), body)
        if path.startswith("/assets/"):  # (the site's own theme's, or the default theme's)
            try:
                content = Theme(preview.root).static_bytes(path[len("/assets/") :])
            except (KeyError, ContentError, OSError):  # none, or refused (theme.py)
                content = None
            return self.send_content(path, content, body)
        if path.startswith("/media/"):
            media = preview.live.media
            return self.send_file(media, resolve(media, path[len("/media/") - 1 :]), body)
        if error is not None and (path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]):
            return self.send(500, "text/html; charset=utf-8", self.with_reload(error, generation), body)
        url = path.removesuffix("index.html") if path.endswith("/index.html") else path
        try:
            page = snapshot.page(url)
        except Exception as err:  # a broken template, say: shown, and the preview goes on
            problems = _problems(err, preview.root)
            failed = error_page(preview.root, problems) if problems is not None else preview.failure(err)
            return self.send(500, "text/html; charset=utf-8", self.with_reload(failed, generation), body)
        if page is not None:
            name = "index.html" if url.endswith("/") else url
            content = page.encode()
            kind = mimetypes.guess_type(name)[0] or "text/plain"  # a citation file (.ris)
            if kind == "text/html":
                content = self.with_reload(content, generation)
            return self.send(200, kind + "; charset=utf-8", content, body)
        if url + "/" in snapshot.planned():
            query = urlsplit(self.path).query
            return self.redirect(url + "/" + (f"?{query}" if query else ""))
        text = snapshot.file(url)
        if text is not None:  # (a file made in Python; the web editor's page, /admin/, among them)
            typed = url + "index.html" if url.endswith("/") else url
            kind = mimetypes.guess_type(typed)[0] or "application/octet-stream"
            return self.send(200, kind + "; charset=utf-8", text if isinstance(text, bytes) else text.encode(), body)
        missing = (snapshot.page("/404.html") or "").encode() or NOT_FOUND
        self.send(404, "text/html; charset=utf-8", self.with_reload(missing, generation), body)

    def send_file(self, within: Path, found: Path | None, body: bool) -> None:
        """A file under `within`, unless sitefiles refuses it (a link out, a FIFO…)."""
        try:
            content = sitefiles.read_bytes(within, found, SERVED_BYTES) if found else None
        except (sitefiles.Refused, OSError):  # missing, a folder, a link out, replaced meanwhile
            content = None
        self.send_content(found.name if found else "", content, body)

    def send_content(self, name: str, content: bytes | None, body: bool) -> None:
        """A file's content (None: not found), typed by its name."""
        if content is None:
            return self.send(404, "text/plain; charset=utf-8", b"Not found\n", body)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
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
        """Server-Sent Events: the generation now, then after every save."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                with preview.changed:
                    preview.changed.wait_for(functools.partial(preview.changed_since, sent), timeout=15)
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

    def stamp() -> tuple[int, int, int] | None:
        try:
            info = (root / "site.yaml").stat()
            return info.st_mtime_ns, info.st_size, info.st_ino
        except OSError:
            return None

    settings = stamp()
    while not stop.is_set():
        folders = watched(root)
        if not folders:
            stop.wait(0.5)
            batches: Iterator[set] = iter([set()])
        else:  # (each folder on its own: the watcher itself would follow every link)
            batches = watchfiles.watch(
                *folders, recursive=False, stop_event=stop, rust_timeout=500, yield_on_timeout=True
            )
        for batch in batches:
            changed = sorted({_relative(root, path) for _, path in batch})
            if stamp() != settings:
                settings = stamp()
                changed.append("site.yaml")
            if changed:
                yield changed
            if watched(root) != folders:
                break  # a folder appeared or went: watch the new set


def watched(root: Path) -> list[str]:
    """The real path of every folder the preview watches: the content folders and
    theme/, and every folder under them, a link to a folder followed only as the build
    follows it (sitefiles.inspect_folder: inside the site, never into .git…). A link out
    (to /, say) is never walked: the build refuses it, and the page says so, where the
    watcher would have walked the whole computer and stopped at a folder it may not read."""
    found: set[str] = set()
    todo = [root / name for name in WATCHED]
    while todo:
        folder = todo.pop()
        try:
            real = sitefiles.inspect_folder(root, folder)
            entries = list(os.scandir(real)) if real not in found else []
        except (sitefiles.Refused, OSError):  # (FileNotFoundError: not there, or gone meanwhile)
            continue
        found.add(real)
        todo += [folder / entry.name for entry in entries if entry.is_dir()]
    return sorted(found)


def _relative(root: Path, path: str) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:  # under a symlinked folder such as theme/
        return path


class Server(ThreadingHTTPServer):
    """One thread a connection; a queue of connections long enough that a burst (a
    page's pictures, many tabs, a test's 200 at once) waits to be served rather than
    being dropped and retried a second or more later by the system."""

    request_queue_size = 1024
    daemon_threads = True

    def __init__(self, port: int, preview: Preview):
        super().__init__(("127.0.0.1", port), Handler)
        self.preview = preview
        port = self.server_port
        # The Host headers of the preview's own address (a browser leaves out port 80).
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"} | ({"127.0.0.1", "localhost"} if port == 80 else set())


def serve(root: Path, port: int, drafts: bool) -> int:
    if not (root / "site.yaml").is_file():
        raise UsageError(f"{root} is not a site root: it has no site.yaml (use --site)")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port: use a number from 1024 to 65535")
    if clear_committed_cache(root):
        print(COMMITTED_CACHE, file=sys.stderr)
    sitefiles.own_folder(root, FOLDER)  # (before the preview writes to it: a committed link there is removed)
    preview = Preview(root, drafts)
    try:
        server = Server(port, preview)
    except OSError as err:
        raise UsageError(f"cannot listen on 127.0.0.1:{port} ({err.strerror}): try another --port") from None
    port = server.server_port
    http = threading.Thread(target=server.serve_forever, daemon=True, name="http")
    stop = threading.Event()
    try:
        print("Reading the site…", flush=True)
        preview.reload()
        # What the first load made (chiefly every file as read and validated) lives as
        # long as the preview: spare the garbage collector from walking it after every
        # save (0.1 s at 5,000 stories). The first Site stays in memory for good.
        gc.freeze()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        http.start()
        preview.indexer.start()
        shown = (
            "Drafts and embargoed items are shown, each marked as a draft and kept out of "
            "search engines; add --no-drafts to see only what would be published today."
            if drafts
            else "Only what would be published today is shown (drafts are hidden)."
        )
        print(f"Previewing {root} at http://127.0.0.1:{port}/\n{shown}\nPress Ctrl+C to stop.", flush=True)
        for changed in changes(root, stop):
            print(f"Changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}", flush=True)
            preview.reload()
    except KeyboardInterrupt:
        pass
    finally:
        preview.indexer.close()
        if http.is_alive():
            server.shutdown()
        server.server_close()
    print("Preview stopped.")
    return 0
