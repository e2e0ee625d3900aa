"""Corrections of what extraction got wrong, by an editor: a quote or an event deleted as
wrong (and kept out of later extractions of the article, see ``store``), an event confirmed.
Each runs in one transaction with its audit entry."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import delete, insert, update

from archive.graphql.changes import audit, audited, authorize, one_row, returned
from archive.graphql.context import Info
from archive.graphql.ids import pk_of
from archive.graphql.types import Article, Event, Quote
from archive.tables import ARTICLES, EVENTS, QUOTES, REJECTIONS, utcnow


async def _reject(
    info: Info, table: Any, value: strawberry.ID, type_name: str, words_of: str, kind: str
) -> Article:
    """Delete the record ``value`` names, keep its words among the article's rejections,
    audit both; the article it was in."""
    who = await authorize(info)
    pk = pk_of(value, type_name)
    async with info.context.database.transaction() as connection:
        row = await one_row(connection, table, pk, type_name.lower())
        await connection.execute(delete(table).where(table.c.id == pk))
        if row[words_of]:
            await connection.execute(
                insert(REJECTIONS).values(
                    article_id=row["article_id"],
                    kind=kind,
                    words=" ".join(row[words_of].split()),
                    who=who,
                    at=utcnow(),
                )
            )
        action = f"delete{type_name}"
        await audit(connection, who, action, type_name, pk, audited(row, type_name), None)
        article = await one_row(connection, ARTICLES, row["article_id"], "article")
    return await returned(info, Article.of(article))


async def _confirm(info: Info, table: Any, value: strawberry.ID, type_name: str) -> Any:
    """Make the record ``value`` names curated, with confidence 1, audited; its new row."""
    who = await authorize(info)
    pk = pk_of(value, type_name)
    async with info.context.database.transaction() as connection:
        before = await one_row(connection, table, pk, type_name.lower())
        await connection.execute(
            update(table).where(table.c.id == pk).values(origin="curated", confidence=1.0)
        )
        after = await one_row(connection, table, pk, type_name.lower())
        before_plain, after_plain = audited(before, type_name), audited(after, type_name)
        action = f"confirm{type_name}"
        await audit(connection, who, action, type_name, pk, before_plain, after_plain)
    return after


@strawberry.type
class Corrections:
    @strawberry.mutation(
        description="Delete a quote that is no quote (or not in the article); a new version "
        "of the article will not bring it back. Returns the article it was in."
    )
    async def delete_quote(self, info: Info, quote: strawberry.ID) -> Article:
        return await _reject(info, QUOTES, quote, "Quote", "text", "quote")

    @strawberry.mutation(
        description="Delete an event that did not happen as extracted; a new version of the "
        "article will not bring it back. Returns the article that reported it."
    )
    async def delete_event(self, info: Info, event: strawberry.ID) -> Article:
        return await _reject(info, EVENTS, event, "Event", "evidence", "event")

    @strawberry.mutation(
        description="Confirm a quote and its speaker as extracted: it becomes curated, with "
        "confidence 1."
    )
    async def confirm_quote(self, info: Info, quote: strawberry.ID) -> Quote:
        return await returned(info, Quote.of(await _confirm(info, QUOTES, quote, "Quote")))

    @strawberry.mutation(
        description="Confirm an event as extracted: it becomes curated, with confidence 1."
    )
    async def confirm_event(self, info: Info, event: strawberry.ID) -> Event:
        return await returned(info, Event.of(await _confirm(info, EVENTS, event, "Event")))
