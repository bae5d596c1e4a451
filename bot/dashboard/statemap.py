"""Incidents by state on a map of Mexico: the vendored outlines (`static/mexico.svg`, CC BY 4.0,
see `static/mexico.LICENSE.md`) shaded by the published counts, drawn by the server as inline
SVG (no script, no outside request; colours are attributes, which the CSP allows).

A hidden count is hatched, never shaded: the map tells no more than the table beside it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache

from bot.dashboard.web import STATIC

SVG = STATIC / "mexico.svg"
CREDIT = "Victor Cazanave, @svg-maps/mexico, CC BY 4.0"
# Light to dark: a count in a higher step is darker (blues readable for colour-blind people);
# the palest still stands out from the hatch and the page.
SHADES = ("#a6cbe3", "#5a9bd0", "#2870b5", "#0b3d7a")
HATCH = "url(#hatch)"


@dataclass(frozen=True)
class Shape:
    code: str  # ISO 3166-2:MX
    outline: str  # the path's "d"


@dataclass(frozen=True)
class Drawn:
    code: str
    name: str
    outline: str
    count: int | None
    fill: str


@dataclass(frozen=True)
class Step:
    low: int
    high: int
    fill: str


@dataclass(frozen=True)
class Map:
    view_box: str
    states: tuple[Drawn, ...]
    steps: tuple[Step, ...]
    hidden: bool  # some state is hatched


@lru_cache(maxsize=1)
def shapes() -> tuple[str, tuple[Shape, ...]]:
    """The map's view box and each state's outline, read once."""
    root = ET.parse(SVG).getroot()  # noqa: S314 - a file shipped with the app
    found = tuple(
        Shape(f"MX-{path.attrib['id'].upper()}", path.attrib["d"])
        for path in root.iter("{http://www.w3.org/2000/svg}path")
    )
    return root.attrib["viewBox"], found


def steps(counts: list[int]) -> tuple[Step, ...]:
    """Up to four steps of equal width over the published counts (multiples of 5); fewer
    steps take the darker shades, so a lone published state is never pale."""
    if not counts:
        return ()
    low, high = min(counts), max(counts)
    width = max(5, -(-(high - low + 1) // len(SHADES) // 5) * 5)
    ranges = [(start, min(start + width - 5, high)) for start in range(low, high + 1, width)]
    shades = SHADES[len(SHADES) - len(ranges) :]
    return tuple(Step(a, b, fill) for (a, b), fill in zip(ranges, shades, strict=True))


def draw(counts: dict[str, int | None], names: dict[str, str]) -> Map:
    """The map of published counts by state (None: hidden, hatched)."""
    view_box, outlines = shapes()
    published = [c for c in counts.values() if c is not None]
    scale = steps(published)
    drawn = []
    for shape in outlines:
        count = counts.get(shape.code)
        fill = HATCH
        if count is not None:
            fill = next((s.fill for s in scale if count <= s.high), scale[-1].fill)
        name = names.get(shape.code, shape.code)
        drawn.append(Drawn(shape.code, name, shape.outline, count, fill))
    return Map(
        view_box=view_box,
        states=tuple(drawn),
        steps=scale,
        hidden=any(d.count is None for d in drawn),
    )
