"""The build cache in a site's CI (issue 23): the workflow `init` writes restores and
saves .goodrel-cache with actions/cache, keyed by the engine's version, its packages
and the theme, and a run that restores the cache into a fresh checkout (new files, new
times, new inodes: nothing of the last run but the cache) renders again only the pages
a one-story change touches, and publishes what a clean build publishes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import NOW, run

from goodrel_site import __version__, stages
from goodrel_site.options import Options
from goodrel_site.pipeline import build

PREFIX = "goodrel-${{ steps.engine.outputs.version }}-${{ hashFiles('requirements.txt', 'constraints.txt') }}-${{ hashFiles('theme/**') }}-"
GIT = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A",
       "GIT_COMMITTER_EMAIL": "a@example.org"}  # fmt: skip


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT})


def test_the_workflow_keeps_the_cache_per_engine_packages_and_theme(tmp_path: Path):
    assert run("init", str(tmp_path / "ours")) == 0
    workflow = yaml.safe_load((tmp_path / "ours/.github/workflows/site.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    names = [s.get("id") or s.get("uses") or s.get("name") for s in steps]
    cache = next(s for s in steps if s.get("uses") == "actions/cache@v4")
    assert cache["with"] == {"path": ".goodrel-cache", "key": PREFIX + "${{ github.run_id }}", "restore-keys": PREFIX}
    build_step = next(i for i, s in enumerate(steps) if s.get("run", "").startswith("goodrel build"))
    assert names.index("engine") < names.index("actions/cache@v4") < build_step
    assert "actions/cache@v4" not in str(workflow["jobs"]["check"])  # (pull requests never build)
    # The step that names the engine gives what goodrel --version says.
    engine = next(s for s in steps if s.get("id") == "engine")
    output = tmp_path / "output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    subprocess.run(["bash", "-c", engine["run"]], env=env, check=True)
    assert output.read_text() == f"version={__version__}\n"


def _counted(monkeypatch) -> list[str]:
    """The addresses of the pages the builds from here on render (not link from the store)."""
    rendered: list[str] = []
    real = stages.write

    def counting(renderer, items, *args):
        rendered.extend(page.url for page, _ in items)
        return real(renderer, items, *args)

    monkeypatch.setattr(stages, "write", counting)
    return rendered


def _build(folder: Path) -> None:
    build(Options(site=folder, out=folder / "public", now=NOW, jobs=1, search=False))


def _ci_run(origin: Path, folder: Path, saved: Path | None, rendered: list[str]) -> list[str]:
    """One CI run: a fresh clone, the cache restored from `saved` (a tar, as actions/cache
    keeps it), a build; the pages it rendered. Its cache is saved back into `saved`."""
    git("clone", "-q", str(origin), str(folder), cwd=origin.parent)
    if saved.exists():
        subprocess.run(["tar", "-xf", str(saved)], cwd=folder, check=True)
    rendered.clear()
    _build(folder)
    subprocess.run(["tar", "-cf", str(saved), ".goodrel-cache"], cwd=folder, check=True)
    return sorted(rendered)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(root: Path) -> None:
    with sorted((root / "stories").glob("*.md"))[3].open("a", encoding="utf-8") as f:
        f.write("\nA sentence added in a pull request.\n")


def test_a_one_story_change_in_ci_renders_only_its_pages(corpus: Path, tmp_path: Path, monkeypatch):
    rendered, saved = _counted(monkeypatch), tmp_path / "cache.tar"
    origin = tmp_path / "origin"
    shutil.copytree(corpus, origin)
    git("init", "-q", "-b", "main", cwd=origin)
    git("add", "-A", cwd=origin)
    git("commit", "-q", "-m", "Our stories", cwd=origin)
    everything = _ci_run(origin, tmp_path / "run1", saved, rendered)
    assert len(everything) > 200

    # The same edit, made where the last build ran: what an incremental build renders.
    _edit(tmp_path / "run1")
    rendered.clear()
    _build(tmp_path / "run1")
    incremental = sorted(rendered)
    assert 0 < len(incremental) < len(everything) / 5

    _edit(origin)
    git("commit", "-q", "-am", "One story edited", cwd=origin)
    assert _ci_run(origin, tmp_path / "run2", saved, rendered) == incremental
    clean = tmp_path / "clean"
    build(Options(site=tmp_path / "run2", out=clean, now=NOW, search=False, cache=False))
    assert _files(tmp_path / "run2/public") == _files(clean)

    # The daily rebuild, with nothing changed: nothing rendered, the whole site published.
    assert _ci_run(origin, tmp_path / "run3", saved, rendered) == []
    assert _files(tmp_path / "run3/public") == _files(clean)
