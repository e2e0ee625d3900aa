"""Normal forms of names and dates with their precision."""

from __future__ import annotations

from datetime import datetime

import pytest

from archive.dates import format_date, parse_date
from archive.importer.fields import content_hash, normalize_url
from archive.names import normalize_name


@pytest.mark.parametrize(
    ("spelling", "normal"),
    [
        ("The Wall Street Journal", "wall street journal"),
        ("Syria’s", "syria"),
        ("Hayat Tahrir al-Sham", "hayat tahrir al sham"),
        ("Đà Nẵng", "da nang"),
        ("  U.S. ", "u s"),
        ("@PakistaniIndex", "@pakistaniindex"),
    ],
)
def test_normalize_name(spelling: str, normal: str) -> None:
    assert normalize_name(spelling) == normal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", (datetime(2024, 1, 1), "year")),
        ("2024-12", (datetime(2024, 12, 1), "month")),
        ("Dec 2024", (datetime(2024, 12, 1), "month")),
        ("December 6, 2024", (datetime(2024, 12, 6), "day")),
        ("2024-12-06T10:00:00+02:00", (datetime(2024, 12, 6, 8, 0), "time")),
        ("2024-12-06", (datetime(2024, 12, 6), "day")),
        ("2024-12-06 10:30", (datetime(2024, 12, 6, 10, 30), "time")),
        ("2024-12-06T10:30:00Z", (datetime(2024, 12, 6, 10, 30), "time")),
        ("2024-12-06 10:00 UTC", (datetime(2024, 12, 6, 10, 0), "time")),
        (1733443200, (datetime(2024, 12, 6), "time")),
        ("", (None, None)),
    ],
)
def test_parse_date_keeps_precision(value: object, expected: tuple[object, object]) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["soon", "Friday", "2024-13", "2024-02-30", True, [2024]])
def test_parse_date_rejects_non_dates(value: object) -> None:
    with pytest.raises(ValueError, match=r"date|year"):
        parse_date(value)


def test_format_date_shows_only_what_is_known() -> None:
    when = datetime(2024, 12, 6, 8, 30)
    assert [format_date(when, p) for p in ("year", "month", "day", "time")] == [
        "2024",
        "2024-12",
        "2024-12-06",
        "2024-12-06T08:30:00",
    ]


def test_url_and_content_identity() -> None:
    assert (
        normalize_url("HTTPS://Example.ORG/a?utm_source=x&id=3#top") == "https://example.org/a?id=3"
    )
    assert content_hash("Same  text.\n") == content_hash("same text.")
    assert content_hash("Same text.") != content_hash("Other text.")


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "Jan 1 0001 00:30 +01:00"],
)
def test_a_date_that_leaves_the_calendar_in_utc_is_refused_by_name(value: str) -> None:
    with pytest.raises(ValueError, match="outside the years 1 to 9999") as caught:
        parse_date(value)
    assert value in str(caught.value)


def test_a_year_before_100_written_with_four_digits_is_that_year() -> None:
    assert parse_date("Jan 1 0050 10:30") == (datetime(50, 1, 1, 10, 30), "time")
    assert parse_date("March 0099") == (datetime(99, 3, 1), "month")
