"""Fetching the members' feeds for a hub's build, with the standard library alone.

A member is untrusted: its feed is fetched over https (plain http only from a loopback
address, 127.0.0.0/8 or ::1, for trials and tests; the address a name resolves to is
checked too, and that checked address is the one connected to), within limits.py's
bytes and seconds (a total deadline, so a body sent a byte at a time stops at it too),
following redirects only within the member's own origin, and a few members at a time.

A feed is asked for conditionally: the last one received is kept in
.goodrel-cache/network/ with its ETag and Last-Modified, and used only when the
member answers 304, confirming it is still its current feed. A member that cannot be
fetched contributes nothing, and its kept feed is deleted (fail closed: no stale copy
is ever used, and none of a story withdrawn since stays in the cache)."""

from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .. import limits, sitefiles
from ..load import LoadError, load_yaml, read_text
from ..records import FOLDER, digest, read_record, write_record

FEED = "data/network.json"  # a member's feed, below its url
CACHE = "network"  # the kept feeds' folder in the cache
_FORMAT = "network-1"
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """One member's feed as this build has it: its bytes, or why there are none."""

    url: str  # the member's url, as site.yaml gives it
    body: bytes | None
    why: str = ""  # one line, when body is None


class Refused(Exception):
    """Why a member's feed cannot be had (one line, said for the hub's editors)."""


def members(root: Path) -> list[str]:
    """The member urls site.yaml lists (network.members[].url), read before the build's
    stages so that the feeds are among what the up-to-date check compares; a site.yaml
    the stages will refuse lists none here (they say what is wrong with it)."""
    try:
        data, _ = load_yaml(read_text(root, root / "site.yaml", limits.SETTINGS_BYTES), "site.yaml")
    except LoadError:
        return []
    network = data.get("network") if isinstance(data, dict) else None
    listed = network.get("members") if isinstance(network, dict) else None
    if not isinstance(listed, list):
        return []
    found = [m.get("url") for m in listed[: limits.NETWORK_MEMBERS] if isinstance(m, dict)]
    return [url for url in found if isinstance(url, str)]


def feed_url(member: str) -> str:
    return urljoin(member, FEED)


def origin(url: str) -> tuple[str, str, int]:
    """An address's scheme, host and port (the default port filled in)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise Refused(f"{url!r} has a port that is not a number from 0 to 65535") from None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or ""), port or (443 if scheme == "https" else 80)


def refusal(url: str) -> str | None:
    """Why a member's address may not be fetched from, before anything is looked up;
    None if it may (localhost, given with http, is still checked where it resolves)."""
    try:
        scheme, host, _ = origin(url)
    except Refused as err:
        return str(err)
    if scheme not in ("http", "https") or not host:
        return f"{url!r} is not an https:// address"
    if scheme == "http" and host != "localhost" and not _loopback(host):
        return f"{url!r} is plain http to another computer: only https is fetched (http only from 127.0.0.1 or ::1)"
    return None


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _loopback(address: str) -> bool:
    found = _literal(address.split("%", 1)[0])
    return found is not None and found.is_loopback


def fetch_all(members: list[str], root: Path, conditional: bool = True) -> dict[str, Fetched]:
    """Every member's feed (by member url), a few at a time (limits.NETWORK_AT_ONCE),
    each kept in the site's .goodrel-cache/network/ for the next build's conditional
    request (`conditional` False: each asked for afresh), and nothing else kept there."""
    folder = root / FOLDER / CACHE
    members = list(dict.fromkeys(members))
    if members:
        sitefiles.folder(root, folder)  # (made once, before the threads write in it)
    with ThreadPoolExecutor(max_workers=max(1, min(limits.NETWORK_AT_ONCE, len(members)))) as pool:
        found = dict(zip(members, pool.map(lambda m: _member(m, folder, conditional), members), strict=True))
    if folder.is_dir():
        kept = {_kept_name(m) for m, f in found.items() if f.body is not None}
        for old in os.scandir(folder):
            if old.name not in kept:
                os.unlink(old.path)
    return found


def _kept_name(member: str) -> str:
    return digest("network feed", member)  # (the cache names no member)


def _member(member: str, folder: Path, conditional: bool) -> Fetched:
    """One member's feed, kept (or its kept copy deleted) as the answer says."""
    kept = folder / _kept_name(member)
    known = read_record(kept, _FORMAT) if conditional else None
    attempt = _Attempt(feed_url(member), known)
    worker = threading.Thread(target=attempt.run, daemon=True)
    worker.start()
    worker.join(limits.NETWORK_SECONDS)
    if worker.is_alive():  # (still looking the name up: the socket, if any, is cut at the deadline)
        attempt.stop()
        result = Fetched(member, None, f"no answer within {limits.NETWORK_SECONDS} seconds")
    elif attempt.body is None:
        result = Fetched(member, None, attempt.why)
    else:
        result = Fetched(member, attempt.body)
    if result.body is None or (attempt.fresh and not any(attempt.validators)):
        kept.unlink(missing_ok=True)
    elif attempt.fresh:
        write_record(kept, _FORMAT, (*attempt.validators, result.body))
    return result


def _settled(headers: dict[str, str]) -> str:
    """The Last-Modified to ask If-Modified-Since with next time, or "" when it is not
    safely in the past: it counts whole seconds, so a feed changed again within the
    second it was fetched in would be answered 304, and a withdrawal missed (found by
    the tests, under load). Only a date at least two seconds before the answer's own
    (Date, else this clock) is kept."""
    modified = headers.get("last-modified", "")[:1000]
    try:
        then = parsedate_to_datetime(modified).timestamp()
        now = parsedate_to_datetime(headers["date"]).timestamp() if "date" in headers else time.time()
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""
    return modified if then <= now - 2 else ""


class _Attempt:
    """One member's fetch, run in a thread of its own so that the deadline holds even
    while a name is looked up (which no socket timeout bounds)."""

    def __init__(self, url: str, known: tuple | None):
        self.url, self.known = url, known
        self.deadline = time.monotonic() + limits.NETWORK_SECONDS
        self.body: bytes | None = None
        self.why = "no answer"
        self.fresh = False  # a new body (200), not the kept one (304)
        self.validators: tuple[str, str] = ("", "")  # ETag, Last-Modified
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._stopped = False

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._sock is not None:
                try:
                    self._sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def run(self) -> None:
        try:
            self._run()
        except Refused as err:
            self.why = str(err)
        except (OSError, http.client.HTTPException, ValueError) as err:
            self.why = _failure(err)
        if self._stopped:
            self.body = None

    def _run(self) -> None:
        home = origin(self.url)
        url = self.url
        for _ in range(limits.NETWORK_REDIRECTS + 1):
            why = refusal(url)
            if why:
                raise Refused(why)
            status, headers, body = self._get(url)
            if status in _REDIRECTS:
                target = urljoin(url, headers.get("location", ""))
                if origin(target) != home:
                    raise Refused(f"redirected to {_shown(target)}, outside the member's own site")
                url = target
                continue
            if status == 304 and self.known is not None:
                self.validators, self.body = (self.known[0], self.known[1]), self.known[2]
                return
            if status != 200:
                raise Refused(f"{_shown(url)} answered {status} (not 200)")
            self.validators = (headers.get("etag", "")[:1000], _settled(headers))
            self.body, self.fresh = body, True
            return
        raise Refused(f"more than {limits.NETWORK_REDIRECTS} redirects")

    def _get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        scheme, host, port = origin(url)
        address = self._resolve(scheme, host, port)
        connection = _Connection(scheme, host, port, address, self._remaining())
        try:
            target = urlsplit(url)
            path = (target.path or "/") + (f"?{target.query}" if target.query else "")
            headers = {"Accept": "application/json", "Accept-Encoding": "identity", "User-Agent": "goodrel-site"}
            if self.known is not None:
                etag, modified = self.known[:2]
                if etag:
                    headers["If-None-Match"] = etag
                if modified:
                    headers["If-Modified-Since"] = modified
            connection.connect()
            with self._lock:
                self._sock = connection.sock
                if self._stopped:
                    raise Refused(f"no answer within {limits.NETWORK_SECONDS} seconds")
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            found = {name.lower(): value for name, value in response.getheaders()}
            if response.status != 200:
                return response.status, found, b""
            if found.get("content-encoding", "identity").lower() != "identity":
                raise Refused("sent its feed compressed, though asked not to")
            length = found.get("content-length", "")
            if length.isdigit() and int(length) > limits.NETWORK_FEED_BYTES:
                raise Refused(f"its feed is larger than {limits.NETWORK_FEED_BYTES:,} bytes")
            return 200, found, self._read(connection.sock or self._sock, response)
        finally:
            connection.close()
            if self._sock is not None:
                self._sock.close()

    def _read(self, sock: socket.socket | None, response: http.client.HTTPResponse) -> bytes:
        """The body, within the bytes and the deadline (the connection may have let go
        of its socket, when the body ends with it: the response reads it still)."""
        body = bytearray()
        assert sock is not None
        while True:
            sock.settimeout(self._remaining())
            chunk = response.read1(_CHUNK)
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > limits.NETWORK_FEED_BYTES:
                raise Refused(f"its feed is larger than {limits.NETWORK_FEED_BYTES:,} bytes")

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Refused(f"no answer within {limits.NETWORK_SECONDS} seconds")
        return left

    def _resolve(self, scheme: str, host: str, port: int) -> str:
        """The address to connect to: for plain http, only a loopback one."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise Refused(f"{host!r} is not a name that can be looked up") from None
        addresses = [str(info[4][0]) for info in found]
        if scheme == "http" and not all(map(_loopback, addresses)):
            raise Refused(f"{host!r} is reached over plain http but is not this computer (only https is fetched)")
        if not addresses:
            raise Refused(f"{host!r} has no address")
        return str(addresses[0])


class _Connection(http.client.HTTPConnection):
    """A connection to an address already checked (no second lookup, which could give
    another), speaking TLS to the name for https."""

    def __init__(self, scheme: str, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._scheme, self._address = scheme, address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        if self._scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def _failure(err: Exception) -> str:
    if isinstance(err, (TimeoutError, socket.timeout)):
        return f"no answer within {limits.NETWORK_SECONDS} seconds"
    if isinstance(err, ssl.SSLError):
        return f"its https could not be trusted ({err.reason or 'TLS error'})"
    if isinstance(err, ConnectionRefusedError):
        return "refused the connection (is it down?)"
    if isinstance(err, http.client.HTTPException):
        return f"did not answer in HTTP ({type(err).__name__})"
    return f"could not be reached ({type(err).__name__}: {str(err)[:200]})"


def _shown(url: str) -> str:
    return repr(url if len(url) <= 100 else url[:97] + "...")
