"""The /figures/ page: counts computed from the public content at build time, laid out
as horizontal bar charts (drawn as inline SVG by the template, which also prints every
number in a table).

A translation tells the same story again, so each story counts once, by the rule
every listing and tile follows (Site.once): the numbers here are the site's numbers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .kinds import VOCABULARY
from .site import Site

WIDTH = 400  # SVG user units; the chart scales to its column
VALUE_ROOM = 48  # room right of the longest bar for its number
ROW = 40  # a label line above a bar
BAR = 14


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str | None
    y: int  # top of the row
    length: float  # bar length in SVG units
    extra: int | None = None  # a second number for the table (events per region)


@dataclass(frozen=True)
class Chart:
    id: str  # also the theme string key of its heading
    bars: tuple[Bar, ...]

    @property
    def height(self) -> int:
        return ROW * len(self.bars)

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def charts(site: Site) -> tuple[Chart, ...]:
    result = []
    for vocab in (v for v in VOCABULARY if site.terms[v]):  # (a site may define no measures)
        result.append(
            bars(f"by_{vocab}", [(t.label, len(site.once(t.stories)), t.url, None) for t in site.terms[vocab]])
        )
    years = Counter(s.date.year for s in site.listed)
    span = range(min(years), max(years) + 1) if years else range(0)
    # every year in the span, so a gap in the record shows as a gap
    result.append(bars("by_year", [(str(y), years[y], None, None) for y in span]))
    result.append(
        bars(
            "attendance_by_region",
            [
                (t.label, sum(e.attendees or 0 for e in t.events), t.url, len(t.events))
                for t in site.terms["regions"]
                if t.events
            ],
        )
    )
    return tuple(result)


def totals(site: Site) -> dict[str, int]:
    return {
        "stories": len(site.listed),
        "translations": len(site.stories) - len(site.listed),
        "events": len(site.events),
        "attendees": sum(e.attendees or 0 for e in site.events),
        "organisations_represented": sum(e.organisations_represented or 0 for e in site.events),
        "organisations": len(site.organisations),
    }


def bars(chart_id: str, rows: list[tuple[str, int, str | None, int | None]]) -> Chart:
    """A chart of (label, value, link, second number) rows, bars scaled to the largest."""
    most = max((value for _, value, _, _ in rows), default=0) or 1
    scale = (WIDTH - VALUE_ROOM) / most
    return Chart(
        chart_id,
        tuple(
            Bar(label, value, url, ROW * n, round(value * scale, 1), extra)
            for n, (label, value, url, extra) in enumerate(rows)
        ),
    )
