"""Undo: a change that rewrote one record (a quote's speaker or words, a confirmation, an
actor's or a place's or an event's fields) is taken back by writing the record as the audit
log kept it before, if no later change touched that record. The undo is a change of its own,
audited like any other."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from sqlalchemy import Date, DateTime, select, update

from archive.graphql.changes import REFERENCES, audit, audited, authorize, one_row
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import pk_of
from archive.tables import ACTORS, AUDIT_LOG, EVENTS, PLACES, QUOTES

UNDOABLE = {
    "setQuoteSpeaker": QUOTES,
    "updateQuote": QUOTES,
    "confirmQuote": QUOTES,
    "confirmEvent": EVENTS,
    "updateEvent": EVENTS,
    "updateActor": ACTORS,
    "updatePlace": PLACES,
}
"""The actions undone by restoring their target's row, and the table of that row."""


def _restored(table: Any, before: dict[str, Any]) -> dict[str, Any]:
    """The column values of ``before`` (a row as ``audited`` kept it), back as the table
    stores them: global IDs as keys, ISO text as dates and times."""
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


@strawberry.type
class Undo:
    @strawberry.mutation(
        description="Take back a change from the audit log: the record is written as it was "
        "before. Only a change that rewrote one record, and the last change to that record."
    )
    async def undo_change(self, info: Info, entry: strawberry.ID) -> strawberry.ID:
        who = await authorize(info)
        entry_id = pk_of(entry, "AuditEntry")
        async with info.context.database.transaction() as connection:
            row = await one_row(connection, AUDIT_LOG, entry_id, "audit entry")
            table = UNDOABLE.get(row["action"])
            if table is None or row["before"] is None or row["target_id"] is None:
                raise BadUserInput(f"a change of kind {row['action']!r} cannot be undone here")
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
            target = row["target_id"]
            current = await one_row(connection, table, target, row["target_type"].lower())
            await connection.execute(
                update(table).where(table.c.id == target).values(**_restored(table, row["before"]))
            )
            after = await one_row(connection, table, target, row["target_type"].lower())
            await audit(
                connection,
                who,
                "undo",
                row["target_type"],
                target,
                audited(current, row["target_type"]),
                audited(after, row["target_type"]),
            )
        return entry
