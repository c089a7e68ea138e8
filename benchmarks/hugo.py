"""Hugo on the same corpus, set up as its users would run it, for comparison.

    python benchmarks/hugo.py SITE [--hugo /usr/bin/hugo] [--bare]

Makes a Hugo project in SITE.hugo/ whose content is the corpus's stories and events
(hard links, so nothing is copied) and times one `hugo` build into a fresh folder,
then Pagefind over its output (peer_command). Hugo uses all cores. Prints one line of
JSON, as floor.py does.

By default the project is Hugo's defaults, as a peer's site would be: list pages,
taxonomies (tags and categories), RSS and the sitemap, with one plain layout for an
item and one for a list, the item's article marked `data-pagefind-body` so that
Pagefind indexes the items alone, as Pagefind's documentation advises. `--bare` is
the setup this project's benchmark used before (issue 25): one layout, every list,
taxonomy, feed and sitemap turned off, and no `data-pagefind-body`, so that Pagefind
indexed every word of every page.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

CONFIG = 'baseURL = "https://example.org/"\n'
BARE_CONFIG = CONFIG + 'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]\n'
HEAD = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>\n'
SINGLE = HEAD + (
    "<body><main><article data-pagefind-body><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>"
    "{{ .Content }}</article></main></body></html>\n"
)
LIST = HEAD + (
    "<body><main><h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}"
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>'
    "{{ end }}</ul></main></body></html>\n"
)
BARE_SINGLE = SINGLE.replace("<article data-pagefind-body>", "").replace("</article>", "")


def project(site: Path, bare: bool = False) -> Path:
    root = site.with_name(site.name + ".hugo")
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(BARE_CONFIG if bare else CONFIG)
    (root / "layouts" / "_default" / "single.html").write_text(BARE_SINGLE if bare else SINGLE)
    if not bare:
        (root / "layouts" / "_default" / "list.html").write_text(LIST)
    for folder in ("stories", "events"):
        target = root / "content" / folder
        target.mkdir(parents=True)
        for path in (site / folder).glob("*.md"):
            (target / path.name).hardlink_to(path)
    return root


def peer_command(hugo: str, root: Path, search: bool) -> list[str]:
    """Hugo's build of `root`, followed (with `search`) by Pagefind's own binary over its
    output, as a Hugo site's users run it (`npx pagefind --site public`)."""
    build = [hugo, "--source", str(root), "--destination", str(root / "public"), "--quiet"]
    if not search:
        return build
    from pagefind_bin import get_executable

    script = '"$1" --source "$2" --destination "$2/public" --quiet && "$3" --site "$2/public" --quiet'
    return ["sh", "-c", script, "hugo+pagefind", hugo, str(root), str(get_executable())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--hugo", default=shutil.which("hugo") or "/usr/bin/hugo")
    parser.add_argument("--bare", action="store_true", help="the earlier setup (see above)")
    args = parser.parse_args(argv)
    root = project(args.site.resolve(), args.bare)
    started = time.perf_counter()
    subprocess.run(peer_command(args.hugo, root, search=True), check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    files = len(list((root / "content").glob("*/*.md")))
    shutil.rmtree(root)
    print(json.dumps({"files": files, "seconds": round(seconds, 4), "ms_per_file": round(1000 * seconds / files, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
