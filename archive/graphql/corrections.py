"""Corrections of what extraction got wrong, by an editor: a quote or an event deleted as
wrong (and kept out of later extractions of the article, see ``store``) or confirmed, an actor
renamed, retyped, described, identified or stripped of a wrong spelling. Each runs in one
transaction with its audit entry."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from archive.curated import words
from archive.graphql.changes import (
    audit,
    audit_rows,
    audited,
    authorize,
    one_row,
    participants_of,
    returned,
    spelling_owner,
)
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.filters import ActorKind
from archive.graphql.ids import global_id, pk_of
from archive.graphql.types import Actor, Article, Event, Quote
from archive.importer.values import WIKIDATA_ID
from archive.names import normalize_name
from archive.tables import ACTOR_ALIASES, ACTORS, ARTICLES, EVENTS, QUOTES, REJECTIONS, utcnow

MAX_NAME = 300
MAX_DESCRIPTION = 2000
MAX_SPLIT = 500


async def _reject(
    info: Info, table: Any, value: strawberry.ID, type_name: str, words_of: str, kind: str
) -> Article:
    """Delete the record ``value`` names, keep its words among the article's rejections,
    audit both; the article it was in."""
    who = await authorize(info)
    pk = pk_of(value, type_name)
    async with info.context.database.transaction() as connection:
        row = await one_row(connection, table, pk, type_name.lower())
        before = audited(row, type_name) or {}
        if table is EVENTS:
            before["participants"] = await participants_of(connection, pk)
        await connection.execute(delete(table).where(table.c.id == pk))
        if row[words_of]:
            await connection.execute(
                insert(REJECTIONS).values(
                    article_id=row["article_id"],
                    kind=kind,
                    words=words(row[words_of]),
                    who=who,
                    at=utcnow(),
                )
            )
        action = f"delete{type_name}"
        await audit(connection, who, action, type_name, pk, before, None)
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
        await audit_rows(connection, who, f"confirm{type_name}", type_name, pk, before, after)
    return after


def _name(name: str) -> str:
    """``name`` with its spacing folded; refused without letters or digits, or too long."""
    name = " ".join(name.split())
    if not normalize_name(name) or len(name) > MAX_NAME:
        raise BadUserInput(f"a name needs letters or digits, at most {MAX_NAME} characters")
    return name


async def _renamed(connection: AsyncConnection, pk: int, name: str) -> str:
    """``name``, spacing folded, made a spelling of actor ``pk``; refused when it names
    another actor (two actors would then be one: merge them)."""
    name = _name(name)
    owner = await spelling_owner(connection, ACTOR_ALIASES, "actor_id", name)
    if owner is not None and owner != pk:
        raise BadUserInput(f"{name!r} already names another actor; merge the two")
    if owner is None:
        await connection.execute(
            insert(ACTOR_ALIASES).values(actor_id=pk, alias=name, normalized=normalize_name(name))
        )
    return name


async def new_actor(connection: AsyncConnection, name: str, kind: str) -> int:
    """A new actor of ``kind`` named ``name`` (spacing folded), its name its first spelling;
    refused when the name already names an actor."""
    name = _name(name)
    owner = await spelling_owner(connection, ACTOR_ALIASES, "actor_id", name)
    if owner is not None:
        raise BadUserInput(f"{name!r} already names an actor ({global_id('Actor', owner)})")
    actor_id = (
        await connection.execute(insert(ACTORS).values(name=name, kind=kind).returning(ACTORS.c.id))
    ).scalar_one()
    await connection.execute(
        insert(ACTOR_ALIASES).values(actor_id=actor_id, alias=name, normalized=normalize_name(name))
    )
    return int(actor_id)


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

    @strawberry.mutation(
        description="Correct an actor: its name (the old one stays a spelling of it), kind, "
        "description or Wikidata ID. A new name must not name another actor."
    )
    async def update_actor(
        self,
        info: Info,
        actor: strawberry.ID,
        name: str | None = None,
        kind: ActorKind | None = None,
        description: str | None = None,
        wikidata_id: str | None = None,
    ) -> Actor:
        who = await authorize(info)
        pk = pk_of(actor, "Actor")
        values: dict[str, Any] = {}
        if kind is not None:
            values["kind"] = kind.value
        if description is not None:
            if len(description) > MAX_DESCRIPTION:
                raise BadUserInput(f"a description holds at most {MAX_DESCRIPTION} characters")
            values["description"] = description.strip() or None
        if wikidata_id is not None:
            if wikidata_id.strip() and not WIKIDATA_ID.match(wikidata_id.strip()):
                raise BadUserInput(f"{wikidata_id[:40]!r} is no Wikidata ID (Q and a number: Q42)")
            values["wikidata_id"] = wikidata_id.strip() or None
        async with info.context.database.transaction() as connection:
            before = await one_row(connection, ACTORS, pk, "actor")
            if values.get("wikidata_id"):
                holder = (
                    await connection.execute(
                        select(ACTORS.c.id).where(
                            ACTORS.c.wikidata_id == values["wikidata_id"], ACTORS.c.id != pk
                        )
                    )
                ).scalar()
                if holder is not None:
                    raise BadUserInput(
                        f"{values['wikidata_id']} is another actor's ({global_id('Actor', holder)}); merge the two"
                    )
            if name is not None:
                values["name"] = await _renamed(connection, pk, name)
            if values:
                await connection.execute(update(ACTORS).where(ACTORS.c.id == pk).values(**values))
            after = await one_row(connection, ACTORS, pk, "actor")
            await audit_rows(connection, who, "updateActor", "Actor", pk, before, after)
        return await returned(info, Actor.of(after))

    @strawberry.mutation(
        description="Remove a spelling from an actor (not its name): the words no longer "
        "resolve to it."
    )
    async def remove_actor_alias(self, info: Info, actor: strawberry.ID, alias: str) -> Actor:
        who = await authorize(info)
        pk = pk_of(actor, "Actor")
        key = normalize_name(alias)
        async with info.context.database.transaction() as connection:
            row = await one_row(connection, ACTORS, pk, "actor")
            if key == normalize_name(row["name"]):
                raise BadUserInput("an actor's name stays one of its spellings; rename it first")
            removed = await connection.execute(
                delete(ACTOR_ALIASES).where(
                    ACTOR_ALIASES.c.actor_id == pk, ACTOR_ALIASES.c.normalized == key
                )
            )
            if removed.rowcount == 0:
                raise BadUserInput(f"{alias!r} is not a spelling of this actor")
            await audit(connection, who, "removeActorAlias", "Actor", pk, {"alias": alias}, None)
        return await returned(info, Actor.of(row))

    @strawberry.mutation(
        description="Split an actor: the chosen quotes were said by someone else, a new actor "
        "of that name (which must not name another actor) who becomes their speaker."
    )
    async def split_actor(
        self,
        info: Info,
        actor: strawberry.ID,
        name: str,
        kind: ActorKind,
        quotes: list[strawberry.ID],
    ) -> Actor:
        who = await authorize(info)
        pk = pk_of(actor, "Actor")
        moving = sorted({pk_of(q, "Quote") for q in quotes})
        if not moving or len(moving) > MAX_SPLIT:
            raise BadUserInput(f"choose 1 to {MAX_SPLIT} quotes of the actor to move")
        async with info.context.database.transaction() as connection:
            await one_row(connection, ACTORS, pk, "actor")
            theirs = (
                (
                    await connection.execute(
                        select(QUOTES.c.id).where(
                            QUOTES.c.id.in_(moving), QUOTES.c.speaker_id == pk
                        )
                    )
                )
                .scalars()
                .all()
            )
            if sorted(theirs) != moving:
                raise BadUserInput("every quote moved must be one of the actor's")
            moved_rows = (
                (await connection.execute(select(QUOTES).where(QUOTES.c.id.in_(moving))))
                .mappings()
                .all()
            )
            new_id = await new_actor(connection, name, kind.value)
            row = await one_row(connection, ACTORS, new_id, "actor")
            await connection.execute(
                update(QUOTES)
                .where(QUOTES.c.id.in_(moving))
                .values(
                    speaker_id=new_id,
                    speaker_as_written=row["name"],
                    origin="curated",
                    confidence=1.0,
                )
            )
            moved = {
                "from": global_id("Actor", pk),
                "quotes": [audited(q, "Quote") for q in moved_rows],
            }
            await audit(
                connection, who, "splitActor", "Actor", new_id, moved, audited(row, "Actor")
            )
        return await returned(info, Actor.of(row))
