"""What an editor fixed stays fixed when the machine extracts again.

A new version of an article (``archive import --update``) is extracted anew, but the records
an editor curated in it are kept, once, and what an editor deleted as wrong is not brought
back (``rejections``). Affiliations an editor set hold for the actor, whatever article states
them: the machine adds none that repeats one (same actor, organisation and role).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import Connection, delete, select, update

from archive.records import Extraction
from archive.tables import ACTOR_ALIASES, AFFILIATIONS, EVENTS, QUOTES, REJECTIONS, chunks

AffiliationKey = tuple[int, int | None, str]
"""An affiliation as the machine may repeat it: actor, organisation, role casefolded."""


def words(text: str) -> str:
    """``text`` with its spacing folded: the same words, wherever a line broke them."""
    return " ".join(text.split())


def after_curated(
    connection: Connection, article_id: int, body: str, extraction: Extraction
) -> Extraction:
    """What a new version ``body`` of an article adds to the records an editor curated in it:
    each curated quote and event follows its words to their place in the new body (no place
    when they are gone), and the extraction's own copy of a curated one, or of one an editor
    deleted, is left out, so that a fix is neither overwritten, doubled nor undone."""
    curated: dict[str, set[str]] = {}
    for table, column, kind in ((QUOTES, "text", "quote"), (EVENTS, "evidence", "event")):
        rows = connection.execute(
            select(table.c.id, table.c[column]).where(
                table.c.article_id == article_id, table.c.origin == "curated"
            )
        ).all()
        curated[kind] = {words(text) for _, text in rows if text}
        for pk, text in rows:
            start = body.find(text) if text else -1
            span = (start, start + len(text)) if start >= 0 else (None, None)
            connection.execute(
                update(table).where(table.c.id == pk).values(start_char=span[0], end_char=span[1])
            )
    rejected = connection.execute(
        select(REJECTIONS.c.kind, REJECTIONS.c.words).where(
            REJECTIONS.c.article_id == article_id, REJECTIONS.c.kind != "affiliation"
        )
    ).all()
    for kind, text in rejected:
        curated[kind].add(text)
    return replace(
        extraction,
        quotes=[q for q in extraction.quotes if words(q.text) not in curated["quote"]],
        events=[e for e in extraction.events if words(e.evidence or "") not in curated["event"]],
    )


def drop_rejected_affiliations(connection: Connection, article_id: int) -> None:
    """Delete the extracted affiliations of an article that an editor deleted from it before
    (``rejections`` keeps them by names, which find the actors after a merge too)."""
    rejected = connection.execute(
        select(REJECTIONS.c.words).where(
            REJECTIONS.c.article_id == article_id, REJECTIONS.c.kind == "affiliation"
        )
    ).scalars()
    for text in rejected:
        actor, organization, role = text.split("\t")
        actor_id = _owner(connection, actor)
        organization_id = _owner(connection, organization) if organization else None
        if actor_id is None or (organization and organization_id is None):
            continue
        connection.execute(
            delete(AFFILIATIONS).where(
                AFFILIATIONS.c.article_id == article_id,
                AFFILIATIONS.c.origin == "extracted",
                AFFILIATIONS.c.actor_id == actor_id,
                AFFILIATIONS.c.organization_id.is_not_distinct_from(organization_id),
                AFFILIATIONS.c.role.is_not_distinct_from(role or None),
            )
        )


def _owner(connection: Connection, normalized: str) -> int | None:
    found = connection.execute(
        select(ACTOR_ALIASES.c.actor_id).where(ACTOR_ALIASES.c.normalized == normalized)
    ).scalar()
    return None if found is None else int(found)


def curated_affiliations(connection: Connection, actor_ids: Iterable[int]) -> set[AffiliationKey]:
    """The affiliations editors set for ``actor_ids``, as ``affiliation_key`` makes them."""
    found: set[AffiliationKey] = set()
    for part in chunks(sorted(set(actor_ids))):
        rows = connection.execute(
            select(
                AFFILIATIONS.c.actor_id, AFFILIATIONS.c.organization_id, AFFILIATIONS.c.role
            ).where(AFFILIATIONS.c.origin == "curated", AFFILIATIONS.c.actor_id.in_(part))
        ).all()
        found.update(affiliation_key(*row) for row in rows)
    return found


def affiliation_key(actor_id: int, organization_id: int | None, role: str | None) -> AffiliationKey:
    return (actor_id, organization_id, (role or "").casefold())
