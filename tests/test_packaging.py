"""What a wheel ships and what a new site's CI installs: the default theme's every file
among the wheel's data files, and constraints.txt pinning exactly the packages the
engine needs, each at a version its requirements allow. (.ci/run builds the wheel,
installs it in a fresh environment and builds a new site with it.)"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from importlib import metadata

from conftest import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from goodrel_site.theme import default_folder

CONSTRAINTS = REPO / "goodrel_site/starter/constraints.txt"


def _pins() -> dict[str, str]:
    lines = [line for line in CONSTRAINTS.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    return {canonicalize_name(name): version for name, version in (line.split("==") for line in lines)}


def _needed(name: str, extras: frozenset[str] = frozenset(), found: dict | None = None) -> dict[str, list[Requirement]]:
    """Every package `name` needs, as installed here, with the requirements naming it."""
    found = {} if found is None else found
    for text in metadata.requires(name) or ():
        requirement = Requirement(text)
        markers = [{"extra": extra} for extra in extras] or [{"extra": ""}]
        if requirement.marker and not any(requirement.marker.evaluate(m) for m in markers):
            continue
        key = canonicalize_name(requirement.name)
        first = key not in found
        found.setdefault(key, []).append(requirement)
        if first or requirement.extras:
            _needed(requirement.name, frozenset(requirement.extras), found)
    return found


def test_constraints_pin_exactly_what_the_engine_needs():
    needed, pins = _needed("goodrel-site"), _pins()
    assert sorted(pins) == sorted(needed), "run .ci/constraints to refresh the pins"
    for name, requirements in needed.items():
        for requirement in requirements:
            assert requirement.specifier.contains(pins[name], prereleases=True), (requirement, pins[name])


def test_every_default_theme_file_is_among_the_wheels_data_files():
    data_files = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["data-files"]
    patterns = [pattern for patterns in data_files.values() for pattern in patterns]
    theme = REPO / "theme"
    files = [p.relative_to(REPO).as_posix() for p in theme.rglob("*") if p.is_file()]
    assert files and all(any(fnmatch(f, p) and f.count("/") == p.count("/") for p in patterns) for f in files)
    assert all(
        target == "share/goodrel-site/" + patterns[0].rsplit("/", 1)[0] for target, patterns in data_files.items()
    )


def test_in_this_checkout_the_default_theme_is_the_projects_own():
    assert default_folder() == (REPO / "theme").resolve()
