"""Engines and migrations on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from archive import db
from archive.models import Base


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": db.modelled})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrate_is_idempotent(engine: Engine) -> None:
    head = db.head_revision()
    assert db.migrate(engine) == (head, head)
    assert db.current_revision(engine) == head


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(tmp_path: object) -> None:
    engine = db.sync_engine(f"sqlite:///{tmp_path}/pragmas.db")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    engine.dispose()
    assert (mode, foreign_keys, timeout) == ("wal", 1, db.SQLITE_BUSY_TIMEOUT_MS)


def test_driver_urls_per_backend() -> None:
    assert db.driver_url("postgres://u:p@h/d", asynchronous=True) == "postgresql+asyncpg://u:p@h/d"
    assert (
        db.driver_url("postgresql+psycopg2://h/d", asynchronous=False) == "postgresql+psycopg://h/d"
    )
    assert db.driver_url("sqlite:///:memory:", asynchronous=True) == "sqlite+aiosqlite:///:memory:"
    assert db.display_url("postgresql://u:secret@h/d") == "postgresql://u:***@h/d"
