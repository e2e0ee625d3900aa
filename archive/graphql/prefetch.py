"""Relations read ahead, a statement per relation per page.

A list (or a single record) asked with a selection of fields reads the related records that
selection names for all its records at once: the speakers of a page of quotes in one
statement, their affiliations in another, the organisations of those in a third, whatever the
page's size. Each record then holds what it relates to as plain values, so the whole page is
resolved without waiting on the database again: no task per field, no N+1.

Relations that take arguments (an actor's ``quotes(first:, where:)``) are lists of their own,
read by their resolvers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from sqlalchemy import Table, func, select
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from archive.graphql.context import Info
from archive.graphql.database import Database, Row
from archive.tables import chunks


class Related(Protocol):
    """A record that relations can be read ahead for: its row, and what it relates to, each
    by the name of the GraphQL field (and attribute) that shows it."""

    relations: ClassVar[Mapping[str, Relation]]
    row: Row


Build = Callable[[Any], Any]
"""Makes a record of a row (a ``RowMapping``, or a mapping with its columns)."""


@dataclass(frozen=True)
class One:
    """The record whose id a column of the parent's row holds (a quote's speaker), or None."""

    table: Table
    key: str
    build: Build

    async def read(self, database: Database, parents: Sequence[Related]) -> list[Any]:
        keys = {p.row[self.key] for p in parents} - {None}
        found = {}
        for part in chunks(sorted(keys)):
            for row in await database.rows(select(self.table).where(self.table.c.id.in_(part))):
                found[row["id"]] = self.build(row)
        return [found.get(p.row[self.key]) for p in parents]


@dataclass(frozen=True)
class Many:
    """The records of ``table`` under each parent (an article's quotes), in ``order`` (columns
    that make it total); with ``distinct``, only the first (lowest id) of each combination of
    those columns."""

    table: Table
    parent: str
    order: tuple[str, ...]
    build: Build
    distinct: tuple[str, ...] = ()

    async def read(self, database: Database, parents: Sequence[Related]) -> list[Any]:
        column = self.table.c[self.parent]
        grouped: dict[Hashable, list[Any]] = defaultdict(list)
        for part in chunks(sorted({p.row["id"] for p in parents})):
            wanted = column.in_(part)
            if self.distinct:
                firsts = select(func.min(self.table.c.id)).where(wanted)
                grouped_by = (column, *(self.table.c[c] for c in self.distinct))
                wanted = self.table.c.id.in_(firsts.group_by(*grouped_by))
            ordered = (self.table.c[c] for c in self.order)
            statement = select(self.table).where(wanted).order_by(column, *ordered)
            for row in await database.rows(statement):
                grouped[row[self.parent]].append(self.build(row))
        return [grouped.get(p.row["id"], []) for p in parents]


Relation = One | Many


def selected(selections: Iterable[Selection]) -> dict[str, list[Selection]]:
    """The fields ``selections`` ask for, by name, with their own selections merged, through
    fragments. Directives are not evaluated: a field skipped by ``@skip`` is read anyway,
    which costs a statement and changes nothing in the answer."""
    fields: dict[str, list[Selection]] = defaultdict(list)
    _collect(selections, fields)
    return fields


def _collect(selections: Iterable[Selection], fields: dict[str, list[Selection]]) -> None:
    for selection in selections:
        if isinstance(selection, SelectedField):
            fields[selection.name].extend(selection.selections)
        elif isinstance(selection, FragmentSpread | InlineFragment):
            _collect(selection.selections, fields)


def selections(info: Info) -> list[Selection]:
    """What the query asks of the value of the field being resolved."""
    return [s for field in info.selected_fields for s in field.selections]


def page_nodes(selections: Iterable[Selection]) -> list[Selection]:
    """What a connection's selections ask of its nodes, through ``nodes`` and ``edges.node``."""
    fields = selected(selections)
    return [*fields.get("nodes", []), *selected(fields.get("edges", [])).get("node", [])]


async def prefetch(
    database: Database, records: Sequence[Related], selections: Iterable[Selection]
) -> None:
    """Read, for ``records`` (of one or several types), every relation ``selections`` name,
    and theirs in turn, a statement per relation (and per 1,000 parents)."""
    fields = selected(selections)
    by_type: dict[type[Related], list[Related]] = defaultdict(list)
    for record in records:
        by_type[type(record)].append(record)
    for kind, group in by_type.items():
        for name, relation in kind.relations.items():
            if name not in fields:
                continue
            values = await relation.read(database, group)
            children: list[Related] = []
            for record, value in zip(group, values, strict=True):
                setattr(record, name, value)
                if isinstance(value, list):
                    children.extend(value)
                elif value is not None:
                    children.append(value)
            if children and fields[name]:
                await prefetch(database, children, fields[name])


async def read_ahead(info: Info, records: Sequence[Related]) -> None:
    """Read what ``records``, the value of the field being resolved, relate to, for the
    fields the query asks of them."""
    await prefetch(info.context.database, records, selections(info))
