"""How the API writes dates and times.

The archive keeps times in UTC without a zone (``datetime`` naive in the database, on both
backends). A client cannot know that from ``2024-11-10T17:30:00``: its library would read it as
local time. So every ``DateTime`` the API writes carries its offset (``2024-11-10T17:30:00Z``),
and one it reads may carry any offset (it is turned into UTC) or none (taken as UTC already).
A ``Date`` is a calendar day, with no time and no zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, NewType

import strawberry
from graphql import GraphQLError

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def utc_text(value: datetime) -> str:
    """``value`` in ISO 8601 with its offset, ``Z`` for UTC; a naive value is UTC."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


def parse_utc(value: Any) -> datetime:
    """An ISO 8601 date-time as the archive keeps it: UTC, naive. Raises GraphQLError, which
    GraphQL reports as the argument's invalid value."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise GraphQLError(
            f"{str(value)[:40]!r} is not a date-time; write ISO 8601: 2024-11-10T17:30:00Z"
        ) from None
    return parsed if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)


def _parse_day(value: Any) -> date:
    try:
        if not isinstance(value, str) or not DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise GraphQLError(f"{str(value)[:40]!r} is not a day; write 2024-11-10") from None


UtcDateTime = strawberry.scalar(
    NewType("UtcDateTime", datetime),
    name="DateTime",
    description="An instant, ISO 8601 with its offset: `2024-11-10T17:30:00Z` (the archive "
    "keeps UTC). Given without an offset, it is read as UTC.",
    serialize=utc_text,
    parse_value=parse_utc,
)

Day = strawberry.scalar(
    NewType("Day", date),
    name="Date",
    description="A calendar day, ISO 8601: `2024-11-10`; no time, no zone.",
    serialize=date.isoformat,
    parse_value=_parse_day,
)

SCALARS: dict[object, Any] = {datetime: UtcDateTime, date: Day}
"""Strawberry's overrides for Python's ``datetime`` and ``date`` in every type."""
