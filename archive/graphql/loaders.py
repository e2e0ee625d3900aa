"""DataLoaders, built per request: every relationship the schema exposes is read in one
statement per batch, however many parents ask for it (no N+1)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator, Hashable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import CompoundSelect, Select, Table, func, select
from sqlalchemy.engine import Result, RowMapping
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.dataloader import DataLoader

from archive.graphql.errors import BadUserInput, TimedOut, Unavailable
from archive.tables import (
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
    """One request's reads, on one pooled connection: taken at the first statement, given back
    by ``close()`` when the request ends. The request's statements take turns on it, so a
    request holds one connection however many loaders it runs, and its reads see one state of
    the archive. Changes go through ``transaction()``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._connection: AsyncConnection | None = None
        self._turn = asyncio.Lock()
        self._ended = False

    async def _execute(self, statement: Select[Any] | CompoundSelect[Any]) -> Result[Any]:
        async with self._turn:
            if self._ended:
                # A field still running when its request was answered (a sibling field failed
                # and the result was returned): taking a connection now would never give it back.
                raise RequestEnded("the request has been answered")
            with database_errors():
                if self._connection is None:
                    self._connection = await self.engine.connect()
                return await self._connection.execute(statement)

    async def rows(self, statement: Select[Any] | CompoundSelect[Any]) -> list[Row]:
        return list((await self._execute(statement)).mappings())

    async def scalar(self, statement: Select[Any]) -> Any:
        return (await self._execute(statement)).scalar()

    async def end(self) -> None:
        """Give the connection back for good, at the end of the request: a statement asked
        for later raises ``RequestEnded`` instead of taking another connection."""
        self._ended = True
        await self.close()

    async def close(self) -> None:
        async with self._turn:
            if self._connection is not None:
                connection, self._connection = self._connection, None
                try:
                    await connection.close()
                except (OSError, DBAPIError):
                    # The server went away under it; the pool drops the connection.
                    await connection.invalidate()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction of its own; reads before and after it see a fresh state (a
        SQLite reader would otherwise keep the snapshot it started with)."""
        await self.close()
        try:
            with database_errors():
                async with self.engine.begin() as connection:
                    yield connection
        finally:
            await self.close()


class RequestEnded(Exception):
    """A statement asked for after its request's database was ended."""


@contextmanager
def database_errors() -> Iterator[None]:
    """The database's failures that are not the server's bugs, as API errors with a code.

    A value the database refuses (SQLSTATE class 22, "data exception": a NUL character in text
    on PostgreSQL, a number out of range) is the user's error: ``BAD_USER_INPUT``. A database
    that cannot be reached (refused connection, a session cut by a restart, a server starting
    up) is ``SERVICE_UNAVAILABLE``; the pool's pre-ping replaces dead connections once the
    server is back, so the service recovers by itself. A statement stopped at the end of its
    time budget is ``TIMEOUT``.
    """
    try:
        yield
    except OSError as error:
        raise Unavailable(f"the database cannot be reached ({error.strerror or error})") from None
    except PendingRollbackError:
        # A statement after the request's connection was cut (see ``connection_invalidated``).
        raise Unavailable("the database connection was lost") from None
    except Exception as error:
        # Wrapped by SQLAlchemy, or raw from the driver while connecting (asyncpg's
        # CannotConnectNowError while the server starts up).
        original = error.orig if isinstance(error, DBAPIError) else error
        state = str(getattr(original, "sqlstate", None) or "")
        reason = str(original).splitlines()[0].split(": ", 1)[-1]
        if state.startswith("22"):
            raise BadUserInput(f"the database cannot use a value given: {reason}") from None
        if state == _QUERY_CANCELED or (
            isinstance(original, sqlite3.OperationalError) and str(original) == "interrupted"
        ):
            raise TimedOut(
                "a statement ran past the request's time budget and was stopped; ask for less "
                "(smaller pages, fewer facets, a narrower filter)"
            ) from None
        invalidated = isinstance(error, DBAPIError) and error.connection_invalidated
        if invalidated or state.startswith("08") or state in _SHUTTING_DOWN:
            raise Unavailable(f"the database connection was lost ({reason})") from None
        raise


_QUERY_CANCELED = "57014"  # PostgreSQL's statement_timeout
_SHUTTING_DOWN = {"57P01", "57P02", "57P03"}
"""admin_shutdown, crash_shutdown, cannot_connect_now."""


def _by_id(database: Database, table: Table) -> DataLoader[int, Row | None]:
    async def load(ids: list[int]) -> list[Row | None]:
        rows = await database.rows(select(table).where(table.c.id.in_(set(ids))))
        found = {row["id"]: row for row in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _children(
    database: Database,
    table: Table,
    parent: str,
    order: Sequence[Any] = (),
    distinct: Sequence[str] = (),
) -> DataLoader[int, list[Row]]:
    """The rows of ``table`` under each parent; with ``distinct``, only the first row (lowest
    id) of each parent for every combination of those columns."""

    async def load(ids: list[int]) -> list[list[Row]]:
        column = table.c[parent]
        wanted = column.in_(set(ids))
        if distinct:
            firsts = select(func.min(table.c.id)).where(wanted)
            wanted = table.c.id.in_(firsts.group_by(column, *(table.c[c] for c in distinct)))
        statement = select(table).where(wanted).order_by(*order, table.c[parent])
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
        # Each article that states an affiliation adds a row: a speaker quoted in a thousand
        # articles would list the same role a thousand times.
        self.affiliations = _children(
            database,
            AFFILIATIONS,
            "actor_id",
            [AFFILIATIONS.c.id],
            distinct=("organization_id", "role", "valid_from", "valid_to"),
        )
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
