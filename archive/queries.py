"""Query builders shared by the CLI, GraphQL and the pages; they know no framework."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from archive.store import (
    ACTORS,
    ARTICLES,
    EVENTS,
    MENTIONS,
    PLACES,
    QUOTES,
    SOURCES,
)

COUNTED = {
    "articles": ARTICLES,
    "sources": SOURCES,
    "quotes": QUOTES,
    "actors": ACTORS,
    "places": PLACES,
    "events": EVENTS,
    "mentions": MENTIONS,
}


def counts() -> Select[tuple[int, ...]]:
    """One row: the number of rows of each table in :data:`COUNTED`, in that order."""
    return select(
        *(
            select(func.count()).select_from(t).scalar_subquery().label(n)
            for n, t in COUNTED.items()
        )
    )


def published_range() -> Select[tuple[object, object]]:
    """One row: the earliest and latest publication dates."""
    return select(func.min(ARTICLES.c.published), func.max(ARTICLES.c.published))
