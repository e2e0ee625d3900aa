"""Counts for any filter: facets (by speaker, outlet, actor kind, place, event kind) and
timelines (by day, week, month or year), each one ``GROUP BY`` over the filtered rows.

The facets of one object that a request asks for are read in one statement (``UNION ALL``),
and for a search they group one common table expression of the matched rows: the full-text
index holds no column but the document, so each facet used to fetch every match from the
table again. At a million quotes a common word's 60,000 matches lie on 32,000 of the quote
table's 42,000 pages; on PostgreSQL with its default shared buffers each facet read them
again from the operating system's cache."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from functools import cached_property, partial
from typing import Any, ClassVar

import strawberry
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement
from strawberry.dataloader import DataLoader

from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import global_id
from archive.graphql.loaders import Database, Row
from archive.graphql.selection import Selection
from archive.models import EARLIEST
from archive.tables import ACTORS, EVENTS, MENTIONS, PARTICIPANTS, PLACES, SOURCES

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
    row to the record it names.

    Each facet is a statement of the columns ``id`` (of the record the value is, or NULL),
    ``label``, ``n`` and ``position`` (its rank in the facet's order), read through
    :meth:`_read`."""

    selection: Selection

    _columns: ClassVar[tuple[str, ...]] = ()
    """The columns of the table that the facets group on; with a search, :attr:`_rows` holds
    these of the matched rows."""

    @cached_property
    def _rows(self) -> Any:
        """What the facets group: the table, which each statement then restricts to the
        selection; or, with a search, the selected rows' ``_columns`` as one common table
        expression, which every facet read together reuses. Without a search each facet
        reads a narrow index of the table instead, and a table expression would read every
        row."""
        if self.selection.tree is None:
            return self.selection.table
        table = self.selection.table
        columns = [table.c.id, *(table.c[name] for name in self._columns)]
        return self.selection.restrict(select(*columns)).cte("selected")

    async def _read(self, info: Info, statement: Select[Any]) -> list[Row]:
        """The rows of ``statement``, in ``position`` order, read in one statement with the
        other facets of this object that the request asks for (the resolvers of one object's
        fields run concurrently, so a loader gathers them)."""
        loader = self.__dict__.get("_loader")
        if loader is None:  # built at the first read: the database is the request's
            load = partial(_read_together, info.context.database)
            loader = self.__dict__["_loader"] = DataLoader(load_fn=load, cache=False)
        rows: list[Row] = await loader.load(statement)
        return rows

    async def _count(self, info: Info) -> int:
        if self._rows is self.selection.table:
            counted = self.selection.count().scalar_subquery()
        else:
            counted = select(func.count()).select_from(self._rows).scalar_subquery()
        rows = await self._read(info, _facet(None, None, counted, order=[]))
        return int(rows[0]["n"] or 0)

    def _grouped(self, key: Any, *where: ColumnElement[bool], joined: Any = None) -> Any:
        """(key, n): the selected rows counted per ``key`` (a column of :attr:`_rows`, or of
        ``joined``, a join from it), as a common table expression: two facets read together
        that group alike (speakers and their kinds) then count once."""
        statement = select(key.label("key"), func.count().label("n"))
        statement = statement.select_from(self._rows if joined is None else joined).where(*where)
        if self._rows is self.selection.table:
            statement = self.selection.restrict(statement)
        return statement.group_by(key).cte()

    async def _top(
        self, info: Info, grouped: Any, table: Any, type_name: str, limit: int
    ) -> list[FacetValue]:
        """The ``limit`` largest groups of ``grouped`` (key: an id of ``table``, which has a
        ``name``), most first, ties by name."""
        statement = _facet(
            table.c.id, table.c.name, grouped.c.n, order=[grouped.c.n.desc(), table.c.name]
        )
        statement = statement.join_from(grouped, table, table.c.id == grouped.c.key)
        return [
            FacetValue(
                id=strawberry.ID(global_id(type_name, row["id"])),
                label=row["label"],
                count=int(row["n"]),
            )
            for row in await self._read(info, statement.limit(_limit(limit)))
        ]

    async def _values(self, info: Info, grouped: Any) -> list[FacetValue]:
        """Every group of ``grouped`` (key: the value itself), most first, ties by value."""
        statement = _facet(
            None, grouped.c.key, grouped.c.n, order=[grouped.c.n.desc(), grouped.c.key]
        )
        rows = await self._read(info, statement.limit(MAX_FACET))
        return [FacetValue(id=None, label=str(r["label"]), count=int(r["n"])) for r in rows]

    async def _timeline(self, info: Info, grouped: Any, interval: Interval) -> list[Bucket]:
        """``grouped`` (key: a date or time) summed per bucket of ``interval``."""
        bucket = period(info.context.database.engine.dialect.name, grouped.c.key, interval)
        statement = _facet(None, bucket, func.sum(grouped.c.n), order=[bucket]).group_by(bucket)
        rows = await self._read(info, statement)
        return [Bucket(start=_as_date(r["label"]), count=int(r["n"])) for r in rows]


def _facet(id_: Any, label: Any, n: Any, *, order: list[Any]) -> Select[Any]:
    """``SELECT id, label, n, position ORDER BY order``: the columns every facet reads."""
    id_ = cast(null(), Integer) if id_ is None else id_
    label = cast(null() if label is None else label, String)
    position = func.row_number().over(order_by=order) if order else literal(1)
    columns = (id_.label("id"), label.label("label"), n.label("n"), position.label("position"))
    return select(*columns).order_by(*order)


async def _read_together(database: Database, statements: list[Select[Any]]) -> list[list[Row]]:
    """The rows of each of ``statements`` (see :func:`_facet`), read in one statement."""
    if len(statements) == 1:
        return [await database.rows(statements[0])]
    parts = [
        select(literal(number).label("facet"), *ordered.c)
        for number, ordered in enumerate(statement.subquery() for statement in statements)
    ]
    found: list[list[Row]] = [[] for _ in statements]
    for row in await database.rows(union_all(*parts).order_by("facet", "position")):
        found[row["facet"]].append(row)
    return found


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
    _columns = ("speaker_id", "article_id", "source_id", "published")

    @cached_property
    def _per_speaker(self) -> Any:
        speaker = self._rows.c.speaker_id
        return self._grouped(speaker, speaker.is_not(None))

    @strawberry.field(description="How many quotes.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Quotes per speaker, most first (unknown speakers left out).")
    async def speakers(self, info: Info, limit: int = 10) -> list[FacetValue]:
        return await self._top(info, self._per_speaker, ACTORS, "Actor", limit)

    @strawberry.field(description="Quotes per kind of speaker (person, organization, …).")
    async def speaker_kinds(self, info: Info) -> list[FacetValue]:
        grouped = self._per_speaker
        joined = grouped.join(ACTORS, ACTORS.c.id == grouped.c.key)
        return await self._values(info, _summed(grouped, ACTORS.c.kind, joined))

    @strawberry.field(description="Quotes per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        source = self._rows.c.source_id
        per_source = self._grouped(source, source.is_not(None))
        return await self._top(info, per_source, SOURCES, "Source", limit)

    @strawberry.field(description="Quotes per place their article names, most first.")
    async def places(self, info: Info, limit: int = 10) -> list[FacetValue]:
        grouped = self._grouped(self._rows.c.article_id)
        named = _named(MENTIONS.c.place_id)
        joined = grouped.join(named, named.c.article_id == grouped.c.key)
        per_place = _summed(grouped, named.c.named_id, joined)
        return await self._top(info, per_place, PLACES, "Place", limit)

    @strawberry.field(
        description="Quotes per period of their article's publication (undated left out)."
    )
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        published = self._rows.c.published
        dated = published > literal(EARLIEST, DateTime)
        return await self._timeline(info, self._grouped(published, dated), interval)


@strawberry.type(description="Counts over the articles that a filter and a search select.")
class ArticleFacets(_Counts):
    selection: strawberry.Private[Selection]
    _columns = ("source_id", "published")

    def _per_named(self, column: Any) -> Any:
        named = _named(column)
        joined = self._rows.join(named, named.c.article_id == self._rows.c.id)
        return self._grouped(named.c.named_id, joined=joined)

    @strawberry.field(description="How many articles.")
    async def count(self, info: Info) -> int:
        return await self._count(info)

    @strawberry.field(description="Articles per outlet, most first.")
    async def sources(self, info: Info, limit: int = 10) -> list[FacetValue]:
        grouped = self._grouped(self._rows.c.source_id)
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
        joined = self._rows.join(kinds, kinds.c.article_id == self._rows.c.id)
        return await self._values(info, self._grouped(kinds.c.kind, joined=joined))

    @strawberry.field(description="Articles per period of publication (undated left out).")
    async def timeline(self, info: Info, interval: Interval = Interval.MONTH) -> list[Bucket]:
        published = self._rows.c.published
        return await self._timeline(
            info, self._grouped(published, published.is_not(None)), interval
        )


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
