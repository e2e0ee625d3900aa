"""An actor's affiliations corrected by an editor: one added, one changed, one deleted.

The API shows an affiliation once however many articles state it (``Actor.affiliations``
groups rows by organisation, role and dates), so a change applies to every row of the group:
they make way for one curated row that no article states, and each extracted row leaves a
rejection, so that a new version of its article does not state it again (``store``). Each
change is a change of the actor, audited with the rows it removed and the row it added."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from archive.graphql.changes import audit, audited, authorize, named_owner, one_row, returned
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import pk_of
from archive.graphql.types import Actor
from archive.names import affiliation_words
from archive.tables import ACTOR_ALIASES, ACTORS, AFFILIATIONS, REJECTIONS, utcnow

MAX_ROLE = 300
GROUP = ("actor_id", "organization_id", "role", "valid_from", "valid_to")
"""The columns of a row that the API shows as one affiliation."""


async def _group(connection: AsyncConnection, values: dict[str, Any]) -> list[RowMapping]:
    """Every row of the affiliation whose ``GROUP`` columns are ``values``."""
    same = (AFFILIATIONS.c[c].is_not_distinct_from(values[c]) for c in GROUP)
    statement = select(AFFILIATIONS).where(*same).order_by(AFFILIATIONS.c.id)
    return list((await connection.execute(statement)).mappings())


async def _restated(connection: AsyncConnection, values: dict[str, Any]) -> list[RowMapping]:
    """Every row that states what ``values`` state, whatever its dates: the same actor, the
    same organisation, the same role in any capitals (as ``curated.affiliation_key``)."""
    role = AFFILIATIONS.c.role
    same_role = func.lower(role) == values["role"].lower() if values["role"] else role.is_(None)
    statement = select(AFFILIATIONS).where(
        AFFILIATIONS.c.actor_id == values["actor_id"],
        AFFILIATIONS.c.organization_id.is_not_distinct_from(values["organization_id"]),
        same_role,
    )
    return list((await connection.execute(statement.order_by(AFFILIATIONS.c.id))).mappings())


async def _checked(
    connection: AsyncConnection,
    actor_id: int,
    organization: str | None,
    role: str | None,
    valid_from: date | None,
    valid_to: date | None,
) -> dict[str, Any]:
    """The ``GROUP`` columns of a curated affiliation, refused when it states nothing (no
    organisation and no role), names no actor the archive holds, or ends before it begins."""
    role = " ".join((role or "").split()) or None
    if role is not None and len(role) > MAX_ROLE:
        raise BadUserInput(f"a role holds at most {MAX_ROLE} characters")
    organization_id = None
    if organization and organization.strip():
        organization_id = await named_owner(connection, ACTOR_ALIASES, "actor_id", organization)
        if organization_id == actor_id:
            raise BadUserInput("an actor is not affiliated with itself")
    if organization_id is None and role is None:
        raise BadUserInput("an affiliation needs an organisation, a role, or both")
    if valid_from and valid_to and valid_to < valid_from:
        raise BadUserInput(f"it cannot end ({valid_to}) before it begins ({valid_from})")
    return {
        "actor_id": actor_id,
        "organization_id": organization_id,
        "role": role,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


async def _reject(connection: AsyncConnection, rows: list[RowMapping], who: str) -> list[int]:
    """Keep each extracted row of ``rows`` out of later extractions of its article; the ids
    of the rejections."""
    actors = {r[c] for r in rows for c in ("actor_id", "organization_id")} - {None}
    statement = select(ACTORS.c.id, ACTORS.c.name).where(ACTORS.c.id.in_(actors))
    names: dict[int, str] = dict((await connection.execute(statement)).tuples().all())
    rejected = {
        (
            row["article_id"],
            affiliation_words(
                names[row["actor_id"]], names.get(row["organization_id"]), row["role"]
            ),
        )
        for row in rows
        if row["origin"] == "extracted" and row["article_id"] is not None
    }
    ids = []
    for article_id, words in sorted(rejected):
        rejection = insert(REJECTIONS).values(
            article_id=article_id, kind="affiliation", words=words, who=who, at=utcnow()
        )
        ids.append((await connection.execute(rejection.returning(REJECTIONS.c.id))).scalar_one())
    return ids


async def _filled(
    connection: AsyncConnection, given: dict[str, Any], row: RowMapping
) -> dict[str, Any]:
    """``given`` with each value left out (``UNSET``) taken from ``row``."""
    kept = {"role": row["role"], "valid_from": row["valid_from"], "valid_to": row["valid_to"]}
    if row["organization_id"] is not None:
        organization = await one_row(connection, ACTORS, row["organization_id"], "actor")
        kept["organization"] = organization["name"]
    return {k: kept.get(k) if v is strawberry.UNSET else v for k, v in given.items()}


async def _change(
    info: Info,
    action: str,
    *,
    actor: strawberry.ID | None = None,
    shown: strawberry.ID | None = None,
    new: dict[str, Any] | None = None,
) -> Actor:
    """Remove the rows of the affiliation the API shows as ``shown`` (if given) and every
    row that states what ``new`` states, then add ``new`` (if given; a value left out keeps
    the shown one's) as one curated row of ``actor`` (or of the shown one's actor). Audited
    as a change of the actor; the actor as it is now."""
    who = await authorize(info)
    async with info.context.database.transaction() as connection:
        gone: list[RowMapping] = []
        if shown is not None:
            row = await one_row(
                connection, AFFILIATIONS, pk_of(shown, "Affiliation"), "affiliation"
            )
            gone = await _group(connection, dict(row))
            actor_id = int(row["actor_id"])
            if new is not None:
                new = await _filled(connection, new, row)
        else:
            actor_id = pk_of(actor or "", "Actor")
        actor_row = await one_row(connection, ACTORS, actor_id, "actor")
        if new is not None:
            new = await _checked(connection, actor_id, **new)
            gone += [r for r in await _restated(connection, new) if r not in gone]
        rejections = await _reject(connection, gone, who)
        if gone:
            ids = [r["id"] for r in gone]
            await connection.execute(delete(AFFILIATIONS).where(AFFILIATIONS.c.id.in_(ids)))
        added = []
        if new is not None:
            values = new | {"article_id": None, "origin": "curated"}
            statement = insert(AFFILIATIONS).values(values).returning(AFFILIATIONS.c.id)
            pk = (await connection.execute(statement)).scalar_one()
            added = [await one_row(connection, AFFILIATIONS, pk, "affiliation")]
        await audit(
            connection,
            who,
            action,
            "Actor",
            actor_id,
            {"affiliations": [audited(r, "Affiliation") for r in gone]},
            {
                "affiliations": [audited(r, "Affiliation") for r in added],
                "rejections": rejections,
            },
        )
    return await returned(info, Actor.of(actor_row))


def _stated(organization: Any, role: Any, valid_from: Any, valid_to: Any) -> dict[str, Any]:
    """What a mutation's arguments state of an affiliation (``UNSET`` where left out)."""
    return {
        "organization": organization,
        "role": role,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


@strawberry.type
class AffiliationCorrections:
    @strawberry.mutation(
        description="Add an affiliation to an actor: an organisation (any spelling of an "
        "actor the archive holds), a role, or both, with the days it is known to hold from "
        "and to. Returns the actor."
    )
    async def add_affiliation(
        self,
        info: Info,
        actor: strawberry.ID,
        organization: str | None = None,
        role: str | None = None,
        valid_from: date | None = None,
        valid_to: date | None = None,
    ) -> Actor:
        new = _stated(organization, role, valid_from, valid_to)
        return await _change(info, "addAffiliation", actor=actor, new=new)

    @strawberry.mutation(
        description="Correct an affiliation, for every article that states it: an argument "
        "left out keeps its value, null clears it. It becomes curated, and a new version of "
        "an article will not state the old one again. Returns the actor."
    )
    async def update_affiliation(
        self,
        info: Info,
        affiliation: strawberry.ID,
        organization: str | None = strawberry.UNSET,
        role: str | None = strawberry.UNSET,
        valid_from: date | None = strawberry.UNSET,
        valid_to: date | None = strawberry.UNSET,
    ) -> Actor:
        new = _stated(organization, role, valid_from, valid_to)
        return await _change(info, "updateAffiliation", shown=affiliation, new=new)

    @strawberry.mutation(
        description="Delete an affiliation that does not hold, for every article that "
        "states it; a new version of an article will not state it again. Returns the actor."
    )
    async def delete_affiliation(self, info: Info, affiliation: strawberry.ID) -> Actor:
        return await _change(info, "deleteAffiliation", shown=affiliation)
