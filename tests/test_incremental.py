"""Incremental builds: whatever the cache reuses, the output is byte for byte what a
clean build makes, through generated sequences of edits (front matter, text,
vocabulary, theme, pictures, withdrawals, translations, aliases, new and deleted
files, failed builds), with several themes, one of which filters the body and one of
which prints other stories' texts."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from PIL import Image

from goodrel_site import search
from goodrel_site.options import Options
from goodrel_site.pipeline import build
from goodrel_site.problems import ContentError

REPO = Path(__file__).resolve().parent.parent
NOW = date(2026, 11, 28)
# Pagefind writes its filter files, and the hashes naming them, differently from run to
# run even for the same pages (upstream issue Pagefind #638): those are left out.
UNSTABLE = re.compile(r"^pagefind[^/]*/(filter/|pagefind-entry\.json$|pagefind\.[^/]+\.pf_meta$)")


@pytest.fixture
def site(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(corpus, root, symlinks=True)
    return root


def tree(folder: Path) -> dict[str, str]:
    return {
        rel: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not UNSTABLE.match(rel := p.relative_to(folder).as_posix())
    }


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.html") if p.is_file()}


def rebuild(root: Path, *, search: bool = False, jobs: int = 1):
    return build(Options(site=root, out=root / "public", now=NOW, jobs=jobs, search=search))


def assert_as_clean(root: Path, tmp_path: Path, *, search: bool = False, jobs: int = 1) -> Path:
    """Rebuild with the cache, build afresh without it, and compare every file."""
    out = root / "public"
    rebuild(root, search=search, jobs=jobs)
    clean = tmp_path / "clean"
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


def public(root: Path) -> list[Path]:
    return [
        p
        for p in story_files(root)
        if "status: published" in (text := p.read_text("utf-8"))
        and "  status: given" in text
        and "publish_on" not in text
        and "translation_of" not in text
    ]


def unlinked(root: Path) -> Path:
    """A public story that no other file links to or translates, so it can go."""
    text = "".join(p.read_text("utf-8") for p in story_files(root))
    for path in public(root):
        if f"/{path.name})" not in text and f"translation_of: {front(path, 'slug')}" not in text:
            return path
    raise AssertionError("every story is linked to")


# -- generated sequences of edits ---------------------------------------------------


class Edits:
    """Edits an editor might make, chosen and made by a seeded generator. Each returns
    the files it touched, so that an edit the build refuses can be undone."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        settings = yaml.safe_load((root / "site.yaml").read_text("utf-8"))
        self.vocab = {v: list(settings[v]) for v in ("categories", "approaches", "divides", "themes", "regions")}
        self.count = 0

    def story(self) -> Path:
        return self.rng.choice(story_files(self.root))

    def _front(self, path: Path) -> tuple[dict, str]:
        _, front_matter, body = path.read_text("utf-8").split("---\n", 2)
        return yaml.safe_load(front_matter), body

    def _save(self, path: Path, data: dict, body: str) -> list[Path]:
        path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + body, "utf-8")
        return [path]

    def _change(self, path: Path, **values) -> list[Path]:
        data, body = self._front(path)
        for key, value in values.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return self._save(path, data, body)

    def next(self) -> tuple[str, list[Path]]:
        self.count += 1
        name = self.rng.choice([n for n in dir(self) if n.startswith("e_")])
        return name, getattr(self, name)()

    def e_title(self):
        return self._change(self.story(), title=f"A title edited, number {self.count}")

    def e_summary(self):
        return self._change(self.story(), summary=f"A summary edited by the editors ({self.count}).")

    def e_terms(self):
        return self._change(
            self.story(),
            categories=self.rng.sample(self.vocab["categories"], 2),
            region=self.rng.choice(self.vocab["regions"]),
        )

    def e_text(self):
        path = self.story()
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\nA sentence added by an editor, the {self.count}th.\n")
        return [path]

    def e_link(self):  # to any story: withheld or deleted ones make the build fail
        path, other = self.story(), self.story()
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\nSee [another story]({other.name}).\n")
        return [path]

    def e_withhold(self):
        how = self.rng.choice(
            [
                {"status": "draft"},
                {"consent": {"status": "withdrawn"}},
                {"publish_on": "2027-01-01"},
                {"unpublish_on": "2026-01-01"},
            ]
        )
        return self._change(self.story(), **how)

    def e_publish(self):
        return self._change(
            self.story(),
            status="published",
            publish_on=None,
            unpublish_on=None,
            consent={"status": "given", "date": "2013-01-01"},
        )

    def e_network(self):
        path = self.story()
        data, _ = self._front(path)
        return self._change(path, consent={**data["consent"], "network": not data["consent"].get("network")})

    def e_translation(self):
        original = self.rng.choice(public(self.root))
        data, body = self._front(original)
        data.update(slug=f"translated-{self.count}", lang="pl", translation_of=data["slug"], aliases=[])
        return self._save(self.root / "stories" / f"translated-{self.count}.md", data, body)

    def e_alias(self):
        return self._change(self.story(), aliases=[f"/old/address-{self.count}/"])

    def e_new_story(self):
        data, body = self._front(self.story())
        data.update(
            slug=f"new-{self.count}",
            date=f"2026-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}",
            aliases=[],
            translation_of=None,
            status="published",
            consent={"status": "given", "date": "2013-01-01"},
        )
        data = {k: v for k, v in data.items() if v is not None and k not in ("publish_on", "unpublish_on")}
        return self._save(self.root / "stories" / f"new-{self.count}.md", data, body)

    def e_delete(self):
        path = self.story()
        path.unlink()
        return [path]

    def e_date(self):
        return self._change(
            self.story(), date=f"20{self.rng.randint(13, 26)}-0{self.rng.randint(1, 9)}-15", updated=None
        )

    def e_featured(self):
        return self._change(self.story(), featured=self.rng.random() < 0.7)

    def e_event(self):
        events = sorted(p.stem for p in (self.root / "events").glob("*.md"))
        return self._change(self.story(), event=self.rng.choice(events))

    def e_vocabulary(self):
        path = self.root / "site.yaml"
        text = re.sub(r"\{label: London[^,]*,", f"{{label: London ({self.count}),", path.read_text("utf-8"))
        path.write_text(text, "utf-8")
        return [path]

    def e_page(self):
        path = self.root / "pages" / "about.md"
        edit(path, "title: ", f"title: About us ({self.count}) ")
        return [path]

    def e_theme(self):
        path = (
            self.root
            / "theme"
            / self.rng.choice(
                [
                    "templates/base.html",
                    "templates/_macros.html",
                    "templates/event.html",
                    "strings/en.yaml",
                    "static/site.css",
                ]
            )
        )
        with path.open("a", encoding="utf-8") as f:
            f.write(
                "/* edited */\n"
                if path.suffix == ".css"
                else "# edited\n"
                if path.suffix == ".yaml"
                else "{# edited #}\n"
            )
        return [path]

    def e_picture(self):
        path = self.story()
        colour = tuple(self.rng.randrange(256) for _ in range(3))
        Image.new("RGB", (self.rng.randint(300, 700), 300), colour).save(self.root / "stories" / "picture.png")
        touched = [self.root / "stories" / "picture.png"]
        if "picture.png" not in path.read_text("utf-8"):
            touched += self._change(path, image={"src": "picture.png", "alt": "A coloured square"})
        return touched


THEMES = {
    "default": {},
    # A template that does more with the body than print it.
    "filtered body": {"story.html": ("{{ body }}", '{{ body | replace("the", "THE") }}')},
    # Cards that print a word count of each story's text: other items' bodies on a page.
    "other texts": {
        "_macros.html": (
            '<p class="summary">{{ story.summary }}</p>',
            '<p class="summary">{{ story.summary }} ({{ story.body | wordcount }} words)</p>',
        )
    },
}


def _sources(root: Path) -> dict[Path, bytes]:
    """Every file an editor may change, with its bytes."""
    found = {root / "site.yaml": (root / "site.yaml").read_bytes()}
    for folder in ("stories", "events", "pages", "theme"):
        found.update((p, p.read_bytes()) for p in (root / folder).rglob("*") if p.is_file())
    return found


def _reset(root: Path, saved: dict[Path, bytes]) -> None:
    """Put back the files as saved (an edit the build refused is undone)."""
    for path in set(_sources(root)) - set(saved):
        path.unlink()
    for path, data in saved.items():
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


def _step(site: Path, tmp_path: Path, edits: Edits, search: bool) -> None:
    """One generated edit, then a build with the cache and a clean one: the same files
    and notes, or the same refusal with the output left as it was (and the edit undone)."""
    saved = _sources(site)
    name, _ = edits.next()
    try:
        clean = build(Options(site=site, out=tmp_path / "clean", now=NOW, search=search, cache=False))
    except ContentError as refused:
        before = tree(site / "public")
        with pytest.raises(ContentError) as also:
            rebuild(site, search=search)
        assert also.value.problems == refused.problems, name
        assert tree(site / "public") == before, name
        _reset(site, saved)
        return
    incremental = rebuild(site, search=search)
    assert incremental.notes == clean.notes, name
    got, want = tree(site / "public"), tree(tmp_path / "clean")
    assert sorted(got) == sorted(want), name
    assert [f for f in want if got[f] != want[f]] == [], name


@pytest.mark.parametrize("theme, seed", [("default", 1), ("filtered body", 2), ("other texts", 3), ("default", 4)])
def test_generated_edits_give_what_a_clean_build_gives(site: Path, tmp_path: Path, theme: str, seed: int) -> None:
    for name, (old, new) in THEMES[theme].items():
        edit(site / "theme" / "templates" / name, old, new)
    edits = Edits(site, random.Random(seed))
    assert_as_clean(site, tmp_path)
    for _ in range(10):
        _step(site, tmp_path, edits, search=False)


def test_generated_edits_with_search_give_what_a_clean_build_gives(site: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", 12)  # several shards for 60 stories
    edits = Edits(site, random.Random(5))
    assert_as_clean(site, tmp_path, search=True)
    assert len(list((site / "public").glob("pagefind-*"))) >= 3
    for _ in range(6):
        _step(site, tmp_path, edits, search=True)


# -- what is reused -------------------------------------------------------------------


def test_no_change_reuses_every_page(site: Path, tmp_path: Path) -> None:
    before = inodes(assert_as_clean(site, tmp_path))
    assert inodes(assert_as_clean(site, tmp_path)) == before


def test_a_text_edit_renders_again_only_the_pages_that_show_the_story(site: Path, tmp_path: Path) -> None:
    before = inodes(assert_as_clean(site, tmp_path))
    path = unlinked(site)
    url = f"/stories/{front(path, 'slug')}/"
    with path.open("a", encoding="utf-8") as f:
        f.write("\nA sentence added by an editor.\n")
    out = assert_as_clean(site, tmp_path)
    changed = sorted(p for p, inode in inodes(out).items() if inode != before.get(p))
    own = f"{url.strip('/')}/index.html"
    assert own in changed and len(changed) < len(before) / 10
    assert all(f'href="{url}"' in (out / p).read_text("utf-8") for p in changed if p != own)


def test_a_template_edit_renders_again_only_its_pages(site: Path, tmp_path: Path) -> None:
    before = inodes(assert_as_clean(site, tmp_path))
    edit(site / "theme" / "templates" / "event.html", "</article>", "</article>\n<!-- edited -->")
    out = assert_as_clean(site, tmp_path)
    changed = sorted(p for p, inode in inodes(out).items() if inode != before.get(p))
    assert changed == sorted(p.relative_to(out).as_posix() for p in out.glob("events/*/index.html"))


def test_a_build_with_nothing_changed_is_skipped_and_any_change_is_seen(site: Path, tmp_path: Path) -> None:
    out = assert_as_clean(site, tmp_path)
    before = tree(out)

    def again(now: date = NOW) -> bool:
        """Build with the cache; whether it was skipped as up to date."""
        return build(Options(site=site, out=out, now=now, jobs=1, search=False)).skipped

    assert again() and tree(out) == before
    # The output changed by hand (a file gone, a CNAME added): built again, and mended,
    # the CNAME carried over (any other file added is refused: test_out_folder.py).
    page = next(out.glob("stories/*/index.html"))
    page.unlink()
    (out / "CNAME").write_text("stories.example.org\n")
    assert not again() and tree(out) == {**before, "CNAME": tree(out)["CNAME"]}
    (out / "CNAME").unlink()
    assert not again() and tree(out) == before
    assert again()
    # Files saved again as they were (new times, the same bytes): still nothing to do.
    for path in (public(site)[0], site / "site.yaml", site / "theme" / "templates" / "base.html"):
        path.write_bytes(path.read_bytes())
    assert again() and tree(out) == before
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


def test_a_damaged_cache_is_ignored(site: Path, tmp_path: Path) -> None:
    assert_as_clean(site, tmp_path)
    for path in (site / ".goodrel-cache").rglob("*"):
        if path.is_file() and "store" not in path.parts:
            path.write_bytes(b"not what the cache wrote")
    shutil.rmtree(site / ".goodrel-cache" / "store")
    assert_as_clean(site, tmp_path)


def test_an_edit_indexes_again_only_its_shard(site: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", 12)
    assert_as_clean(site, tmp_path, search=True)
    bundles = {p.name for p in (site / ".goodrel-cache" / "search").iterdir()}
    assert len(bundles) >= 3
    edit(public(site)[4], "\n\n", "\n\nAn unusual word: zyzzogeton.\n\n")
    out = assert_as_clean(site, tmp_path, search=True)
    after = {p.name for p in (site / ".goodrel-cache" / "search").iterdir()}
    assert len(after - bundles) == 1 and len(bundles - after) == 1
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
