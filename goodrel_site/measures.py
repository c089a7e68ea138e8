"""Shared measures of change, pooled: every public outcome that names a measure, and
its results counted by how they are known (the outcome's evidence) and, where value
and baseline are both numbers, the change between them. The measures pages, the area
briefs, /figures/ and the open data's outcomes table all read these.

Only the Site's items are counted, so a withheld item counts nowhere; an area's
figures are withheld when fewer than limits.AREA_FIGURE_MIN_ITEMS items report them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import figures, limits
from .areas import Area, areas
from .models import Entry, Measure, Outcome
from .site import Site

EVIDENCE = ("self-reported", "observed", "evaluated", None)  # strongest last; None: not said


@dataclass(frozen=True)
class Result:
    """One outcome of a public story or event that reports a measure (plain values: a
    page's context holds no models, keys.py)."""

    entry: Entry
    indicator: str
    value: int | float | str
    baseline: int | float | str | None
    evidence: str | None
    area: Area | None

    @classmethod
    def of(cls, entry: Entry, outcome: Outcome, area: Area | None) -> Result:
        return cls(entry, outcome.indicator, outcome.value, outcome.baseline, outcome.evidence, area)

    @property
    def change(self) -> float | None:
        """Value less baseline, when both are numbers."""
        value, baseline = self.value, self.baseline
        if _number(value) and _number(baseline):
            return round(value - baseline, 2)  # type: ignore[operator]
        return None


@dataclass(frozen=True)
class About:
    """A measure as site.yaml describes it."""

    label: str
    description: str
    unit: str
    source: str | None
    framework: str | None
    licence: str | None

    @classmethod
    def of(cls, term: Measure) -> About:
        return cls(term.label, term.description, term.unit, term.source, term.framework, term.licence)


@dataclass(frozen=True)
class Pool:
    """The results of one measure known one way (or all ways, evidence "all")."""

    evidence: str | None
    results: int  # outcomes
    items: int  # the stories and events they come from
    paired: int  # results with a number for both value and baseline
    baseline: float | None  # means over the paired results
    value: float | None
    change: float | None


@dataclass(frozen=True)
class Pooled:
    measure: str
    term: About
    results: tuple[Result, ...]
    pools: tuple[Pool, ...]  # by evidence, in EVIDENCE's order, only those with results
    total: Pool
    chart: figures.Chart  # results by evidence


def results(site: Site) -> dict[str, tuple[Result, ...]]:
    """Every measure's results, in site.yaml's order; a story's translations report what
    their original does, so each story counts once, by its lead version."""
    found: dict[str, list[Result]] = {key: [] for key in site.settings.measures}
    known = areas()
    for entry in (*site.listed, *site.events):
        for outcome in entry.outcomes:
            if outcome.measure in found:
                found[outcome.measure].append(Result.of(entry, outcome, known.get(entry.area or "")))
    return {key: tuple(found[key]) for key in found}


def pooled(site: Site) -> tuple[Pooled, ...]:
    """Each measure with its results pooled."""
    return tuple(pool(About.of(site.settings.measures[key]), key, found) for key, found in results(site).items())


def pool(term: About, key: str, found: Iterable[Result]) -> Pooled:
    found = tuple(found)
    pools = tuple(_pool(level, [r for r in found if r.evidence == level]) for level in EVIDENCE)
    pools = tuple(p for p in pools if p.results)
    chart = figures.bars(f"measure_{key}", [(_level(p.evidence), p.results, None, None) for p in pools])
    return Pooled(key, term, found, pools, _pool("all", list(found)), chart)


def by_area(pooled: tuple[Pooled, ...]) -> dict[str, list[tuple[Pooled, list[Result]]]]:
    """Each area's results, by measure in site.yaml's order (one pass over them all)."""
    found: dict[str, dict[str, tuple[Pooled, list[Result]]]] = {}
    for each in pooled:
        for result in each.results:
            if result.area:
                found.setdefault(result.area.key, {}).setdefault(each.measure, (each, []))[1].append(result)
    return {area: list(measured.values()) for area, measured in found.items()}


def in_area(measure: Pooled, here: list[Result]) -> Pooled | None:
    """A measure's results in one area pooled, or None when too few items report it
    there for a figure to be shown (limits.AREA_FIGURE_MIN_ITEMS)."""
    if len({r.entry.url for r in here}) < limits.AREA_FIGURE_MIN_ITEMS:
        return None
    return pool(measure.term, measure.measure, here)


def _pool(evidence: str | None, found: list[Result]) -> Pool:
    paired = [r for r in found if r.change is not None]
    return Pool(
        evidence,
        len(found),
        len({r.entry.url for r in found}),
        len(paired),
        _mean(r.baseline for r in paired),
        _mean(r.value for r in paired),
        _mean(r.change for r in paired),
    )


def _mean(values: Iterable) -> float | None:
    numbers = list(values)
    return round(sum(numbers) / len(numbers), 1) if numbers else None


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _level(evidence: str | None) -> str:
    return evidence or "unstated"
