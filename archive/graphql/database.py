"""One request's access to the database: its reads on one pooled connection, its writes in
transactions, and the database's failures as API errors with a code."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import CompoundSelect, Connection, Select, select
from sqlalchemy.engine import Result, RowMapping
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from archive import db
from archive.graphql.errors import BadUserInput, TimedOut, Unavailable

Row = RowMapping
T = TypeVar("T")
Fetch = Callable[[Result[Any]], T]


class Database:
    """One request's reads, on one pooled connection: taken at the first statement, given back
    by ``close()`` when the request ends. The request's statements take turns on it, so a
    request holds one connection however many fields read, and its reads see one state of
    the archive. Changes go through ``transaction()``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._connection: AsyncConnection | None = None
        self._reader = db.thread_reader(engine)
        self._reading: Connection | None = None
        self._turn = asyncio.Lock()
        self._ended = False

    async def _run(self, statement: Select[Any] | CompoundSelect[Any], fetch: Fetch[T]) -> T:
        """``fetch`` of the result of ``statement``, on the request's connection: read in a
        worker thread on SQLite (see ``db.thread_reader``), through the async driver
        elsewhere."""
        async with self._turn:
            if self._ended:
                # A field still running when its request was answered (a sibling field failed
                # and the result was returned): taking a connection now would never give it back.
                raise RequestEnded("the request has been answered")
            with database_errors():
                if self._reader is not None:
                    return await anyio.to_thread.run_sync(self._read, statement, fetch)
                if self._connection is None:
                    self._connection = await self.engine.connect()
                return fetch(await self._connection.execute(statement))

    def _read(self, statement: Select[Any] | CompoundSelect[Any], fetch: Fetch[T]) -> T:
        assert self._reader is not None
        if self._reading is None:
            self._reading = self._reader.connect()
        return fetch(self._reading.execute(statement))

    async def rows(self, statement: Select[Any] | CompoundSelect[Any]) -> list[Row]:
        return await self._run(statement, lambda result: list(result.mappings()))

    async def scalar(self, statement: Select[Any]) -> Any:
        return await self._run(statement, lambda result: result.scalar())

    async def exists(self, statement: Select[Any]) -> bool:
        """Whether ``statement`` returns a row (reading one at most)."""
        return bool(await self.scalar(select(statement.order_by(None).limit(1).exists())))

    async def end(self) -> None:
        """Give the connection back for good, at the end of the request: a statement asked
        for later raises ``RequestEnded`` instead of taking another connection."""
        self._ended = True
        await self.close()

    async def close(self) -> None:
        async with self._turn:
            if self._reading is not None:
                reading, self._reading = self._reading, None
                await anyio.to_thread.run_sync(reading.close)
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
