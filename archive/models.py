"""The archive's tables, as SQLAlchemy 2.x declarative models.

Everything extracted from an article points back to it (``article_id``) and says how it was
obtained (``origin``), so that any record can be traced to its evidence and re-extracted.
Character offsets (``start_char``/``end_char``) index ``Article.body`` as Python strings do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from archive.vocab import (
    ACTOR_KINDS,
    DATE_PRECISIONS,
    EVENT_KINDS,
    MENTION_KINDS,
    ORIGINS,
    PARTICIPANT_ROLES,
    TOKEN_ROLES,
)

EARLIEST = datetime(1, 1, 1)
"""Where an unknown publication time sorts: before every known one."""

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _choice(values: tuple[str, ...] | list[str], name: str) -> Enum:
    """A string column limited to ``values`` by a CHECK constraint, the same on every backend."""
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Source(Base):
    """An outlet: a newspaper, an agency, a website."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One news article as imported; ``content_hash`` identifies its normalized text."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    published_precision: Mapped[str | None] = mapped_column(
        _choice(DATE_PRECISIONS, "date_precision")
    )
    language: Mapped[str | None] = mapped_column(String(16))
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    source: Mapped[Source | None] = relationship(back_populates="articles")
    quotes: Mapped[list[Quote]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )
    mentions: Mapped[list[Mention]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )


class Actor(Base):
    """A person, organisation, state, armed group, community or outlet: one row per real entity."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(_choice(ACTOR_KINDS, "actor_kind"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    wikidata_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    external_ids: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", passive_deletes=True
    )
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="actor",
        foreign_keys="Affiliation.actor_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ActorAlias(Base):
    """A spelling of an actor's name; ``normalized`` (see :func:`archive.names.normalize_name`)
    is unique across the archive, so one spelling always resolves to one actor."""

    __tablename__ = "actor_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300), unique=True)

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Affiliation(Base):
    """An actor's role in an organisation, over a period, as stated by an article."""

    __tablename__ = "affiliations"
    __table_args__ = (
        UniqueConstraint(
            "actor_id", "organization_id", "role", "article_id", name="uq_affiliation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    origin: Mapped[str] = mapped_column(_choice(ORIGINS, "origin"), default="extracted")

    actor: Mapped[Actor] = relationship(back_populates="affiliations", foreign_keys=[actor_id])
    organization: Mapped[Actor | None] = relationship(foreign_keys=[organization_id])


class Place(Base):
    """A geocoded place; ``geonames_id`` links it to the gazetteer it came from."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    country_code: Mapped[str | None] = mapped_column(String(2), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    geonames_id: Mapped[int | None] = mapped_column(Integer, unique=True)

    aliases: Mapped[list[PlaceAlias]] = relationship(
        back_populates="place", cascade="all, delete-orphan", passive_deletes=True
    )


class PlaceAlias(Base):
    """A spelling of a place name, unique by normal form like :class:`ActorAlias`."""

    __tablename__ = "place_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300), unique=True)

    place: Mapped[Place] = relationship(back_populates="aliases")


class Quote(Base):
    """Words attributed to a speaker: direct (between quote marks) or reported."""

    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint("start_char IS NULL OR end_char >= start_char", name="offsets"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        Index("ix_quotes_article_start", "article_id", "start_char"),
        Index("ix_quotes_published", "published", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    published: Mapped[datetime] = mapped_column(
        DateTime, server_default=literal_column(f"'{EARLIEST:%Y-%m-%d %H:%M:%S}'")
    )
    """The article's publication time, or the earliest time when unknown: a copy, so that the
    newest quotes are read off an index instead of sorting every quote by its article's."""
    source_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """The article's outlet (``sources.id``): a copy, so that the quotes of a search are
    counted per outlet from their own rows instead of a look-up of each one's article. Like
    ``published``, it follows the article, which holds the foreign key."""
    text: Mapped[str] = mapped_column(Text)
    start_char: Mapped[int | None] = mapped_column(Integer)
    end_char: Mapped[int | None] = mapped_column(Integer)
    direct: Mapped[bool] = mapped_column(Boolean)
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="SET NULL"), index=True
    )
    speaker_as_written: Mapped[str | None] = mapped_column(String(300))
    cue: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    origin: Mapped[str] = mapped_column(_choice(ORIGINS, "origin"), default="extracted")

    article: Mapped[Article] = relationship(back_populates="quotes")
    speaker: Mapped[Actor | None] = relationship()


class Event(Base):
    """Who did what to whom, where and when, with the sentence that says so."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("fatalities IS NULL OR fatalities >= 0", name="fatalities"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(_choice(list(EVENT_KINDS), "event_kind"), index=True)
    sub_kind: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[date | None] = mapped_column(Date, index=True)
    date_precision: Mapped[str | None] = mapped_column(_choice(DATE_PRECISIONS, "date_precision"))
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    fatalities: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)
    start_char: Mapped[int | None] = mapped_column(Integer)
    end_char: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    origin: Mapped[str] = mapped_column(_choice(ORIGINS, "origin"), default="extracted")

    article: Mapped[Article] = relationship(back_populates="events")
    place: Mapped[Place | None] = relationship()
    participants: Mapped[list[EventParticipant]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )


class EventParticipant(Base):
    """An actor's part in an event (ACLED's actor1 / actor2 / associated actor)."""

    __tablename__ = "event_participants"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(_choice(PARTICIPANT_ROLES, "participant_role"))

    event: Mapped[Event] = relationship(back_populates="participants")
    actor: Mapped[Actor] = relationship()


class Mention(Base):
    """Where an actor or a place is named in an article; no offsets when an imported record
    lists the actor or place without saying where."""

    __tablename__ = "mentions"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'actor' AND actor_id IS NOT NULL AND place_id IS NULL)"
            " OR (kind = 'place' AND place_id IS NOT NULL AND actor_id IS NULL)",
            name="target",
        ),
        Index("ix_mentions_article_start", "article_id", "start_char"),
        # With the article: the articles naming an actor or a place, and the facets that
        # count them, read the index alone.
        Index("ix_mentions_actor_article", "actor_id", "article_id"),
        Index("ix_mentions_place_article", "place_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(_choice(MENTION_KINDS, "mention_kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    start_char: Mapped[int | None] = mapped_column(Integer)
    end_char: Mapped[int | None] = mapped_column(Integer)

    article: Mapped[Article] = relationship(back_populates="mentions")
    actor: Mapped[Actor | None] = relationship()
    place: Mapped[Place | None] = relationship()


class ApiToken(Base):
    """A bearer token for the API's mutations; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(_choice(TOKEN_ROLES, "token_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    """scrypt of a password its holder signs in on the pages with (``archive user password``)."""


REJECTION_KINDS = ("quote", "event", "affiliation")


class Rejection(Base):
    """A quote, an event or an affiliation an editor deleted as wrong: its words, so that
    extracting the article again (``archive import --update`` of a new version) does not bring
    it back."""

    __tablename__ = "rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(_choice(REJECTION_KINDS, "rejection_kind"))
    words: Mapped[str] = mapped_column(Text)
    """The quote's text or the event's evidence, its spacing folded; for an affiliation, the
    normalized names of the actor and the organisation and the role, tab-separated."""
    who: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)


class WebSession(Base):
    """An editor signed in on the pages with a token: the cookie's secret (only its SHA-256 is
    stored), the form token that every change must carry (CSRF), and when it ends. It ends
    with its token, too: a revoked token signs out every page it signed in."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class SignInFailure(Base):
    """A failed sign-in on the pages, by client address: every server process counts the
    same failures, so that several workers brake guessing as one."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One change made through the API: who (the token's name), when, and the record before
    and after, as JSON."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    who: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
