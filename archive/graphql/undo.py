"""Undo: a change from the audit log taken back, while it is the last change to its record.

Each kind of change is undone from what its audit entry kept:
- a change that rewrote one record (a quote's speaker or words, a confirmation, an actor's,
  a place's or an event's fields, an event's participants) writes the record back as it was;
- a deleted quote or event comes back (with who took part in the event), and a new version of
  its article may extract it again;
- a spelling added is removed, one removed comes back;
- an affiliation added, corrected or deleted: the rows the change added go, the rows it
  removed come back, with their rejections lifted;
- a split moves the quotes back and deletes the actor it created, if nothing else refers to it;
- a merge restores the actor it deleted and moves back exactly the rows that moved.

The undo is a change of its own, audited like any other."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

import strawberry
from sqlalchemy import Date, DateTime, delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from archive.curated import words
from archive.graphql.changes import (
    REFERENCES,
    audit,
    audited,
    authorize,
    one_row,
    participants_of,
    spelling_owner,
)
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import pk_of
from archive.names import normalize_name
from archive.tables import (
    ACTOR_ALIASES,
    ACTORS,
    AFFILIATIONS,
    ARTICLES,
    AUDIT_LOG,
    EVENTS,
    MENTIONS,
    PARTICIPANTS,
    PLACES,
    QUOTES,
    REJECTIONS,
)

Undone = tuple[Any, Any]
"""The record before and after the undo, as the undo's own audit entry keeps them."""
Undoer = Callable[[AsyncConnection, RowMapping], Awaitable[Undone]]


def _restored(table: Any, before: dict[str, Any]) -> dict[str, Any]:
    """The column values of ``before`` (a row as ``audited`` kept it), back as the table
    stores them: global IDs as keys, ISO text as dates and times. Its id is left out."""
    values: dict[str, Any] = {}
    for key, value in before.items():
        if key == "id" or key not in table.c:
            continue
        column_type = table.c[key].type
        if value is not None and key in REFERENCES:
            value = pk_of(value, REFERENCES[key])
        elif value is not None and isinstance(column_type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column_type, Date):
            value = date.fromisoformat(value)
        values[key] = value
    return values


async def _reinserted(
    connection: AsyncConnection, table: Any, before: dict[str, Any], type_name: str
) -> int:
    """Insert a deleted row again, under its old id when that is still free; its id."""
    values = _restored(table, before)
    old = pk_of(before["id"], type_name) if before.get("id") else None
    taken = (
        old is None
        or (await connection.execute(select(table.c.id).where(table.c.id == old))).first()
        is not None
    )
    if not taken:
        values["id"] = old
    statement = insert(table).values(values).returning(table.c.id)
    return int((await connection.execute(statement)).scalar_one())


async def _set_participants(
    connection: AsyncConnection, event_id: int, pairs: list[list[str]]
) -> None:
    await connection.execute(delete(PARTICIPANTS).where(PARTICIPANTS.c.event_id == event_id))
    for actor, role in pairs:
        actor_id = pk_of(actor, "Actor")
        if (await connection.execute(select(ACTORS.c.id).where(ACTORS.c.id == actor_id))).first():
            await connection.execute(
                insert(PARTICIPANTS).values(event_id=event_id, actor_id=actor_id, role=role)
            )


def _rewrite(table: Any) -> Undoer:
    """Undo a change that rewrote one record of ``table`` (for an event, who took part too)."""

    async def undo(connection: AsyncConnection, entry: RowMapping) -> Undone:
        target, type_name = entry["target_id"], entry["target_type"]
        current = await one_row(connection, table, target, type_name.lower())
        plain_current = audited(current, type_name) or {}
        before = entry["before"]
        await connection.execute(
            update(table).where(table.c.id == target).values(**_restored(table, before))
        )
        if table is EVENTS:
            if "participants" not in before and entry["action"] != "updateEvent":
                raise BadUserInput("this change was logged without who took part before it")
            plain_current["participants"] = await participants_of(connection, target)
            if "participants" in before:
                await _set_participants(connection, target, before["participants"])
        after = audited(await one_row(connection, table, target, type_name.lower()), type_name)
        if table is EVENTS and after is not None:
            after["participants"] = await participants_of(connection, target)
        return plain_current, after

    return undo


def _deletion(table: Any, kind: str, words_of: str) -> Undoer:
    """Undo the deletion of a quote or an event: the row (and who took part) back, and its
    words no longer rejected."""

    async def undo(connection: AsyncConnection, entry: RowMapping) -> Undone:
        before, type_name = entry["before"], entry["target_type"]
        article = pk_of(before["article_id"], "Article")
        if (
            await connection.execute(select(ARTICLES.c.id).where(ARTICLES.c.id == article))
        ).first() is None:
            raise BadUserInput("its article was deleted since")
        pk = await _reinserted(connection, table, before, type_name)
        if table is EVENTS:
            await _set_participants(connection, pk, before.get("participants", []))
        if before.get(words_of):
            await connection.execute(
                delete(REJECTIONS).where(
                    REJECTIONS.c.article_id == article,
                    REJECTIONS.c.kind == kind,
                    REJECTIONS.c.words == words(before[words_of]),
                )
            )
        return None, audited(await one_row(connection, table, pk, type_name.lower()), type_name)

    return undo


async def _alias_added(connection: AsyncConnection, entry: RowMapping) -> Undone:
    alias = entry["after"]["alias"]
    await connection.execute(
        delete(ACTOR_ALIASES).where(
            ACTOR_ALIASES.c.actor_id == entry["target_id"],
            ACTOR_ALIASES.c.normalized == normalize_name(alias),
        )
    )
    return {"alias": alias}, None


async def _alias_removed(connection: AsyncConnection, entry: RowMapping) -> Undone:
    alias = entry["before"]["alias"]
    if await spelling_owner(connection, ACTOR_ALIASES, "actor_id", alias) is not None:
        raise BadUserInput(f"{alias!r} names an actor again since")
    await connection.execute(
        insert(ACTOR_ALIASES).values(
            actor_id=entry["target_id"], alias=alias, normalized=normalize_name(alias)
        )
    )
    return None, {"alias": alias}


async def _affiliations(connection: AsyncConnection, entry: RowMapping) -> Undone:
    """Undo an affiliation added, corrected or deleted: what it added goes, what it removed
    comes back, its rejections are lifted."""
    added = [pk_of(row["id"], "Affiliation") for row in entry["after"]["affiliations"]]
    if added:
        await connection.execute(delete(AFFILIATIONS).where(AFFILIATIONS.c.id.in_(added)))
    rejections = entry["after"].get("rejections", [])
    if rejections:
        await connection.execute(delete(REJECTIONS).where(REJECTIONS.c.id.in_(rejections)))
    back = []
    for row in entry["before"]["affiliations"]:
        pk = await _reinserted(connection, AFFILIATIONS, row, "Affiliation")
        back.append(
            audited(await one_row(connection, AFFILIATIONS, pk, "affiliation"), "Affiliation")
        )
    return entry["after"], {"affiliations": back}


async def _split(connection: AsyncConnection, entry: RowMapping) -> Undone:
    """Undo a split: the quotes go back as they were, and the actor it created is deleted."""
    made = entry["target_id"]
    quotes = entry["before"]["quotes"]
    if not quotes or not isinstance(quotes[0], dict):
        raise BadUserInput("this split was logged without the quotes as they were")
    ids = [pk_of(q["id"], "Quote") for q in quotes]
    theirs = select(QUOTES.c.id).where(QUOTES.c.speaker_id == made)
    if sorted(int(pk) for pk in (await connection.execute(theirs)).scalars()) != sorted(ids):
        raise BadUserInput("the new actor's quotes changed since; undo those changes first")
    for table, column in (
        (PARTICIPANTS, "actor_id"),
        (MENTIONS, "actor_id"),
        (AFFILIATIONS, "actor_id"),
        (AFFILIATIONS, "organization_id"),
    ):
        if (
            await connection.execute(select(table.c[column]).where(table.c[column] == made))
        ).first():
            raise BadUserInput("the new actor is named elsewhere since; it cannot be taken back")
    for quote in quotes:
        pk = pk_of(quote["id"], "Quote")
        await connection.execute(
            update(QUOTES).where(QUOTES.c.id == pk).values(**_restored(QUOTES, quote))
        )
    actor = audited(await one_row(connection, ACTORS, made, "actor"), "Actor")
    await connection.execute(delete(ACTORS).where(ACTORS.c.id == made))
    return actor, entry["before"]


async def _merge(connection: AsyncConnection, entry: RowMapping) -> Undone:
    """Undo a merge: the actor it deleted comes back, and exactly the rows that moved move
    back to it (those still on the kept actor); the doubles it dropped come back too."""
    rows = entry["after"].get("undo")
    if rows is None:
        raise BadUserInput("this merge was logged without the rows that moved")
    keep = entry["target_id"]
    old = pk_of(entry["before"]["from"]["id"], "Actor")
    gone = await _reinserted(connection, ACTORS, entry["before"]["from"], "Actor")
    moves = (
        (ACTOR_ALIASES, "actor_id", rows["aliases"]),
        (QUOTES, "speaker_id", rows["quotes"]),
        (MENTIONS, "actor_id", rows["mentions"]),
        (AFFILIATIONS, "actor_id", rows["actor_id"]),
        (AFFILIATIONS, "organization_id", rows["organization_id"]),
    )
    for table, column, ids in moves:
        if ids:
            await connection.execute(
                update(table)
                .where(table.c.id.in_(ids), table.c[column] == keep)
                .values({column: gone})
            )
    if rows["events"]:
        await connection.execute(
            update(PARTICIPANTS)
            .where(PARTICIPANTS.c.event_id.in_(rows["events"]), PARTICIPANTS.c.actor_id == keep)
            .values(actor_id=gone)
        )
    for event_id, role in rows["dropped_participants"]:
        if (await connection.execute(select(EVENTS.c.id).where(EVENTS.c.id == event_id))).first():
            await connection.execute(
                insert(PARTICIPANTS).values(event_id=event_id, actor_id=gone, role=role)
            )
    for row in rows["dropped_affiliations"]:
        pk = await _reinserted(connection, AFFILIATIONS, row, "Affiliation")
        for column in ("actor_id", "organization_id"):  # in case the actor's id was taken
            await connection.execute(
                update(AFFILIATIONS)
                .where(AFFILIATIONS.c.id == pk, AFFILIATIONS.c[column] == old)
                .values({column: gone})
            )
    kept = audited(await one_row(connection, ACTORS, keep, "actor"), "Actor")
    back = audited(await one_row(connection, ACTORS, gone, "actor"), "Actor")
    return {"into": kept}, {"into": kept, "from": back}


UNDOABLE: dict[str, Undoer] = {
    "setQuoteSpeaker": _rewrite(QUOTES),
    "updateQuote": _rewrite(QUOTES),
    "confirmQuote": _rewrite(QUOTES),
    "confirmEvent": _rewrite(EVENTS),
    "updateEvent": _rewrite(EVENTS),
    "setEventParticipant": _rewrite(EVENTS),
    "removeEventParticipant": _rewrite(EVENTS),
    "updateActor": _rewrite(ACTORS),
    "updatePlace": _rewrite(PLACES),
    "deleteQuote": _deletion(QUOTES, "quote", "text"),
    "deleteEvent": _deletion(EVENTS, "event", "evidence"),
    "addActorAlias": _alias_added,
    "removeActorAlias": _alias_removed,
    "addAffiliation": _affiliations,
    "updateAffiliation": _affiliations,
    "deleteAffiliation": _affiliations,
    "splitActor": _split,
    "mergeActors": _merge,
}
"""How each kind of change is undone."""


@strawberry.type
class Undo:
    @strawberry.mutation(
        description="Take back a change from the audit log, while it is the last change to "
        "its record: a record rewritten, a quote or an event deleted, a spelling or an "
        "affiliation changed, an actor split or merged (merges: admins only)."
    )
    async def undo_change(self, info: Info, entry: strawberry.ID) -> strawberry.ID:
        who = await authorize(info)
        entry_id = pk_of(entry, "AuditEntry")
        async with info.context.database.transaction() as connection:
            row = await one_row(connection, AUDIT_LOG, entry_id, "audit entry")
        if row["action"] == "mergeActors":
            await authorize(info, "admin")
        undo = UNDOABLE.get(row["action"])
        if undo is None or row["target_id"] is None:
            raise BadUserInput(f"a change of kind {row['action']!r} cannot be undone here")
        async with info.context.database.transaction() as connection:
            later = (
                await connection.execute(
                    select(AUDIT_LOG.c.id).where(
                        AUDIT_LOG.c.target_type == row["target_type"],
                        AUDIT_LOG.c.target_id == row["target_id"],
                        AUDIT_LOG.c.id > entry_id,
                    )
                )
            ).first()
            if later is not None:
                raise BadUserInput("the record changed again since; undo the later change first")
            before, after = await undo(connection, row)
            await audit(
                connection, who, "undo", row["target_type"], row["target_id"], before, after
            )
        return entry
