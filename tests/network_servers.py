"""Members for the network tests, served on 127.0.0.1: a well-behaved one (its feed
set by the test, answering conditional requests by ETag) and hostile ones, each at a
path of its own: /garbage/, /silent/ (never answers), /drip/ (a byte at a time, for
ever), /endless/ (a body without end), /away/ (redirects to another host), /home/
(redirects within its origin), /broken/ (500)."""

from __future__ import annotations

import hashlib
import http.server
import threading
import time


class Members:
    def __init__(self) -> None:
        self.feeds: dict[str, bytes] = {}  # path prefix ("/good/") -> the feed's bytes
        self.requests: list[tuple[str, str | None]] = []  # (path, If-None-Match)
        self._stop = threading.Event()
        members = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                members.requests.append((self.path, self.headers.get("If-None-Match")))
                prefix = "/" + self.path.strip("/").split("/")[0] + "/"
                getattr(self, "_" + prefix.strip("/"), self._feed)(prefix)

            def _feed(self, prefix: str) -> None:
                body = members.feeds.get(prefix)
                if body is None:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(body, etag)

            def _send(self, body: bytes, etag: str | None = None) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def _garbage(self, prefix: str) -> None:
                self._send(b"\x00\xff<html>not a feed")

            def _silent(self, prefix: str) -> None:
                members._stop.wait(60)

            def _drip(self, prefix: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    while not members._stop.is_set():
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.05)
                except OSError:
                    pass

            def _endless(self, prefix: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    while not members._stop.is_set():
                        self.wfile.write(b"[" * 65536)
                except OSError:
                    pass

            def _away(self, prefix: str) -> None:
                port = self.server.server_address[1]
                self.send_response(302)
                self.send_header("Location", f"http://localhost:{port}/good/data/network.json")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _home(self, prefix: str) -> None:
                self.send_response(301)
                self.send_header("Location", "/good/data/network.json")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _broken(self, prefix: str) -> None:
                self.send_error(500)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
