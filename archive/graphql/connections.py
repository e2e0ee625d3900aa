"""Relay connections with keyset cursors: a page is ``WHERE (sort keys) after (cursor) ORDER BY
sort keys LIMIT first + 1``, so the hundredth page costs what the first does and rows inserted
meanwhile neither repeat nor vanish. Every sort ends with the primary key, so keys are unique."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from archive.graphql.errors import BadUserInput
from archive.graphql.ids import cursor, parse_cursor
from archive.graphql.loaders import Database

MAX_PAGE = 100

T = TypeVar("T")


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More rows follow: ask with `after: endCursor`."
    )
    has_previous_page: bool = strawberry.field(
        description="Rows precede this page (an `after` was given)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first row of the page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last row of the page.")


@strawberry.type(description="One row of a list, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this row.")
    node: T = strawberry.field(description="The row.")
    highlight: str | None = strawberry.field(
        description="With a `search`: the matching text, HTML-escaped, words found in `<mark>`; "
        "a window around the first match for long texts. Null without a search."
    )
    rank: float | None = strawberry.field(
        description="With a `search`: how well the row matches (higher is better). Null otherwise."
    )


@strawberry.type(description="A page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The rows of this page, with cursors.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more rows follow.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The rows of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many rows the whole list has, over all pages.")
    async def total_count(self) -> int:
        return await self.count()


@dataclass(frozen=True)
class Order:
    """A named sort: SQL expressions without NULLs, each ascending or descending, the last one
    the primary key."""

    name: str
    keys: tuple[tuple[ColumnElement[Any], bool], ...]


def check_first(first: int) -> int:
    if first < 0:
        raise BadUserInput(f"first must be 0 or more, not {first}")
    if first > MAX_PAGE:
        raise BadUserInput(
            f"first is {first} but a page holds at most {MAX_PAGE} rows; page with `after`"
        )
    return first


def _after(keys: Sequence[tuple[ColumnElement[Any], bool]], values: Sequence[Any]) -> Any:
    clauses = []
    for i, (expression, descending) in enumerate(keys):
        equal = [keys[j][0] == values[j] for j in range(i)]
        beyond = expression < values[i] if descending else expression > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


async def paginate(
    database: Database,
    statement: Select[Any],
    order: Order,
    first: int,
    after: str | None,
    build: Callable[[Mapping[str, Any]], tuple[Any, str | None, float | None]],
    *,
    counted: Select[Any] | None = None,
    complete: Callable[[Sequence[Any]], Awaitable[list[Mapping[str, Any]]]] | None = None,
    count_in_page: bool = False,
) -> Connection[Any]:
    """A page of ``statement`` (its rows in ``order``); ``build`` makes (node, highlight, rank)
    of each row. ``counted`` is a cheaper ``SELECT count(*)`` of the same rows, when there is
    one. ``complete`` turns the page's rows into the rows ``build`` reads, in the same order:
    it lets ``statement`` select only what ordering needs (ids and rank) and read the rest
    for the few rows kept. ``count_in_page`` counts the list in the statement of a first page
    (a window), for a statement that reads every row whatever the limit (a sort by search
    rank) where ``counted`` would read them all again."""
    check_first(first)
    labels = [f"_key{i}" for i in range(len(order.keys))]
    page = statement.add_columns(
        *(
            expression.label(label)
            for (expression, _), label in zip(order.keys, labels, strict=True)
        )
    )
    if after is not None:
        values = parse_cursor(after, order.name, len(order.keys))
        page = page.where(_after(order.keys, values))
    counted_in_page = count_in_page and after is None and first > 0
    if counted_in_page:
        page = page.add_columns(func.count().over().label("_total"))
    page = page.order_by(
        *(
            expression.desc() if descending else expression.asc()
            for expression, descending in order.keys
        )
    ).limit(first + 1)
    rows = await database.rows(page) if first > 0 else []
    kept: Sequence[Any] = rows[:first]
    if complete is not None and kept:
        kept = await complete(kept)
    edges = []
    for row in kept:
        node, highlight, rank = build(row)
        key = tuple(row[label] for label in labels)
        edges.append(
            Edge(cursor=cursor(order.name, key), node=node, highlight=highlight, rank=rank)
        )

    async def count() -> int:
        if counted_in_page:
            return int(rows[0]["_total"]) if rows else 0
        if counted is None:
            total = await database.scalar(
                select(func.count()).select_from(statement.order_by(None).subquery())
            )
        else:
            total = await database.scalar(counted)
        return int(total or 0)

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )
