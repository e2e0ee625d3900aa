"""Counts over a selection: facets (by speaker, outlet, actor kind, place, event kind) and
timelines (by day, week, month or year), each one ``GROUP BY`` over the selected rows.

Every facet is a statement of the columns ``id`` (of the record the value is, or NULL),
``label``, ``n`` and ``position`` (its rank in the facet's order), so that the facets one
reader asks for can be read in one statement (:func:`together`). For a search they group one
common table expression of the matched rows: the full-text index holds no column but the
document, so each facet used to fetch every match from the table again. At a million quotes a
common word's 60,000 matches lie on 32,000 of the quote table's 42,000 pages; on PostgreSQL
with its default shared buffers each facet read them again from the operating system's cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    CompoundSelect,
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

from archive.models import EARLIEST
from archive.queries.conditions import QueryError
from archive.queries.selection import Selection
from archive.tables import ACTORS, EVENTS, MENTIONS, PARTICIPANTS, PLACES, SOURCES

MAX_FACET = 100
R = TypeVar("R", bound=Mapping[Any, Any])
INTERVALS = ("day", "week", "month", "year")
"""Widths of a timeline's buckets; weeks start on Monday."""


def period(dialect: str, column: Any, interval: str) -> ColumnElement[Any]:
    """The first day of the bucket of ``interval`` that ``column`` falls in, on either backend."""
    if dialect == "sqlite":
        modifiers = {
            "day": (),
            "week": ("weekday 0", "-6 days"),
            "month": ("start of month",),
            "year": ("start of year",),
        }[interval]
        return func.date(column, *modifiers)
    return func.cast(func.date_trunc(interval, column), Date)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_FACET:
        raise QueryError(f"limit must be between 1 and {MAX_FACET}, not {limit}")
    return limit


def facet(id_: Any, label: Any, n: Any, *, order: list[Any]) -> Select[Any]:
    """``SELECT id, label, n, position ORDER BY order``: the columns every facet reads."""
    id_ = cast(null(), Integer) if id_ is None else id_
    label = cast(null() if label is None else label, String)
    position = func.row_number().over(order_by=order) if order else literal(1)
    columns = (id_.label("id"), label.label("label"), n.label("n"), position.label("position"))
    return select(*columns).order_by(*order)


def together(statements: Sequence[Select[Any]]) -> CompoundSelect[Any]:
    """One statement for several facets: their rows, each with the index of its facet in
    ``facet``, in order; :func:`apart` splits them again."""
    parts = [
        select(literal(number).label("facet"), *ordered.c)
        for number, ordered in enumerate(statement.subquery() for statement in statements)
    ]
    return union_all(*parts).order_by("facet", "position")


def apart(rows: Sequence[R], facets: int) -> list[list[R]]:
    """The rows of :func:`together` of ``facets`` statements, per statement."""
    found: list[list[R]] = [[] for _ in range(facets)]
    for row in rows:
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


@dataclass
class Counts:
    """The facets of the rows of ``selection`` on ``dialect``, each a statement (see the
    module's docstring for its columns).

    Every facet counts on the selected table's own columns first (quotes per speaker id,
    per article id, per publication time) and joins names to those few groups afterwards:
    at a million quotes, grouping narrow index entries costs a fraction of joining every
    row to the record it names."""

    selection: Selection

    columns: ClassVar[tuple[str, ...]] = ()
    """The columns of the table that the facets group on; with a search, :attr:`rows` holds
    these of the matched rows."""

    @cached_property
    def rows(self) -> Any:
        """What the facets group: the table, which each statement then restricts to the
        selection; or, with a search, the selected rows' ``columns`` as one common table
        expression, which every facet read together reuses. Without a search each facet
        reads a narrow index of the table instead, and a table expression would read every
        row."""
        if self.selection.tree is None:
            return self.selection.table
        table = self.selection.table
        columns = [table.c.id, *(table.c[name] for name in self.columns)]
        return self.selection.restrict(select(*columns)).cte("selected")

    def count(self) -> Select[Any]:
        """How many rows are selected, in ``n``."""
        if self.rows is self.selection.table:
            counted = self.selection.count().scalar_subquery()
        else:
            counted = select(func.count()).select_from(self.rows).scalar_subquery()
        return facet(None, None, counted, order=[])

    def grouped(self, key: Any, *where: ColumnElement[bool], joined: Any = None) -> Any:
        """(key, n): the selected rows counted per ``key`` (a column of :attr:`rows`, or of
        ``joined``, a join from it), as a common table expression: two facets read together
        that group alike (speakers and their kinds) then count once."""
        statement = select(key.label("key"), func.count().label("n"))
        statement = statement.select_from(self.rows if joined is None else joined).where(*where)
        if self.rows is self.selection.table:
            statement = self.selection.restrict(statement)
        return statement.group_by(key).cte()

    def top(self, grouped: Any, table: Any, limit: int) -> Select[Any]:
        """The ``limit`` largest groups of ``grouped`` (key: an id of ``table``, which has a
        ``name``), most first, ties by name."""
        statement = facet(
            table.c.id, table.c.name, grouped.c.n, order=[grouped.c.n.desc(), table.c.name]
        )
        statement = statement.join_from(grouped, table, table.c.id == grouped.c.key)
        return statement.limit(_limit(limit))

    def values(self, grouped: Any) -> Select[Any]:
        """Every group of ``grouped`` (key: the value itself), most first, ties by value."""
        order = [grouped.c.n.desc(), grouped.c.key]
        return facet(None, grouped.c.key, grouped.c.n, order=order).limit(MAX_FACET)

    def timeline(self, grouped: Any, interval: str) -> Select[Any]:
        """``grouped`` (key: a date or time) summed per bucket of ``interval``; the bucket's
        first day in ``label``."""
        bucket = period(self.selection.dialect, grouped.c.key, interval)
        return facet(None, bucket, func.sum(grouped.c.n), order=[bucket]).group_by(bucket)


@dataclass
class QuoteCounts(Counts):
    """Counts over selected quotes."""

    columns = ("speaker_id", "article_id", "source_id", "published")

    @cached_property
    def _per_speaker(self) -> Any:
        speaker = self.rows.c.speaker_id
        return self.grouped(speaker, speaker.is_not(None))

    def speakers(self, limit: int) -> Select[Any]:
        """Quotes per speaker, most first (unknown speakers left out)."""
        return self.top(self._per_speaker, ACTORS, limit)

    def speaker_kinds(self) -> Select[Any]:
        """Quotes per kind of speaker."""
        grouped = self._per_speaker
        joined = grouped.join(ACTORS, ACTORS.c.id == grouped.c.key)
        return self.values(_summed(grouped, ACTORS.c.kind, joined))

    def sources(self, limit: int) -> Select[Any]:
        """Quotes per outlet, most first."""
        source = self.rows.c.source_id
        return self.top(self.grouped(source, source.is_not(None)), SOURCES, limit)

    def places(self, limit: int) -> Select[Any]:
        """Quotes per place their article names, most first."""
        grouped = self.grouped(self.rows.c.article_id)
        named = _named(MENTIONS.c.place_id)
        joined = grouped.join(named, named.c.article_id == grouped.c.key)
        return self.top(_summed(grouped, named.c.named_id, joined), PLACES, limit)

    def over_time(self, interval: str) -> Select[Any]:
        """Quotes per period of their article's publication (undated left out)."""
        published = self.rows.c.published
        dated = published > literal(EARLIEST, DateTime)
        return self.timeline(self.grouped(published, dated), interval)


@dataclass
class ArticleCounts(Counts):
    """Counts over selected articles."""

    columns = ("source_id", "published")

    def _per_named(self, column: Any) -> Any:
        named = _named(column)
        joined = self.rows.join(named, named.c.article_id == self.rows.c.id)
        return self.grouped(named.c.named_id, joined=joined)

    def sources(self, limit: int) -> Select[Any]:
        """Articles per outlet, most first."""
        return self.top(self.grouped(self.rows.c.source_id), SOURCES, limit)

    def places(self, limit: int) -> Select[Any]:
        """Articles per place they name, most first."""
        return self.top(self._per_named(MENTIONS.c.place_id), PLACES, limit)

    def actors(self, limit: int) -> Select[Any]:
        """Articles per actor they name, most first."""
        return self.top(self._per_named(MENTIONS.c.actor_id), ACTORS, limit)

    def actor_kinds(self) -> Select[Any]:
        """Articles per kind of actor they name."""
        # An article naming two people counts once for PERSON: distinct (article, kind) pairs.
        named = _named(MENTIONS.c.actor_id)
        kinds = (
            select(named.c.article_id, ACTORS.c.kind)
            .join_from(named, ACTORS, ACTORS.c.id == named.c.named_id)
            .distinct()
            .subquery("kinds")
        )
        joined = self.rows.join(kinds, kinds.c.article_id == self.rows.c.id)
        return self.values(self.grouped(kinds.c.kind, joined=joined))

    def over_time(self, interval: str) -> Select[Any]:
        """Articles per period of publication (undated left out)."""
        published = self.rows.c.published
        return self.timeline(self.grouped(published, published.is_not(None)), interval)


@dataclass
class EventCounts(Counts):
    """Counts over selected events."""

    def fatalities(self) -> Select[Any]:
        """People killed, summed over the events that report a number."""
        return self.selection.restrict(select(func.coalesce(func.sum(EVENTS.c.fatalities), 0)))

    def kinds(self) -> Select[Any]:
        """Events per kind, most first."""
        return self.values(self.grouped(EVENTS.c.kind))

    def places(self, limit: int) -> Select[Any]:
        """Events per place, most first."""
        grouped = self.grouped(EVENTS.c.place_id, EVENTS.c.place_id.is_not(None))
        return self.top(grouped, PLACES, limit)

    def actors(self, limit: int) -> Select[Any]:
        """Events per participating actor, most first."""
        joined = EVENTS.join(PARTICIPANTS, PARTICIPANTS.c.event_id == EVENTS.c.id)
        return self.top(self.grouped(PARTICIPANTS.c.actor_id, joined=joined), ACTORS, limit)

    def over_time(self, interval: str) -> Select[Any]:
        """Events per period of their date (undated left out)."""
        dated = EVENTS.c.date.is_not(None)
        return self.timeline(self.grouped(EVENTS.c.date, dated), interval)
