"""The local authority areas a story or event may name (`area: KEY`): the districts of
England and Wales with their ONS (GSS) codes and regions, shipped with the engine in
data/areas.csv, whose opening lines name the source and its date. docs/content-model.md
says how a boundary change is handled."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).parent / "data" / "areas.csv"
PREFIX = "/areas/"


@dataclass(frozen=True)
class Area:
    key: str  # the engine's key, e.g. oldham
    code: str  # ONS's GSS code, e.g. E08000004
    name: str  # ONS's name, e.g. Oldham
    region: str  # the region's key, as the bundled site's regions name it (wales for Wales)
    region_code: str  # ONS's code of the region (or, for Wales, the country)
    region_name: str

    @property
    def url(self) -> str:
        return f"{PREFIX}{self.key}/"


@cache
def areas() -> dict[str, Area]:
    """Every area by key, in the file's order (by key)."""
    lines = [line for line in FILE.read_text("utf-8").splitlines() if not line.startswith("#")]
    return {row["key"]: Area(**row) for row in csv.DictReader(lines)}


def source() -> str:
    """The data file's own account of where its codes come from (its opening comment)."""
    lines = FILE.read_text("utf-8").splitlines()
    return " ".join(line.lstrip("# ") for line in lines if line.startswith("#"))
