"""The archive's lists: filtered, searched, ordered, paged by keyset (see ``connections``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Table, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import coalesce

from archive.graphql.connections import Connection, Window, paginate
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.filters import (
    ActorFilter,
    ArticleFilter,
    ArticleOrder,
    EventFilter,
    EventOrder,
    PlaceFilter,
    QuoteFilter,
    QuoteOrder,
    SourceFilter,
)
from archive.graphql.prefetch import Build, page_nodes, prefetch, selections
from archive.queries.conditions import (
    actor_condition,
    article_condition,
    event_condition,
    place_condition,
    quote_condition,
    source_condition,
)
from archive.queries.paging import Order
from archive.queries.selection import Selection
from archive.search import Node as SearchTree
from archive.search import SearchQueryError, highlight, parse_query
from archive.tables import ACTORS, ARTICLES, AUDIT_LOG, EVENTS, PLACES, QUOTES, SOURCES

SNIPPET_CHARS = 240
_EARLIEST = literal(datetime(1, 1, 1), DateTime)
_EARLIEST_DAY = literal(date(1, 1, 1), Date)


def search_tree(search: str | None) -> SearchTree | None:
    if search is None:
        return None
    try:
        return parse_query(search)
    except SearchQueryError as exc:
        raise BadUserInput(str(exc)) from None


def _by_time(name: str, when: ColumnElement[Any], pk: Any, newest: bool) -> Order:
    return Order(name, ((when, newest), (pk, newest)))


def _least_confident(table: Table) -> Order:
    return Order("least_confident", ((table.c.confidence, False), (table.c.id, False)))


def _for_review() -> Order:
    """Quotes to review first: the least sure quarter of confidence first, and within each
    quarter the quotes of the most-quoted speakers, whose misattributions readers meet most."""
    confidence = QUOTES.c.confidence
    quarter = case((confidence < 0.25, 0), (confidence < 0.5, 1), (confidence < 0.75, 2), else_=3)
    others = QUOTES.alias("others")
    quoted = (
        select(func.count()).where(others.c.speaker_id == QUOTES.c.speaker_id).scalar_subquery()
    )
    return Order("review", ((quarter, False), (quoted, True), (QUOTES.c.id, False)))


def _relevance(rank: ColumnElement[Any] | None, pk: Any) -> Order:
    if rank is None:
        raise BadUserInput("orderBy: RELEVANCE needs a `search`")
    return Order("relevance", ((rank, True), (pk, False)))


def _selection(
    info: Info,
    table: Table,
    conditions: list[ColumnElement[bool] | None],
    search: str | None,
) -> Selection:
    return Selection(
        table,
        info.context.database.engine.dialect.name,
        tuple(c for c in conditions if c is not None),
        search_tree(search),
    )


def quote_selection(
    info: Info,
    where: QuoteFilter | None,
    search: str | None,
    extra: ColumnElement[bool] | None = None,
) -> Selection:
    """The quotes a filter, a search and ``extra`` (a condition on quotes) select."""
    condition = quote_condition(where.plain()) if where is not None else None
    return _selection(info, QUOTES, [condition, extra], search)


def article_selection(
    info: Info,
    where: ArticleFilter | None,
    search: str | None,
    extra: ColumnElement[bool] | None = None,
) -> Selection:
    """The articles a filter, a search and ``extra`` (a condition on articles) select."""
    condition = article_condition(where.plain()) if where is not None else None
    return _selection(info, ARTICLES, [condition, extra], search)


async def _page(
    info: Info,
    selection: Selection,
    order: Order,
    window: Window,
    build: Callable[[Mapping[str, Any]], tuple[Any, str | None, float | None]],
) -> Connection[Any]:
    """A page of the selected rows in ``order``, with what its nodes relate to read ahead.
    Ranked by a search alone, the page is cut from the full-text index's matches first, and
    only its rows are read."""
    database = info.context.database
    table = selection.table
    # Ranking reads every match; so would a count that reads rows, not an index alone.
    count_in_page = order.name == "relevance" and selection.counting_reads_rows
    if order.name == "relevance" and selection.searched_only and selection.rank is not None:
        ids, rank, pk = selection.ranked_ids()

        async def complete(page: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
            rows = await database.rows(
                select(table).where(table.c.id.in_([row["id"] for row in page]))
            )
            full = {row["id"]: row for row in rows}
            return [{**full[row["id"]], **row} for row in page if row["id"] in full]

        ranked = Order(order.name, ((rank, True), (pk, False)))
        connection = await paginate(
            database,
            ids,
            ranked,
            window,
            build,
            counted=selection.count(),
            complete=complete,
            count_in_page=count_in_page,
        )
    else:
        connection = await paginate(
            database,
            selection.rows(),
            order,
            window,
            build,
            counted=selection.count(),
            count_in_page=count_in_page,
        )
    return await _read_ahead(info, connection)


async def _read_ahead(info: Info, connection: Connection[Any]) -> Connection[Any]:
    """The connection, what its nodes relate to read for the fields asked of them."""
    await prefetch(info.context.database, connection.nodes, page_nodes(selections(info)))
    return connection


async def list_quotes(
    info: Info,
    node: Build,
    where: QuoteFilter | None,
    search: str | None,
    order_by: QuoteOrder | None,
    window: Window,
    extra: ColumnElement[bool] | None = None,
) -> Connection[Any]:
    """A page of quotes, each made by ``node`` from its row."""
    selection = quote_selection(info, where, search, extra)
    tree = selection.tree
    order_by = order_by or (QuoteOrder.RELEVANCE if tree else QuoteOrder.NEWEST)
    if order_by is QuoteOrder.RELEVANCE:
        order = _relevance(selection.rank, QUOTES.c.id)
    elif order_by is QuoteOrder.LEAST_CONFIDENT:
        order = _least_confident(QUOTES)
    elif order_by is QuoteOrder.REVIEW:
        order = _for_review()
    else:
        newest = order_by is QuoteOrder.NEWEST
        order = _by_time(order_by.value, QUOTES.c.published, QUOTES.c.id, newest)

    def build(row: Any) -> tuple[Any, str | None, float | None]:
        if tree is None:
            return node(row), None, None
        return node(row), highlight(row["text"], tree, context=SNIPPET_CHARS), float(row["_rank"])

    return await _page(info, selection, order, window, build)


async def list_articles(
    info: Info,
    node: Build,
    where: ArticleFilter | None,
    search: str | None,
    order_by: ArticleOrder | None,
    window: Window,
    extra: ColumnElement[bool] | None = None,
) -> Connection[Any]:
    """A page of articles, each made by ``node`` from its row."""
    selection = article_selection(info, where, search, extra)
    tree = selection.tree
    order_by = order_by or (ArticleOrder.RELEVANCE if tree else ArticleOrder.NEWEST)
    if order_by is ArticleOrder.RELEVANCE:
        order = _relevance(selection.rank, ARTICLES.c.id)
    elif order_by is ArticleOrder.TITLE:
        order = Order("title", ((ARTICLES.c.title, False), (ARTICLES.c.id, False)))
    else:
        published = coalesce(ARTICLES.c.published, _EARLIEST)
        order = _by_time(order_by.value, published, ARTICLES.c.id, order_by is ArticleOrder.NEWEST)

    def build(row: Any) -> tuple[Any, str | None, float | None]:
        if tree is None:
            return node(row), None, None
        return node(row), highlight(row["body"], tree, context=SNIPPET_CHARS), float(row["_rank"])

    return await _page(info, selection, order, window, build)


def event_selection(
    info: Info, where: EventFilter | None, extra: ColumnElement[bool] | None = None
) -> Selection:
    """The events a filter and ``extra`` (a condition on events) select."""
    condition = event_condition(where.plain()) if where is not None else None
    return _selection(info, EVENTS, [condition, extra], None)


async def list_events(
    info: Info,
    node: Build,
    where: EventFilter | None,
    order_by: EventOrder | None,
    window: Window,
    extra: ColumnElement[bool] | None = None,
) -> Connection[Any]:
    """A page of events, each made by ``node`` from its row."""
    selection = event_selection(info, where, extra)
    order_by = order_by or EventOrder.NEWEST
    if order_by is EventOrder.LEAST_CONFIDENT:
        order = _least_confident(EVENTS)
    else:
        day = coalesce(EVENTS.c.date, _EARLIEST_DAY)
        order = _by_time(order_by.value, day, EVENTS.c.id, order_by is EventOrder.NEWEST)
    return await _page(info, selection, order, window, _plain(node))


def _plain(node: Build) -> Callable[[Mapping[str, Any]], tuple[Any, None, None]]:
    """A page's builder for rows without highlight or rank."""
    return lambda row: (node(row), None, None)


async def list_actors(
    info: Info, node: Build, where: ActorFilter | None, window: Window
) -> Connection[Any]:
    """A page of actors by name, each made by ``node`` from its row."""
    statement = select(ACTORS)
    if where is not None:
        statement = statement.where(actor_condition(where.plain()))
    order = Order("name", ((ACTORS.c.name, False), (ACTORS.c.id, False)))
    return await _read_ahead(
        info, await paginate(info.context.database, statement, order, window, _plain(node))
    )


async def list_places(
    info: Info, node: Build, where: PlaceFilter | None, window: Window
) -> Connection[Any]:
    """A page of places by name, each made by ``node`` from its row."""
    statement = select(PLACES)
    if where is not None:
        statement = statement.where(place_condition(where.plain()))
    order = Order("name", ((PLACES.c.name, False), (PLACES.c.id, False)))
    return await _read_ahead(
        info, await paginate(info.context.database, statement, order, window, _plain(node))
    )


async def list_sources(
    info: Info, node: Build, where: SourceFilter | None, window: Window
) -> Connection[Any]:
    """A page of sources by name, each made by ``node`` from its row."""
    statement = select(SOURCES)
    if where is not None:
        statement = statement.where(source_condition(where.plain()))
    order = Order("name", ((SOURCES.c.name, False), (SOURCES.c.id, False)))
    return await _read_ahead(
        info, await paginate(info.context.database, statement, order, window, _plain(node))
    )


async def list_audit(info: Info, node: Build, window: Window) -> Connection[Any]:
    """A page of the audit log, newest first, each entry made by ``node`` from its row."""
    order = Order("newest", ((AUDIT_LOG.c.id, True),))
    statement = select(AUDIT_LOG)
    return await paginate(info.context.database, statement, order, window, _plain(node))
