"""What a site holds, declared once (docs/architecture.md): the kinds of content file
and the vocabularies whose terms their fields name. Kept free of the build's libraries
(no pydantic here), since the up-to-date check reads the content folders and must stay
light to import; test_kinds holds the rest of the engine to these declarations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    """A list of terms in site.yaml that a front-matter field names by key. Each term
    has a page at /NAME/KEY/, a search filter and a column of the open data."""

    name: str  # its key in site.yaml and its addresses' first segment
    field: str  # the front-matter field of stories and events that names its terms
    one: str  # one of its terms, in messages and as the search page's filter
    # The list field whose items hold `field` (an outcome names its measure), or "".
    # Such a vocabulary's pages are made by plan's own function for it, not as terms'.
    within: str = ""

    def named(self, meta: object) -> list[tuple[tuple[str | int, ...], str]]:
        """Each key an item's front matter names, with the key path it is written at
        (none if its kind has no such field)."""
        if self.within:
            items = getattr(meta, self.within, None) or ()
            return [
                ((self.within, i, self.field), key)
                for i, item in enumerate(items)
                if (key := getattr(item, self.field, None)) is not None
            ]
        value = getattr(meta, self.field, None)
        if value is None:
            return []
        if isinstance(value, list):
            return [((self.field, i), key) for i, key in enumerate(value)]
        return [((self.field,), value)]

    def keys(self, meta: object) -> list[str]:
        """The keys an item's front matter names (none if its kind has no such field)."""
        return [key for _, key in self.named(meta)]


# Every vocabulary, in the order readers meet them (models.Settings has a field for each).
VOCABULARIES = (
    Vocabulary("categories", "categories", "category"),
    Vocabulary("approaches", "approaches", "approach"),
    Vocabulary("divides", "divides", "divide"),
    Vocabulary("themes", "themes", "theme"),
    Vocabulary("regions", "region", "region"),
    Vocabulary("measures", "measure", "measure", within="outcomes"),  # shared measures of change
)
VOCABULARY = {v.name: v for v in VOCABULARIES}  # by name, in the same order


@dataclass(frozen=True)
class Kind:
    """One kind of content file: loading, validation, the Site, the plan, the open data,
    the JSON Schema, the blanks and the web editor all read it here. Its front matter's
    model is models.META[name]."""

    name: str  # Entry.kind, and `goodrel new NAME`
    folder: str  # its content folder; for dated kinds its open data's name too
    prefix: str  # the start of its items' addresses
    label: str  # in the web editor: the collection,
    label_one: str  # and one item of it
    dated: bool  # listed by date, in feeds, search, open data, `new` and the schema files
    links: tuple[tuple[str, str], ...] = ()  # (field, kind): fields naming another item by slug


KINDS = (
    Kind(
        "story",
        "stories",
        "/stories/",
        "Stories",
        "Story",
        dated=True,
        links=(("event", "event"), ("translation_of", "story")),
    ),
    Kind("event", "events", "/events/", "Event reports", "Event report", dated=True),
    Kind("page", "pages", "/", "Pages", "Page", dated=False),
)
KIND = {k.name: k for k in KINDS}
DATED = tuple(k for k in KINDS if k.dated)
CONTENT_FOLDERS = tuple(k.folder for k in KINDS)
