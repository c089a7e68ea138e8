"""Incremental builds: whatever the cache reuses, the output is byte for byte what a
clean build makes, through edits, additions, deletions, withdrawals, settings and
template changes, and a failed build in between."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from goodrel_site import stages
from goodrel_site.pipeline import Options, build
from goodrel_site.problems import ContentError

REPO = Path(__file__).resolve().parent.parent
NOW = date(2026, 11, 28)
# Pagefind writes its filter files, and the hashes naming them, differently from run to
# run even for the same pages (upstream issue Pagefind #638): those are left out.
UNSTABLE = re.compile(r"^pagefind/(filter/|pagefind-entry\.json$|pagefind\.[^/]+\.pf_meta$)")


def _generator():
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "site"
    _generator().generate(root, stories=60, events=4, seed=7, copy_theme=True)
    return root


@pytest.fixture
def site(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(corpus, root, symlinks=True)
    return root


def tree(folder: Path) -> dict[str, str]:
    return {rel: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and not UNSTABLE.match(rel := p.relative_to(folder).as_posix())}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino
            for p in folder.rglob("*.html") if p.is_file()}


def rebuild(root: Path, *, search: bool = False, jobs: int = 1) -> Path:
    out = root / "public"
    build(Options(site=root, out=out, now=NOW, jobs=jobs, search=search))
    return out


def assert_as_clean(root: Path, tmp_path: Path, *, search: bool = False, jobs: int = 1) -> Path:
    """Rebuild with the cache, build afresh without it, and compare every file."""
    out = rebuild(root, search=search, jobs=jobs)
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(Options(site=root, out=clean, now=NOW, search=search, cache=False))
    got, want = tree(out), tree(clean)
    assert sorted(got) == sorted(want)
    assert [f for f in want if got[f] != want[f]] == []
    return out


def story_files(root: Path) -> list[Path]:
    return sorted((root / "stories").glob("*.md"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def front(path: Path, key: str) -> str:
    return re.search(rf"^{key}: (.*)$", path.read_text("utf-8"), re.M).group(1)


def set_front(path: Path, key: str, value: str) -> None:
    text = path.read_text("utf-8")
    path.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M), "utf-8")


def public(root: Path) -> list[Path]:
    return [p for p in story_files(root) if "status: published" in (text := p.read_text("utf-8"))
            and "  status: given" in text and "publish_on" not in text and "translation_of" not in text]


def unlinked(root: Path) -> Path:
    """A public story that no other file links to or translates, so it can go."""
    text = "".join(p.read_text("utf-8") for p in story_files(root))
    for path in public(root):
        if f"/{path.name})" not in text and f"translation_of: {front(path, 'slug')}" not in text:
            return path
    raise AssertionError("every story is linked to")


def test_a_body_edit_renders_only_that_page_again(site: Path, tmp_path: Path) -> None:
    before = inodes(assert_as_clean(site, tmp_path))
    path = unlinked(site)
    slug = front(path, "slug")
    with path.open("a", encoding="utf-8") as f:
        f.write("\nA sentence added by an editor.\n")
    out = assert_as_clean(site, tmp_path)
    after = inodes(out)
    assert "A sentence added by an editor." in (out / "stories" / slug / "index.html").read_text("utf-8")
    assert sorted(p for p in after if after[p] != before.get(p)) == [f"stories/{slug}/index.html"]


def test_no_change_reuses_every_page(site: Path, tmp_path: Path) -> None:
    before = inodes(assert_as_clean(site, tmp_path))
    assert inodes(assert_as_clean(site, tmp_path)) == before


def test_a_build_with_nothing_changed_is_skipped_and_any_change_is_seen(site: Path, tmp_path: Path) -> None:
    out = assert_as_clean(site, tmp_path)
    before = tree(out)

    def again(now: date = NOW) -> bool:
        """Build with the cache; whether it was skipped as up to date."""
        return build(Options(site=site, out=out, now=now, jobs=1, search=False)).skipped

    assert again() and tree(out) == before
    # The output changed by hand (a file gone, a file added): built again, and mended.
    page = next(out.glob("stories/*/index.html"))
    page.unlink()
    (out / "stray.txt").write_text("left over")
    assert not again() and tree(out) == before
    assert again()
    # Another build date; a story, the settings or the theme edited: built again.
    assert not again(date(2026, 11, 29))
    assert not again()
    edit(public(site)[1], "\n\n", "\n\nOne more sentence.\n\n")
    assert not again()
    edit(site / "site.yaml", "{label: London,", "{label: Greater London,")
    assert not again()
    edit(site / "theme" / "templates" / "base.html", "</body>", "<!-- changed -->\n</body>")
    assert not again()
    assert again()
    assert_as_clean(site, tmp_path)


def test_a_sequence_of_changes_gives_what_a_clean_build_gives(site: Path, tmp_path: Path) -> None:
    assert_as_clean(site, tmp_path)
    stories = public(site)

    # A title shows in listings, term pages, related stories and feeds.
    edit(stories[3], f"title: {front(stories[3], 'title')}", "title: A new title for this story")
    assert_as_clean(site, tmp_path)

    # Terms change: term pages, the story's related stories and theirs.
    edit(stories[5], "categories:\n", "categories:\n- tackling-tensions\n")
    set_front(stories[5], "region", "london")
    assert_as_clean(site, tmp_path)

    # A new story, newest of all: every listing's pages shift by one.
    text = stories[0].read_text("utf-8")
    (site / "stories" / "brand-new.md").write_text(text, "utf-8")
    set_front(site / "stories" / "brand-new.md", "slug", "brand-new")
    set_front(site / "stories" / "brand-new.md", "date", "'2026-11-01'")
    assert_as_clean(site, tmp_path)

    # A story deleted, and one withheld (draft, then consent withdrawn).
    unlinked(site).unlink()
    target = unlinked(site)
    edit(target, "status: published", "status: draft")
    assert_as_clean(site, tmp_path)
    edit(target, "status: draft", "status: published")
    edit(target, "  status: given", "  status: withdrawn")
    assert_as_clean(site, tmp_path)

    # A translation: both versions link to each other.
    translation = site / "stories" / "a-translation.md"
    translation.write_text(stories[10].read_text("utf-8"), "utf-8")
    set_front(translation, "slug", f"a-translation\nlang: pl\ntranslation_of: {front(stories[10], 'slug')}")
    assert_as_clean(site, tmp_path)

    # A settings change (a term's label) and a template change.
    edit(site / "site.yaml", "{label: London,", "{label: Greater London,")
    assert_as_clean(site, tmp_path)
    edit(site / "theme" / "templates" / "base.html", "</body>", "<!-- changed -->\n</body>")
    assert_as_clean(site, tmp_path)

    # A free page's title is in every page's navigation.
    edit(site / "pages" / "about.md", "title: About this benchmark site", "title: About us")
    assert_as_clean(site, tmp_path)


def test_a_failed_build_leaves_the_output_and_the_cache_sound(site: Path, tmp_path: Path) -> None:
    out = assert_as_clean(site, tmp_path)
    before = tree(out)
    gone = unlinked(site)
    linker = next(p for p in public(site) if p != gone)
    with linker.open("a", encoding="utf-8") as f:
        f.write(f"\nSee [the other story]({gone.name}).\n")
    gone.unlink()
    with pytest.raises(ContentError):
        rebuild(site)
    assert tree(out) == before
    edit(linker, f"\nSee [the other story]({gone.name}).\n", "\n")
    assert_as_clean(site, tmp_path)


def test_an_image_replaced_under_the_same_name(site: Path, tmp_path: Path) -> None:
    story = public(site)[2]
    Image.new("RGB", (640, 400), (200, 40, 40)).save(site / "stories" / "picture.png")
    edit(story, "consent:", "image: {src: picture.png, alt: A red square}\nconsent:")
    with story.open("a", encoding="utf-8") as f:
        f.write("\n![A red square again](picture.png)\n")
    assert_as_clean(site, tmp_path)
    Image.new("RGB", (500, 500), (40, 40, 200)).save(site / "stories" / "picture.png")
    assert_as_clean(site, tmp_path)


def test_search_index_is_reused_only_while_the_pages_are_the_same(site: Path, tmp_path: Path) -> None:
    assert_as_clean(site, tmp_path, search=True)
    assert_as_clean(site, tmp_path, search=True)
    edit(public(site)[4], "\n\n", "\n\nAn unusual word: zyzzogeton.\n\n")
    out = assert_as_clean(site, tmp_path, search=True)
    assert (out / "pagefind" / "pagefind-entry.json").is_file()


def test_a_damaged_cache_is_ignored(site: Path, tmp_path: Path) -> None:
    assert_as_clean(site, tmp_path)
    for path in (site / ".goodrel-cache").iterdir():
        if path.is_file():
            path.write_bytes(b"not what the cache wrote")
    shutil.rmtree(site / ".goodrel-cache" / "store")
    assert_as_clean(site, tmp_path)


@pytest.fixture
def whole_builds(monkeypatch) -> list:
    """The whole builds run (a build that is skipped or patched runs no stage)."""
    runs = []
    real = stages.build_all

    def counted(*args):
        runs.append(args)
        return real(*args)

    monkeypatch.setattr(stages, "build_all", counted)
    return runs


def test_edited_texts_are_patched_into_the_last_output(site: Path, tmp_path: Path, whole_builds: list) -> None:
    out = assert_as_clean(site, tmp_path)
    story, withheld = unlinked(site), next(p for p in story_files(site) if "status: withdrawn" in p.read_text("utf-8"))
    before = inodes(out)
    # A sentence with raw HTML in it (a warning, which the build reports), a free
    # page's text, a withheld story's text, and a story saved without a change.
    edit(story, "\n\n", "\n\nA sentence added by an editor, with <b>raw HTML</b>.\n\n")
    edit(site / "pages" / "about.md", "\n\n", "\n\nA new paragraph about us.\n\n")
    edit(withheld, "\n\n", "\n\nNot shown anywhere.\n\n")
    os.utime(public(site)[0])
    runs = len(whole_builds)
    patched = rebuild_result(site)
    assert len(whole_builds) == runs and not patched.skipped
    clean = build(Options(site=site, out=tmp_path / "clean", now=NOW, search=False, cache=False))
    assert patched == clean
    assert any("raw HTML '<b>'" in p.message and p.path == f"stories/{story.name}" for p in patched.notes)
    assert tree(out) == tree(tmp_path / "clean")
    after = inodes(out)
    assert sorted(p for p in after if after[p] != before.get(p)) == [
        "about/index.html", f"stories/{front(story, 'slug')}/index.html"]
    # The warning goes when the text that gave it does; the next build has nothing to do.
    edit(story, " with <b>raw HTML</b>", " without it")
    assert not any(p.path == f"stories/{story.name}" for p in rebuild_result(site).notes)
    assert rebuild_result(site).skipped
    assert len(whole_builds) == runs + 1  # (the clean build)
    assert_as_clean(site, tmp_path)


def rebuild_result(root: Path, **options):
    return build(Options(site=root, out=root / "public", now=NOW, jobs=1, search=False, **options))


def test_edits_a_patch_cannot_make_are_left_to_a_whole_build(site: Path, tmp_path: Path,
                                                               whole_builds: list) -> None:
    assert_as_clean(site, tmp_path)
    story, other = public(site)[5], public(site)[6]

    def whole_build_after(change) -> None:
        runs = len(whole_builds)
        change()
        assert_as_clean(site, tmp_path)
        assert len(whole_builds) == runs + 2  # (the clean build is one)

    # The front matter: its values, or only where they stand (problems name lines).
    whole_build_after(lambda: set_front(story, "place", "Somewhere else"))
    whole_build_after(lambda: edit(story, "---\n", "---\n# A comment: every key a line lower.\n"))
    # A new picture in the text; a new file; a story to index again for the search.
    Image.new("RGB", (300, 200), (20, 120, 40)).save(site / "stories" / "green.png")
    whole_build_after(lambda: edit(story, "\n\n", "\n\n![A green square](green.png)\n\n"))
    whole_build_after(lambda: (site / "stories" / "copy.md").write_text(
        other.read_text("utf-8").replace(f"slug: {front(other, 'slug')}", "slug: a-copy"), "utf-8"))
    runs = len(whole_builds)
    edit(other, "\n\n", "\n\nIndexed again.\n\n")
    assert_as_clean(site, tmp_path, search=True)
    assert len(whole_builds) == runs + 2
    # A text with an error: the whole build finds it, and the output stays as it was.
    out = assert_as_clean(site, tmp_path)
    before = tree(out)
    edit(other, "\n\n", "\n\nSee [a story](no-such-story.md).\n\n")
    with pytest.raises(ContentError, match="no-such-story.md, which does not exist"):
        rebuild(site)
    assert tree(out) == before


def test_a_template_that_reads_the_body_is_never_patched(site: Path, tmp_path: Path, whole_builds: list) -> None:
    edit(site / "theme" / "templates" / "story.html", "{{ body }}",
         "{{ body }}<p>{{ body | striptags | wordcount }} words</p>")
    assert_as_clean(site, tmp_path)
    story = unlinked(site)
    runs = len(whole_builds)
    edit(story, "\n\n", "\n\nFour more words here.\n\n")
    out = assert_as_clean(site, tmp_path)
    assert len(whole_builds) == runs + 2
    words = re.search(r"<p>(\d+) words</p>", (out / "stories" / front(story, "slug") / "index.html").read_text("utf-8"))
    assert words
