"""Counts for any filter, as the API shows them: facets and timelines over the rows a filter
and a search select (the statements are the read layer's, ``archive.queries.facets``).

The facets of one object that a request asks for are read in one statement: the resolvers of
one object's fields run concurrently, and a loader gathers their statements."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Select
from strawberry.dataloader import DataLoader

from archive.graphql.context import Info
from archive.graphql.database import Database, Row
from archive.graphql.ids import global_id
from archive.queries import facets
from archive.queries.facets import ArticleCounts, Counts, EventCounts, QuoteCounts


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


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def _read_together(database: Database, statements: list[Select[Any]]) -> list[list[Row]]:
    """The rows of each of ``statements`` (facets), read in one statement."""
    if len(statements) == 1:
        return [await database.rows(statements[0])]
    rows = await database.rows(facets.together(statements))
    return facets.apart(rows, len(statements))


class _Facets:
    """What the facet types share: their counts, read together per object."""

    counts: Counts

    async def _read(self, info: Info, statement: Select[Any]) -> list[Row]:
        """The rows of ``statement``, read with the other facets of this object that the
        request asks for."""
        loader = self.__dict__.get("_reader")
        if loader is None:  # built at the first read: the database is the request's
            database = info.context.database

            async def load(statements: list[Select[Any]]) -> list[list[Row]]:
                return await _read_together(database, statements)

            loader = self.__dict__["_reader"] = DataLoader(load_fn=load, cache=False)
        rows: list[Row] = await loader.load(statement)
        return rows

    async def _count(self, info: Info) -> int:
        rows = await self._read(info, self.counts.count())
        return int(rows[0]["n"] or 0)

    async def _top(self, info: Info, statement: Select[Any], type_name: str) -> list[FacetValue]:
        return [
            FacetValue(
                id=strawberry.ID(global_id(type_name, row["id"])),
                label=row["label"],
                count=int(row["n"]),
            )
            for row in await self._read(info, statement)
        ]

    async def _values(self, info: Info, statement: Select[Any]) -> list[FacetValue]:
        rows = await self._read(info, statement)
        return [FacetValue(id=None, label=str(r["label"]), count=int(r["n"])) for r in rows]

    async def _timeline(self, info: Info, statement: Select[Any]) -> list[Bucket]:
        rows = await self._read(info, statement)
        return [Bucket(start=_as_date(r["label"]), count=int(r["n"])) for r in rows]


@strawberry.type(description="Counts over the quotes that a filter and a search select.")
class QuoteFacets(_Facets):
    counts: strawberry.Private[QuoteCounts]

    @strawberry.field(description="How many quotes.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Quotes per speaker, most first (unknown speakers left out).")
    async def speakers(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.speakers(limit), "Actor")

    @strawberry.field(description="Quotes per kind of speaker (person, organization, …).")
    async def speaker_kinds(self, info: Info) -> list[FacetValue]:
        return await self._values(info, self.counts.speaker_kinds())

    @strawberry.field(description="Quotes per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.sources(limit), "Source")

    @strawberry.field(description="Quotes per place their article names, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.places(limit), "Place")

    @strawberry.field(
        description="Quotes per period of their article's publication (undated left out)."
    )
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        return await self._timeline(info, self.counts.over_time(interval.value))


@strawberry.type(description="Counts over the articles that a filter and a search select.")
class ArticleFacets(_Facets):
    counts: strawberry.Private[ArticleCounts]

    @strawberry.field(description="How many articles.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Articles per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.sources(limit), "Source")

    @strawberry.field(description="Articles per place they name, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.places(limit), "Place")

    @strawberry.field(description="Articles per actor they name, most first.")
    async def actors(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.actors(limit), "Actor")

    @strawberry.field(description="Articles per kind of actor they name.")
    async def actor_kinds(self, info: Info) -> list[FacetValue]:
        return await self._values(info, self.counts.actor_kinds())

    @strawberry.field(description="Articles per period of publication (undated left out).")
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        return await self._timeline(info, self.counts.over_time(interval.value))


@strawberry.type(description="Counts over the events that a filter selects.")
class EventFacets(_Facets):
    counts: strawberry.Private[EventCounts]

    @strawberry.field(description="How many events.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="People killed, summed over the events that report a number.")
    async def fatalities(self, info: Info) -> int:
        return int(await info.context.database.scalar(self.counts.fatalities()) or 0)

    @strawberry.field(description="Events per kind, most first.")
    async def kinds(self, info: Info) -> list[FacetValue]:
        return await self._values(info, self.counts.kinds())

    @strawberry.field(description="Events per place, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.places(limit), "Place")

    @strawberry.field(description="Events per participating actor, most first.")
    async def actors(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self.counts.actors(limit), "Actor")

    @strawberry.field(description="Events per period of their date (undated left out).")
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        return await self._timeline(info, self.counts.over_time(interval.value))
