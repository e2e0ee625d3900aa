"""Engines and migrations on both backends."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select, text

from archive import db
from archive.models import Base
from archive.records import ActorRecord, ArticleRecord, AttachedQuote, Extraction, QuoteRecord
from archive.search import matches, parse_query
from archive.store import Store
from archive.tables import ACTORS, ARTICLES, QUOTES, SOURCES


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": db.modelled})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrate_is_idempotent(engine: Engine) -> None:
    head = db.head_revision()
    assert db.migrate(engine) == (head, head)
    assert db.current_revision(engine) == head


def test_search_survives_a_downgrade_and_upgrade_with_rows_stored(engine: Engine) -> None:
    """Migrations that rebuild the search index (0005 on PostgreSQL) index the rows present."""
    record = ArticleRecord(
        title="Talks", body="The ceasefire held overnight, officials said.", content_hash="h1"
    )
    quote = QuoteRecord(text="The ceasefire held overnight", direct=True, start=0, end=28)
    with engine.begin() as connection:
        Store(connection).add_articles([(record, Extraction(quotes=[quote]))])
    for target in ("0004", "head"):
        with engine.begin() as connection:
            config = db._alembic_config(connection)
            (command.downgrade if target == "0004" else command.upgrade)(config, target)
    assert db.current_revision(engine) == db.head_revision()
    tree = parse_query("ceasefires")
    with engine.connect() as connection:
        for kind in ("quotes", "articles"):
            found = matches(connection.dialect.name, kind, tree).subquery()
            rows = connection.execute(select(found.c.id, found.c.rank)).all()
            assert len(rows) == 1, kind
            assert rows[0].rank > 0, kind


def test_quotes_follow_their_articles_outlet(engine: Engine) -> None:
    """A quote's copy of its article's outlet (the outlet facet counts it) is written on
    import, changed with the article (curated quotes too), on an attached quote, and filled
    in by the migration that added it."""

    def outlets() -> set[tuple[str | None, str]]:
        with engine.connect() as connection:
            statement = select(SOURCES.c.name, QUOTES.c.text).outerjoin_from(
                QUOTES, SOURCES, SOURCES.c.id == QUOTES.c.source_id
            )
            return {(row.name, row.text) for row in connection.execute(statement)}

    body = "The ceasefire held overnight, officials said. Talks resume today."
    record = ArticleRecord(title="Talks", body=body, content_hash="h1", source_name="Reuters")
    held = QuoteRecord(text="The ceasefire held overnight", direct=True, start=0, end=28)
    kept = QuoteRecord(text="Talks resume today", direct=False, origin="curated")
    with engine.begin() as connection:
        store = Store(connection)
        [article_id] = store.add_articles([(record, Extraction(quotes=[held, kept]))])
    assert outlets() == {("Reuters", held.text), ("Reuters", kept.text)}

    moved = ArticleRecord(title="Talks", body=body, content_hash="h2", source_name="AP")
    with engine.begin() as connection:
        store = Store(connection)
        store.replace_article(article_id, moved, Extraction(quotes=[held]))
        later = QuoteRecord(text="Later", direct=True)
        store.attach_quote(article_id, AttachedQuote(None, "h2", later))
    expected = {("AP", held.text), ("AP", kept.text), ("AP", "Later")}
    assert outlets() == expected

    with engine.begin() as connection:
        config = db._alembic_config(connection)
        command.downgrade(config, "0005")
        command.upgrade(config, "head")
    assert outlets() == expected
    with engine.connect() as connection:
        unsourced = select(ARTICLES.c.id).where(ARTICLES.c.source_id.is_(None))
        assert connection.execute(unsourced).first() is None


def test_a_surname_alias_does_not_merge_two_people_across_the_archive(engine: Engine) -> None:
    """Articles each call their person "Clinton": a new full name is its own person, while a
    later article that names only "Clinton" finds the person stored under that alias."""
    people = [
        ActorRecord("Hillary Clinton", "person", ["Clinton", "Hillary"]),
        ActorRecord("Bill Clinton", "person", ["Clinton"]),
        ActorRecord("Clinton", "person"),
        ActorRecord("Bashar al-Assad", "person", ["Assad"]),
        ActorRecord("Syrian Democratic Forces", "armed_group", ["SDF"]),
        ActorRecord("SDF", "armed_group"),
    ]
    with engine.begin() as connection:
        store = Store(connection)
        for n, person in enumerate(people):
            record = ArticleRecord(title=f"A{n}", body="Words.", content_hash=f"people{n}")
            store.add_articles([(record, Extraction(actors=[person]))])
    with engine.connect() as connection:
        stored = sorted(connection.execute(select(ACTORS.c.name)).scalars())
    assert stored == [
        "Bashar al-Assad",
        "Bill Clinton",
        "Hillary Clinton",
        "Syrian Democratic Forces",
    ]


def test_refreshed_statistics_let_postgresql_read_counts_off_indexes(
    postgres_server_url: str,
) -> None:
    engine = db.sync_engine(postgres_server_url)
    try:
        db.migrate(engine)
        record = ArticleRecord(title="T", body="Words.", content_hash="refresh")
        quote = QuoteRecord(text="Words", direct=True, start=0, end=5)
        with engine.begin() as connection:
            Store(connection).add_articles([(record, Extraction(quotes=[quote] * 50))])
        db.refresh_statistics(engine)
        with engine.connect() as connection:
            pages, visible, rows = connection.execute(
                text(
                    "SELECT relpages, relallvisible, reltuples FROM pg_class"
                    " WHERE relname = 'quotes'"
                )
            ).one()
            stored = connection.execute(select(func.count()).select_from(QUOTES)).scalar()
    finally:
        engine.dispose()
    assert rows == stored >= 50  # analysed
    assert pages > 0
    assert visible == pages  # vacuumed: an index-only scan need not visit the table


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


def test_the_web_path_does_not_compile_postgresql_statements(postgres_server_url: str) -> None:
    """JIT compiling cost a tenth of a second on every home page at a million quotes."""

    async def setting() -> str:
        engine = db.async_engine(postgres_server_url)
        try:
            async with engine.connect() as connection:
                return str(await connection.scalar(text("SHOW jit")))
        finally:
            await engine.dispose()

    assert asyncio.run(setting()) == "off"


def test_a_web_statement_past_its_budget_is_stopped_by_postgresql(postgres_server_url: str) -> None:
    from sqlalchemy import func, select

    from archive.graphql.database import Database
    from archive.graphql.errors import TimedOut

    async def run() -> tuple[str, int]:
        engine = db.async_engine(postgres_server_url, statement_seconds=0.3)
        database = Database(engine)
        try:
            timeout = str(
                await database.scalar(select(text("current_setting('statement_timeout')")))
            )
            with pytest.raises(TimedOut):
                await database.scalar(select(func.pg_sleep(2)))
            await database.end()
            return timeout, engine.pool.checkedout()
        finally:
            await engine.dispose()

    assert asyncio.run(run()) == ("300ms", 0)
