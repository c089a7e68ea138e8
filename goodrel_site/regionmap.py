"""A map of England's nine regions, drawn for this project: simplified outlines in
longitude and latitude, projected to SVG paths once at import. Borders are shared
arcs, so neighbouring regions meet exactly, without gaps or overlaps.

The shapes are deliberately rough (a few dozen points per region): they exist to
help a reader find their part of the country, not to survey it. The templates draw
the SVG; this module only holds the geometry."""

from __future__ import annotations

import math
from dataclasses import dataclass

# An equirectangular projection scaled for England's mid-latitude keeps the shapes
# recognisable without any mapping library.
SCALE = 100.0
WEST, NORTH = -6.0, 56.0
ASPECT = math.cos(math.radians(53.0))

Point = tuple[float, float]  # longitude, latitude

# Each arc is one stretch of coast or one border between two neighbours.
ARCS: dict[str, tuple[Point, ...]] = {
    "scotland-west": ((-3.06, 54.99), (-2.95, 55.05), (-2.76, 55.15)),
    "scotland-east": (
        (-2.76, 55.15),
        (-2.60, 55.27),
        (-2.35, 55.35),
        (-2.22, 55.45),
        (-2.30, 55.55),
        (-2.20, 55.63),
        (-2.03, 55.79),
    ),
    "coast-north-east": (
        (-2.03, 55.79),
        (-1.80, 55.66),
        (-1.63, 55.50),
        (-1.58, 55.33),
        (-1.50, 55.15),
        (-1.42, 55.01),
        (-1.36, 54.90),
        (-1.30, 54.76),
        (-1.18, 54.69),
        (-1.12, 54.63),
        (-1.02, 54.61),
        (-0.79, 54.56),
    ),
    "north-east|north-west": (
        (-2.76, 55.15),
        (-2.57, 54.98),
        (-2.45, 54.88),
        (-2.30, 54.80),
        (-2.30, 54.65),
        (-2.17, 54.47),
    ),
    "north-east|yorkshire": (
        (-2.17, 54.47),
        (-1.85, 54.48),
        (-1.60, 54.50),
        (-1.40, 54.45),
        (-1.20, 54.48),
        (-1.00, 54.50),
        (-0.79, 54.56),
    ),
    "coast-yorkshire": (
        (-0.79, 54.56),
        (-0.60, 54.49),
        (-0.40, 54.30),
        (-0.27, 54.19),
        (-0.08, 54.12),
        (-0.20, 54.08),
        (-0.10, 53.90),
        (0.02, 53.72),
        (0.13, 53.58),
        (-0.10, 53.64),
        (-0.30, 53.72),
        (-0.58, 53.71),
        (-0.45, 53.66),
        (-0.20, 53.62),
        (-0.03, 53.56),
        (0.06, 53.49),
    ),
    "north-west|yorkshire": (
        (-2.17, 54.47),
        (-2.40, 54.35),
        (-2.45, 54.22),
        (-2.55, 54.10),
        (-2.35, 54.02),
        (-2.20, 53.95),
        (-2.05, 53.88),
        (-2.17, 53.72),
        (-2.03, 53.62),
        (-1.95, 53.55),
        (-1.87, 53.50),
    ),
    "yorkshire|east-midlands": (
        (-1.87, 53.50),
        (-1.72, 53.40),
        (-1.55, 53.32),
        (-1.30, 53.30),
        (-1.15, 53.35),
        (-1.02, 53.45),
        (-0.86, 53.47),
        (-0.72, 53.44),
        (-0.55, 53.45),
        (-0.35, 53.43),
        (-0.15, 53.45),
        (0.06, 53.49),
    ),
    "north-west|east-midlands": ((-1.87, 53.50), (-1.98, 53.45), (-2.05, 53.36), (-2.03, 53.28), (-2.03, 53.19)),
    "north-west|west-midlands": ((-2.03, 53.19), (-2.20, 53.08), (-2.38, 52.96), (-2.55, 52.95), (-2.73, 52.98)),
    "wales-north-west": ((-2.73, 52.98), (-2.80, 53.05), (-2.90, 53.12), (-3.06, 53.24)),
    "coast-north-west": (
        (-3.06, 53.24),
        (-3.20, 53.38),
        (-3.02, 53.47),
        (-3.08, 53.62),
        (-2.95, 53.72),
        (-3.05, 53.82),
        (-3.03, 53.93),
        (-2.85, 54.05),
        (-2.90, 54.18),
        (-3.22, 54.06),
        (-3.40, 54.25),
        (-3.45, 54.35),
        (-3.64, 54.51),
        (-3.57, 54.65),
        (-3.45, 54.78),
        (-3.35, 54.88),
        (-3.20, 54.95),
        (-3.06, 54.99),
    ),
    "coast-east-midlands": ((0.06, 53.49), (0.18, 53.35), (0.34, 53.15), (0.10, 52.97), (0.19, 52.81)),
    "east-midlands|west-midlands": (
        (-2.03, 53.19),
        (-1.90, 53.05),
        (-1.78, 52.92),
        (-1.62, 52.80),
        (-1.58, 52.70),
        (-1.60, 52.60),
        (-1.45, 52.54),
        (-1.30, 52.45),
        (-1.20, 52.38),
        (-1.22, 52.28),
        (-1.30, 52.18),
        (-1.30, 52.10),
    ),
    "east-midlands|south-east": ((-1.30, 52.10), (-1.12, 52.02), (-0.95, 52.03), (-0.78, 52.10), (-0.63, 52.19)),
    "east-midlands|east": (
        (-0.63, 52.19),
        (-0.50, 52.28),
        (-0.45, 52.40),
        (-0.40, 52.50),
        (-0.48, 52.60),
        (-0.30, 52.66),
        (-0.05, 52.70),
        (0.10, 52.75),
        (0.19, 52.81),
    ),
    "coast-east": (
        (0.19, 52.81),
        (0.40, 52.78),
        (0.50, 52.95),
        (0.95, 52.96),
        (1.30, 52.93),
        (1.65, 52.72),
        (1.73, 52.55),
        (1.76, 52.47),
        (1.62, 52.20),
        (1.38, 51.95),
        (1.28, 51.88),
        (1.15, 51.78),
        (0.95, 51.73),
        (0.90, 51.62),
        (0.72, 51.53),
        (0.50, 51.50),
        (0.28, 51.47),
    ),
    "east|south-east": ((-0.63, 52.19), (-0.70, 52.05), (-0.62, 51.95), (-0.68, 51.82), (-0.58, 51.72), (-0.50, 51.63)),
    "london|east": (
        (-0.50, 51.63),
        (-0.30, 51.67),
        (-0.10, 51.69),
        (0.05, 51.65),
        (0.20, 51.63),
        (0.33, 51.56),
        (0.28, 51.47),
    ),
    "london|south-east": (
        (0.28, 51.47),
        (0.18, 51.40),
        (0.15, 51.33),
        (0.02, 51.29),
        (-0.15, 51.30),
        (-0.33, 51.34),
        (-0.46, 51.42),
        (-0.51, 51.50),
        (-0.50, 51.63),
    ),
    "coast-south-east": (
        (0.28, 51.47),
        (0.50, 51.44),
        (0.75, 51.44),
        (0.95, 51.36),
        (1.20, 51.38),
        (1.43, 51.38),
        (1.40, 51.22),
        (1.30, 51.12),
        (1.08, 51.07),
        (0.97, 50.91),
        (0.75, 50.93),
        (0.60, 50.85),
        (0.27, 50.74),
        (-0.10, 50.81),
        (-0.45, 50.80),
        (-0.79, 50.72),
        (-0.95, 50.79),
        (-1.10, 50.79),
        (-1.32, 50.80),
        (-1.55, 50.74),
        (-1.74, 50.74),
    ),
    "south-west|south-east": (
        (-1.74, 50.74),
        (-1.83, 50.93),
        (-1.62, 51.02),
        (-1.64, 51.22),
        (-1.55, 51.38),
        (-1.59, 51.53),
        (-1.70, 51.63),
        (-1.66, 51.80),
        (-1.66, 51.96),
    ),
    "west-midlands|south-east": ((-1.66, 51.96), (-1.50, 52.02), (-1.30, 52.10)),
    "west-midlands|south-west": (
        (-2.66, 51.83),
        (-2.45, 51.92),
        (-2.30, 52.00),
        (-2.15, 51.99),
        (-1.95, 52.05),
        (-1.80, 52.02),
        (-1.66, 51.96),
    ),
    "wales-west-midlands": (
        (-2.73, 52.98),
        (-2.85, 52.95),
        (-3.05, 52.90),
        (-3.12, 52.80),
        (-3.05, 52.62),
        (-3.15, 52.52),
        (-3.05, 52.42),
        (-3.10, 52.30),
        (-3.05, 52.17),
        (-3.12, 52.08),
        (-3.05, 51.98),
        (-2.85, 51.88),
        (-2.66, 51.83),
    ),
    "wales-south-west": ((-2.66, 51.83), (-2.70, 51.75), (-2.66, 51.61)),
    "coast-south-west": (
        (-2.66, 51.61),
        (-2.70, 51.52),
        (-2.83, 51.45),
        (-3.00, 51.32),
        (-3.10, 51.20),
        (-3.45, 51.21),
        (-3.90, 51.23),
        (-4.22, 51.18),
        (-4.20, 51.07),
        (-4.53, 51.02),
        (-4.55, 50.92),
        (-4.75, 50.67),
        (-4.93, 50.55),
        (-5.08, 50.42),
        (-5.48, 50.21),
        (-5.65, 50.15),
        (-5.71, 50.06),
        (-5.40, 50.10),
        (-5.20, 49.96),
        (-5.05, 50.15),
        (-4.75, 50.32),
        (-4.45, 50.33),
        (-4.15, 50.35),
        (-3.90, 50.28),
        (-3.64, 50.22),
        (-3.50, 50.50),
        (-3.42, 50.62),
        (-3.20, 50.68),
        (-2.95, 50.72),
        (-2.75, 50.70),
        (-2.45, 50.56),
        (-2.45, 50.60),
        (-2.05, 50.60),
        (-1.95, 50.70),
        (-1.74, 50.74),
    ),
}

ISLANDS: dict[str, tuple[Point, ...]] = {
    "isle-of-wight": ((-1.58, 50.67), (-1.30, 50.77), (-1.08, 50.70), (-1.18, 50.60), (-1.30, 50.57), (-1.50, 50.65)),
}

# Each region's outline as a ring of arcs (walked in either direction), any islands,
# and the centre of its label. Labels that do not fit inside sit in the sea, anchored
# at the coast ("end" or "start") and, for London, joined to it by a leader line.
REGIONS: dict[str, dict] = {
    "north-east": {
        "arcs": ("coast-north-east", "north-east|yorkshire", "north-east|north-west", "scotland-east"),
        "label": (-1.98, 55.05),
    },
    "north-west": {
        "arcs": (
            "scotland-west",
            "north-east|north-west",
            "north-west|yorkshire",
            "north-west|east-midlands",
            "north-west|west-midlands",
            "wales-north-west",
            "coast-north-west",
        ),
        "label": (-3.4, 53.95),
        "anchor": "end",
    },
    "yorkshire-and-the-humber": {
        "arcs": ("north-east|yorkshire", "coast-yorkshire", "yorkshire|east-midlands", "north-west|yorkshire"),
        "label": (-1.2, 54.0),
    },
    "east-midlands": {
        "arcs": (
            "yorkshire|east-midlands",
            "coast-east-midlands",
            "east-midlands|east",
            "east-midlands|south-east",
            "east-midlands|west-midlands",
            "north-west|east-midlands",
        ),
        "label": (-0.85, 52.95),
    },
    "west-midlands": {
        "arcs": (
            "north-west|west-midlands",
            "east-midlands|west-midlands",
            "west-midlands|south-east",
            "west-midlands|south-west",
            "wales-west-midlands",
        ),
        "label": (-2.3, 52.45),
    },
    "east-of-england": {
        "arcs": ("east-midlands|east", "coast-east", "london|east", "east|south-east"),
        "label": (0.75, 52.3),
    },
    "london": {
        "arcs": ("london|east", "london|south-east"),
        "label": (1.12, 51.47),
        "anchor": "start",
        "leader": ((0.3, 51.5), (1.06, 51.5)),
    },
    "south-east": {
        "arcs": (
            "east|south-east",
            "london|south-east",
            "coast-south-east",
            "south-west|south-east",
            "west-midlands|south-east",
            "east-midlands|south-east",
        ),
        "islands": ("isle-of-wight",),
        "label": (-1.05, 51.2),
    },
    "south-west": {
        "arcs": ("west-midlands|south-west", "south-west|south-east", "coast-south-west", "wales-south-west"),
        "label": (-2.6, 51.1),
    },
}

# England-wide work has no place on the map: it gets a box in the North Sea.
NATIONAL_BOX = (0.35, 55.75, 1.95, 55.05)  # west, north, east, south


@dataclass(frozen=True)
class Shape:
    d: str  # SVG path data
    x: float  # label centre
    y: float
    anchor: str = "middle"  # SVG text-anchor
    leader: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


def project(point: Point) -> tuple[float, float]:
    lon, lat = point
    return round((lon - WEST) * ASPECT * SCALE, 1), round((NORTH - lat) * SCALE, 1)


def ring(names: tuple[str, ...]) -> list[Point]:
    """Join arcs end to end, reversing each as needed, into one closed ring."""
    points = list(ARCS[names[0]])
    if points[0] in (ARCS[names[1]][0], ARCS[names[1]][-1]):
        points.reverse()
    for name in names[1:]:
        arc = ARCS[name]
        if arc[0] == points[-1]:
            points += arc[1:]
        elif arc[-1] == points[-1]:
            points += arc[-2::-1]
        else:
            raise ValueError(f"arc {name} does not continue the ring at {points[-1]}")
    if points[0] != points[-1]:
        raise ValueError(f"the ring {names} does not close")
    return points[:-1]


def _path(points: list[Point]) -> str:
    xy = [project(p) for p in points]
    return "M" + " ".join(f"{x:g},{y:g}" for x, y in xy) + "Z"


def _shapes() -> dict[str, Shape]:
    shapes = {}
    for key, region in REGIONS.items():
        d = _path(ring(region["arcs"])) + "".join(_path(list(ISLANDS[name])) for name in region.get("islands", ()))
        x, y = project(region["label"])
        leader = region.get("leader")
        shapes[key] = Shape(
            d, x, y, region.get("anchor", "middle"), project(leader[0]) + project(leader[1]) if leader else None
        )
    return shapes


def _viewbox() -> tuple[float, float, float, float]:
    xs, ys = zip(*(project(p) for arc in ARCS.values() for p in arc), strict=True)
    west, north, east, south = NATIONAL_BOX
    (_, box_y1), (box_x2, _) = project((west, north)), project((east, south))
    margin = 8.0
    left, top = min(xs) - margin, min(min(ys), box_y1) - margin
    right = max(max(xs), box_x2) + margin + 40  # room for London's label in the sea
    return round(left, 1), round(top, 1), round(right - left, 1), round(max(ys) + margin - top, 1)


SHAPES: dict[str, Shape] = _shapes()
VIEWBOX = _viewbox()


def national_box() -> Box:
    west, north, east, south = NATIONAL_BOX
    (x1, y1), (x2, y2) = project((west, north)), project((east, south))
    return Box(x1, y1, round(x2 - x1, 1), round(y2 - y1, 1))


def lines(label: str) -> list[str]:
    """A label on one line, or two lines of nearly equal length when it is long."""
    words = label.split()
    if len(label) <= 8 or len(words) == 1:
        return [label]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda pair: abs(len(pair[0]) - len(pair[1])))
    return [first, second]


def shade(count: int, most: int) -> int:
    """A shade from 0 (no stories) to 4 (the most), so busier regions stand out."""
    if count <= 0 or most <= 0:
        return 0
    return max(1, min(4, math.ceil(4 * count / most)))
