"""DataLoaders, built per request: every relationship the schema exposes is read in one
statement per batch, however many parents ask for it (no N+1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.dataloader import DataLoader

from archive.store import (
    ACTOR_ALIASES,
    ACTORS,
    AFFILIATIONS,
    ARTICLES,
    EVENTS,
    MENTIONS,
    PARTICIPANTS,
    PLACE_ALIASES,
    PLACES,
    QUOTES,
    SOURCES,
)

Row = RowMapping


class Database:
    """Statements on the request's engine, one pooled connection at a time."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def rows(self, statement: Select[Any]) -> list[Row]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(statement)).mappings())

    async def scalar(self, statement: Select[Any]) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(statement)).scalar()


def _by_id(database: Database, table: Table) -> DataLoader[int, Row | None]:
    async def load(ids: list[int]) -> list[Row | None]:
        rows = await database.rows(select(table).where(table.c.id.in_(set(ids))))
        found = {row["id"]: row for row in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _children(
    database: Database, table: Table, parent: str, order: Sequence[Any] = ()
) -> DataLoader[int, list[Row]]:
    async def load(ids: list[int]) -> list[list[Row]]:
        column = table.c[parent]
        statement = select(table).where(column.in_(set(ids))).order_by(*order, table.c[parent])
        grouped: dict[Hashable, list[Row]] = defaultdict(list)
        for row in await database.rows(statement):
            grouped[row[parent]].append(row)
        return [grouped.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


class Loaders:
    """One set per request, so nothing cached outlives the request that read it."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.article = _by_id(database, ARTICLES)
        self.source = _by_id(database, SOURCES)
        self.actor = _by_id(database, ACTORS)
        self.place = _by_id(database, PLACES)
        self.quote = _by_id(database, QUOTES)
        self.event = _by_id(database, EVENTS)
        self.mention = _by_id(database, MENTIONS)
        self.actor_aliases = _children(database, ACTOR_ALIASES, "actor_id", [ACTOR_ALIASES.c.id])
        self.place_aliases = _children(database, PLACE_ALIASES, "place_id", [PLACE_ALIASES.c.id])
        self.affiliations = _children(database, AFFILIATIONS, "actor_id", [AFFILIATIONS.c.id])
        self.participants = _children(
            database, PARTICIPANTS, "event_id", [PARTICIPANTS.c.role, PARTICIPANTS.c.actor_id]
        )
        self.article_quotes = _children(
            database, QUOTES, "article_id", [QUOTES.c.start_char, QUOTES.c.id]
        )
        self.article_events = _children(
            database, EVENTS, "article_id", [EVENTS.c.start_char, EVENTS.c.id]
        )
        self.article_mentions = _children(
            database, MENTIONS, "article_id", [MENTIONS.c.start_char, MENTIONS.c.id]
        )

    def by_type(self, type_name: str) -> DataLoader[int, Row | None]:
        loaders: dict[str, DataLoader[int, Row | None]] = {
            "Article": self.article,
            "Source": self.source,
            "Actor": self.actor,
            "Place": self.place,
            "Quote": self.quote,
            "Event": self.event,
            "Mention": self.mention,
        }
        return loaders[type_name]
