"""The archive's totals: how many records of each kind, and the span of its dates."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select

from archive.tables import ACTORS, ARTICLES, EVENTS, MENTIONS, PLACES, QUOTES, SOURCES

COUNTED = {
    "articles": ARTICLES,
    "sources": SOURCES,
    "quotes": QUOTES,
    "actors": ACTORS,
    "places": PLACES,
    "events": EVENTS,
    "mentions": MENTIONS,
}


def counts(names: Iterable[str] | None = None) -> Select[tuple[int, ...]]:
    """One row: the number of rows of each table of :data:`COUNTED` named in ``names`` (all
    by default), in that order. Each count reads a whole table on PostgreSQL, so a caller
    names only what it shows."""
    wanted = COUNTED.keys() if names is None else set(names)
    return select(
        *(
            select(func.count()).select_from(t).scalar_subquery().label(n)
            for n, t in COUNTED.items()
            if n in wanted
        )
    )


def published_range() -> Select[tuple[object, object]]:
    """One row: the earliest and latest publication dates."""
    return select(func.min(ARTICLES.c.published), func.max(ARTICLES.c.published))
