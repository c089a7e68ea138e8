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
# What `init --hub` changes in them (docs/network.md): site.yaml gains the members'
# list (an example to fill in), and the workflow rebuilds every hour and whenever a
# member's workflow asks (repository_dispatch), so that what a member withdraws leaves
# the hub at its next build, within the hour. Each (old, new) must be found.
HUB = {
    "site.yaml": [
        (
            "\n# The vocabularies below",
            "\n" + (STARTER_FOLDER / "hub.yaml").read_text("utf-8") + "# The vocabularies below",
        )
    ],
    ".github/workflows/site.yml": [
        (
            "# - Every day at 05:00 UTC the site is rebuilt, so that stories whose embargo\n"
            "#   (publish_on) has ended appear and those whose unpublish_on has come go. A daily\n",
            "# - Every hour, and whenever a member site asks (repository_dispatch, sent by the\n"
            "#   ping-hub job of its workflow), the site is rebuilt, so that it shows what its\n"
            "#   members offer now (a story a member withdrew is gone), stories whose embargo\n"
            "#   (publish_on) has ended appear and those whose unpublish_on has come go. An hourly\n",
        ),
        (
            '    - cron: "0 5 * * *"\n',
            '    - cron: "17 * * * *"  # every hour, at 17 minutes past (on the hour, GitHub is busiest)\n'
            "  repository_dispatch:  # a member site asks, after it is published\n"
            "    types: [member-published]\n",
        ),
        ("daily", "hourly"),
    ],
    "README.md": [
        ("rebuilds daily", "rebuilds hourly, and whenever a member asks"),
        ("rebuilt every morning", "rebuilt every hour"),
        ("If a daily", "If an hourly"),
        ("daily", "hourly"),
        (
            "\n## Updating the software",
            "\n## The network\n\n"
            "This site is a hub: `network:` in `site.yaml` lists its member sites, and every "
            "build\npublishes the stories they offer beside its own. goodrel-site's "
            "`docs/network.md`\nsays how members join, what they share, and what to do "
            "when a story is withdrawn.\n\n## Updating the software",
        ),
    ],
}


def create(folder: Path, today: date | None = None, hub: bool = False) -> str:
    """Write a new site into `folder` (new, or empty), a hub of a network if `hub`;
    what to do next."""
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
    for name, changes in HUB.items() if hub else ():
        for old, new in changes:
            assert old in made[name], (name, old)  # (the starter file changed: change HUB with it)
            made[name] = made[name].replace(old, new)
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
    if hub:
        steps.append("It is a hub: list its member sites under network: in site.yaml (see README.md).")
    return "\n".join(steps)
