"""Stored text made into HTML: every character escaped first, then marks and links added at
the offsets the archive stores. Nothing here trusts the text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
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
    """``body`` escaped, with ``outer`` spans (quotes) marked as links and ``inner`` spans
    (names) linked inside or between them. No link holds another (HTML forbids it): a quote
    is linked piece by piece around the names in it, which carry ``in-quote`` so that the
    quote's mark runs on under them. Quotes may hold or cross one another (a quote inside an
    embedded post): a piece that several cover links to the shortest and carries ``nested``.
    A name that a quote's edge cuts, or that overlaps an earlier name, is left unlinked."""
    quotes = [s for s in outer if 0 <= s.start < s.end <= len(body)]
    edges = {e for q in quotes for e in (q.start, q.end)}
    names = _apart([s for s in inner if not any(s.start < e < s.end for e in edges)], len(body))
    starts = {n.start: n for n in names}
    cuts = sorted({0, len(body), *edges, *(e for n in names for e in (n.start, n.end))})
    parts: list[str] = []
    for start, end in pairwise(cuts):
        covering = sorted(
            (q for q in quotes if q.start <= start and end <= q.end), key=lambda q: q.end - q.start
        )
        text = str(escape(body[start:end]))
        link = starts.get(start) or (covering[0] if covering else None)
        if link is None:
            parts.append(text)
            continue
        if link is starts.get(start):
            extra = " in-quote" if covering else ""
        else:
            extra = " nested" if len(covering) > 1 else ""
        parts.append(_tag(link, text, extra))
    return Markup("".join(parts))


def _apart(spans: Sequence[Span], length: int) -> list[Span]:
    """The spans inside a text of ``length``, in order, each dropped that overlaps one kept."""
    kept: list[Span] = []
    for span in sorted((s for s in spans if 0 <= s.start < s.end <= length), key=lambda s: s.start):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _tag(span: Span, content: str, extra_css: str = "") -> str:
    title = f' title="{escape(span.title)}"' if span.title else ""
    css = escape(span.css + extra_css)
    return f'<a class="{css}" href="{escape(span.href)}"{title}>{content}</a>'


def highlighted_in_paragraph(body: str, start: int, end: int) -> Markup:
    """The paragraph of ``body`` around ``start:end``, escaped, with that stretch in <mark>."""
    first, last = paragraph_around(body, start, end)
    return Markup(
        f"{escape(body[first:start])}<mark>{escape(body[start:end])}</mark>{escape(body[end:last])}"
    )
