"""An event corrected by an editor: what happened, when and how precisely, where, how many
died, and who took part in which role. Each change makes the event curated (a person vouches
for it) and is audited with the event before and after."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from archive.graphql.changes import (
    audit,
    audited,
    authorize,
    named_owner,
    one_row,
    participants_of,
    returned,
)
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.filters import DatePrecision, EventKind, ParticipantRole
from archive.graphql.ids import pk_of
from archive.graphql.types import Event
from archive.tables import ACTOR_ALIASES, EVENTS, PARTICIPANTS, PLACE_ALIASES

MAX_FATALITIES = 10_000_000


async def _changed(info: Info, value: strawberry.ID, action: str, change: Any) -> Event:
    """Run ``change(connection, pk)`` on the event ``value`` names, make it curated, audit
    it; the event as it is now."""
    who = await authorize(info)
    pk = pk_of(value, "Event")
    async with info.context.database.transaction() as connection:
        before = await one_row(connection, EVENTS, pk, "event")
        plain_before = (audited(before, "Event") or {}) | {
            "participants": await participants_of(connection, pk)
        }
        await change(connection, pk)
        await connection.execute(
            update(EVENTS).where(EVENTS.c.id == pk).values(origin="curated", confidence=1.0)
        )
        after = await one_row(connection, EVENTS, pk, "event")
        plain_after = (audited(after, "Event") or {}) | {
            "participants": await participants_of(connection, pk)
        }
        await audit(connection, who, action, "Event", pk, plain_before, plain_after)
    return await returned(info, Event.of(after))


@strawberry.type
class EventCorrections:
    @strawberry.mutation(
        description="Correct an event: its kind, date and how precise it is, place (any "
        "spelling of a place the archive holds; an empty name for none), fatalities."
    )
    async def update_event(
        self,
        info: Info,
        event: strawberry.ID,
        kind: EventKind | None = None,
        date: date | None = None,
        date_precision: DatePrecision | None = None,
        place: str | None = None,
        fatalities: int | None = None,
    ) -> Event:
        if fatalities is not None and not 0 <= fatalities <= MAX_FATALITIES:
            raise BadUserInput(f"fatalities must be 0 to {MAX_FATALITIES:,}, not {fatalities}")

        async def change(connection: AsyncConnection, pk: int) -> None:
            values: dict[str, Any] = {}
            if kind is not None:
                values["kind"] = kind.value
            if date is not None:
                values["date"] = date
                values["date_precision"] = date_precision.value if date_precision else "day"
            elif date_precision is not None:
                values["date_precision"] = date_precision.value
            if place is not None:
                values["place_id"] = (
                    await named_owner(connection, PLACE_ALIASES, "place_id", place)
                    if place.strip()
                    else None
                )
            if fatalities is not None:
                values["fatalities"] = fatalities
            if values:
                await connection.execute(update(EVENTS).where(EVENTS.c.id == pk).values(**values))

        return await _changed(info, event, "updateEvent", change)

    @strawberry.mutation(
        description="Name an actor (any spelling of one the archive holds) as taking part in "
        "an event, in a role; an actor already taking part changes role."
    )
    async def set_event_participant(
        self, info: Info, event: strawberry.ID, actor: str, role: ParticipantRole
    ) -> Event:
        async def change(connection: AsyncConnection, pk: int) -> None:
            actor_id = await named_owner(connection, ACTOR_ALIASES, "actor_id", actor)
            await connection.execute(
                delete(PARTICIPANTS).where(
                    PARTICIPANTS.c.event_id == pk, PARTICIPANTS.c.actor_id == actor_id
                )
            )
            await connection.execute(
                insert(PARTICIPANTS).values(event_id=pk, actor_id=actor_id, role=role.value)
            )

        return await _changed(info, event, "setEventParticipant", change)

    @strawberry.mutation(description="Take an actor out of an event: it took no part in it.")
    async def remove_event_participant(
        self, info: Info, event: strawberry.ID, actor: strawberry.ID
    ) -> Event:
        actor_id = pk_of(actor, "Actor")

        async def change(connection: AsyncConnection, pk: int) -> None:
            removed = await connection.execute(
                delete(PARTICIPANTS).where(
                    PARTICIPANTS.c.event_id == pk, PARTICIPANTS.c.actor_id == actor_id
                )
            )
            if removed.rowcount == 0:
                raise BadUserInput("that actor takes no part in this event")

        return await _changed(info, event, "removeEventParticipant", change)
