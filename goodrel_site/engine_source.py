"""Where a new site's requirements.txt installs this engine from, worked out from how
pip installed it here (its direct_url.json, PEP 610): the same release, commit or
archive, so that the site's CI builds with the engine it was made with. A file on this
computer (a local wheel, a checkout) installs here, so that the site's README setup
works as written, but the site's CI cannot reach it: `unreachable` says so, and what
to write instead."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from urllib.parse import unquote, urlsplit

from . import __version__

NAME = "goodrel-site"
RELEASED = f"{NAME}=={__version__}"
# What to write when nothing better is known: this version from the Python Package
# Index (the engine's release workflow publishes each tagged version there), or a
# commit of the engine's repository.
INSTEAD = f"'{RELEASED}' once that version is on the Python Package Index, or 'goodrel-site @ git+https://github.com/OWNER/goodrel-site@COMMIT' for a commit of its repository on GitHub"


@dataclass(frozen=True)
class EngineSource:
    requirement: str  # the line of requirements.txt
    unreachable: str = ""  # why the site's CI cannot install it, and what to write; "" if it can


def find() -> EngineSource:
    try:
        found = metadata.distribution(NAME).read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # (run from a checkout that was never installed)
        found = None
    origin = json.loads(found) if found else {}
    url = origin.get("url", "")
    if not url:  # from a package index, where this version is published
        return EngineSource(RELEASED)
    if origin.get("vcs_info", {}).get("vcs") == "git":
        return EngineSource(f"{NAME} @ git+{url}@{origin['vcs_info']['commit_id']}")
    if not url.startswith("file:"):  # an archive from the web: CI fetches it as pip did
        return EngineSource(f"{NAME} @ {url}")
    what = "a checkout" if "dir_info" in origin else "a wheel"
    path = unquote(urlsplit(url).path)
    pushed = _commit_of(path) if "dir_info" in origin else None
    instead = f"'{pushed}' (once that commit is pushed)" if pushed else INSTEAD
    return EngineSource(
        f"{NAME} @ {url}",
        f"requirements.txt installs goodrel from {what} on this computer ({path}), which the site's "
        f"CI cannot reach: before you push the site, replace its line '{NAME} @ {url}' with {instead}",
    )


def _commit_of(folder: str) -> str | None:
    """The requirement for the commit a checkout is at, when its origin is a repository
    on the web (https, or GitHub's ssh form, which CI reads over https)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    origin, commit = git("remote", "get-url", "origin"), git("rev-parse", "HEAD")
    if not origin or not commit:
        return None
    ssh = re.fullmatch(r"git@([\w.-]+):([\w./-]+)", origin)
    if ssh:
        origin = f"https://{ssh[1]}/{ssh[2]}"
    if not re.fullmatch(r"https://[\w.-]+/[\w./-]+", origin):
        return None
    return f"{NAME} @ git+{origin}@{commit}"
