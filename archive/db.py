"""Engines and schema management.

The archive is configured with a driver-less URL (``sqlite:///archive.db``,
``postgresql://host/db``). The bulk path uses a sync engine (pysqlite / psycopg: batched
executemany is several times faster than through an async bridge); the web path uses an async
engine (aiosqlite / asyncpg), and on SQLite reads through pysqlite in worker threads (see
``thread_reader``). On SQLite every connection gets WAL, a busy timeout, NORMAL
synchronisation and enforced foreign keys, and sync writers take the write lock up front
(``BEGIN IMMEDIATE``) so that two writers queue instead of failing half-way with "database is
locked".
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import await_only

from archive.errors import ConfigurationError, DatabaseNotReadyError
from archive.search import is_search_object

_SYNC_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
SQLITE_BUSY_TIMEOUT_MS = 30_000


def backend_of(url: str) -> str:
    """``sqlite`` or ``postgresql`` for a URL with or without a driver; anything else is an error."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"cannot parse database URL {url!r}",
            suggestion="use sqlite:///path/to/archive.db or postgresql://user@host/database",
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in _SYNC_DRIVERS:
        raise ConfigurationError(
            f"unsupported database {backend!r} in {url!r}",
            suggestion="the archive runs on SQLite (sqlite:///file.db) or PostgreSQL (postgresql://…)",
        )
    return backend


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def driver_url(url: str, *, asynchronous: bool) -> str:
    """The URL with the driver the archive uses for that backend and mode."""
    backend = backend_of(url)
    drivers = _ASYNC_DRIVERS if asynchronous else _SYNC_DRIVERS
    parsed = make_url(url).set(drivername=drivers[backend])
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser().resolve()
        if not path.parent.is_dir():
            raise ConfigurationError(
                f"the folder {str(path.parent)!r} of the SQLite database does not exist",
                suggestion="create it first or point --db at an existing folder",
            )
        if read_only_sqlite(path):
            return _read_only_url(parsed, path).render_as_string(hide_password=False)
    return parsed.render_as_string(hide_password=False)


def read_only_sqlite(path: Path) -> bool:
    """Whether the SQLite archive at ``path`` exists and this process may not write it (its
    file, or its folder, where SQLite keeps the write-ahead log beside it)."""
    return path.is_file() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _read_only_url(parsed: URL, path: Path) -> URL:
    """Open a read-only archive for reading: SQLite's ``mode=ro``, and ``immutable`` when no
    one can be writing it (nothing may write its folder, and no write-ahead log is there), so
    that it needs no shared-memory file beside it either."""
    query = {**parsed.query, "mode": "ro", "uri": "true"}
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-wal").exists():
        query["immutable"] = "1"
    return parsed.set(database=f"file:{path}", query=query)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # a read-only archive (see _read_only_url) keeps the journal it was written with
    with suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own BEGIN is deferred and issued late; take over so BEGIN IMMEDIATE can be sent.
    dbapi_connection.isolation_level = None


def _sqlite_begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def sync_engine(url: str) -> Engine:
    """A sync engine for bulk work; on SQLite its transactions start with BEGIN IMMEDIATE."""
    engine = create_engine(driver_url(url, asynchronous=False), pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", _sqlite_manual_transactions)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def refresh_statistics(engine: Engine) -> None:
    """Bring the planner up to date after a bulk change.

    PostgreSQL: ``VACUUM (ANALYZE)``. ``ANALYZE`` tells the planner the tables' new sizes
    (autovacuum gets there too, minutes later, and until then a freshly filled database is
    planned as if empty); ``VACUUM`` marks the new pages all-visible, without which an
    index-only scan (counting quotes per speaker or per day off an index) visits the table
    for every row: the home page's facets over 350,000 quotes took 0.88 s before, 0.47 s
    after. It blocks neither readers nor writers, and cannot run inside a transaction.
    SQLite: ``PRAGMA optimize``."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA optimize")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")


def async_engine(url: str, *, statement_seconds: float = 30.0, **options: Any) -> AsyncEngine:
    """An async engine for the web path (reads, and short curation writes), whose statements
    are stopped after ``statement_seconds``: PostgreSQL's ``statement_timeout``, and on SQLite
    a progress handler that interrupts the statement. Either way the statement fails, and its
    connection goes back to the pool as any other."""
    # A server can restart under a pooled connection; a file cannot, and a ping would cost
    # SQLite a thread hop before every statement.
    backend = backend_of(url)
    ping = backend != "sqlite"
    if backend == "postgresql":
        # jit: the server compiles a statement it estimates costly (the facets over a million
        # quotes) before running it: a tenth of a second of compiling for a query that runs in
        # under one, on every request (home page 1.2 s with, 0.8 s without).
        timeout_ms = str(max(1, round(statement_seconds * 1000)))
        settings = {"jit": "off", "statement_timeout": timeout_ms}
        options.setdefault("connect_args", {"server_settings": settings})
    engine = create_async_engine(driver_url(url, asynchronous=True), pool_pre_ping=ping, **options)
    if engine.dialect.name == "sqlite":
        _web_sqlite(engine.sync_engine, statement_seconds)
        reader = create_engine(driver_url(url, asynchronous=False), **options)
        _THREAD_READERS[engine] = _web_sqlite(reader, statement_seconds)
    return engine


def _web_sqlite(engine: Engine, statement_seconds: float) -> Engine:
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "connect", partial(_sqlite_deadline, statement_seconds))
    event.listen(engine, "before_cursor_execute", _sqlite_statement_starts)
    return engine


# On SQLite the web path reads through a sync engine, a statement at a time in a worker
# thread: one thread hop per statement, where aiosqlite takes four (cursor, execute, fetch,
# close), each a round trip through its own thread and the event loop. A page of 50 quotes
# with their relations reads seven statements: 10 ms through aiosqlite, 7.7 ms so.
_THREAD_READERS: WeakKeyDictionary[AsyncEngine, Engine] = WeakKeyDictionary()


def thread_reader(engine: AsyncEngine) -> Engine | None:
    """The sync engine that reads for the web path of ``engine`` in worker threads (SQLite),
    or None when ``engine`` reads by itself (PostgreSQL, whose driver is natively async)."""
    return _THREAD_READERS.get(engine)


def statement_engines(engine: AsyncEngine) -> list[Engine]:
    """The sync engines that run the statements of ``engine``'s web path, for event
    listeners: its own, and its thread reader where there is one."""
    reader = thread_reader(engine)
    return [engine.sync_engine] + ([reader] if reader is not None else [])


async def dispose(engine: AsyncEngine) -> None:
    """Close the pooled connections of a web engine and of its thread reader."""
    await engine.dispose()
    reader = thread_reader(engine)
    if reader is not None:
        reader.dispose()


# SQLite runs the handler every this many virtual machine instructions (a few milliseconds).
_PROGRESS_STEPS = 20_000


def _sqlite_deadline(seconds: float, dbapi_connection: Any, record: Any) -> None:
    """Interrupt a statement of this connection once it has run ``seconds``."""
    started: list[float | None] = [None]
    record.info["statement_started"] = started

    def over_time() -> int:
        since = started[0]
        return int(since is not None and time.monotonic() - since > seconds)

    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.set_progress_handler(over_time, _PROGRESS_STEPS)
    else:  # aiosqlite's adapter, whose calls run in its thread
        driver = dbapi_connection.driver_connection
        await_only(driver.set_progress_handler(over_time, _PROGRESS_STEPS))


def _sqlite_statement_starts(connection: Connection, *_: Any) -> None:
    started = connection.info.get("statement_started")
    if started is not None:
        started[0] = time.monotonic()


# ------------------------------------------------------------------------------ migrations


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "archive:migrations")
    config.attributes["connection"] = connection
    return config


def modelled(name: str | None, type_: str, parent_names: object) -> bool:
    """Whether a database object is described by the models (the search index is not: each
    backend builds its own, see :mod:`archive.search`); the filter for schema comparisons."""
    return not is_search_object(name)


def head_revision() -> str:
    """The newest migration the code knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "archive/migrations has no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to the newest revision; returns (before, after)."""
    try:
        before = current_revision(engine)
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except OperationalError as exc:
        raise ConfigurationError(
            f"cannot open the database {engine.url.render_as_string(hide_password=True)!r}: {exc.orig}",
            suggestion="check --db / ARCHIVE_DATABASE_URL and that the server is running",
        ) from exc
    return before, head_revision()


def require_schema(engine: Engine) -> None:
    """Raise :class:`DatabaseNotReadyError` unless the database is at the newest revision.
    A SQLite file that does not exist is not created (connecting would leave an empty one
    behind a mistyped path)."""
    path = engine.url.database or ""
    a_file = path not in ("", ":memory:") and not path.startswith("file:")
    if engine.url.get_backend_name() == "sqlite" and a_file and not Path(path).exists():
        raise DatabaseNotReadyError(
            f"there is no database file {path!r}",
            suggestion="check --db / ARCHIVE_DATABASE_URL, or run `archive init` to create it",
        )
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise ConfigurationError(
            f"cannot open the database {engine.url.render_as_string(hide_password=True)!r}: {exc.orig}",
            suggestion="check --db / ARCHIVE_DATABASE_URL and that the server is running",
        ) from exc
    if current != head_revision():
        state = "has no archive schema" if current is None else f"is at revision {current}"
        raise DatabaseNotReadyError(
            f"the database {engine.url.render_as_string(hide_password=True)!r} {state}",
            suggestion="run `archive init` to create or upgrade it",
        )


@contextmanager
def scratch_postgres_database(url: str, prefix: str = "archive_scratch") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``url``, dropped on exit; yields its
    URL. Raises ``ConfigurationError`` naming the server when it cannot be reached."""
    import psycopg

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise ConfigurationError(
            f"PostgreSQL at {display_url(url)} is unreachable: {exc}".strip(),
            suggestion="start the server, or check the URL",
        ) from exc
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
