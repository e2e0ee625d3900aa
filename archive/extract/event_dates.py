"""When an event happened: a sentence's date expression resolved against the publication date
(dateparser for the relative ones: "two days ago", "Dec. 6", "next Monday")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass
class DateGuess:
    value: date | None
    precision: str | None


def resolve_date(expression: str, published: datetime | None) -> DateGuess:
    """A date expression of a sentence, resolved against the publication date: a date with
    its year stands alone; one without ("December 6", "two days ago", "next Monday", "last
    week") needs the publication date, and has none without it."""
    text = expression.lower()
    if year := re.search(r"\b(1[89]\d\d|20\d\d)\b", text):
        if not re.search(
            r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\b",
            text,
        ):
            return DateGuess(date(int(year[1]), 1, 1), "year")
        from archive.dates import parse_date

        try:
            value, precision = parse_date(expression)
        except ValueError:
            return DateGuess(date(int(year[1]), 1, 1), "year")
        return DateGuess(
            value.date() if value else None, "day" if precision == "time" else precision
        )
    if published is None:
        return DateGuess(None, None)
    day = published.date()
    if re.search(r"\b(?:within|in|over|past|last) (?:a|the|one) week\b|\bthis week\b", text):
        return DateGuess(day, "week")
    found = _relative_to(published).get_date_data(re.sub(r"^(?:early|late)\s+", "", text))
    if found.date_obj is not None:
        value = found.date_obj.date()
        period = found.period or "day"
        if period == "month":
            return DateGuess(value.replace(day=1), "month")
        if period == "year":
            return DateGuess(date(value.year, 1, 1), "year")
        return DateGuess(value, "week" if period == "week" else "day")
    for number, name in enumerate(WEEKDAYS):
        if name in text:
            back = (day.weekday() - number) % 7
            return DateGuess(day - timedelta(days=back), "day")
    return DateGuess(None, None)


@lru_cache(maxsize=64)
def _relative_to(published: datetime) -> Any:
    """A date parser for English that reads relative dates from ``published`` (dateparser:
    "two days ago", "Dec. 6", "next Monday", "last month")."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={"RELATIVE_BASE": published, "RETURN_AS_TIMEZONE_AWARE": False},
    )
