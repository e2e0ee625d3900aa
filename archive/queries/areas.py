"""Where on the map: a box of latitudes and longitudes, or a circle of kilometres around a
point, as SQL over a latitude and a longitude column. Plain arithmetic, the same on SQLite
and PostgreSQL (no spatial extension): the circle measures on a flat map whose east-west
scale is that of its centre's latitude, within a fraction of a percent for the radii a
newsroom asks (up to a few hundred kilometres); neither crosses a pole."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

KM_PER_DEGREE = 111.195
"""Kilometres per degree of latitude (the mean Earth radius, 6,371 km)."""
MAX_KM = 5_000


class AreaError(ValueError):
    """An area that is not one: a latitude past a pole, a box upside down, a radius of 0."""


@dataclass(frozen=True)
class Box:
    """From ``south`` to ``north`` and from ``west`` to ``east`` (across the 180th meridian
    when ``west`` is greater than ``east``)."""

    south: float
    west: float
    north: float
    east: float

    def condition(self, lat: Any, lon: Any) -> ColumnElement[bool]:
        for value in (self.south, self.north):
            _latitude(value)
        for value in (self.west, self.east):
            _longitude(value)
        if self.south > self.north:
            raise AreaError(f"a box's south ({self.south}) is north of its north ({self.north})")
        across = lon.between(self.west, self.east)
        if self.west > self.east:  # across the 180th meridian
            across = or_(lon >= self.west, lon <= self.east)
        return and_(lat.between(self.south, self.north), across)


@dataclass(frozen=True)
class Circle:
    """Within ``km`` of the point at ``latitude``, ``longitude``."""

    latitude: float
    longitude: float
    km: float

    def condition(self, lat: Any, lon: Any) -> ColumnElement[bool]:
        _latitude(self.latitude)
        _longitude(self.longitude)
        if not 0 < self.km <= MAX_KM:
            raise AreaError(f"a radius is more than 0 and at most {MAX_KM:,} km, not {self.km}")
        degrees = self.km / KM_PER_DEGREE
        scale = math.cos(math.radians(self.latitude))
        east_west = degrees / max(scale, 0.01)
        south, north = max(self.latitude - degrees, -90), min(self.latitude + degrees, 90)
        if east_west >= 180:  # near a pole, every longitude: the latitudes decide
            within: ColumnElement[bool] = lat.between(south, north)
            return within
        box = Box(
            south, _wrapped(self.longitude - east_west), north, _wrapped(self.longitude + east_west)
        )
        if box.west > box.east:  # across the 180th meridian the flat measure breaks: the box
            return box.condition(lat, lon)
        north_south, across = lat - self.latitude, (lon - self.longitude) * scale
        near = north_south * north_south + across * across <= degrees**2
        return and_(box.condition(lat, lon), near)


def _wrapped(longitude: float) -> float:
    return (longitude + 180) % 360 - 180


def _latitude(value: float) -> None:
    if not -90 <= value <= 90:
        raise AreaError(f"a latitude is -90 to 90, not {value}")


def _longitude(value: float) -> None:
    if not -180 <= value <= 180:
        raise AreaError(f"a longitude is -180 to 180, not {value}")
