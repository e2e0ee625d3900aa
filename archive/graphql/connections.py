"""Relay connections over the read layer's keyset pages (``archive.queries.paging``): a
cursor holds the sort keys of its row, opaque to clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select

from archive.graphql.database import Database
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import cursor, parse_cursor
from archive.queries import paging
from archive.queries.paging import Order

MAX_PAGE = 100
DEFAULT_PAGE = 20

T = TypeVar("T")


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first row of the page: pass as `before` for the rows before it."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last row of the page: pass as `after` for the rows after it."
    )
    next_rows: strawberry.Private[Callable[[], Awaitable[bool]]]
    previous_rows: strawberry.Private[Callable[[], Awaitable[bool]]]

    @strawberry.field(
        description="Rows of the list follow this page (with `after`/`first`: ask with `after: "
        "endCursor`), whichever way it was read."
    )
    async def has_next_page(self) -> bool:
        return await self.next_rows()

    @strawberry.field(
        description="Rows of the list precede this page (ask with `before: startCursor` and "
        "`last`), whichever way it was read: a row before it, not merely a cursor given."
    )
    async def has_previous_page(self) -> bool:
        return await self.previous_rows()


def _cursor(root: Any) -> str:
    # made when asked for: a page read for its nodes alone encodes none
    return cursor(root.order, root.key)


@strawberry.type(description="One row of a list, with its cursor.")
class Edge(Generic[T]):
    order: strawberry.Private[str]
    key: strawberry.Private[tuple[Any, ...]]
    cursor: str = strawberry.field(
        resolver=_cursor,
        description="Pass as `after` to continue after this row, or as `before` (with `last`) "
        "for the rows before it.",
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


First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many rows, from the start or after `after`: {DEFAULT_PAGE} when "
        f"neither `first` nor `last` is given, at most {MAX_PAGE}."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="A cursor: the page starts after its row.")
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many rows, from the end or before `before` (at most {MAX_PAGE}); "
        "not with `first`."
    ),
]
Before = Annotated[
    str | None, strawberry.argument(description="A cursor: the page ends before its row.")
]


@dataclass(frozen=True)
class Window:
    """Which rows of a list a page holds: the first ``size`` rows after the cursor ``after``,
    or with ``backward`` the last ``size`` rows before the cursor ``before``. Either cursor
    may bound either way of reading (Relay's connection arguments)."""

    size: int = DEFAULT_PAGE
    after: str | None = None
    before: str | None = None
    backward: bool = False

    @classmethod
    def of(
        cls,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Window:
        """The window the four arguments ask for; raises BadUserInput for both ``first`` and
        ``last``, or a size out of range."""
        if first is not None and last is not None:
            raise BadUserInput(
                "give `first` (with `after`) or `last` (with `before`), not both: "
                "a page is read from one end"
            )
        backward = last is not None
        size = last if last is not None else (DEFAULT_PAGE if first is None else first)
        name = "last" if backward else "first"
        if size < 0:
            raise BadUserInput(f"{name} must be 0 or more, not {size}")
        if size > MAX_PAGE:
            raise BadUserInput(
                f"{name} is {size} but a page holds at most {MAX_PAGE} rows; "
                f"page with `{'before' if backward else 'after'}`"
            )
        return cls(size, after, before, backward)


async def paginate(
    database: Database,
    statement: Select[Any],
    order: Order,
    window: Window,
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

    def keys(given: str | None) -> tuple[Any, ...] | None:
        return None if given is None else tuple(parse_cursor(given, order.name, len(order.keys)))

    after, before, size = keys(window.after), keys(window.before), window.size
    counted_in_page = count_in_page and after is None and before is None and size > 0
    wanted = paging.page(
        statement,
        order,
        size,
        after,
        before=before,
        backward=window.backward,
        counted=counted_in_page,
    )
    rows = await database.rows(wanted) if size > 0 else []
    kept: Sequence[Any] = rows[:size]
    if window.backward:
        kept = kept[::-1]
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

    def rows_beyond(backward: bool) -> Callable[[], Awaitable[bool]]:
        """Whether the list holds rows past the page's end (before its start with
        ``backward``): known from the extra row read when the page was read that way, else
        asked of the database (one row's keyset probe) when a client asks."""
        toward = backward == window.backward  # the way the page was read
        if toward and size > 0:
            far = after if backward else before  # a cursor bounding the page that way
            if len(rows) > size or far is None:
                return partial(_known, len(rows) > size)
            # the window ends at that cursor: what lies beyond it, that row included
            rows_past = paging.beyond(statement, order, far, backward=backward, inclusive=True)
            return partial(database.exists, rows_past)
        values: tuple[Any, ...] | None
        if edges:
            values, inclusive = edges[0 if backward else -1].key, False
        elif toward:  # no rows asked for: the page stands at its own cursor
            values, inclusive = (before if backward else after), False
            if values is None:
                return partial(database.exists, statement)
        else:  # an empty page stands at the cursor it was read from: that row counts
            values, inclusive = (after if backward else before), True
            if values is None:
                return partial(_known, False)
        probe = paging.beyond(statement, order, values, backward=backward, inclusive=inclusive)
        return partial(database.exists, probe)

    return Connection(
        edges=edges,
        nodes=[edge.node for edge in edges],
        page_info=PageInfo(
            start_cursor=_cursor(edges[0]) if edges else None,
            end_cursor=_cursor(edges[-1]) if edges else None,
            next_rows=rows_beyond(backward=False),
            previous_rows=rows_beyond(backward=True),
        ),
        count=count,
    )


async def _known(value: bool) -> bool:
    """``value``, as the page's lazy answers give theirs."""
    return value
