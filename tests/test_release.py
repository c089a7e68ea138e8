"""The engine's release workflow (.github/workflows/release.yml): a version tag is
tested, built and published on the Python Package Index by trusted publishing (no
stored token), so that `goodrel-site==VERSION`, what `init` writes for an engine
installed from the index, is what a new site's CI installs."""

from __future__ import annotations

import subprocess

import yaml
from conftest import REPO

from goodrel_site import __version__

WORKFLOW = REPO / ".github/workflows/release.yml"


def test_a_tag_is_tested_built_and_published_with_trusted_publishing():
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # (YAML 1.1 reads the key `on` as true)
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    runs = {name: [s.get("run", "") for s in job["steps"]] for name, job in jobs.items()}
    uses = {name: [s.get("uses", "") for s in job["steps"]] for name, job in jobs.items()}
    assert '.ci/release-tag "$TAG"' in runs["test"] and ".ci/run" in runs["test"]
    assert jobs["build"]["needs"] == "test" and any("python -m build" in r for r in runs["build"])
    assert jobs["publish"]["needs"] == "build"
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["publish"]["environment"]["name"] == "pypi"
    assert uses["publish"][-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert "secrets." not in WORKFLOW.read_text("utf-8")  # (trusted publishing: no token)


def test_the_tag_must_be_the_packages_version():
    check = REPO / ".ci/release-tag"
    assert subprocess.run([check, f"v{__version__}"], capture_output=True).returncode == 0
    wrong = subprocess.run([check, "v999.0.0"], capture_output=True, text=True)
    assert wrong.returncode == 1 and f"goodrel_site/__init__.py says {__version__}" in wrong.stderr
