"""Dates as the archive keeps them: a value plus how much of it is known (its precision)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from dateutil import parser as dateutil_parser

_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
# ISO 8601 as exports write it; parsed without dateutil, which costs ~0.1 ms a value.
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# A year below 100 written with four digits ("0050"), which dateutil would move to 2050.
_EARLY_YEAR = re.compile(r"(?<![\d:+-])(00\d\d)(?![\d:])")
# Two defaults that differ in every field: a field the text leaves out comes back different.
_DEFAULT_A = datetime(2001, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2002, 2, 2, 1, 1, 1)


def parse_date(value: object) -> tuple[datetime | None, str | None]:
    """``(value, precision)`` for a date given as text, a number (Unix seconds) or a date.

    Precision is ``time``, ``day``, ``month`` or ``year``. Aware datetimes are converted to UTC
    and stored naive. Raises ``ValueError`` naming the value when it is not a date, or when it
    is one that falls outside the years 1 to 9999 once converted to UTC.
    """
    try:
        return _parse_date(value)
    except OverflowError as exc:
        raise ValueError(f"{value!r} falls outside the years 1 to 9999 in UTC") from exc


def _parse_date(value: object) -> tuple[datetime | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return _naive_utc(value), "time"
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), "day"
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, UTC).replace(tzinfo=None), "time"
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"{value!r} is not a Unix timestamp") from exc
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if match := _YEAR.match(text):
        return datetime(int(match[1]), 1, 1), "year"
    if match := _YEAR_MONTH.match(text):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r} is not a date")
        return datetime(int(match[1]), month, 1), "month"
    if _ISO_DAY.match(text) or _ISO_TIME.match(text):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass  # e.g. "2024-12-06 10:00 UTC": dateutil reads what fromisoformat cannot
        else:
            return (_naive_utc(parsed), "time") if len(text) > 10 else (parsed, "day")
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A)
        second = dateutil_parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a date") from exc
    if first.year != second.year:
        raise ValueError(f"{value!r} has no year")
    if match := _EARLY_YEAR.search(text):
        # dateutil reads a year below 100 as one of this century's, even written in full
        year = int(match[1])
        if year == 0:
            raise ValueError(f"{value!r} falls outside the years 1 to 9999")
        first, second = first.replace(year=year), second.replace(year=year)
    if first.month != second.month:
        return datetime(first.year, 1, 1), "year"
    if first.day != second.day:
        return datetime(first.year, first.month, 1), "month"
    if first.hour != second.hour:
        return datetime(first.year, first.month, first.day), "day"
    return _naive_utc(first), "time"


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def format_date(value: datetime | date | None, precision: str | None) -> str | None:
    """The ISO form that shows only what is known: ``2024``, ``2024-12``, ``2024-12-06``…"""
    if value is None:
        return None
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if precision == "time" and isinstance(value, datetime):
        return value.isoformat()
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
