"""Two actors that are one: an admin merges one into the other. The merge keeps, in its audit
entry, which rows moved and which it dropped as doubles, so that undo (``graphql.undo``)
moves exactly those back and restores the actor it deleted."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from archive.graphql.changes import audit, audited, authorize, one_row, returned
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import pk_of
from archive.graphql.types import Actor
from archive.tables import ACTOR_ALIASES, ACTORS, AFFILIATIONS, MENTIONS, PARTICIPANTS, QUOTES


async def _ids(connection: AsyncConnection, statement: Any) -> list[int]:
    return [int(pk) for pk in (await connection.execute(statement)).scalars()]


async def _move(
    connection: AsyncConnection, table: Any, column: str, gone: int, keep: int
) -> list[int]:
    """Point ``column`` of ``table`` from actor ``gone`` to ``keep``; the ids of the rows moved."""
    moved = await _ids(connection, select(table.c.id).where(table.c[column] == gone))
    if moved:
        await connection.execute(update(table).where(table.c.id.in_(moved)).values({column: keep}))
    return moved


async def _move_participants(connection: AsyncConnection, gone: int, keep: int) -> dict[str, Any]:
    """Make ``keep`` take part where ``gone`` did; where both did, ``gone``'s part is dropped."""
    both = select(PARTICIPANTS.c.event_id).where(PARTICIPANTS.c.actor_id == keep)
    dropped = (
        await connection.execute(
            select(PARTICIPANTS.c.event_id, PARTICIPANTS.c.role).where(
                PARTICIPANTS.c.actor_id == gone, PARTICIPANTS.c.event_id.in_(both)
            )
        )
    ).all()
    await connection.execute(
        delete(PARTICIPANTS).where(
            PARTICIPANTS.c.actor_id == gone, PARTICIPANTS.c.event_id.in_(both)
        )
    )
    events = await _ids(
        connection, select(PARTICIPANTS.c.event_id).where(PARTICIPANTS.c.actor_id == gone)
    )
    await connection.execute(
        update(PARTICIPANTS).where(PARTICIPANTS.c.actor_id == gone).values(actor_id=keep)
    )
    return {"events": events, "dropped_participants": [[e, r] for e, r in dropped]}


async def _move_affiliations(connection: AsyncConnection, gone: int, keep: int) -> dict[str, Any]:
    """Give ``keep`` the affiliations of ``gone`` (as member and as organisation); one that
    ``keep`` already has from the same article is dropped as a double."""
    moved: dict[str, Any] = {"dropped_affiliations": []}
    for column in ("actor_id", "organization_id"):
        moved[column] = []
        rows = (
            (await connection.execute(select(AFFILIATIONS).where(AFFILIATIONS.c[column] == gone)))
            .mappings()
            .all()
        )
        for row in rows:
            clash = select(AFFILIATIONS.c.id).where(
                *(
                    AFFILIATIONS.c[c].is_not_distinct_from(keep if c == column else row[c])
                    for c in ("actor_id", "organization_id", "article_id", "role")
                )
            )
            if (await connection.execute(clash)).first() is not None:
                await connection.execute(delete(AFFILIATIONS).where(AFFILIATIONS.c.id == row["id"]))
                moved["dropped_affiliations"].append(audited(row, "Affiliation"))
            else:
                await connection.execute(
                    update(AFFILIATIONS)
                    .where(AFFILIATIONS.c.id == row["id"])
                    .values({column: keep})
                )
                moved[column].append(row["id"])
    return moved


@strawberry.type
class Merging:
    @strawberry.mutation(
        description="Merge `from` into `into`: its aliases, quotes, events, mentions and "
        "affiliations move, then it is deleted. Admin tokens only. `undoChange` takes it back "
        "while it is the last change to `into`."
    )
    async def merge_actors(
        self,
        info: Info,
        into: strawberry.ID,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
    ) -> Actor:
        who = await authorize(info, "admin")
        keep, gone = pk_of(into, "Actor"), pk_of(from_, "Actor")
        if keep == gone:
            raise BadUserInput("an actor cannot be merged into itself")
        async with info.context.database.transaction() as connection:
            kept = await one_row(connection, ACTORS, keep, "actor")
            removed = await one_row(connection, ACTORS, gone, "actor")
            rows: dict[str, Any] = {
                "aliases": await _move(connection, ACTOR_ALIASES, "actor_id", gone, keep),
                "quotes": await _move(connection, QUOTES, "speaker_id", gone, keep),
                "mentions": await _move(connection, MENTIONS, "actor_id", gone, keep),
            }
            rows |= await _move_participants(connection, gone, keep)
            rows |= await _move_affiliations(connection, gone, keep)
            await connection.execute(delete(ACTORS).where(ACTORS.c.id == gone))
            moved = {kind: len(rows[kind]) for kind in ("quotes", "mentions", "events")}
            await audit(
                connection,
                who,
                "mergeActors",
                "Actor",
                keep,
                {"into": audited(kept, "Actor"), "from": audited(removed, "Actor")},
                {"into": audited(kept, "Actor"), "moved": moved, "undo": rows},
            )
        return await returned(info, Actor.of(kept))
