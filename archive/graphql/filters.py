"""Typed filters, composable with ``and`` / ``or`` / ``not``, compiled to SQL conditions.

Each ``…Filter`` input holds conditions that must all hold; ``and`` adds filters that must all
hold too, ``or`` filters of which one must, ``not`` a filter that must not. Conditions on a
related record (a quote's speaker, an article's source, an event's place) are themselves
filters of that record's type, compiled to ``IN (SELECT …)`` / ``EXISTS`` subqueries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import and_, exists, false, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from archive.graphql.errors import BadUserInput
from archive.graphql.ids import pk_of
from archive.names import normalize_name
from archive.tables import (
    ACTOR_ALIASES,
    ACTORS,
    AFFILIATIONS,
    ARTICLES,
    EVENTS,
    MENTIONS,
    PARTICIPANTS,
    PLACE_ALIASES,
    PLACES,
    QUOTES,
    SOURCES,
)
from archive.vocab import ACTOR_KINDS, DATE_PRECISIONS, EVENT_KINDS, ORIGINS, PARTICIPANT_ROLES

MAX_IN = 1000

ActorKind = strawberry.enum(  # type: ignore[call-overload]
    Enum("ActorKind", {k.upper(): k for k in ACTOR_KINDS}),
    description="What an actor is: person, organization, state, armed group, community (group), media outlet, other.",
)
EventKind = strawberry.enum(  # type: ignore[call-overload]
    Enum("EventKind", {k.upper(): k for k in EVENT_KINDS}),
    description="The archive's event vocabulary; each kind maps to one ACLED event type and sub-type "
    "(see `Event.acledEventType`). "
    + " ".join(f"{k.upper()}: {v.description}" for k, v in EVENT_KINDS.items()),
)
DatePrecision = strawberry.enum(  # type: ignore[call-overload]
    Enum("DatePrecision", {k.upper(): k for k in DATE_PRECISIONS}),
    description="How much of a date is known: MONTH means only the year and month are meaningful.",
)
Origin = strawberry.enum(  # type: ignore[call-overload]
    Enum("Origin", {k.upper(): k for k in ORIGINS}),
    description="How a record was obtained: EXTRACTED by the pipeline, IMPORTED as given, CURATED by a person.",
)
ParticipantRole = strawberry.enum(  # type: ignore[call-overload]
    Enum("ParticipantRole", {k.upper(): k for k in PARTICIPANT_ROLES}),
    description="ACLED's roles: ACTOR1 acts, ACTOR2 is acted upon, ASSOCIATED takes part alongside.",
)


def _values(values: list[Any] | None, what: str) -> list[Any]:
    if values is not None and len(values) > MAX_IN:
        raise BadUserInput(f"{what}: `in` takes at most {MAX_IN} values, not {len(values)}")
    return values or []


MAX_CONTAINS = 1000  # far below SQLite's longest LIKE pattern (50,000 bytes)


def _like(text: str) -> str:
    if len(text) > MAX_CONTAINS:
        raise BadUserInput(f"`contains` takes at most {MAX_CONTAINS} characters, not {len(text)}")
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@strawberry.input(description="Conditions on a text; all given must hold.")
class StringFilter:
    eq: str | None = strawberry.field(default=None, description="Exactly this text.")
    in_: list[str] | None = strawberry.field(
        default=None, name="in", description="One of these texts."
    )
    contains: str | None = strawberry.field(
        default=None,
        description="Contains this text, ignoring case (no wildcards: `%` is a percent sign).",
    )

    def compile(self, column: Any) -> list[ColumnElement[bool]]:
        conditions = []
        if self.eq is not None:
            conditions.append(column == self.eq)
        if self.in_ is not None:
            conditions.append(column.in_(_values(self.in_, "StringFilter")))
        if self.contains is not None:
            conditions.append(column.ilike(_like(self.contains), escape="\\"))
        return conditions


@strawberry.input(description="Conditions on an ID; all given must hold.")
class IDFilter:
    eq: strawberry.ID | None = strawberry.field(default=None, description="This record.")
    in_: list[strawberry.ID] | None = strawberry.field(
        default=None, name="in", description="One of these records."
    )

    def compile(self, column: Any, type_name: str) -> list[ColumnElement[bool]]:
        conditions = []
        if self.eq is not None:
            conditions.append(column == pk_of(self.eq, type_name))
        if self.in_ is not None:
            conditions.append(
                column.in_([pk_of(v, type_name) for v in _values(self.in_, "IDFilter")])
            )
        return conditions


def _bounds(column: Any, eq: Any, gte: Any, lte: Any) -> list[ColumnElement[bool]]:
    conditions = []
    if eq is not None:
        conditions.append(column == eq)
    if gte is not None:
        conditions.append(column >= gte)
    if lte is not None:
        conditions.append(column <= lte)
    return conditions


@strawberry.input(description="Conditions on a number; all given must hold.")
class FloatFilter:
    eq: float | None = strawberry.field(default=None, description="Equal to.")
    gte: float | None = strawberry.field(default=None, description="At least.")
    lte: float | None = strawberry.field(default=None, description="At most.")

    def compile(self, column: Any) -> list[ColumnElement[bool]]:
        return _bounds(column, self.eq, self.gte, self.lte)


@strawberry.input(description="Conditions on a whole number; all given must hold.")
class IntFilter:
    eq: int | None = strawberry.field(default=None, description="Equal to.")
    gte: int | None = strawberry.field(default=None, description="At least.")
    lte: int | None = strawberry.field(default=None, description="At most.")
    is_null: bool | None = strawberry.field(
        default=None, description="Unknown (true) or known (false)."
    )

    def compile(self, column: Any) -> list[ColumnElement[bool]]:
        conditions = _bounds(column, self.eq, self.gte, self.lte)
        if self.is_null is not None:
            conditions.append(column.is_(None) if self.is_null else column.is_not(None))
        return conditions


@strawberry.input(description="A range of dates, bounds included; either bound may be left out.")
class DateRange:
    from_: date | None = strawberry.field(
        default=None, name="from", description="On or after this day."
    )
    to: date | None = strawberry.field(default=None, description="On or before this day.")

    def compile(self, column: Any, *, timestamps: bool) -> list[ColumnElement[bool]]:
        if self.from_ and self.to and self.from_ > self.to:
            raise BadUserInput(f"the date range starts ({self.from_}) after it ends ({self.to})")
        conditions = []
        if self.from_ is not None:
            low: date | datetime = (
                datetime.combine(self.from_, datetime.min.time()) if timestamps else self.from_
            )
            conditions.append(column >= low)
        if self.to is not None:
            if timestamps:
                conditions.append(column < datetime.combine(self.to, datetime.max.time()))
            else:
                conditions.append(column <= self.to)
        return conditions


def _combine(
    value: Any,
    own: Callable[[Any], list[ColumnElement[bool]]],
    compile_: Callable[[Any], ColumnElement[bool]],
) -> ColumnElement[bool]:
    conditions = own(value)
    for item in value.and_ or []:
        conditions.append(compile_(item))
    if value.or_ is not None:
        conditions.append(or_(*(compile_(item) for item in value.or_)) if value.or_ else false())
    if value.not_ is not None:
        conditions.append(not_(compile_(value.not_)))
    return and_(true(), *conditions)


# ---------------------------------------------------------------------------- sources


@strawberry.input(description="Conditions on an outlet.")
class SourceFilter:
    and_: list[SourceFilter] | None = strawberry.field(
        default=None, name="and", description="All of these hold too."
    )
    or_: list[SourceFilter] | None = strawberry.field(
        default=None, name="or", description="One of these holds."
    )
    not_: SourceFilter | None = strawberry.field(
        default=None, name="not", description="This does not hold."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The outlet itself.")
    name: StringFilter | None = strawberry.field(default=None, description="Its name.")
    domain: StringFilter | None = strawberry.field(default=None, description="Its web domain.")


def source_condition(f: SourceFilter) -> ColumnElement[bool]:
    def own(v: SourceFilter) -> list[ColumnElement[bool]]:
        out = []
        if v.id:
            out += v.id.compile(SOURCES.c.id, "Source")
        if v.name:
            out += v.name.compile(SOURCES.c.name)
        if v.domain:
            out += v.domain.compile(SOURCES.c.domain)
        return out

    return _combine(f, own, source_condition)


# ---------------------------------------------------------------------------- places


@strawberry.input(description="Conditions on a place.")
class PlaceFilter:
    and_: list[PlaceFilter] | None = strawberry.field(
        default=None, name="and", description="All of these hold too."
    )
    or_: list[PlaceFilter] | None = strawberry.field(
        default=None, name="or", description="One of these holds."
    )
    not_: PlaceFilter | None = strawberry.field(
        default=None, name="not", description="This does not hold."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The place itself.")
    name: StringFilter | None = strawberry.field(
        default=None,
        description='Its name; `eq` also matches any spelling of it ("Sweida" finds Suwayda).',
    )
    country: StringFilter | None = strawberry.field(
        default=None, description="ISO 3166 alpha-2 country code."
    )
    kind: StringFilter | None = strawberry.field(
        default=None, description="city, country, region, …"
    )


def place_condition(f: PlaceFilter) -> ColumnElement[bool]:
    def own(v: PlaceFilter) -> list[ColumnElement[bool]]:
        out = []
        if v.id:
            out += v.id.compile(PLACES.c.id, "Place")
        if v.name:
            out += _named(v.name, PLACES.c.name, PLACES.c.id, PLACE_ALIASES, "place_id")
        if v.country:
            out += v.country.compile(PLACES.c.country_code)
        if v.kind:
            out += v.kind.compile(PLACES.c.kind)
        return out

    return _combine(f, own, place_condition)


def _named(
    f: StringFilter, name: Any, pk: Any, aliases: Any, parent: str
) -> list[ColumnElement[bool]]:
    """Name conditions where ``eq`` / ``in`` match any spelling through the alias table."""
    out = []
    spellings = ([f.eq] if f.eq is not None else []) + _values(f.in_, "name")
    if f.eq is not None or f.in_ is not None:
        keys = [normalize_name(s) for s in spellings]
        out.append(pk.in_(select(aliases.c[parent]).where(aliases.c.normalized.in_(keys))))
    if f.contains is not None:
        out.append(
            or_(
                name.ilike(_like(f.contains), escape="\\"),
                pk.in_(
                    select(aliases.c[parent]).where(
                        aliases.c.alias.ilike(_like(f.contains), escape="\\")
                    )
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------- actors


@strawberry.input(description="Conditions on an actor.")
class ActorFilter:
    and_: list[ActorFilter] | None = strawberry.field(
        default=None, name="and", description="All of these hold too."
    )
    or_: list[ActorFilter] | None = strawberry.field(
        default=None, name="or", description="One of these holds."
    )
    not_: ActorFilter | None = strawberry.field(
        default=None, name="not", description="This does not hold."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The actor itself.")
    name: StringFilter | None = strawberry.field(
        default=None,
        description='Its name; `eq`/`in` match any spelling ("al-Qaida" finds al-Qaeda).',
    )
    kind: list[ActorKind] | None = strawberry.field(default=None, description="One of these kinds.")
    affiliated_with: ActorFilter | None = strawberry.field(
        default=None,
        description="Has an affiliation (any role) with an organisation matching this filter.",
    )
    role: StringFilter | None = strawberry.field(
        default=None, description="Has an affiliation with this role."
    )


def actor_condition(f: ActorFilter) -> ColumnElement[bool]:
    def own(v: ActorFilter) -> list[ColumnElement[bool]]:
        out = []
        if v.id:
            out += v.id.compile(ACTORS.c.id, "Actor")
        if v.name:
            out += _named(v.name, ACTORS.c.name, ACTORS.c.id, ACTOR_ALIASES, "actor_id")
        if v.kind is not None:
            out.append(ACTORS.c.kind.in_([k.value for k in v.kind]))
        if v.affiliated_with is not None or v.role is not None:
            link = [AFFILIATIONS.c.actor_id == ACTORS.c.id]
            if v.affiliated_with is not None:
                inner = actor_condition(v.affiliated_with)
                link.append(
                    AFFILIATIONS.c.organization_id.in_(
                        select(ACTORS.c.id).where(inner).scalar_subquery()
                    )
                )
            if v.role is not None:
                link += v.role.compile(AFFILIATIONS.c.role)
            out.append(exists(select(AFFILIATIONS.c.id).where(*link).correlate(ACTORS)))
        return out

    return _combine(f, own, actor_condition)


def actor_ids(f: ActorFilter) -> Any:
    return select(ACTORS.c.id).where(actor_condition(f))


# ---------------------------------------------------------------------------- articles


@strawberry.input(description="Conditions on an article.")
class ArticleFilter:
    and_: list[ArticleFilter] | None = strawberry.field(
        default=None, name="and", description="All of these hold too."
    )
    or_: list[ArticleFilter] | None = strawberry.field(
        default=None, name="or", description="One of these holds."
    )
    not_: ArticleFilter | None = strawberry.field(
        default=None, name="not", description="This does not hold."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The article itself.")
    url: StringFilter | None = strawberry.field(default=None, description="Its URL.")
    title: StringFilter | None = strawberry.field(default=None, description="Its title.")
    published: DateRange | None = strawberry.field(
        default=None, description="Published in this range."
    )
    language: StringFilter | None = strawberry.field(default=None, description="Its language code.")
    source: SourceFilter | None = strawberry.field(
        default=None, description="From an outlet matching this."
    )
    mentions_actor: ActorFilter | None = strawberry.field(
        default=None, description="Names an actor matching this."
    )
    mentions_place: PlaceFilter | None = strawberry.field(
        default=None, description="Names a place matching this."
    )


def article_condition(f: ArticleFilter) -> ColumnElement[bool]:
    def own(v: ArticleFilter) -> list[ColumnElement[bool]]:
        out = []
        if v.id:
            out += v.id.compile(ARTICLES.c.id, "Article")
        if v.url:
            out += v.url.compile(ARTICLES.c.url)
        if v.title:
            out += v.title.compile(ARTICLES.c.title)
        if v.published:
            out += v.published.compile(ARTICLES.c.published, timestamps=True)
        if v.language:
            out += v.language.compile(ARTICLES.c.language)
        if v.source:
            out.append(
                ARTICLES.c.source_id.in_(select(SOURCES.c.id).where(source_condition(v.source)))
            )
        if v.mentions_actor:
            out.append(
                exists(
                    select(MENTIONS.c.id)
                    .where(
                        MENTIONS.c.article_id == ARTICLES.c.id,
                        MENTIONS.c.actor_id.in_(actor_ids(v.mentions_actor)),
                    )
                    .correlate(ARTICLES)
                )
            )
        if v.mentions_place:
            out.append(
                exists(
                    select(MENTIONS.c.id)
                    .where(
                        MENTIONS.c.article_id == ARTICLES.c.id,
                        MENTIONS.c.place_id.in_(
                            select(PLACES.c.id).where(place_condition(v.mentions_place))
                        ),
                    )
                    .correlate(ARTICLES)
                )
            )
        return out

    return _combine(f, own, article_condition)


def article_ids(f: ArticleFilter) -> Any:
    return select(ARTICLES.c.id).where(article_condition(f))


# ---------------------------------------------------------------------------- quotes


@strawberry.input(description="Conditions on a quote.")
class QuoteFilter:
    and_: list[QuoteFilter] | None = strawberry.field(
        default=None, name="and", description="All of these hold too."
    )
    or_: list[QuoteFilter] | None = strawberry.field(
        default=None, name="or", description="One of these holds."
    )
    not_: QuoteFilter | None = strawberry.field(
        default=None, name="not", description="This does not hold."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The quote itself.")
    text: StringFilter | None = strawberry.field(
        default=None, description="Its words (use `search` for full-text search)."
    )
    direct: bool | None = strawberry.field(
        default=None, description="Direct (true) or reported (false) speech."
    )
    confidence: FloatFilter | None = strawberry.field(
        default=None, description="The attribution's confidence, 0 to 1."
    )
    speaker: ActorFilter | None = strawberry.field(
        default=None, description="Said by an actor matching this."
    )
    has_speaker: bool | None = strawberry.field(
        default=None, description="The speaker is known (true) or not (false)."
    )
    speaker_as_written: StringFilter | None = strawberry.field(
        default=None, description="The speaker as the article names them."
    )
    article: ArticleFilter | None = strawberry.field(
        default=None, description="In an article matching this (its date, source, places named…)."
    )
    origin: list[Origin] | None = strawberry.field(
        default=None, description="Obtained in one of these ways."
    )


def quote_condition(f: QuoteFilter) -> ColumnElement[bool]:
    def own(v: QuoteFilter) -> list[ColumnElement[bool]]:
        out = []
        if v.id:
            out += v.id.compile(QUOTES.c.id, "Quote")
        if v.text:
            out += v.text.compile(QUOTES.c.text)
        if v.direct is not None:
            out.append(QUOTES.c.direct == v.direct)
        if v.confidence:
            out += v.confidence.compile(QUOTES.c.confidence)
        if v.speaker:
            out.append(QUOTES.c.speaker_id.in_(actor_ids(v.speaker)))
        if v.has_speaker is not None:
            out.append(
                QUOTES.c.speaker_id.is_not(None) if v.has_speaker else QUOTES.c.speaker_id.is_(None)
            )
        if v.speaker_as_written:
            out += v.speaker_as_written.compile(QUOTES.c.speaker_as_written)
        if v.article:
            out.append(QUOTES.c.article_id.in_(article_ids(v.article)))
        if v.origin is not None:
            out.append(QUOTES.c.origin.in_([o.value for o in v.origin]))
        return out

    return _combine(f, own, quote_condition)


# ---------------------------------------------------------------------------- events


@strawberry.input(description="Conditions on an event.")
class EventFilter:
    and_: list[EventFilter] | None = strawberry.field(
        default=None, name="and", description="All of these hold too."
    )
    or_: list[EventFilter] | None = strawberry.field(
        default=None, name="or", description="One of these holds."
    )
    not_: EventFilter | None = strawberry.field(
        default=None, name="not", description="This does not hold."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The event itself.")
    kind: list[EventKind] | None = strawberry.field(default=None, description="One of these kinds.")
    date: DateRange | None = strawberry.field(default=None, description="Happened in this range.")
    place: PlaceFilter | None = strawberry.field(
        default=None, description="Happened at a place matching this."
    )
    participant: ActorFilter | None = strawberry.field(
        default=None, description="An actor matching this took part."
    )
    participant_role: list[ParticipantRole] | None = strawberry.field(
        default=None, description="With `participant`: in one of these roles."
    )
    fatalities: IntFilter | None = strawberry.field(default=None, description="People killed.")
    article: ArticleFilter | None = strawberry.field(
        default=None, description="Reported by an article matching this."
    )


def event_condition(f: EventFilter) -> ColumnElement[bool]:
    def own(v: EventFilter) -> list[ColumnElement[bool]]:
        out = []
        if v.id:
            out += v.id.compile(EVENTS.c.id, "Event")
        if v.kind is not None:
            out.append(EVENTS.c.kind.in_([k.value for k in v.kind]))
        if v.date:
            out += v.date.compile(EVENTS.c.date, timestamps=False)
        if v.place:
            out.append(EVENTS.c.place_id.in_(select(PLACES.c.id).where(place_condition(v.place))))
        if v.participant or v.participant_role:
            link = [PARTICIPANTS.c.event_id == EVENTS.c.id]
            if v.participant:
                link.append(PARTICIPANTS.c.actor_id.in_(actor_ids(v.participant)))
            if v.participant_role:
                link.append(PARTICIPANTS.c.role.in_([r.value for r in v.participant_role]))
            # correlated with the event only: a facet that joins the participants itself
            # (events per actor) must not take this subquery's table as its own
            out.append(exists(select(PARTICIPANTS.c.actor_id).where(*link).correlate(EVENTS)))
        if v.fatalities:
            out += v.fatalities.compile(EVENTS.c.fatalities)
        if v.article:
            out.append(EVENTS.c.article_id.in_(article_ids(v.article)))
        return out

    return _combine(f, own, event_condition)


# ---------------------------------------------------------------------------- orders


@strawberry.enum(description="Orders of quotes.")
class QuoteOrder(Enum):
    NEWEST = "newest"
    OLDEST = "oldest"
    RELEVANCE = "relevance"


@strawberry.enum(description="Orders of articles.")
class ArticleOrder(Enum):
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    RELEVANCE = "relevance"


@strawberry.enum(description="Orders of events.")
class EventOrder(Enum):
    NEWEST = "newest"
    OLDEST = "oldest"
