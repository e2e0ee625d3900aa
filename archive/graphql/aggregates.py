"""Counts for any filter: facets (by speaker, outlet, actor kind, place, event kind) and
timelines (by day, week, month or year), each one ``GROUP BY`` over the filtered rows."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Date, DateTime, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import global_id
from archive.graphql.selection import Selection
from archive.models import EARLIEST
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
    """Shared machinery over the rows of ``selection``.

    Every facet counts on the selected table's own columns first (quotes per speaker id,
    per article id, per publication time) and joins names to those few groups afterwards:
    at a million quotes, grouping narrow index entries costs a fraction of joining every
    row to the record it names."""

    selection: Selection

    async def _count(self, info: Info) -> int:
        return int(await info.context.database.scalar(self.selection.count()) or 0)

    def _grouped(self, key: Any, *where: ColumnElement[bool], joined: Any = None) -> Any:
        """Subquery (key, n): the selected rows counted per ``key``."""
        statement = select(key.label("key"), func.count().label("n"))
        if joined is not None:
            statement = statement.select_from(joined)
        statement = self.selection.restrict(statement.where(*where)).group_by(key)
        return statement.subquery()

    async def _top(
        self, info: Info, grouped: Any, table: Any, type_name: str, limit: int
    ) -> list[FacetValue]:
        """The ``limit`` largest groups of ``grouped`` (key: an id of ``table``, which has a
        ``name``), most first, ties by name."""
        statement = (
            select(table.c.id, table.c.name, grouped.c.n)
            .join_from(grouped, table, table.c.id == grouped.c.key)
            .order_by(grouped.c.n.desc(), table.c.name)
            .limit(_limit(limit))
        )
        return [
            FacetValue(
                id=strawberry.ID(global_id(type_name, row["id"])),
                label=row["name"],
                count=int(row["n"]),
            )
            for row in await info.context.database.rows(statement)
        ]

    async def _values(self, info: Info, grouped: Any) -> list[FacetValue]:
        """Every group of ``grouped`` (key: the value itself), most first, ties by value."""
        statement = select(grouped.c.key, grouped.c.n).order_by(grouped.c.n.desc(), grouped.c.key)
        rows = await info.context.database.rows(statement.limit(MAX_FACET))
        return [FacetValue(id=None, label=str(r["key"]), count=int(r["n"])) for r in rows]

    async def _timeline(self, info: Info, grouped: Any, interval: Interval) -> list[Bucket]:
        """``grouped`` (key: a date or time) summed per bucket of ``interval``."""
        bucket = period(info.context.database.engine.dialect.name, grouped.c.key, interval)
        statement = (
            select(bucket.label("bucket"), func.sum(grouped.c.n).label("n"))
            .group_by(bucket)
            .order_by(bucket)
        )
        rows = await info.context.database.rows(statement)
        return [Bucket(start=_as_date(r["bucket"]), count=int(r["n"])) for r in rows]


def _summed(grouped: Any, key: Any, joined: Any) -> Any:
    """Subquery (key, n): the counts of ``grouped`` added up per ``key`` of ``joined``."""
    return (
        select(key.label("key"), func.sum(grouped.c.n).label("n"))
        .select_from(joined)
        .group_by(key)
        .subquery()
    )


def _named(column: Any) -> Any:
    """(article_id, the named record's id) once per actor or place an article names;
    ``column`` is ``MENTIONS.c.actor_id`` or ``MENTIONS.c.place_id``."""
    return (
        select(MENTIONS.c.article_id, column.label("named_id"))
        .where(column.is_not(None))
        .distinct()
        .subquery("named")
    )


@strawberry.type(description="Counts over the quotes that a filter and a search select.")
class QuoteFacets(_Counts):
    selection: strawberry.Private[Selection]

    def _per_speaker(self) -> Any:
        return self._grouped(QUOTES.c.speaker_id, QUOTES.c.speaker_id.is_not(None))

    def _per_article(self) -> Any:
        return self._grouped(QUOTES.c.article_id)

    @strawberry.field(description="How many quotes.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Quotes per speaker, most first (unknown speakers left out).")
    async def speakers(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self._per_speaker(), ACTORS, "Actor", limit)

    @strawberry.field(description="Quotes per kind of speaker (person, organization, …).")
    async def speaker_kinds(self, info: Info) -> list[FacetValue]:
        grouped = self._per_speaker()
        joined = grouped.join(ACTORS, ACTORS.c.id == grouped.c.key)
        return await self._values(info, _summed(grouped, ACTORS.c.kind, joined))

    @strawberry.field(description="Quotes per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        grouped = self._per_article()
        joined = grouped.join(ARTICLES, ARTICLES.c.id == grouped.c.key)
        per_source = _summed(grouped, ARTICLES.c.source_id, joined)
        return await self._top(info, per_source, SOURCES, "Source", limit)

    @strawberry.field(description="Quotes per place their article names, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        grouped = self._per_article()
        named = _named(MENTIONS.c.place_id)
        joined = grouped.join(named, named.c.article_id == grouped.c.key)
        per_place = _summed(grouped, named.c.named_id, joined)
        return await self._top(info, per_place, PLACES, "Place", limit)

    @strawberry.field(
        description="Quotes per period of their article's publication (undated left out)."
    )
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        dated = QUOTES.c.published > literal(EARLIEST, DateTime)
        return await self._timeline(info, self._grouped(QUOTES.c.published, dated), interval)


@strawberry.type(description="Counts over the articles that a filter and a search select.")
class ArticleFacets(_Counts):
    selection: strawberry.Private[Selection]

    def _per_named(self, column: Any) -> Any:
        named = _named(column)
        joined = ARTICLES.join(named, named.c.article_id == ARTICLES.c.id)
        return self._grouped(named.c.named_id, joined=joined)

    @strawberry.field(description="How many articles.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Articles per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        grouped = self._grouped(ARTICLES.c.source_id)
        return await self._top(info, grouped, SOURCES, "Source", limit)

    @strawberry.field(description="Articles per place they name, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self._per_named(MENTIONS.c.place_id), PLACES, "Place", limit)

    @strawberry.field(description="Articles per actor they name, most first.")
    async def actors(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self._per_named(MENTIONS.c.actor_id), ACTORS, "Actor", limit)

    @strawberry.field(description="Articles per kind of actor they name.")
    async def actor_kinds(self, info: Info) -> list[FacetValue]:
        # An article naming two people counts once for PERSON: distinct (article, kind) pairs.
        named = _named(MENTIONS.c.actor_id)
        kinds = (
            select(named.c.article_id, ACTORS.c.kind)
            .join_from(named, ACTORS, ACTORS.c.id == named.c.named_id)
            .distinct()
            .subquery("kinds")
        )
        joined = ARTICLES.join(kinds, kinds.c.article_id == ARTICLES.c.id)
        return await self._values(info, self._grouped(kinds.c.kind, joined=joined))

    @strawberry.field(description="Articles per period of publication (undated left out).")
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        dated = ARTICLES.c.published.is_not(None)
        return await self._timeline(info, self._grouped(ARTICLES.c.published, dated), interval)


@strawberry.type(description="Counts over the events that a filter selects.")
class EventFacets(_Counts):
    selection: strawberry.Private[Selection]

    @strawberry.field(description="How many events.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="People killed, summed over the events that report a number.")
    async def fatalities(self, info: Info) -> int:
        total = await info.context.database.scalar(
            self.selection.restrict(select(func.coalesce(func.sum(EVENTS.c.fatalities), 0)))
        )
        return int(total or 0)

    @strawberry.field(description="Events per kind, most first.")
    async def kinds(self, info: Info) -> list[FacetValue]:
        return await self._values(info, self._grouped(EVENTS.c.kind))

    @strawberry.field(description="Events per place, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        grouped = self._grouped(EVENTS.c.place_id, EVENTS.c.place_id.is_not(None))
        return await self._top(info, grouped, PLACES, "Place", limit)

    @strawberry.field(description="Events per participating actor, most first.")
    async def actors(self, info: Info, limit: int = 10) -> list[FacetValue]:
        joined = EVENTS.join(PARTICIPANTS, PARTICIPANTS.c.event_id == EVENTS.c.id)
        grouped = self._grouped(PARTICIPANTS.c.actor_id, joined=joined)
        return await self._top(info, grouped, ACTORS, "Actor", limit)

    @strawberry.field(description="Events per period of their date (undated left out).")
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        dated = EVENTS.c.date.is_not(None)
        return await self._timeline(info, self._grouped(EVENTS.c.date, dated), interval)
