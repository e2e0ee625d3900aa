"""The archive's tables as SQLAlchemy ``Table`` handles, for the statements that the read and
write layers build (their definitions are the ORM classes of :mod:`archive.models`), and the
helpers every statement over them shares."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table

from archive.models import (
    Actor,
    ActorAlias,
    Affiliation,
    ApiToken,
    Article,
    AuditEntry,
    Event,
    EventParticipant,
    Mention,
    Place,
    PlaceAlias,
    Quote,
    Rejection,
    SignInFailure,
    Source,
    WebSession,
)

IN_CHUNK = 2000
"""Values per ``IN (…)`` list: far below SQLite's and PostgreSQL's parameter limits."""

ACTORS: Table = Actor.__table__  # type: ignore[assignment]
ACTOR_ALIASES: Table = ActorAlias.__table__  # type: ignore[assignment]
AFFILIATIONS: Table = Affiliation.__table__  # type: ignore[assignment]
ARTICLES: Table = Article.__table__  # type: ignore[assignment]
EVENTS: Table = Event.__table__  # type: ignore[assignment]
PARTICIPANTS: Table = EventParticipant.__table__  # type: ignore[assignment]
MENTIONS: Table = Mention.__table__  # type: ignore[assignment]
PLACES: Table = Place.__table__  # type: ignore[assignment]
PLACE_ALIASES: Table = PlaceAlias.__table__  # type: ignore[assignment]
QUOTES: Table = Quote.__table__  # type: ignore[assignment]
SOURCES: Table = Source.__table__  # type: ignore[assignment]
API_TOKENS: Table = ApiToken.__table__  # type: ignore[assignment]
AUDIT_LOG: Table = AuditEntry.__table__  # type: ignore[assignment]
WEB_SESSIONS: Table = WebSession.__table__  # type: ignore[assignment]
REJECTIONS: Table = Rejection.__table__  # type: ignore[assignment]
SIGN_IN_FAILURES: Table = SignInFailure.__table__  # type: ignore[assignment]

ARTICLE_CHILDREN = (QUOTES, EVENTS, MENTIONS, AFFILIATIONS)


def utcnow() -> datetime:
    """Now, in UTC without a zone: how the archive's timestamp columns store time."""
    return datetime.now(UTC).replace(tzinfo=None)


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    """``values`` in slices short enough for one ``IN (…)`` list."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
