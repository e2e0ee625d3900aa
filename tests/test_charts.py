"""Charts over time: the interval follows the span unless the reader picks one, every period
between the first and the last is drawn, the reader's range is kept, and the count axis ends
on a round number."""

from __future__ import annotations

from datetime import date

import pytest

from archive.web.charts import interval_of, range_of, time_chart
from archive.web.graph import PageError


def _days(*pairs: tuple[str, int]) -> list[dict[str, object]]:
    return [{"start": day, "count": count} for day, count in pairs]


def test_the_interval_follows_the_span() -> None:
    week = time_chart({"quotes": _days(("2025-03-03", 1), ("2025-03-20", 2))})
    assert week.interval == "day"
    assert len(week.rows) == 18  # every day from the 3rd to the 20th, empty ones too
    season = time_chart({"quotes": _days(("2025-01-06", 1), ("2025-06-30", 4))})
    assert season.interval == "week"
    years = time_chart({"quotes": _days(("2023-01-15", 1), ("2025-06-30", 4))})
    assert years.interval == "month"
    assert years.rows[0][0] == "Jan 2023"
    assert years.rows[-1][0] == "Jun 2025"


def test_a_picked_interval_sums_the_days_and_the_range_keeps_its_days() -> None:
    series = {
        "quotes": _days(("2025-03-03", 1), ("2025-03-04", 2), ("2025-03-12", 3)),
        "events": _days(("2025-03-05", 7), ("2025-04-01", 9)),
    }
    chart = time_chart(series, "week", date(2025, 3, 1), date(2025, 3, 16))
    assert chart.interval == "week"
    assert chart.rows == [("24 Feb 2025", [0, 0]), ("3 Mar 2025", [3, 7]), ("10 Mar 2025", [3, 0])]
    assert chart.y_ticks[-1][1] == "10"  # 7 rounds up to 10
    assert {bar.kind for bar in chart.bars} == {"quotes", "events"}
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.label == "3 Mar 2025: 7 events"


def test_nothing_dated_draws_nothing() -> None:
    assert time_chart({"events": []}).bars == []
    outside = time_chart({"events": _days(("2025-03-05", 7))}, None, date(2026, 1, 1), None)
    assert outside.bars == []


def test_the_readers_choices_are_checked() -> None:
    assert interval_of({"interval": "week"}) == "week"
    with pytest.raises(PageError):
        interval_of({"interval": "decade"})
    assert range_of({"from": "2025-01-01"}) == (date(2025, 1, 1), None)
    with pytest.raises(PageError):
        range_of({"to": "soon"})
