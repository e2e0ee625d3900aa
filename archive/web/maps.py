"""Maps drawn on the server, offline: the countries of Natural Earth (``world-atlas``, its
110m TopoJSON vendored in ``static/``, public-domain data) as SVG paths on an
equirectangular projection, and the places of a page as points that link to them. No tile
server, no script: the map is part of the page, under the same CSP.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from archive import assets

ATLAS = "world-atlas-2.0.2/countries-110m.json"
WIDTH, HEIGHT = 720.0, 360.0
"""The whole world: a degree is two units across and two down."""
MIN_SPAN = 24.0
"""Degrees of longitude a map shows at least, so that a single place has its region around it."""


@dataclass(frozen=True)
class Point:
    """A place to mark: where, what it is called, where it links, and what it holds."""

    latitude: float
    longitude: float
    label: str
    href: str
    kind: str = "place"


def _x(longitude: float) -> float:
    return (longitude + 180.0) * WIDTH / 360.0


def _y(latitude: float) -> float:
    return (90.0 - latitude) * HEIGHT / 180.0


Box = tuple[float, float, float, float]
"""left, top, right, bottom, in map units."""


@lru_cache(maxsize=1)
def countries() -> tuple[tuple[str, str, Box], ...]:
    """Every country as (name, SVG path data, its box), decoded once from the TopoJSON."""
    topology = json.loads((assets.folder(assets.STATIC) / ATLAS).read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:  # delta-encoded, quantized positions
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((_x(x * sx + tx), _y(y * sy + ty)))
        arcs.append(points)

    def ring(indexes: Iterable[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [ring(r) for polygon in polygons for r in polygon]
        path = "".join(_path(r) for r in rings)
        xs = [x for r in rings for x, _ in r]
        ys = [y for r in rings for _, y in r]
        box = (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)
        shapes.append((geometry.get("properties", {}).get("name", ""), path, box))
    return tuple(shapes)


def _path(points: list[tuple[float, float]]) -> str:
    """SVG path data of a ring. A ring that crosses the 180th meridian (eastern Russia, Fiji)
    jumps across the whole map there: the jump starts a new stretch instead of a line drawn
    across the world."""
    parts = []
    previous: tuple[float, float] | None = None
    for x, y in points:
        jump = previous is None or abs(x - previous[0]) > WIDTH / 2
        parts.append(f"{'M' if jump else 'L'}{x:.1f},{y:.1f}")
        previous = (x, y)
    crossed = any(p.startswith("M") for p in parts[1:])
    return "".join(parts) + ("" if crossed else "Z")


def world_map(points: Iterable[Point]) -> dict[str, Any] | None:
    """What a map of ``points`` draws: its view (around the points, at least ``MIN_SPAN``
    degrees wide), the countries, and the points in map units; None without a point."""
    located = [p for p in points if -90 <= p.latitude <= 90 and -180 <= p.longitude <= 180]
    if not located:
        return None
    west = min(p.longitude for p in located)
    east = max(p.longitude for p in located)
    south = min(p.latitude for p in located)
    north = max(p.latitude for p in located)
    span = max(east - west, (north - south) * 2, MIN_SPAN) * 1.3
    middle_x, middle_y = (west + east) / 2, (south + north) / 2
    width, height = span * 2, span
    left = min(max(_x(middle_x) - width / 2, 0), WIDTH - min(width, WIDTH))
    top = min(max(_y(middle_y) - height / 2, 0), HEIGHT - min(height, HEIGHT))
    marks: dict[tuple[float, float], Point] = {}
    for p in located:  # one mark per spot: the first label wins
        marks.setdefault((round(p.latitude, 3), round(p.longitude, 3)), p)
    right, bottom = left + min(width, WIDTH), top + min(height, HEIGHT)
    seen = [
        (name, path)
        for name, path, (x0, y0, x1, y1) in countries()
        if x0 <= right and x1 >= left and y0 <= bottom and y1 >= top
    ]
    return {
        "view": f"{left:.1f} {top:.1f} {right - left:.1f} {bottom - top:.1f}",
        "radius": round(max((right - left) / 150, 0.6), 2),
        "countries": seen,
        "points": [
            {"x": round(_x(p.longitude), 2), "y": round(_y(p.latitude), 2), "point": p}
            for p in marks.values()
        ],
    }
