"""The archive's lists: filtered, searched, ordered, paged by keyset (see ``connections``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Select, Table, literal, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import coalesce

from archive.graphql.connections import Connection, Order, paginate
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
    actor_condition,
    article_condition,
    event_condition,
    place_condition,
    quote_condition,
    source_condition,
)
from archive.graphql.types import Actor, Article, AuditEntry, Event, Node, Place, Quote, Source
from archive.search import Node as SearchTree
from archive.search import SearchQueryError, highlight, matches, parse_query
from archive.store import ACTORS, ARTICLES, AUDIT_LOG, EVENTS, PLACES, QUOTES, SOURCES

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


def _searched(
    info: Info, statement: Select[Any], table: Table, kind: str, tree: SearchTree | None
) -> tuple[Select[Any], ColumnElement[Any] | None]:
    if tree is None:
        return statement, None
    dialect = info.context.database.engine.dialect.name
    found = matches(dialect, kind, tree).subquery("found")
    return statement.join(found, found.c.id == table.c.id).add_columns(
        found.c.rank.label("_rank")
    ), found.c.rank


def _by_time(name: str, when: ColumnElement[Any], pk: Any, newest: bool) -> Order:
    return Order(name, ((when, newest), (pk, newest)))


def _relevance(rank: ColumnElement[Any] | None, pk: Any) -> Order:
    if rank is None:
        raise BadUserInput("orderBy: RELEVANCE needs a `search`")
    return Order("relevance", ((rank, True), (pk, False)))


def quote_rows(
    info: Info,
    where: QuoteFilter | None,
    search: str | None,
    extra: ColumnElement[bool] | None = None,
) -> tuple[Select[Any], ColumnElement[Any] | None, SearchTree | None]:
    """The quotes a filter and a search select (joined to their articles), their rank, and the
    parsed search."""
    tree = search_tree(search)
    statement = select(QUOTES).select_from(
        QUOTES.join(ARTICLES, ARTICLES.c.id == QUOTES.c.article_id)
    )
    statement, rank = _searched(info, statement, QUOTES, "quotes", tree)
    if where is not None:
        statement = statement.where(quote_condition(where))
    if extra is not None:
        statement = statement.where(extra)
    return statement, rank, tree


async def list_quotes(
    info: Info,
    where: QuoteFilter | None,
    search: str | None,
    order_by: QuoteOrder | None,
    first: int,
    after: str | None,
    extra: ColumnElement[bool] | None = None,
) -> Connection[Quote]:
    statement, rank, tree = quote_rows(info, where, search, extra)
    order_by = order_by or (QuoteOrder.RELEVANCE if tree else QuoteOrder.NEWEST)
    order = (
        _relevance(rank, QUOTES.c.id)
        if order_by is QuoteOrder.RELEVANCE
        else _by_time(
            order_by.value, QUOTES.c.published, QUOTES.c.id, order_by is QuoteOrder.NEWEST
        )
    )

    def build(row: Any) -> tuple[Any, str | None, float | None]:
        node = Quote(row=row)
        info.context.loaders.quote.prime(row["id"], row)
        if tree is None:
            return node, None, None
        return node, highlight(row["text"], tree, context=SNIPPET_CHARS), float(row["_rank"])

    return await paginate(info.context.database, statement, order, first, after, build)


def article_rows(
    info: Info,
    where: ArticleFilter | None,
    search: str | None,
    extra: ColumnElement[bool] | None = None,
) -> tuple[Select[Any], ColumnElement[Any] | None, SearchTree | None]:
    """The articles a filter and a search select, their rank, and the parsed search."""
    tree = search_tree(search)
    statement, rank = _searched(info, select(ARTICLES), ARTICLES, "articles", tree)
    if where is not None:
        statement = statement.where(article_condition(where))
    if extra is not None:
        statement = statement.where(extra)
    return statement, rank, tree


async def list_articles(
    info: Info,
    where: ArticleFilter | None,
    search: str | None,
    order_by: ArticleOrder | None,
    first: int,
    after: str | None,
    extra: ColumnElement[bool] | None = None,
) -> Connection[Article]:
    statement, rank, tree = article_rows(info, where, search, extra)
    order_by = order_by or (ArticleOrder.RELEVANCE if tree else ArticleOrder.NEWEST)
    if order_by is ArticleOrder.RELEVANCE:
        order = _relevance(rank, ARTICLES.c.id)
    elif order_by is ArticleOrder.TITLE:
        order = Order("title", ((ARTICLES.c.title, False), (ARTICLES.c.id, False)))
    else:
        published = coalesce(ARTICLES.c.published, _EARLIEST)
        order = _by_time(order_by.value, published, ARTICLES.c.id, order_by is ArticleOrder.NEWEST)

    def build(row: Any) -> tuple[Any, str | None, float | None]:
        info.context.loaders.article.prime(row["id"], row)
        if tree is None:
            return Article(row=row), None, None
        return (
            Article(row=row),
            highlight(row["body"], tree, context=SNIPPET_CHARS),
            float(row["_rank"]),
        )

    return await paginate(info.context.database, statement, order, first, after, build)


def event_rows(where: EventFilter | None, extra: ColumnElement[bool] | None = None) -> Select[Any]:
    statement = select(EVENTS)
    if where is not None:
        statement = statement.where(event_condition(where))
    if extra is not None:
        statement = statement.where(extra)
    return statement


async def list_events(
    info: Info,
    where: EventFilter | None,
    order_by: EventOrder | None,
    first: int,
    after: str | None,
    extra: ColumnElement[bool] | None = None,
) -> Connection[Event]:
    statement = event_rows(where, extra)
    order_by = order_by or EventOrder.NEWEST
    order = _by_time(
        order_by.value,
        coalesce(EVENTS.c.date, _EARLIEST_DAY),
        EVENTS.c.id,
        order_by is EventOrder.NEWEST,
    )
    return await paginate(
        info.context.database, statement, order, first, after, _simple(info, Event)
    )


def _simple(info: Info, cls: type[Node]) -> Any:
    def build(row: Any) -> tuple[Any, None, None]:
        if cls is not AuditEntry:
            info.context.loaders.by_type(cls.__name__).prime(row["id"], row)
        return cls(row=row), None, None

    return build


async def list_actors(
    info: Info, where: ActorFilter | None, first: int, after: str | None
) -> Connection[Actor]:
    statement = select(ACTORS)
    if where is not None:
        statement = statement.where(actor_condition(where))
    order = Order("name", ((ACTORS.c.name, False), (ACTORS.c.id, False)))
    return await paginate(
        info.context.database, statement, order, first, after, _simple(info, Actor)
    )


async def list_places(
    info: Info, where: PlaceFilter | None, first: int, after: str | None
) -> Connection[Place]:
    statement = select(PLACES)
    if where is not None:
        statement = statement.where(place_condition(where))
    order = Order("name", ((PLACES.c.name, False), (PLACES.c.id, False)))
    return await paginate(
        info.context.database, statement, order, first, after, _simple(info, Place)
    )


async def list_sources(
    info: Info, where: SourceFilter | None, first: int, after: str | None
) -> Connection[Source]:
    statement = select(SOURCES)
    if where is not None:
        statement = statement.where(source_condition(where))
    order = Order("name", ((SOURCES.c.name, False), (SOURCES.c.id, False)))
    return await paginate(
        info.context.database, statement, order, first, after, _simple(info, Source)
    )


async def list_audit(info: Info, first: int, after: str | None) -> Connection[AuditEntry]:
    order = Order("newest", ((AUDIT_LOG.c.id, True),))
    return await paginate(
        info.context.database, select(AUDIT_LOG), order, first, after, _simple(info, AuditEntry)
    )
