"""What makes a build out of date is declared once: every option but those that change
only how a build works (options.HOW), every setting, the theme and the content. Each
is changed here in turn, and the up-to-date check and the pages' keys must notice."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from conftest import NOW

from goodrel_site.keys import Keys
from goodrel_site.options import HOW, Options
from goodrel_site.pipeline import build
from goodrel_site.plan import plan
from goodrel_site.render import Renderer
from goodrel_site.stages import load_site
from goodrel_site.theme import Theme

CHANGED = {  # a different value for each option that may change the output
    "out": lambda o: o.out.parent / "other",
    "now": lambda o: o.now.replace(day=o.now.day % 28 + 1),
    "drafts": lambda o: not o.drafts,
    "base_url": lambda o: "https://other.example.org/",
    "search": lambda o: not o.search,
}


def _options(site: Path) -> Options:
    return Options(site=site, out=site / "public", now=NOW, search=False)


def test_every_option_is_either_an_input_or_declared_not_to_change_the_output():
    names = {f.name for f in dataclasses.fields(Options)}
    assert HOW <= names
    assert names - HOW - {"site"} == set(CHANGED)  # (another site is another build)


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_changing_an_option_that_changes_the_output_builds_again(site, name):
    options = _options(site)
    build(options)
    assert build(options).skipped
    changed = dataclasses.replace(options, **{name: CHANGED[name](options)})
    assert not build(changed).skipped


def test_changing_how_a_build_works_keeps_it_up_to_date(site):
    options = _options(site)
    build(options)
    assert build(dataclasses.replace(options, jobs=options.jobs + 1)).skipped


def _settings_changes(site: Path):
    settings = yaml.safe_load((site / "site.yaml").read_text("utf-8"))
    for name, value in settings.items():
        if isinstance(value, str):
            new = "https://other.example.org/" if name == "base_url" else value + " (changed)"
            if name == "language":
                new = "cy"
        elif isinstance(value, bool):
            new = not value
        elif isinstance(value, int):
            new = value + 1
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            first = next(iter(value))  # a vocabulary: its first term's label
            inner = dict(value[first])
            new = {**value, first: {**inner, "label": inner["label"] + " (changed)"}}
        elif isinstance(value, dict) and isinstance(value.get("name"), str):  # licence, contact
            new = {**value, "name": value["name"] + " (changed)"}
        else:
            raise AssertionError(f"no changed value for the setting {name}: add one here")
        yield name, {**settings, name: new}


def test_every_setting_reaches_the_up_to_date_check_and_the_pages_keys(site):
    options = _options(site)
    build(options)
    before = load_site(site, NOW)[0]
    home = next(p for p in plan(before) if p.url == "/")
    key = Keys(before, Renderer(before, Theme(site))).page(home)
    original = (site / "site.yaml").read_text("utf-8")
    tried = []
    for name, settings in _settings_changes(site):
        (site / "site.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), "utf-8")
        assert not build(options).skipped, name
        after = load_site(site, NOW)[0]
        assert Keys(after, Renderer(after, Theme(site))).page(home) != key, name
        (site / "site.yaml").write_text(original, "utf-8")
        build(options)
        tried.append(name)
    assert tried == list(yaml.safe_load(original))  # every setting the site has, in turn
