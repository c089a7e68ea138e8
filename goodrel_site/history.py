"""What git knows about the site: when each story last changed (its `updated` date
when the editor did not set one) and which story addresses were public at the
previous commit (so that `check` can notice a story that moved without an alias).

Only a site root that is itself the top of a git checkout is asked: a folder nested
inside some other repository (a test fixture, say) has no history of its own, and
outside git nothing is invented."""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import chars, limits, visibility
from .kinds import CONTENT_FOLDERS
from .load import LoadError, load_yaml, split_front_matter
from .problems import Problem

if TYPE_CHECKING:
    from .validate import Content


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """A git command's output, or None when git is missing or the command fails."""
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def committed(root: Path, rel: str) -> bool:
    """Whether git tracks any file under `rel`: the build's cache never belongs in git,
    so files of it that came with a checkout are a contributor's, not a build's."""
    return bool(_git(root, "ls-files", "-z", "--", rel))


def is_checkout(root: Path) -> bool:
    top = _git(root, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.decode().strip()).resolve() == root.resolve()


def revision(root: Path) -> str | None:
    """The commit the site is at, and whether the checkout is shallow (which decides
    what history says); None outside git."""
    if not is_checkout(root):
        return None
    found = _git(root, "rev-parse", "--is-shallow-repository", "HEAD")
    return found.decode() if found else None


def last_changes(root: Path, now: date, folder: str = "stories") -> dict[str, date]:
    """The committer date of the last commit on or before `now` that changed each file
    under `folder`, from one `git log` walk (newest first: the first date seen wins).
    The commit that added a file is its writing, not an update: a file committed only
    once has no date here."""
    out = _git(root, "log", "--format=%x01%cs", "--name-only", "-z", "--", folder)
    dates: dict[str, date] = {}
    commits: dict[str, int] = {}
    current = None
    for token in (out or b"").decode("utf-8", "replace").split("\0"):
        token = token.strip("\n")
        if token.startswith("\x01"):
            current = _commit_date(token[1:])
        elif token and current:
            commits[token] = commits.get(token, 0) + 1
            if current <= now:
                dates.setdefault(token, current)
    return {path: when for path, when in dates.items() if commits[path] > 1}


def _commit_date(text: str) -> date | None:
    """A commit's date as git gives it; None for one Python cannot hold (git accepts
    commits dated in the year 10000): that commit dates nothing, and stops no build."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def with_updated_dates(content: Content, now: date) -> Content:
    """Give each story without `updated` the date of its last change in git up to the
    build date (see last_changes), when that is after its publication date."""
    root = content.root
    if not is_checkout(root):
        return content
    if _git(root, "rev-parse", "--is-shallow-repository") == b"true\n":
        note = Problem(
            "site.yaml",
            1,
            "this is a shallow git checkout, so the stories' "
            "'updated' dates cannot be read from history; fetch the full history "
            "(for GitHub Actions, 'fetch-depth: 0')",
            "info",
        )
        return dataclasses.replace(content, notes=tuple(sorted((*content.notes, note))))
    changed = last_changes(root, now)
    entries = []
    for entry in content.entries:
        when = changed.get(entry.path)
        if entry.kind == "story" and entry.updated is None and when and entry.date < when:
            entry = type(entry)(
                entry.kind,
                entry.path,
                entry.slug,
                entry.url,
                entry.meta.model_copy(update={"updated": when}),
                entry.body,
                entry.body_line,
                entry.lines,
            )
        entries.append(entry)
    return dataclasses.replace(content, entries=tuple(entries))


def previous_revision(root: Path) -> str | None:
    """What "the previous commit" means for `check`: HEAD while content files have
    uncommitted changes (an editor about to commit), else HEAD's first parent (on a
    pull request's merge commit, the branch it is merging into)."""
    if not is_checkout(root):
        return None
    dirty = _git(root, "status", "--porcelain", "--", *CONTENT_FOLDERS)
    if dirty:
        return "HEAD" if _git(root, "rev-parse", "--verify", "--quiet", "HEAD") else None
    return "HEAD~1" if _git(root, "rev-parse", "--verify", "--quiet", "HEAD~1") else None


def story_files_at(root: Path, rev: str) -> dict[str, str]:
    """Every story file's text at a revision, read with one `git cat-file --batch`:
    regular files within the size limit for content files only."""
    listing = _git(root, "ls-tree", "-r", "-z", "--long", rev, "--", "stories/")
    paths = []
    for item in (listing or b"").decode("utf-8", "surrogateescape").split("\0"):
        info, _, path = item.partition("\t")
        mode, kind, _, size = (info.split() + ["", "", "", ""])[:4]
        if (
            not chars.bad_name(path)  # (never a published story's: the build refuses it; nor one line of --batch)
            and path.endswith(".md")
            and path.count("/") == 1
            and mode in ("100644", "100755")
            and kind == "blob"
            and size.isdigit()
            and int(size) <= limits.CONTENT_FILE_BYTES
        ):
            paths.append(path)
    paths.sort()
    if not paths:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{rev}:{p}\n" for p in paths).encode()) or b""
    files: dict[str, str] = {}
    pos = 0
    for path in paths:
        header_end = out.index(b"\n", pos)
        length = int(out[pos:header_end].split()[2])
        files[path] = out[header_end + 1 : header_end + 1 + length].decode("utf-8", "replace")
        pos = header_end + 1 + length + 1  # the object, then a newline
    return files


def public_url(path: str, text: str, now: date) -> str | None:
    """A story file's address if it was public on `now`. The file is read loosely
    (only the fields that decide visibility), since an old version may not pass
    today's validation."""
    try:
        front, _, _ = split_front_matter(text, path)
        data, _ = load_yaml(front, path)  # (with the same limits: an old commit is input too)
    except LoadError:
        return None
    if not isinstance(data, dict):
        return None
    if visibility.of_data(data, "story", now) != visibility.PUBLIC:
        return None
    slug = data.get("slug") or Path(path).stem
    return f"/stories/{slug}/"


def renames(root: Path, rev: str) -> dict[str, str]:
    """Story files renamed since `rev`, old path -> new path (git's rename detection)."""
    out = _git(root, "diff", "-M", "--name-status", "-z", rev, "--", "stories/")
    parts = (out or b"").decode("utf-8", "replace").split("\0")
    moved, i = {}, 0
    while i < len(parts) and parts[i]:
        if parts[i].startswith("R"):
            moved[parts[i + 1]] = parts[i + 2]
            i += 3
        else:
            i += 2
    return moved
