"""Stored text made into HTML: every character escaped first, then marks and links added at
the offsets the archive stores. Nothing here trusts the text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from archive.vocab import CONFIDENT


@dataclass(frozen=True)
class Span:
    """A stretch of an article's body to mark: ``href`` links it, ``css`` classes it."""

    start: int
    end: int
    href: str
    css: str
    title: str = ""


def certainty(record: Mapping[str, Any]) -> str:
    """How sure the archive is of an extracted quote or event (with its ``origin`` and
    ``confidence``): ``checked`` by an editor, ``unsure`` under ``CONFIDENT``, else empty."""
    if record["origin"] == "CURATED":
        return "checked"
    return "unsure" if record["confidence"] < CONFIDENT else ""


def paragraph_around(body: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the paragraph(s) holding ``body[start:end]`` (blank-line or line breaks)."""
    before = body.rfind("\n", 0, start)
    after = body.find("\n", end)
    return before + 1, len(body) if after < 0 else after


def marked(body: str, outer: Sequence[Span], inner: Sequence[Span] = ()) -> Markup:
    """``body`` escaped, with ``outer`` spans (quotes: they do not overlap) wrapped in links,
    and ``inner`` spans (names) linked inside or between them; an inner span that crosses an
    outer one's edge, or overlaps an earlier inner span, is left unlinked."""
    kept_outer = _apart(outer, len(body))
    kept_inner = _apart(
        [
            span
            for span in inner
            if not any(
                o.start < span.start < o.end < span.end or span.start < o.start < span.end < o.end
                for o in kept_outer
            )
        ],
        len(body),
    )
    parts: list[str] = []
    position = 0
    for span in kept_outer:
        parts.append(_links(body, position, span.start, kept_inner))
        parts.append(_tag(span, _links(body, span.start, span.end, kept_inner)))
        position = span.end
    parts.append(_links(body, position, len(body), kept_inner))
    return Markup("".join(parts))


def _apart(spans: Sequence[Span], length: int) -> list[Span]:
    """The spans inside a text of ``length``, in order, each dropped that overlaps one kept."""
    kept: list[Span] = []
    for span in sorted((s for s in spans if 0 <= s.start < s.end <= length), key=lambda s: s.start):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _links(body: str, start: int, end: int, spans: list[Span]) -> str:
    parts: list[str] = []
    position = start
    for span in spans:
        if span.start < start or span.end > end:
            continue
        parts.append(str(escape(body[position : span.start])))
        parts.append(_tag(span, str(escape(body[span.start : span.end]))))
        position = span.end
    parts.append(str(escape(body[position:end])))
    return "".join(parts)


def _tag(span: Span, content: str) -> str:
    title = f' title="{escape(span.title)}"' if span.title else ""
    return f'<a class="{escape(span.css)}" href="{escape(span.href)}"{title}>{content}</a>'


def highlighted_in_paragraph(body: str, start: int, end: int) -> Markup:
    """The paragraph of ``body`` around ``start:end``, escaped, with that stretch in <mark>."""
    first, last = paragraph_around(body, start, end)
    return Markup(
        f"{escape(body[first:start])}<mark>{escape(body[start:end])}</mark>{escape(body[end:last])}"
    )


# ------------------------------------------------------------------------------ charts

CHART_WIDTH = 640
CHART_HEIGHT = 120


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    css: str


def month_chart(series: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    """Bars per month for each named series of buckets ({start, count}), side by side, with
    every month between the first and the last; the geometry an inline SVG draws."""
    counts: dict[str, dict[date, int]] = {}
    for name, buckets in series.items():
        for bucket in buckets:
            day = date.fromisoformat(str(bucket["start"]))
            month = day.replace(day=1)
            counts.setdefault(name, {})
            counts[name][month] = counts[name].get(month, 0) + int(str(bucket["count"]))
    months = sorted({m for per in counts.values() for m in per})
    if not months:
        return {"bars": [], "months": [], "width": CHART_WIDTH, "height": CHART_HEIGHT}
    every: list[date] = []
    month = months[0]
    while month <= months[-1]:
        every.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    names = list(series)
    top = max((c for per in counts.values() for c in per.values()), default=1) or 1
    slot = CHART_WIDTH / len(every)
    width = max(slot / max(len(names), 1) - 1, 1)
    bars = []
    for i, month in enumerate(every):
        for j, name in enumerate(names):
            count = counts.get(name, {}).get(month, 0)
            height = (CHART_HEIGHT - 20) * count / top
            bars.append(
                Bar(
                    x=round(i * slot + j * width, 2),
                    y=round(CHART_HEIGHT - 16 - height, 2),
                    width=round(width, 2),
                    height=round(height, 2),
                    label=f"{month:%b %Y}: {count} {name}",
                    css=f"series-{j}",
                )
            )
    labels = [
        {"x": round(i * slot, 2), "text": f"{m:%b %Y}"}
        for i, m in enumerate(every)
        if len(every) <= 12 or i % max(len(every) // 6, 1) == 0
    ]
    return {
        "bars": bars,
        "months": labels,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "names": names,
    }
