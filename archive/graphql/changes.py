"""Who may change the archive, and how each change is recorded.

A change is made by an editor signed in on the pages or by the holder of a bearer token
(``authorize``); it runs in one transaction with its entry in the audit log (``audit``), which
keeps the record before and after the change as the API shows it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput, Forbidden, NotFound, Unauthenticated
from archive.graphql.ids import global_id
from archive.graphql.prefetch import Related, read_ahead
from archive.names import normalize_name
from archive.tables import API_TOKENS, AUDIT_LOG, PARTICIPANTS, utcnow
from archive.tokens import token_hash


async def authorize(info: Info, role: str = "editor", *, what: str = "changes need") -> str:
    """The name of the editor signed in on the pages, or of the token the request carries;
    raises unless it may make ``role`` changes. ``what`` begins the message to a request
    without a token."""
    signed_in = info.context.signed_in
    if signed_in is not None:
        if role == "admin" and signed_in.role != "admin":
            raise Forbidden(f"this change needs an admin; {signed_in.name!r} is an editor")
        return signed_in.name
    header = info.context.request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthenticated(
            f"{what} a bearer token: `Authorization: Bearer <token>` (`archive token create`)"
        )
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be `Bearer <token>`")
    rows = await info.context.database.rows(
        select(API_TOKENS).where(
            API_TOKENS.c.token_hash == token_hash(token.strip()), API_TOKENS.c.revoked_at.is_(None)
        )
    )
    if not rows:
        raise Unauthenticated("the token is unknown or revoked")
    if role == "admin" and rows[0]["role"] != "admin":
        raise Forbidden(f"this change needs an admin token; {rows[0]['name']!r} is an editor token")
    return str(rows[0]["name"])


# The records a row's foreign keys point at, so that the audit log names them as the API does.
REFERENCES = {
    "speaker_id": "Actor",
    "actor_id": "Actor",
    "organization_id": "Actor",
    "article_id": "Article",
    "source_id": "Source",
    "place_id": "Place",
    "event_id": "Event",
}


def audited(row: RowMapping | None, type_name: str) -> dict[str, Any] | None:
    """A row of ``type_name`` as the audit log keeps it: JSON values, and the row's id and
    foreign keys as the API's global IDs, not the database's integers."""
    if row is None:
        return None
    plain: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, date):  # a datetime is a date too
            value = value.isoformat()
        elif value is not None and key == "id":
            value = global_id(type_name, value)
        elif value is not None and key in REFERENCES:
            value = global_id(REFERENCES[key], value)
        plain[key] = value
    return plain


async def one_row(connection: AsyncConnection, table: Any, pk: int, type_name: str) -> RowMapping:
    row = (await connection.execute(select(table).where(table.c.id == pk))).mappings().first()
    if row is None:
        raise NotFound(f"no {type_name} with that ID")
    return row


def audit_entry(
    who: str, action: str, target_type: str, target_id: int | None, before: Any, after: Any
) -> dict[str, Any]:
    return {
        "at": utcnow(),
        "who": who,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "before": before,
        "after": after,
    }


async def audit(
    connection: AsyncConnection,
    who: str,
    action: str,
    target_type: str,
    target_id: int | None,
    before: Any,
    after: Any,
) -> None:
    entry = audit_entry(who, action, target_type, target_id, before, after)
    await connection.execute(insert(AUDIT_LOG).values(entry))


async def audit_rows(
    connection: AsyncConnection,
    who: str,
    action: str,
    type_name: str,
    pk: int,
    before: RowMapping | None,
    after: RowMapping | None,
) -> None:
    """Audit a change of one record of ``type_name`` from row ``before`` to row ``after``."""
    plain_before, plain_after = audited(before, type_name), audited(after, type_name)
    await audit(connection, who, action, type_name, pk, plain_before, plain_after)


async def spelling_owner(
    connection: AsyncConnection, aliases: Any, parent: str, name: str
) -> int | None:
    """The id of the actor or place (``aliases`` with its ``parent`` column) one of whose
    spellings is ``name``, or None."""
    key = normalize_name(name)
    found = (
        await connection.execute(select(aliases.c[parent]).where(aliases.c.normalized == key))
    ).scalar()
    return None if found is None else int(found)


async def named_owner(connection: AsyncConnection, aliases: Any, parent: str, name: str) -> int:
    """The id of the actor or place one of whose spellings is ``name``; refused if none."""
    found = await spelling_owner(connection, aliases, parent, name)
    if found is None:
        what = "actor" if parent == "actor_id" else "place"
        raise BadUserInput(f"no {what} is named {name[:100]!r}; create it or pick another")
    return found


async def participants_of(connection: AsyncConnection, event_id: int) -> list[list[str]]:
    """Who took part in an event, as the audit log keeps it: ``[actor's global ID, role]``
    pairs, in a stable order."""
    rows = await connection.execute(
        select(PARTICIPANTS.c.actor_id, PARTICIPANTS.c.role)
        .where(PARTICIPANTS.c.event_id == event_id)
        .order_by(PARTICIPANTS.c.actor_id)
    )
    return [[global_id("Actor", actor), role] for actor, role in rows]


R = TypeVar("R", bound=Related)


async def returned(info: Info, record: R) -> R:
    """A changed record as a mutation returns it, what it relates to read ahead (after the
    change's transaction, so that it shows the change)."""
    await read_ahead(info, [record])
    return record
