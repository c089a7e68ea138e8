"""`init`: start a new site that builds at once. Its files come from starter/ (each
named in STARTER, since dotted files and folders travel badly as package data); the
site has no theme/ folder, so it is rendered with the default theme until it adds
its own files there."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from . import engine_source, sitefiles
from .problems import UsageError

STARTER_FOLDER = Path(__file__).parent / "starter"
# A file of the new site: the starter file it is made from.
STARTER = {
    "site.yaml": "site.yaml",
    "README.md": "README.md",
    "constraints.txt": "constraints.txt",
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/site.yml": "workflow.yml",
    "stories/an-example-story.md": "story.md",
    "events/an-example-gathering.md": "event.md",
    # (The default theme links every story's press kit to this page.)
    "pages/for-journalists.md": "page.md",
}


def create(folder: Path, today: date | None = None) -> str:
    """Write a new site into `folder` (new, or empty); what to do next."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: give a new or empty folder for the new site")
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty: give a new or empty folder for the new site")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot make {folder}: {err.strerror}") from None
    today_text = (today or date.today()).isoformat()
    root = folder.resolve()
    engine = engine_source.find()
    made = {
        name: (STARTER_FOLDER / source).read_text("utf-8").replace("{today}", today_text)
        for name, source in STARTER.items()
    }
    warning = textwrap.fill(
        engine.unreachable + ".", 88, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False
    )
    made["requirements.txt"] = (
        "# The engine this site is built with (its own packages' versions: constraints.txt).\n"
        + (f"{warning}\n" if engine.unreachable else "")
        + f"{engine.requirement}\n"
    )
    for name, text in made.items():  # (new files only: nothing written over, nor through a link)
        sitefiles.write(root, root / name, text.encode(), new=True)
    from . import cms, schema  # (the example files' first line points editors' tools there)
    from .validate import load_settings

    schema.write(root, load_settings(root))
    steps = [
        *([f"First: {engine.unreachable}.", ""] if engine.unreachable else []),
        f"Made a new site in {folder}. Next:",
        f"  cd {folder}",
        "  goodrel serve         # preview it at http://127.0.0.1:8000, refreshed as you edit",
        "  goodrel build         # the site, ready to publish, in public/",
        "Then edit site.yaml, replace the example story and event, and read README.md.",
        "Volunteers who write in the web editor (the cms: lines of site.yaml) sign in with a GitHub",
        "token of their own, for this site's repository only (docs/cms.md says how), made here:",
        f"  {cms.token_link()}",
    ]
    return "\n".join(steps)
