"""A hub of many members, served on 127.0.0.1: the clean build's time and peak memory,
and a rebuild where no member changed (one conditional request each, nothing rendered).

    python benchmarks/network.py                          # 100 members x 500 stories
    python benchmarks/network.py --members 20 --stories 100 --search
    python benchmarks/network.py --members 20 --stories 20 --pad 30   # each feed padded with 30 MB of spaces

Each member's feed (/data/network.json) is written once, deterministically, in the
shape goodrel_site/network/feed.py reads, with generated words (generate.py's), and
served by a static server in a process of its own that answers If-Modified-Since with
304 (python -m http.server); with --pad, each feed ends in that many MB of spaces
(still a valid feed: what a hostile member may send to grow the hub). The
hub is a generated site of 20 stories listing every member. Peak memory as run.py
measures it: the largest single process, and the sum over the build's process tree.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import shutil
import socket
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate, run = _module("generate"), _module("run")
VOCABULARIES = ("categories", "approaches", "divides", "themes", "regions")


def member_feed(url: str, stories: int, seed: int, vocab: dict) -> dict:
    rng = random.Random(seed)
    words = generate.Words(rng)
    start = date(2012, 1, 1)
    shared = []
    for i in range(stories):
        slug = f"story-{i:05d}"
        paragraphs = [words.paragraph(rng.randint(3, 6)) for _ in range(rng.randint(3, 7))]
        shared.append(
            {
                "id": f"{url}stories/{slug}/",
                "slug": slug,
                "url": f"{url}stories/{slug}/",
                "title": words.title(),
                "summary": words.sentence(),
                "date": (start + timedelta(days=rng.randrange(5000))).isoformat(),
                "updated": None,
                "lang": "en",
                "translation_of": None,
                "categories": rng.sample(vocab["categories"], rng.randint(1, 2)),
                "approaches": rng.sample(vocab["approaches"], rng.randint(0, 2)),
                "divides": rng.sample(vocab["divides"], rng.randint(0, 2)),
                "themes": rng.sample(vocab["themes"], rng.randint(0, 1)),
                "region": rng.choice(vocab["regions"]),
                "area": None,
                "area_code": None,
                "place": None,
                "organisations": [f"Group {rng.randrange(400)}"],
                "event": None,
                "quote": None,
                "outcomes": [],
                "contact": None,
                "image": None,
                "tags": [],
                "featured": False,
                "anonymised": False,
                "html": "".join(f"<p>{p}</p>\n" for p in paragraphs),
                "text": "\n\n".join(paragraphs),
            }
        )
    shared.sort(key=lambda s: s["id"])
    return {
        "format": "goodrel-network-feed",
        "version": 1,
        "member": {
            "title": f"Member {seed}",
            "url": url,
            "description": "A member of the benchmark network.",
            "publisher": f"Member {seed} Trust",
            "language": "en",
            "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "contact": None,
        },
        "stories": shared,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--stories", type=int, default=500, help="stories per member")
    parser.add_argument("--search", action="store_true", help="build the search index too")
    parser.add_argument("--pad", type=int, default=0, help="MB of spaces after each feed")
    parser.add_argument("--work", type=Path, default=Path("/tmp/goodrel-network-bench"))
    args = parser.parse_args()
    work = args.work / f"{args.members}x{args.stories}" / f"pad{args.pad}"
    served, hub = work / "members", work / "hub"
    served.mkdir(parents=True, exist_ok=True)
    log = work / "requests.log"
    with socket.socket() as free:  # (a port for the server, which runs in a process of its own)
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(served)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    if hub.exists():
        shutil.rmtree(hub)
    generate.generate(hub, stories=20, events=2, seed=3)
    settings = (hub / "site.yaml").read_text()
    vocab = {k: list(v) for k, v in yaml.safe_load(settings).items() if k in VOCABULARIES}
    urls = [f"{base}/m{i:03d}/" for i in range(args.members)]
    for i, url in enumerate(urls):
        path = served / f"m{i:03d}" / "data" / "network.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(member_feed(url, args.stories, i, vocab), ensure_ascii=False)
        path.write_text(text + " " * (args.pad * 2**20))
    listed = "".join(f"    - url: {url}\n" for url in urls)
    (hub / "site.yaml").write_text(settings + f"network:\n  members:\n{listed}")
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    feeds = sum(p.stat().st_size for p in served.rglob("network.json"))
    print(
        f"{args.members} members x {args.stories} stories ({feeds / 1e6:.0f} MB of feeds, "
        f"{args.pad} MB of padding each), search: {args.search}"
    )
    for what in ("clean build", "no member changed"):
        seen = len(log.read_text().splitlines())
        found = run.measure(run.build_cmd(hub, out, args.search))
        answers = [line for line in log.read_text().splitlines()[seen:] if '"GET ' in line]
        print(
            f"| {what} | {found['seconds']:.1f} s | {found['max_rss'] / 2**20:,.0f} MB largest process "
            f"| {found['tree_pss'] / 2**20:,.0f} MB all processes | {len(answers)} requests, "
            f"{sum(' 304 ' in line for line in answers)} answered 304 |"
        )
    server.kill()
    server.wait()


if __name__ == "__main__":
    sys.exit(main())
