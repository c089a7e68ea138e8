"""Issue 19: a .goodrel-cache/ restored from another run (CI restores it between runs)
is data, never code. Nothing compiled is kept there to be run (Jinja's compiled
templates were: a planted one ran on the next build), and every file the build
publishes from the store is checked against the digest it is stored under, when read:
a file that does not match is a miss, made again."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from conftest import build, tree_hashes

from goodrel_site.records import FOLDER, code_version
from goodrel_site.render import DEFAULT_PREFIX, environment
from goodrel_site.theme import Theme

PLANTED = "PLANTED-BY-A-RESTORED-CACHE"


def _plant_compiled_templates(site: Path) -> int:
    """Compiled templates where Jinja's FileSystemBytecodeCache (as the build kept it)
    would look for them, each under its template's own key and checksum, rendering
    PLANTED: what a forged cache could hold. The number planted."""
    import jinja2
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    folder = site / FOLDER / "templates" / code_version()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    cache, env = FileSystemBytecodeCache(str(folder)), environment(jinja2.BaseLoader())
    theme, planted = Theme(site), 0
    names = [*theme.templates, *(DEFAULT_PREFIX + name for name in theme._default_templates)]
    for name in names:
        source, filename = theme.template(name.removeprefix(DEFAULT_PREFIX), name.startswith(DEFAULT_PREFIX))
        bucket = Bucket(env, cache.get_cache_key(name, filename), hashlib.sha1(source.encode()).hexdigest())
        bucket.code = env.compile(PLANTED, name, filename)
        cache.dump_bytecode(bucket)
        planted += 1
    return planted


def test_compiled_templates_in_the_cache_are_never_run(site):
    assert build(site) == 0
    assert _plant_compiled_templates(site) > 10
    shutil.rmtree(site / "public")  # (so the build renders every page again)
    shutil.rmtree(site / FOLDER / "store")
    assert build(site) == 0
    assert not any(PLANTED in p.read_text("utf-8", "replace") for p in (site / "public").rglob("*.html"))


def test_the_build_keeps_nothing_compiled(site):
    assert build(site) == 0
    assert build(site, None, "--quiet") == 0
    kept = [p for p in (site / FOLDER).rglob("*") if p.is_file()]
    assert kept and not [p for p in kept if "jinja" in p.name or p.suffix in (".cache", ".pyc")]


def test_a_stored_file_that_does_not_match_its_digest_is_made_again(site, tmp_path):
    assert build(site) == 0
    clean = tree_hashes(site / "public")
    store = site / FOLDER / "store"
    forged = 0
    for path in store.iterdir():  # (a new file under each name, as a restored cache brings)
        data = path.read_bytes()
        if b"</body>" in data:
            data = data.replace(b"</body>", f"<p>{PLANTED}</p></body>".encode())
            path.unlink()
            path.write_bytes(data)
            forged += 1
    assert forged > 10
    shutil.rmtree(site / "public")
    assert build(site) == 0
    assert tree_hashes(site / "public") == clean
    assert not any(PLANTED in p.read_text("utf-8", "replace") for p in (site / "public").rglob("*.html"))
    assert not any(PLANTED.encode() in p.read_bytes() for p in store.iterdir())  # (made again there too)
