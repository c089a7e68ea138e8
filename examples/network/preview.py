"""The sample network, for a first look at how sites share stories (`./dev network`):
the two sample member sites here are built and served on 127.0.0.1, and the bundled
site is built as their hub and served at http://127.0.0.1:8000/ (its /network/ page
lists the members). Press Enter to build everything again after editing a member's
story (withdraw one, and it is gone from the hub); Ctrl-C stops.

Everything is built into a temporary folder, removed when this stops: the bundled
site's own folder and its site.yaml are left as they are."""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from goodrel_site.cli import main as goodrel

HERE = Path(__file__).resolve().parent
BUNDLED = HERE.parent.parent  # the bundled site: this repository's own site.yaml, stories…
MEMBERS = ("pennine-voices", "severn-together")
SITE_FOLDERS = ("stories", "events", "pages")  # (and site.yaml; the default theme is the engine's)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """`folder` served on 127.0.0.1:`port` (0: any free port) from a thread; it may be
    built after this starts, and built again while it runs."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def address(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


def hub_site(work: Path, members: dict[str, str]) -> Path:
    """A copy of the bundled site in `work`, whose site.yaml lists `members` (key ->
    address) as its network."""
    root = work / "hub"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    for name in SITE_FOLDERS:
        shutil.copytree(BUNDLED / name, root / name)
    listed = "".join(f"    - url: {url}\n      key: {key}\n" for key, url in members.items())
    settings = (BUNDLED / "site.yaml").read_text("utf-8")
    (root / "site.yaml").write_text(f"{settings.rstrip()}\n\nnetwork:\n  members:\n{listed}", "utf-8")
    return root


def build(site: Path, out: Path, *extra: str) -> bool:
    return goodrel(["build", "--site", str(site), "--out", str(out), "--quiet", *extra]) == 0


def build_network(work: Path, members: dict[str, str], hub_out: Path) -> bool:
    """Each member built at its address (into work/KEY), then the hub, which fetches
    their feeds from there; whether all were built (each build says what failed)."""
    built = [build(HERE / key, work / key, "--base-url", url, "--no-search") for key, url in members.items()]
    return all(built) and build(hub_site(work, members), hub_out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (default 8000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="goodrel-network-") as folder:
        work = Path(folder)
        servers = {key: serve(work / key, 0) for key in MEMBERS}
        members = {key: address(server) for key, server in servers.items()}
        hub_out = work / "hub-public"
        try:
            hub = serve(hub_out, args.port)
        except OSError as err:
            print(f"127.0.0.1:{args.port} cannot be served ({err.strerror}): give another with --port", file=sys.stderr)
            return 2
        if not build_network(work, members, hub_out):
            return 1
        for key, url in members.items():
            print(f"Member {key}: {url}")
        print(f"The hub, the bundled site with its members' stories: {address(hub)} (see {address(hub)}network/)")
        print("Edit a member's story under examples/network/ and press Enter to build again; Ctrl-C stops.")
        try:
            for _ in sys.stdin:
                done = build_network(work, members, hub_out)
                print("Built again." if done else "Not built: fix what is said above and press Enter again.")
            threading.Event().wait()  # (no terminal to read from: serve until stopped)
        except KeyboardInterrupt:
            pass
        finally:
            for server in (*servers.values(), hub):
                server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
