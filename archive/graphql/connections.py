"""Relay connections over the read layer's keyset pages (``archive.queries.paging``): a
cursor holds the sort keys of its row, opaque to clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select

from archive.graphql.database import Database
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import cursor, parse_cursor
from archive.queries import paging
from archive.queries.paging import Order

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


def _cursor(root: Any) -> str:
    # made when asked for: a page read for its nodes alone encodes none
    return cursor(root.order, root.key)


@strawberry.type(description="One row of a list, with its cursor.")
class Edge(Generic[T]):
    order: strawberry.Private[str]
    key: strawberry.Private[tuple[Any, ...]]
    cursor: str = strawberry.field(
        resolver=_cursor, description="Pass as `after` to continue after this row."
    )
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
    nodes: list[T] = strawberry.field(description="The rows of this page, without cursors.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many rows the whole list has, over all pages.")
    async def total_count(self) -> int:
        return await self.count()


def check_first(first: int) -> int:
    if first < 0:
        raise BadUserInput(f"first must be 0 or more, not {first}")
    if first > MAX_PAGE:
        raise BadUserInput(
            f"first is {first} but a page holds at most {MAX_PAGE} rows; page with `after`"
        )
    return first


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
    values = None if after is None else parse_cursor(after, order.name, len(order.keys))
    counted_in_page = count_in_page and after is None and first > 0
    wanted = paging.page(statement, order, first, values, counted=counted_in_page)
    rows = await database.rows(wanted) if first > 0 else []
    kept: Sequence[Any] = rows[:first]
    if complete is not None and kept:
        kept = await complete(kept)
    edges = []
    for row in kept:
        node, highlight, rank = build(row)
        key = order.key_of(row)
        edges.append(Edge(order=order.name, key=key, node=node, highlight=highlight, rank=rank))

    async def count() -> int:
        if counted_in_page:
            return int(rows[0]["_total"]) if rows else 0
        total = await database.scalar(paging.count(statement) if counted is None else counted)
        return int(total or 0)

    return Connection(
        edges=edges,
        nodes=[edge.node for edge in edges],
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=after is not None,
            start_cursor=_cursor(edges[0]) if edges else None,
            end_cursor=_cursor(edges[-1]) if edges else None,
        ),
        count=count,
    )
