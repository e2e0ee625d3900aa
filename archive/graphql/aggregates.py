"""Counts for any filter: facets (by speaker, outlet, actor kind, place, event kind) and
timelines (by day, week, month or year), each one ``GROUP BY`` over the filtered rows."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Date, Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import global_id
from archive.store import ACTORS, ARTICLES, EVENTS, MENTIONS, PARTICIPANTS, PLACES, QUOTES, SOURCES

MAX_FACET = 100


@strawberry.enum(description="Width of a timeline's buckets; weeks start on Monday.")
class Interval(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@strawberry.type(description="One value of a facet and how many rows have it.")
class FacetValue:
    id: strawberry.ID | None = strawberry.field(
        description="Global ID of the record the value is, if any."
    )
    label: str = strawberry.field(description="The value as shown.")
    count: int = strawberry.field(description="Rows with this value.")


@strawberry.type(description="One bucket of a timeline.")
class Bucket:
    start: date = strawberry.field(description="First day of the bucket.")
    count: int = strawberry.field(description="Rows in it.")


def period(dialect: str, column: Any, interval: Interval) -> ColumnElement[Any]:
    """The first day of the bucket ``column`` falls in, on either backend."""
    if dialect == "sqlite":
        modifiers = {
            Interval.DAY: (),
            Interval.WEEK: ("weekday 0", "-6 days"),
            Interval.MONTH: ("start of month",),
            Interval.YEAR: ("start of year",),
        }[interval]
        return func.date(column, *modifiers)
    return func.cast(func.date_trunc(interval.value, column), Date)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_FACET:
        raise BadUserInput(f"limit must be between 1 and {MAX_FACET}, not {limit}")
    return limit


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class _Counts:
    """Shared machinery: ``ids`` selects the ids of the filtered rows of ``table``."""

    table: Any
    ids: Select[Any]

    def _selected(self) -> ColumnElement[bool]:
        return self.table.c.id.in_(self.ids)

    async def _count(self, info: Info) -> int:
        total = await info.context.database.scalar(
            select(func.count()).select_from(self.ids.subquery())
        )
        return int(total or 0)

    async def _group(
        self, info: Info, key: Any, label: Any, joined: Any, type_name: str | None, limit: int
    ) -> list[FacetValue]:
        statement = (
            select(key.label("key"), label.label("label"), func.count().label("n"))
            .select_from(joined)
            .where(self._selected())
            .group_by(key, label)
            .order_by(func.count().desc(), label)
            .limit(_limit(limit))
        )
        return [
            FacetValue(
                id=strawberry.ID(global_id(type_name, row["key"])) if type_name else None,
                label=str(row["label"]),
                count=int(row["n"]),
            )
            for row in await info.context.database.rows(statement)
        ]

    async def _timeline(
        self, info: Info, column: Any, joined: Any, interval: Interval
    ) -> list[Bucket]:
        bucket = period(info.context.database.engine.dialect.name, column, interval).label("bucket")
        statement = (
            select(bucket, func.count().label("n"))
            .select_from(joined)
            .where(self._selected(), column.is_not(None))
            .group_by(bucket)
            .order_by(bucket)
        )
        rows = await info.context.database.rows(statement)
        return [Bucket(start=_as_date(r["bucket"]), count=int(r["n"])) for r in rows]


def _named(column: Any) -> Any:
    """(article_id, the named record's id) once per actor or place an article names;
    ``column`` is ``MENTIONS.c.actor_id`` or ``MENTIONS.c.place_id``."""
    return (
        select(MENTIONS.c.article_id, column.label("named_id"))
        .where(column.is_not(None))
        .distinct()
        .subquery("named")
    )


def _articles_naming_actors() -> Any:
    named = _named(MENTIONS.c.actor_id)
    return ARTICLES.join(named, named.c.article_id == ARTICLES.c.id).join(
        ACTORS, ACTORS.c.id == named.c.named_id
    )


@strawberry.type(description="Counts over the quotes that a filter and a search select.")
class QuoteFacets(_Counts):
    table: strawberry.Private[Any]
    ids: strawberry.Private[Select[Any]]

    @strawberry.field(description="How many quotes.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Quotes per speaker, most first (unknown speakers left out).")
    async def speakers(self, info: Info, limit: int = 10) -> list[FacetValue]:
        joined = QUOTES.join(ACTORS, ACTORS.c.id == QUOTES.c.speaker_id)
        return await self._group(info, ACTORS.c.id, ACTORS.c.name, joined, "Actor", limit)

    @strawberry.field(description="Quotes per kind of speaker (person, organization, …).")
    async def speaker_kinds(self, info: Info) -> list[FacetValue]:
        joined = QUOTES.join(ACTORS, ACTORS.c.id == QUOTES.c.speaker_id)
        return await self._group(info, ACTORS.c.kind, ACTORS.c.kind, joined, None, MAX_FACET)

    @strawberry.field(description="Quotes per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        joined = QUOTES.join(ARTICLES, ARTICLES.c.id == QUOTES.c.article_id).join(
            SOURCES, SOURCES.c.id == ARTICLES.c.source_id
        )
        return await self._group(info, SOURCES.c.id, SOURCES.c.name, joined, "Source", limit)

    @strawberry.field(description="Quotes per place their article names, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        named = _named(MENTIONS.c.place_id)
        joined = QUOTES.join(named, named.c.article_id == QUOTES.c.article_id).join(
            PLACES, PLACES.c.id == named.c.named_id
        )
        return await self._group(info, PLACES.c.id, PLACES.c.name, joined, "Place", limit)

    @strawberry.field(
        description="Quotes per period of their article's publication (undated left out)."
    )
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        joined = QUOTES.join(ARTICLES, ARTICLES.c.id == QUOTES.c.article_id)
        return await self._timeline(info, ARTICLES.c.published, joined, interval)


@strawberry.type(description="Counts over the articles that a filter and a search select.")
class ArticleFacets(_Counts):
    table: strawberry.Private[Any]
    ids: strawberry.Private[Select[Any]]

    @strawberry.field(description="How many articles.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Articles per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        joined = ARTICLES.join(SOURCES, SOURCES.c.id == ARTICLES.c.source_id)
        return await self._group(info, SOURCES.c.id, SOURCES.c.name, joined, "Source", limit)

    @strawberry.field(description="Articles per place they name, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        named = _named(MENTIONS.c.place_id)
        joined = ARTICLES.join(named, named.c.article_id == ARTICLES.c.id).join(
            PLACES, PLACES.c.id == named.c.named_id
        )
        return await self._group(info, PLACES.c.id, PLACES.c.name, joined, "Place", limit)

    @strawberry.field(description="Articles per actor they name, most first.")
    async def actors(self, info: Info, limit: int = 10) -> list[FacetValue]:
        joined = _articles_naming_actors()
        return await self._group(info, ACTORS.c.id, ACTORS.c.name, joined, "Actor", limit)

    @strawberry.field(description="Articles per kind of actor they name.")
    async def actor_kinds(self, info: Info) -> list[FacetValue]:
        joined = _articles_naming_actors()
        return await self._group(info, ACTORS.c.kind, ACTORS.c.kind, joined, None, MAX_FACET)

    @strawberry.field(description="Articles per period of publication (undated left out).")
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        return await self._timeline(info, ARTICLES.c.published, ARTICLES, interval)


@strawberry.type(description="Counts over the events that a filter selects.")
class EventFacets(_Counts):
    table: strawberry.Private[Any]
    ids: strawberry.Private[Select[Any]]

    @strawberry.field(description="How many events.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="People killed, summed over the events that report a number.")
    async def fatalities(self, info: Info) -> int:
        total = await info.context.database.scalar(
            select(func.coalesce(func.sum(EVENTS.c.fatalities), 0)).where(self._selected())
        )
        return int(total or 0)

    @strawberry.field(description="Events per kind, most first.")
    async def kinds(self, info: Info) -> list[FacetValue]:
        return await self._group(info, EVENTS.c.kind, EVENTS.c.kind, EVENTS, None, MAX_FACET)

    @strawberry.field(description="Events per place, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        joined = EVENTS.join(PLACES, PLACES.c.id == EVENTS.c.place_id)
        return await self._group(info, PLACES.c.id, PLACES.c.name, joined, "Place", limit)

    @strawberry.field(description="Events per participating actor, most first.")
    async def actors(self, info: Info, limit: int = 10) -> list[FacetValue]:
        joined = EVENTS.join(PARTICIPANTS, PARTICIPANTS.c.event_id == EVENTS.c.id).join(
            ACTORS, ACTORS.c.id == PARTICIPANTS.c.actor_id
        )
        return await self._group(info, ACTORS.c.id, ACTORS.c.name, joined, "Actor", limit)

    @strawberry.field(description="Events per period of their date (undated left out).")
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        return await self._timeline(info, EVENTS.c.date, EVENTS, interval)
