"""Validation: turn loaded sources into typed entries, enforcing every rule of the
content contract, and collect all problems as PATH:LINE: message."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import addresses, areas, blanks, images, limits, urls, visibility
from .kinds import KIND, VOCABULARIES, VOCABULARY, Vocabulary
from .load import KeyPath, LoadError, Source, line_of, load_yaml, read_text
from .models import META, Entry, Settings, nested_model
from .problems import ContentError, Problem, counted
from .slugs import slugify
from .sources import content_problems, load_sources


@dataclass(frozen=True)
class Content:
    """Every content file, valid, with the settings; visibility is not decided yet."""

    root: Path
    settings: Settings
    entries: tuple[Entry, ...]
    notes: tuple[Problem, ...]  # warnings and information, not errors


def load_settings(root: Path) -> Settings:
    path = root / "site.yaml"
    if not path.exists() and not path.is_symlink():
        raise ContentError([Problem("site.yaml", 1, "site.yaml is missing: every site root needs one")])
    try:
        data, lines = load_yaml(read_text(root, path, limits.SETTINGS_BYTES), "site.yaml")
    except LoadError as err:
        raise ContentError([err.problem]) from None
    try:
        settings = Settings.model_validate(data if data is not None else {})
    except ValidationError as err:
        raise ContentError(model_problems(err, data, lines, "site.yaml")) from None
    devices = [
        Problem("site.yaml", line_of(lines, (vocab, key)), f"the key '{key}' is {addresses.DEVICE}: choose another key")
        for vocab in VOCABULARY
        for key in getattr(settings, vocab)
        if addresses.device_name(key)
    ]
    if devices:  # (a term's page is /vocabulary/key/)
        raise ContentError(devices)
    return settings


def model_problems(
    err: ValidationError,
    data: Any,
    lines: dict[KeyPath, int],
    path: str,
    model: type[BaseModel] | None = None,
    settings: Settings | None = None,
    end_line: int | None = None,
) -> list[Problem]:
    """Pydantic's errors, said for an editor, at the line of the key concerned (a term
    of a vocabulary named wrongly, with the key meant, from `settings`); a missing
    field of the front matter at its closing '---' line, `end_line`, where it is added."""
    by_key: dict[KeyPath, list[Any]] = {}
    for e in err.errors():
        by_key.setdefault(_data_path(e, data), []).append(e)
    # A misspelt key is one mistake: 'regon' is unknown, and so 'region' is missing.
    missing: dict[KeyPath, list[str]] = {}
    for key, errors in by_key.items():
        if key and errors[0]["type"] == "missing":
            missing.setdefault(key[:-1], []).append(str(key[-1]))
    for key, errors in list(by_key.items()):
        if key and errors[0]["type"] == "extra_forbidden" and missing.get(key[:-1]):
            close = difflib.get_close_matches(str(key[-1]), missing[key[:-1]], n=1)
            if close:
                missing[key[:-1]].remove(close[0])
                by_key.pop(key[:-1] + (close[0],), None)
    problems = []
    found = sorted(by_key.items(), key=lambda item: line_of(lines, item[0]))
    for n, (key, errors) in enumerate(found):
        if n >= limits.PROBLEMS_PER_FILE:  # not listed (ContentError): explaining thousands takes seconds
            message = f"{_field_name(key)}: {errors[0]['msg']}"
        elif len(errors) > 1:  # a union (number or text…) gives one error per alternative
            # The alternative that took the value's type and refused its value says why.
            specific = next((e for e in errors if not e["type"].endswith("_type")), None)
            got = _TYPE_WORDS.get(type(errors[0].get("input")), "this")
            message = (
                _explain(specific, key, model, settings)
                if specific
                else f"{_field_name(key)} has the wrong type: it cannot be {got}"
            )
        else:
            message = _explain(errors[0], key, model, settings)
        line = line_of(lines, key)
        if end_line and len(key) == 1 and errors[0]["type"] == "missing":
            line, message = end_line, _missing(key[0], message)
        problems.append(Problem(path, line, message))
    return problems


def _missing(field: str, message: str) -> str:
    """A field the front matter lacks, said at its closing '---' line."""
    if field == "consent":
        return (
            "the storyteller's consent is missing: add the line 'consent: {status: pending}' above this "
            "'---' line, and when they agree, make it 'consent: {status: given, date: YYYY-MM-DD}' "
            "with the day they agreed"
        )
    return f"{message}: add it above this '---' line"


def _data_path(error: Any, data: Any) -> KeyPath:
    """The part of an error location that names keys in the file (not union branches)."""
    path: list = []
    loc = error["loc"]
    for i, part in enumerate(loc):
        if (
            isinstance(data, dict)
            and part in data
            or (isinstance(data, list) and isinstance(part, int) and part < len(data))
        ):
            path.append(part)
            data = data[part]
        else:
            if error["type"] in ("missing", "extra_forbidden") and i == len(loc) - 1:
                path.append(part)  # a missing or unknown key: still name it
            break
    return tuple(path)


def _field_name(key: KeyPath) -> str:
    """'title', 'consent.status', item 2 of 'aliases', 'value' in item 1 of 'outcomes'."""
    if not key:
        return "the front matter"
    last_index = max((i for i, k in enumerate(key) if isinstance(k, int)), default=None)
    if last_index is None:
        return "'" + ".".join(key) + "'"
    inner = _field_name(key[:last_index])
    item = f"item {key[last_index] + 1} of {inner}"
    rest = key[last_index + 1 :]
    return f"'{'.'.join(map(str, rest))}' in {item}" if rest else item


_TYPE_WORDS = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping of 'key: value' lines",
    type(None): "empty",
}


def _explain(e: Any, key: KeyPath, model: type[BaseModel] | None, settings: Settings | None = None) -> str:
    field, kind, given = _field_name(key), e["type"], e.get("input")
    got = _TYPE_WORDS.get(type(given), type(given).__name__)
    ctx = e.get("ctx") or {}
    if kind == "missing":
        return f"{field} is required"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, key[:-1])
        close = difflib.get_close_matches(str(key[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown field {field}: {hint}allowed fields are {', '.join(allowed)}"
    if kind == "string_type":
        extra = " (put it in quotes)" if isinstance(given, (int, float, bool)) else ""
        return f"{field} must be text, not {got}{extra}"
    if kind == "list_type":
        return f"{field} must be a list, one '- item' per line, not {got}"
    if kind in ("model_type", "dict_type", "model_attributes_type") and key == ("consent",):
        return (
            f"{field} is a group of fields, not {got}: write 'consent: {{status: given, date: YYYY-MM-DD}}' "
            "with the day the storyteller agreed (or 'consent: {status: pending}' until they do)"
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{field} must be a mapping of 'key: value' lines, not {got}"
    if kind == "bool_type":
        word = _YES_NO.get(given.lower()) if isinstance(given, str) else None
        return f"{field} must be true or false, not {given!r}" + (f": write {word}" if word else "")
    if kind in ("int_type", "int_from_float"):
        return f"{field} must be a whole number, not {given!r}"
    if kind == "literal_error" and key == ("consent", "status"):
        return (
            f"{field} is '{str(given).lower() if isinstance(given, bool) else given}', and it takes one "
            "of three words: write given if the storyteller agreed to publish (with consent.date, the "
            "day they did), pending until they answer, withdrawn if they took it back"
        )
    if kind == "literal_error":
        return f"{field} must be one of {ctx.get('expected')}, not {given!r}"
    if kind == "string_pattern_mismatch":
        name = next((k for k in reversed(key) if isinstance(k, str)), "")
        if name == "aliases":
            return f"the alias {given!r} {addresses.alias_problem(given)}"
        vocab = next((v for v in VOCABULARIES if v.field == key[0]), None)
        if vocab and settings and len(key) <= 2:  # (a label, or a key in capitals)
            return unknown_term(vocab, given, settings)
        return f"{field} is {given!r}: " + _PATTERN_HINTS.get(name, _KEY_HINT)
    if kind == "string_too_short":
        return f"{field} must not be empty"
    if isinstance(given, str) and kind in ("string_too_long", "too_long"):
        return f"{field} is {len(given)} characters long; at most {ctx.get('max_length')} are allowed"
    if kind == "too_short":
        return f"{field} needs at least {counted(ctx.get('min_length', 1), 'item')}"
    if kind == "too_long":
        return f"{field} has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
    if kind == "greater_than_equal":
        return f"{field} must be {ctx.get('ge'):,} or more, not {given!r}"
    if kind == "less_than_equal":
        return f"{field} must be {ctx.get('le'):,} or less, not {given!r}"
    if kind == "finite_number":
        return f"{field} must be a number, not {given!r} (.nan and .inf are not numbers here)"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return f"{field} must be a date written YYYY-MM-DD"
    if kind == "value_error":
        error = str(ctx.get("error", e["msg"]))
        if error.startswith(urls.REFUSED):
            return f"{field} {error}"
        return f"{field}: {error}" if error.startswith("the text holds") else error
    if kind.endswith("_type") or kind in ("union_tag_invalid",):
        return f"{field} has the wrong type ({got})"
    return f"{field}: {e['msg']}"


# The words YAML 1.1 took for true and false; YAML 1.2, and the site, read them as words.
_YES_NO = {
    **dict.fromkeys(("yes", "y", "on"), "true for yes"),
    **dict.fromkeys(("no", "n", "off"), "false for no"),
}
_KEY_HINT = "use lowercase letters, digits and single hyphens, like 'voice-and-agency'"
_PATTERN_HINTS = {
    "slug": "a slug uses lowercase letters, digits and single hyphens, like 'oldham-youth-forum'",
    "lang": "use a language tag such as 'en', 'ur' or 'pl'",
    "email": "write an email address such as 'press@example.org'",
    "base_url": "write a full address such as 'https://example.org/'",
    "event": "name the event by its slug, like 'oldham-2013'",
    "translation_of": "name the original story by its slug",
}


def unknown_term(vocab: Vocabulary, given: str, settings: Settings) -> str:
    """What to write for a term site.yaml does not have: the key meant, when what was
    written is a term's label or its key in other letters or spaces ('Common purpose',
    'London'), or close to one; else the keys there are."""
    terms = getattr(settings, vocab.name)
    keys = ", ".join(terms) or "none yet"
    wanted = " ".join(given.split()).casefold()
    by_label = {term.label.casefold(): key for key, term in terms.items()}
    if wanted in by_label:
        key = by_label[wanted]
        return f"'{given}' is the label of the {vocab.one} whose key is '{key}': write {key}"
    meant = next((key for key in terms if key.casefold() in (wanted, slugify(given))), None)
    if meant:
        return f"no {vocab.one} is '{given}': its key is written '{meant}' (lowercase, with hyphens): write {meant}"
    close = difflib.get_close_matches(wanted, [*terms, *by_label], n=1, cutoff=0.75)
    hint = f"did you mean '{by_label.get(close[0], close[0])}'? " if close else ""
    return (
        f"unknown {vocab.one} '{given}'; {hint}allowed: {keys} (a new term is added in site.yaml under '{vocab.name}')"
    )


def _allowed_keys(model: type[BaseModel] | None, parent: KeyPath) -> list[str]:
    for part in parent:  # walk into nested models: consent, image, outcomes items…
        if model is None or isinstance(part, int):
            continue
        model = nested_model(model.model_fields[part].annotation) if part in model.model_fields else None
    return sorted(model.model_fields) if model else []


def _entry(source: Source, settings: Settings) -> tuple[Entry | None, list[Problem]]:
    kind = KIND[source.kind]
    model = META[kind.name]
    try:
        meta = model.model_validate(source.data)
    except ValidationError as err:
        end = source.body_line - 1  # (the closing '---')
        return None, model_problems(err, source.data, source.lines, source.path, model, settings, end)
    problems = _placeholder_problems(source) if meta.status == "published" else []
    for vocab in VOCABULARIES:
        terms = getattr(settings, vocab.name)
        for key, term in vocab.named(meta):
            if term not in terms:
                problems.append(Problem(source.path, source.line(*key), unknown_term(vocab, term, settings)))
    problems += _outcome_problems(source, meta, settings) + _area_problems(source, meta, settings)
    slug = meta.slug or Path(source.path).stem
    if meta.slug is None and slugify(slug) != slug:
        problems.append(
            Problem(
                source.path,
                1,
                f"the file name '{Path(source.path).name}' cannot be "
                f"a URL: rename it to '{slugify(slug) or 'my-story'}.md' or set 'slug'",
            )
        )
    device = addresses.device_name(slug)
    if device:
        name = Path(source.path).name
        problems.append(
            Problem(
                source.path,
                source.line("slug"),
                f"the slug '{slug}' is {addresses.DEVICE}: choose another slug"
                if meta.slug
                else f"the file name '{name}' gives the slug '{slug}', {addresses.DEVICE}: rename the file or set 'slug'",
            )
        )
    entry = Entry(
        source.kind,
        source.path,
        slug,
        kind.prefix + slug + "/",
        meta,
        source.body,
        source.body_line,
        source.lines,
    )
    return entry, problems


def _nearest(key: str, keys: Iterable[str]) -> str:
    """'did you mean 'X'? ' for the key most like a mistyped one, or nothing."""
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def _outcome_problems(source: Source, meta: Any, settings: Settings) -> list[Problem]:
    """An outcome that names a shared measure is in the measure's unit, and a number
    where the unit counts (a percentage from 0 to 100, a count a whole number)."""
    problems = []
    for i, outcome in enumerate(getattr(meta, "outcomes", ())):
        measure = settings.measures.get(outcome.measure) if outcome.measure else None
        if measure is None:
            continue  # (none named, or an unknown one, reported above)
        if outcome.unit is not None and outcome.unit != measure.unit:
            problems.append(
                Problem(
                    source.path,
                    source.line("outcomes", i, "unit"),
                    f"the measure '{outcome.measure}' is in {measure.unit}, not '{outcome.unit}': "
                    f"write unit: {measure.unit}, or leave unit out",
                )
            )
        for name in ("value", "baseline"):
            why = unit_problem(measure.unit, getattr(outcome, name))
            if why:
                line = source.line("outcomes", i, name)
                problems.append(Problem(source.path, line, f"{name} in item {i + 1} of 'outcomes' {why}"))
    return problems


def unit_problem(unit: str, value: object) -> str | None:
    """Why a value cannot be in a measure's unit, or None (nothing to say of None)."""
    if value is None or unit == "text":
        return None
    if not isinstance(value, (int, float)):
        return f"is '{value}', but a measure in {unit} takes a number: write the number alone"
    if unit == "percent" and not 0 <= value <= 100:
        return f"is {value}, but a percentage is from 0 to 100"
    if unit == "count" and (not isinstance(value, int) or value < 0):
        return f"is {value}, but a count is a whole number, 0 or more"
    return None


def _area_problems(source: Source, meta: Any, settings: Settings) -> list[Problem]:
    """An area from the engine's list, and, where the site's regions are ONS's (as the
    bundled site's are), the region the area lies in."""
    key = getattr(meta, "area", None)
    if key is None:
        return []
    known = areas.areas()
    area = known.get(key)
    if area is None:
        return [
            Problem(
                source.path,
                source.line("area"),
                f"unknown area '{key}'; {_nearest(key, known)}an area is a local authority district of "
                "England or Wales, by its key in the list at /areas/ (e.g. oldham, bristol, cardiff)",
            )
        ]
    if area.region in settings.regions and meta.region != area.region:
        return [
            Problem(
                source.path,
                source.line("region"),
                f"{area.name} (area: {key}) is in the region '{area.region}', not '{meta.region}': "
                f"write region: {area.region}",
            )
        ]
    return []


def _placeholder_problems(source: Source) -> list[Problem]:
    """A published item must not hold the placeholder text of the blank it began as."""
    found = blanks.placeholders()
    problems: list[Problem] = []
    # Quickly, first: a placeholder's first word appears, as written, in any text that
    # holds the placeholder (most items have none: this spares walking every field).
    firsts = {text.split()[0] for text in found}
    fields = repr(source.data)
    if not any(word in source.body or word in fields for word in firsts):
        return problems

    def walk(value: Any, key: KeyPath) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, key + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, key + (i,))
        elif isinstance(value, str) and " ".join(value.split()) in found:
            problems.append(
                Problem(
                    source.path,
                    source.line(*key),
                    f"{_field_name(key)} still holds the placeholder of a new file "
                    f"(\u201c{value}\u201d): write the real text before publishing",
                )
            )

    walk(source.data, ())
    body = " ".join(source.body.split())
    for text in found:
        if text in body:
            first = source.body.find(text.split()[0] + " " + text.split()[1])
            problems.append(
                Problem(
                    source.path,
                    source.body_line + source.body[: max(first, 0)].count("\n"),
                    f"the text still holds the placeholder of a new file "
                    f"(\u201c{text}\u201d): write the real text before publishing",
                )
            )
    return problems


class Validated:
    """Each file's entry as validated, kept by a long-running preview between builds:
    a file whose Source object and settings are the ones validated before is not
    validated again (sources.Sources gives an unchanged file the same Source)."""

    def __init__(self) -> None:
        self.settings: Settings | None = None  # what the entries below were validated with
        self._known: dict[str, tuple[Source, Entry | None, list[Problem]]] = {}

    def use(self, settings: Settings) -> None:
        if settings != self.settings:
            self.settings, self._known = settings, {}

    def entry(self, source: Source) -> tuple[Entry | None, list[Problem]]:
        """An entry as validated with the settings `use` was given."""
        assert self.settings is not None, "use(settings) comes first"
        known = self._known.get(source.path)
        if known is None or known[0] is not source:
            known = self._known[source.path] = (source, *_entry(source, self.settings))
        return known[1], known[2]


def validate(
    root: Path,
    loader: Callable[[Path], tuple[list[Source], list[Problem]]] = load_sources,
    validated: Validated | None = None,
    now: date | None = None,
    drafts: bool = False,
) -> Content:
    """Load and validate everything; raise ContentError listing every error found.
    `loader` reads the content files (the build cache passes one that reuses what it
    read before). `now` is the build date (today if not given) and `drafts` whether
    drafts are shown: what is withheld then is told of, never stopped at
    (_withdrawal_wins)."""
    settings = load_settings(root)
    sources, problems = loader(root)
    problems = [*problems, *content_problems(root)]
    if validated:
        validated.use(settings)
    day = now or date.today()
    entries, withheld = [], {}
    for source in sources:
        entry, found = validated.entry(source) if validated else _entry(source, settings)
        problems += found
        # (a file that does not fit its model is read loosely: a withdrawal holds in it too)
        seen = visibility.of_entry(entry, day) if entry else visibility.of_data(source.data, source.kind, day)
        if seen in _WITHHELD and not (drafts and seen in _SHOWN_WITH_DRAFTS):
            withheld[source.path] = f"the {source.kind} is {_WITHHELD[seen]}"
        if entry:
            entries.append(entry)
    problems = _withdrawal_wins([*problems, *_cross_file_problems(root, entries, withheld)], withheld)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ContentError(errors)
    return Content(root, settings, tuple(entries), tuple(sorted(problems)))


# Why an item is withheld, as its errors-made-warnings say; only these win over its
# errors ('consent pending' on a published story is itself an error). A preview that
# shows drafts (--drafts) shows drafts and embargoed items, so their errors stay errors.
_WITHHELD = {
    "consent withdrawn": "withdrawn",
    "unpublished": "unpublished",
    "embargoed": "embargoed",
    "draft": "a draft",
}
_SHOWN_WITH_DRAFTS = {"embargoed", "draft"}


def _withdrawal_wins(problems: list[Problem], why: dict[str, str]) -> list[Problem]:
    """A withdrawal always wins: what is wrong in an item withheld on the build date (its
    consent withdrawn, its unpublish_on passed or publish_on to come, a draft), by `why`
    (path -> why), such as an event it names since deleted, a term since removed from
    site.yaml or a field its editor wiped, must not stop the build that takes it down,
    so its errors are told as warnings. (A file that cannot be read or parsed says
    nothing of its consent, and stays an error.)"""
    return [
        dataclasses.replace(p, level="warning", message=f"{p.message} ({why[p.path]}: the build goes on)")
        if p.level == "error" and p.path in why
        else p
        for p in problems
    ]


def _cross_file_problems(root: Path, entries: list[Entry], withheld: dict[str, str]) -> list[Problem]:
    """What is wrong between files. Only the items shown on the build date claim a slug,
    an address or an organisation's page: a withheld item holds none of them, so it can
    never make a shown item's file an error (and so stop its own take-down); a shown
    item may still name a withheld event or original (site.py drops the link)."""
    problems: list[Problem] = []
    shown = [e for e in entries if e.path not in withheld]
    by_slug: dict[tuple[str, str], Entry] = {}
    for entry in shown:
        other = by_slug.setdefault((entry.kind, entry.slug), entry)
        if other is not entry:
            problems.append(
                Problem(
                    entry.path,
                    entry.line("slug"),
                    f"two {entry.kind} files have the slug '{entry.slug}': "
                    f"{other.path} and {entry.path}; give one a different slug",
                )
            )
        used = addresses.site_folder(entry.slug) if entry.kind == "page" else None
        if used:
            problems.append(
                Problem(
                    entry.path,
                    entry.line("slug"),
                    f"'/{entry.slug}/' is used by the site itself ({used}); choose another slug",
                )
            )
    stories = {e.slug: e for e in entries if e.kind == "story"}
    events = {e.slug: e for e in entries if e.kind == "event"}
    for story in stories.values():
        problems += _story_problems(story, stories, events)
    problems += _organisation_problems(shown)
    problems += _alias_problems(shown)
    problems += _image_problems(root, entries)
    return problems


def _story_problems(story: Entry, stories: dict[str, Entry], events: dict[str, Entry]) -> list[Problem]:
    problems = []
    if story.event and story.event not in events:
        problems.append(
            Problem(
                story.path,
                story.line("event"),
                f"no event has the slug '{story.event}'; the events are: {', '.join(sorted(events)) or 'none yet'}",
            )
        )
    if story.translation_of:
        original = stories.get(story.translation_of)
        if original is None or original is story:
            problems.append(
                Problem(
                    story.path, story.line("translation_of"), f"no other story has the slug '{story.translation_of}'"
                )
            )
        elif original.translation_of:
            problems.append(
                Problem(
                    story.path,
                    story.line("translation_of"),
                    f"'{original.slug}' is itself a translation: name the original, '{original.translation_of}'",
                )
            )
    if story.status == "published" and story.consent.status == "pending":
        problems.append(
            Problem(
                story.path,
                story.line("consent", "status"),
                "this story is published but consent is still pending: keep "
                "'status: draft' until the storyteller agrees, then set "
                "consent.status: given and consent.date",
            )
        )
    if story.status == "published" and story.consent.status == "withdrawn":
        problems.append(
            Problem(
                story.path,
                story.line("consent", "status"),
                "consent withdrawn: the story is withheld from every page, feed, export and the search index",
                "info",
            )
        )
    return problems


def _organisation_problems(entries: list[Entry]) -> list[Problem]:
    """Two spellings of one organisation would share a page: ask for one spelling."""
    problems: list[Problem] = []
    first: dict[str, tuple[str, str]] = {}
    for entry in entries:
        field = "organisations" if entry.kind == "story" else "hosts"
        for i, name in enumerate(getattr(entry.meta, field, [])):
            slug, where = slugify(name), f"{entry.path}:{entry.line(field, i)}"
            unusable = unusable_organisation(name, slug)
            if unusable:
                problems.append(Problem(entry.path, entry.line(field, i), unusable))
                continue
            other_name, other_where = first.setdefault(slug, (name, where))
            if other_name != name:
                problems.append(
                    Problem(
                        entry.path,
                        entry.line(field, i),
                        f"'{name}' and '{other_name}' ({other_where}) would share the page "
                        f"/organisations/{slug}/: spell the organisation the same way",
                    )
                )
    return problems


def unusable_organisation(name: str, slug: str) -> str | None:
    """Why an organisation's name cannot make its page's address, or None."""
    if not slug:
        return f"the organisation name '{name}' has no letters or digits"
    if addresses.device_name(slug):
        return (
            f"the organisation name '{name}' gives the page /organisations/{slug}/, and '{slug}' is "
            f"{addresses.DEVICE}: write the name in full"
        )
    return None


def _alias_problems(entries: list[Entry]) -> list[Problem]:
    """An alias that is a name Windows keeps, or takes an item's address or another
    alias's, in any letter case (plan.clashes then checks it against every address the
    build writes)."""
    problems, claims = [], addresses.Claims()
    for entry in entries:
        claims.claim(entry.url, entry.path)
    for entry in entries:
        for i, alias in enumerate(entry.aliases):
            refused = claims.alias(alias, entry.path)
            if refused:
                problems.append(Problem(entry.path, entry.line("aliases", i), refused))
    return problems


def _image_problems(root: Path, entries: list[Entry]) -> list[Problem]:
    problems = []
    for entry in entries:
        image = getattr(entry.meta, "image", None)
        if image is None:
            continue
        try:
            images.find(root, entry.path, image.src)
        except images.ImageError as err:
            problems.append(Problem(entry.path, entry.line("image", "src"), err.message))
    return problems


def image_path(root: Path, entry: Entry, src: str) -> Path | None:
    """Where an image named in a content file lives; None if outside the site root.
    (Validation has checked it with images.find: a site file, a picture that can be used.)"""
    path = ((root / entry.path).parent / src).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def entry_image(root: Path, entry: Entry) -> images.ImageSet:
    """An item's own picture, in the sizes made of it (validation has made sure it is a
    picture inside the site)."""
    found = image_path(root, entry, entry.image.src)
    if found is None:
        raise ValueError(f"{entry.path}: the picture is outside the site (validation refuses it)")
    return images.plan(found)
