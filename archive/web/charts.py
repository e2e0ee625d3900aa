"""Charts people read: counts over time as an inline SVG with axes, drawn on the server.

A chart takes series of daily counts (the API's ``timeline(interval: DAY)``), sums them by
day, week or month (chosen from the span, or by the reader), keeps the reader's date range,
and lays out bars with a labelled time axis and a count axis. Each series has the colour of
its kind everywhere (``series-quotes``, ``series-events``); the same figures are given as a
table for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from archive.web.graph import PageError

INTERVALS = ("day", "week", "month")
WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 28
"""The plot's margins: room for the count axis on the left and the time axis below."""
MAX_TICKS = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    kind: str


@dataclass
class Chart:
    """What the template draws: bars, the ticks of both axes, and the table of counts."""

    interval: str
    names: list[str]
    bars: list[Bar] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    rows: list[tuple[str, list[int]]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM


def interval_of(params: Any) -> str | None:
    """The reader's ``interval`` parameter, if any; a 400 for another word."""
    value = params.get("interval") or None
    if value is not None and value not in INTERVALS:
        raise PageError(400, f"interval is {value[:20]!r}; choose day, week or month")
    return value


def range_of(params: Any) -> tuple[date | None, date | None]:
    """The reader's ``from`` and ``to`` days; a 400 for what is no day."""
    bounds = []
    for name in ("from", "to"):
        value = str(params.get(name) or "")
        try:
            bounds.append(date.fromisoformat(value) if value else None)
        except ValueError:
            raise PageError(
                400, f"{name} must be a day like 2024-12-06, not {value[:20]!r}"
            ) from None
    return bounds[0], bounds[1]


def _start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def _next(start: date, interval: str) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _label(start: date, interval: str) -> str:
    if interval == "month":
        return f"{start:%b %Y}"
    return f"{start.day} {start:%b %Y}"


def _auto(first: date, last: date) -> str:
    span = (last - first).days
    return "day" if span <= 62 else "week" if span <= 366 else "month"


def _nice_top(top: int) -> int:
    """The count axis's top: 1, 2 or 5 times a power of ten, at least ``top``."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= top:
                return step * factor
        step *= 10


def time_chart(
    series: dict[str, list[dict[str, Any]]],
    interval: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Chart:
    """A chart of daily buckets (``{start, count}``) per named series, summed by ``interval``
    (chosen from the span when None) between ``start`` and ``end`` (the data's own span when
    None); every period between the first and the last is shown, empty ones too."""
    names = list(series)
    days: dict[str, dict[date, int]] = {name: {} for name in names}
    for name, buckets in series.items():
        for bucket in buckets:
            day = date.fromisoformat(str(bucket["start"])[:10])
            if (start and day < start) or (end and day > end):
                continue
            days[name][day] = days[name].get(day, 0) + int(bucket["count"])
    dated = sorted({day for per in days.values() for day in per})
    chosen = interval or (_auto(dated[0], dated[-1]) if dated else "month")
    chart = Chart(interval=chosen, names=names)
    if not dated:
        return chart
    periods: list[date] = []
    period = _start(start or dated[0], chosen)
    while period <= (end or dated[-1]):
        periods.append(period)
        period = _next(period, chosen)
    counts = {name: [0] * len(periods) for name in names}
    index = {p: i for i, p in enumerate(periods)}
    for name, per in days.items():
        for day, count in per.items():
            counts[name][index[_start(day, chosen)]] += count
    top = _nice_top(max(max(c) for c in counts.values()) or 1)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(periods)
    bar_width = max(slot / len(names) - 1, 0.5)
    for i, period in enumerate(periods):
        for j, name in enumerate(names):
            count = counts[name][i]
            height = plot_height * count / top
            chart.bars.append(
                Bar(
                    x=round(LEFT + i * slot + j * bar_width, 2),
                    y=round(TOP + plot_height - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    label=f"{_label(period, chosen)}: {count} {name}",
                    kind=name,
                )
            )
    every = max(1, -(-len(periods) // MAX_TICKS))  # a label every few periods: at most 8
    chart.x_ticks = [
        (round(LEFT + i * slot, 2), _label(p, chosen))
        for i, p in enumerate(periods)
        if i % every == 0
    ]
    shown = [0, top // 2, top] if top % 2 == 0 else [0, top]  # whole counts only
    chart.y_ticks = [(round(TOP + plot_height * (1 - n / top), 2), f"{n:,}") for n in shown]
    chart.rows = [(_label(p, chosen), [counts[n][i] for n in names]) for i, p in enumerate(periods)]
    return chart
