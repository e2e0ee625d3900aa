"""Changes, behind bearer tokens, each recorded in the audit log in the same transaction.

Editors fix quotes, speakers and aliases and import articles; admins may also merge actors and
delete articles. Every mutation is one transaction: it happens whole, with its audit entry, or
not at all.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

import anyio.to_thread
import strawberry
from sqlalchemy import delete, insert, select, update
from strawberry.scalars import JSON

from archive import db
from archive.graphql.affiliation_corrections import AffiliationCorrections
from archive.graphql.changes import (
    audit,
    audit_entry,
    audit_rows,
    audited,
    authorize,
    one_row,
    returned,
    spelling_owner,
)
from archive.graphql.context import Info
from archive.graphql.corrections import Corrections, new_actor
from archive.graphql.errors import BadUserInput
from archive.graphql.event_corrections import EventCorrections
from archive.graphql.filters import ActorKind
from archive.graphql.ids import global_id, pk_of
from archive.graphql.merging import Merging
from archive.graphql.places import PlaceCorrections
from archive.graphql.prefetch import Related, prefetch, selected, selections
from archive.graphql.types import Actor, Article, Quote
from archive.graphql.undo import Undo
from archive.names import normalize_name
from archive.settings import Settings
from archive.tables import (
    ACTOR_ALIASES,
    ACTORS,
    ARTICLES,
    AUDIT_LOG,
    EVENTS,
    QUOTES,
)

MAX_IMPORT = 100
R = TypeVar("R", bound=Related)
NOT_AN_ARTICLE = (
    "importArticles takes articles; quotes, actors, places and events of an export go through "
    "`archive import`"
)
MAX_QUOTE_CHARS = 20_000


@strawberry.type(description="What an import did.")
class ImportResult:
    imported: int = strawberry.field(description="New articles stored.")
    duplicates: int = strawberry.field(
        description="Articles already in the archive (same URL or text), left as they were."
    )
    rejected: list[str] = strawberry.field(description="Records refused, each `#n: reason`.")
    articles: list[Article] = strawberry.field(
        description="The articles stored or found, in input order."
    )


@strawberry.type(description="An article that was deleted.")
class DeletedArticle:
    id: strawberry.ID = strawberry.field(description="Its global ID (no longer resolvable).")
    quotes: int = strawberry.field(description="Quotes deleted with it.")
    events: int = strawberry.field(description="Events deleted with it.")


@strawberry.type(description="Changes; each needs `Authorization: Bearer <token>` and is audited.")
class Mutation(
    Corrections, EventCorrections, PlaceCorrections, AffiliationCorrections, Merging, Undo
):
    @strawberry.mutation(
        description="Import up to 100 articles (objects in any JSON shape `archive import` reads), "
        "extracting quotes, actors, places and events. Idempotent: an article already stored is a duplicate."
    )
    async def import_articles(self, info: Info, articles: JSON) -> ImportResult:
        who = await authorize(info)
        if not isinstance(articles, list) or not articles:
            raise BadUserInput("articles must be a non-empty list of article objects")
        if len(articles) > MAX_IMPORT:
            raise BadUserInput(
                f"at most {MAX_IMPORT} articles per call, not {len(articles)}; use `archive import` for bulk"
            )
        report, ids = await anyio.to_thread.run_sync(_import, info.context.settings, articles, who)
        rows = (
            await info.context.database.rows(select(ARTICLES).where(ARTICLES.c.id.in_(ids)))
            if ids
            else []
        )
        by_id = {r["id"]: r for r in rows}
        stored = [Article.of(by_id[i]) for i in ids if i in by_id]
        asked = selected(selections(info)).get("articles", [])
        await prefetch(info.context.database, stored, asked)
        return ImportResult(
            imported=report.imported,
            duplicates=report.duplicates,
            rejected=[f"#{r.location.rsplit('#', 1)[-1]}: {r.reason}" for r in report.rejects],
            articles=stored,
        )

    @strawberry.mutation(
        description="Attribute a quote to another actor, or to nobody (`speaker: null`)."
    )
    async def set_quote_speaker(
        self, info: Info, quote: strawberry.ID, speaker: strawberry.ID | None
    ) -> Quote:
        who = await authorize(info)
        quote_id = pk_of(quote, "Quote")
        speaker_id = pk_of(speaker, "Actor") if speaker is not None else None
        async with info.context.database.transaction() as connection:
            before = await one_row(connection, QUOTES, quote_id, "quote")
            as_written = before["speaker_as_written"]
            if speaker_id is not None:
                as_written = (await one_row(connection, ACTORS, speaker_id, "actor"))["name"]
            await connection.execute(
                update(QUOTES)
                .where(QUOTES.c.id == quote_id)
                .values(
                    speaker_id=speaker_id,
                    speaker_as_written=as_written,
                    origin="curated",
                    confidence=1.0,
                )
            )
            after = await one_row(connection, QUOTES, quote_id, "quote")
            await audit_rows(connection, who, "setQuoteSpeaker", "Quote", quote_id, before, after)
        return await returned(info, Quote.of(after))

    @strawberry.mutation(description="Correct a quote's words or whether it is direct speech.")
    async def update_quote(
        self, info: Info, quote: strawberry.ID, text: str | None = None, direct: bool | None = None
    ) -> Quote:
        who = await authorize(info)
        quote_id = pk_of(quote, "Quote")
        values: dict[str, Any] = {"origin": "curated"}
        if text is not None:
            text = text.strip()
            if not text or len(text) > MAX_QUOTE_CHARS:
                raise BadUserInput(f"a quote's text must have 1 to {MAX_QUOTE_CHARS} characters")
            values["text"] = text
        if direct is not None:
            values["direct"] = direct
        async with info.context.database.transaction() as connection:
            before = await one_row(connection, QUOTES, quote_id, "quote")
            if text is not None:
                body = (await one_row(connection, ARTICLES, before["article_id"], "article"))[
                    "body"
                ]
                start = body.find(text)
                # offsets stay true to the article: they follow the words, or are dropped
                values["start_char"], values["end_char"] = (
                    (start, start + len(text)) if start >= 0 else (None, None)
                )
            await connection.execute(update(QUOTES).where(QUOTES.c.id == quote_id).values(**values))
            after = await one_row(connection, QUOTES, quote_id, "quote")
            await audit_rows(connection, who, "updateQuote", "Quote", quote_id, before, after)
        return await returned(info, Quote.of(after))

    @strawberry.mutation(
        description="Create an actor (a speaker the extraction missed); its name must not "
        "already name another actor."
    )
    async def create_actor(self, info: Info, name: str, kind: ActorKind) -> Actor:
        who = await authorize(info)
        async with info.context.database.transaction() as connection:
            actor_id = await new_actor(connection, name, kind.value)
            row = await one_row(connection, ACTORS, actor_id, "actor")
            await audit(
                connection, who, "createActor", "Actor", actor_id, None, audited(row, "Actor")
            )
        return await returned(info, Actor.of(row))

    @strawberry.mutation(
        description="Add a spelling of an actor's name; it must not already name another actor."
    )
    async def add_actor_alias(self, info: Info, actor: strawberry.ID, alias: str) -> Actor:
        who = await authorize(info)
        actor_id = pk_of(actor, "Actor")
        key = normalize_name(alias)
        if not key or len(alias) > 300:
            raise BadUserInput("an alias needs letters or digits, at most 300 characters")
        async with info.context.database.transaction() as connection:
            row = await one_row(connection, ACTORS, actor_id, "actor")
            owner = await spelling_owner(connection, ACTOR_ALIASES, "actor_id", alias)
            if owner is not None and owner != actor_id:
                raise BadUserInput(
                    f"{alias!r} already names another actor; merge the two with mergeActors"
                )
            if owner is None:
                await connection.execute(
                    insert(ACTOR_ALIASES).values(
                        actor_id=actor_id, alias=alias.strip(), normalized=key
                    )
                )
                await audit(
                    connection,
                    who,
                    "addActorAlias",
                    "Actor",
                    actor_id,
                    None,
                    {"alias": alias.strip()},
                )
        return await returned(info, Actor.of(row))

    @strawberry.mutation(
        description="Delete an article with its quotes, events and mentions. Admin tokens only."
    )
    async def delete_article(self, info: Info, article: strawberry.ID) -> DeletedArticle:
        who = await authorize(info, "admin")
        article_id = pk_of(article, "Article")
        async with info.context.database.transaction() as connection:
            row = await one_row(connection, ARTICLES, article_id, "article")
            quotes = len(
                (
                    await connection.execute(
                        select(QUOTES.c.id).where(QUOTES.c.article_id == article_id)
                    )
                ).all()
            )
            events = len(
                (
                    await connection.execute(
                        select(EVENTS.c.id).where(EVENTS.c.article_id == article_id)
                    )
                ).all()
            )
            await connection.execute(delete(ARTICLES).where(ARTICLES.c.id == article_id))
            summary = {
                k: v for k, v in (audited(row, "Article") or {}).items() if k not in ("body", "raw")
            }
            await audit(
                connection,
                who,
                "deleteArticle",
                "Article",
                article_id,
                {**summary, "quotes": quotes, "events": events},
                None,
            )
        return DeletedArticle(id=article, quotes=quotes, events=events)


def _import(settings: Settings, articles: list[Any], who: str) -> tuple[Any, list[int]]:
    """Run the command's import path (same reader checks, same pipeline) on decoded objects,
    article records only, and audit it in the transaction that stores the articles. The
    pipeline runs before that transaction opens, so SQLite's write lock is held only while
    writing."""
    from archive.extract.pipeline import load_pipeline
    from archive.extract.runner import ExtractionFailed, ExtractionRunner
    from archive.importer.imports import import_records, reader_for
    from archive.importer.readers import Item
    from archive.records import ArticleRecord, Located, Rejected
    from archive.store import Store

    items: list[Item] = []
    records: dict[int, ArticleRecord] = {}
    for number, item in enumerate(reader_for(settings).objects(articles, "articles")):
        if isinstance(item, Located):
            if isinstance(item.record, ArticleRecord):
                records[number] = item.record
            else:
                item = Rejected(item.location, NOT_AN_ARTICLE)
        items.append(item)
    to_extract = [number for number, record in records.items() if record.annotations is None]
    with ExtractionRunner(load_pipeline) as runner:
        results = runner.run([records[number] for number in to_extract])
        for number, result in zip(to_extract, results, strict=True):
            location = items[number].location
            if isinstance(result, ExtractionFailed):
                items[number] = Rejected(location, str(result))
                del records[number]
            else:
                records[number] = replace(records[number], annotations=result)
                items[number] = Located(location, records[number])
        engine = db.sync_engine(settings.database_url)
        try:
            with engine.begin() as connection:
                report = import_records(settings, items, runner, engine=engine, within=connection)
                store = Store(connection)
                ids = [
                    found
                    for record in records.values()
                    if (found := store.find_article(record.url, record.content_hash))
                ]
                connection.execute(
                    insert(AUDIT_LOG).values(
                        audit_entry(
                            who,
                            "importArticles",
                            "Article",
                            None,
                            None,
                            {
                                "imported": report.imported,
                                "duplicates": report.duplicates,
                                "rejected": report.rejected,
                                "articles": [global_id("Article", i) for i in ids],
                            },
                        )
                    )
                )
            return report, ids
        finally:
            engine.dispose()
