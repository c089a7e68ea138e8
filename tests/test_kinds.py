"""The one declaration of what a site holds (models.KINDS, models.VOCABULARIES) is the
only one: whatever else must agree with it is checked here, so that adding a kind, a
vocabulary or a field fails loudly where something was left out."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from goodrel_site import blanks, codebook, export, search
from goodrel_site.kinds import DATED, KIND, KINDS, VOCABULARIES
from goodrel_site.models import META, Measures, Settings, Terms, nested_model
from goodrel_site.site import Site


def test_settings_hold_each_vocabulary_and_nothing_else_of_terms():
    terms_fields = [name for name, f in Settings.model_fields.items() if f.annotation in (Terms, Measures)]
    assert terms_fields == [v.name for v in VOCABULARIES]


@pytest.mark.parametrize("vocab", VOCABULARIES, ids=lambda v: v.name)
def test_each_vocabulary_is_named_by_a_story_field_and_filtered_in_search(vocab):
    fields = META["story"].model_fields
    if vocab.within:  # a field of the list's items (an outcome's measure)
        fields = nested_model(fields[vocab.within].annotation).model_fields
    assert vocab.field in fields
    assert (vocab.one, vocab.name) in search.VOCABULARY_FILTERS


def test_each_kind_has_its_folder_in_the_site_and_its_links_name_kinds():
    site_fields = {f.name for f in dataclasses.fields(Site)}
    for kind in KINDS:
        assert kind.folder in site_fields
        assert kind.prefix.startswith("/") and kind.prefix.endswith("/")
        for field, target in kind.links:
            assert field in META[kind.name].model_fields and target in KIND


@pytest.mark.parametrize("kind", DATED, ids=lambda k: k.name)
def test_each_dated_kind_has_a_blank_and_open_data(kind):
    assert kind.name in blanks.KINDS and blanks.text(kind.name).startswith("---\n")
    assert kind.folder in codebook.DATASETS


# Parts of a nested field that the open data gives in a built form instead (an image's
# file becomes its URL; whether it is decorative, a null alt).
BUILT = {("image", "src"), ("image", "decorative")}


@pytest.mark.parametrize("kind", DATED, ids=lambda k: k.name)
def test_every_field_reaches_the_open_data_or_is_kept_out_on_purpose(kind):
    exported = {f.name: f for f in codebook.DATASETS[kind.folder]}
    missing = [name for name in META[kind.name].model_fields if name not in exported and name not in export.PRIVATE]
    assert missing == [], f"add these {kind.name} fields to codebook.py, or to export.PRIVATE with a reason"
    for name, field in META[kind.name].model_fields.items():
        inner = nested_model(field.annotation)
        if inner is None or name in export.PRIVATE:
            continue
        parts = {p.name for p in exported[name].parts}
        left_out = [part for part in inner.model_fields if part not in parts and (name, part) not in BUILT]
        assert left_out == [], f"{kind.name}.{name}: add these parts to codebook.py"


def test_each_kind_has_its_front_matter_model():
    assert list(META) == list(KIND)


def test_the_declarations_keep_the_up_to_date_check_light():
    """An up-to-date build imports no pydantic, Jinja or markdown-it (pipeline.py)."""
    code = "import sys, goodrel_site.pipeline; print(sorted({'pydantic', 'jinja2', 'markdown_it'} & set(sys.modules)))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
