"""Conditions on the archive's records, composable with ``and`` / ``or`` / ``not``, compiled to
SQL conditions.

Each ``…Where`` holds conditions that must all hold; ``and_`` adds conditions that must all
hold too, ``or_`` conditions of which one must, ``not_`` one that must not. A condition on a
related record (a quote's speaker, an article's outlet, an event's place) is itself a
``…Where`` of that record, compiled to an ``IN (SELECT …)`` or ``EXISTS`` subquery.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import and_, exists, false, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from archive.names import normalize_name
from archive.queries.areas import AreaError, Box, Circle
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

MAX_IN = 1000
MAX_CONTAINS = 1000  # far below SQLite's longest LIKE pattern (50,000 bytes)

Conditions = list[ColumnElement[bool]]


class QueryError(ValueError):
    """A condition that cannot be asked: too many values, too long a text, a range that ends
    before it starts. The message says which."""


def _values(values: Sequence[Any] | None, what: str) -> list[Any]:
    if values is not None and len(values) > MAX_IN:
        raise QueryError(f"{what}: `in` takes at most {MAX_IN} values, not {len(values)}")
    return list(values or [])


def _like(text: str) -> str:
    if len(text) > MAX_CONTAINS:
        raise QueryError(f"`contains` takes at most {MAX_CONTAINS} characters, not {len(text)}")
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Text:
    """A text equal to ``eq``, one of ``in_``, containing ``contains`` (ignoring case; no
    wildcards): all given must hold."""

    eq: str | None = None
    in_: Sequence[str] | None = None
    contains: str | None = None

    def compile(self, column: Any) -> Conditions:
        conditions = []
        if self.eq is not None:
            conditions.append(column == self.eq)
        if self.in_ is not None:
            conditions.append(column.in_(_values(self.in_, "a text condition")))
        if self.contains is not None:
            conditions.append(column.ilike(_like(self.contains), escape="\\"))
        return conditions


@dataclass(frozen=True)
class Ids:
    """A record with primary key ``eq``, or one of ``in_``."""

    eq: int | None = None
    in_: Sequence[int] | None = None

    def compile(self, column: Any) -> Conditions:
        conditions = []
        if self.eq is not None:
            conditions.append(column == self.eq)
        if self.in_ is not None:
            conditions.append(column.in_(_values(self.in_, "an ID condition")))
        return conditions


@dataclass(frozen=True)
class Numbers:
    """A number equal to ``eq``, at least ``gte``, at most ``lte``, over ``gt``, under ``lt``;
    unknown (``is_null``) or known: all given must hold."""

    eq: float | None = None
    gte: float | None = None
    lte: float | None = None
    is_null: bool | None = None
    gt: float | None = None
    lt: float | None = None

    def compile(self, column: Any) -> Conditions:
        conditions = []
        if self.eq is not None:
            conditions.append(column == self.eq)
        if self.gte is not None:
            conditions.append(column >= self.gte)
        if self.lte is not None:
            conditions.append(column <= self.lte)
        if self.gt is not None:
            conditions.append(column > self.gt)
        if self.lt is not None:
            conditions.append(column < self.lt)
        if self.is_null is not None:
            conditions.append(column.is_(None) if self.is_null else column.is_not(None))
        return conditions


@dataclass(frozen=True)
class Days:
    """Days from ``from_`` to ``to``, both included; either may be left out."""

    from_: date | None = None
    to: date | None = None

    def compile(self, column: Any, *, timestamps: bool) -> Conditions:
        """Conditions on ``column``, a date-time column when ``timestamps``, else a date."""
        if self.from_ and self.to and self.from_ > self.to:
            raise QueryError(f"the date range starts ({self.from_}) after it ends ({self.to})")
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


W = TypeVar("W", bound="Combined")


@dataclass(frozen=True)
class Combined:
    """What every ``…Where`` has: conditions combined with its own."""

    and_: Sequence[Any] = ()
    or_: Sequence[Any] | None = None
    not_: Any = None


def _combine(
    where: W, own: Callable[[W], Conditions], compile_: Callable[[W], ColumnElement[bool]]
) -> ColumnElement[bool]:
    conditions = own(where)
    for item in where.and_:
        conditions.append(compile_(item))
    if where.or_ is not None:
        conditions.append(or_(*(compile_(item) for item in where.or_)) if where.or_ else false())
    if where.not_ is not None:
        conditions.append(not_(compile_(where.not_)))
    return and_(true(), *conditions)


def _named(where: Text, name: Any, pk: Any, aliases: Any, parent: str) -> Conditions:
    """Name conditions that match any spelling through the alias table: ``eq`` / ``in_`` by
    its comparison key, ``contains`` as written or folded."""
    out = []
    spellings = ([where.eq] if where.eq is not None else []) + _values(where.in_, "name")
    if where.eq is not None or where.in_ is not None:
        keys = [normalize_name(s) for s in spellings]
        out.append(pk.in_(select(aliases.c[parent]).where(aliases.c.normalized.in_(keys))))
    if where.contains is not None:
        # Any spelling, compared folded (case, accents, punctuation) as the search compares
        # words: "Mazon" finds "Carlos Mazón".
        folded = normalize_name(where.contains)
        spelled = aliases.c.alias.ilike(_like(where.contains), escape="\\")
        if folded:
            spelled = or_(spelled, aliases.c.normalized.like(_like(folded), escape="\\"))
        by_spelling = pk.in_(select(aliases.c[parent]).where(spelled))
        out.append(or_(name.ilike(_like(where.contains), escape="\\"), by_spelling))
    return out


# ---------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class SourceWhere(Combined):
    id: Ids | None = None
    name: Text | None = None
    domain: Text | None = None


def source_condition(where: SourceWhere) -> ColumnElement[bool]:
    def own(w: SourceWhere) -> Conditions:
        out = []
        if w.id:
            out += w.id.compile(SOURCES.c.id)
        if w.name:
            out += w.name.compile(SOURCES.c.name)
        if w.domain:
            out += w.domain.compile(SOURCES.c.domain)
        return out

    return _combine(where, own, source_condition)


# ---------------------------------------------------------------------------- places


@dataclass(frozen=True)
class PlaceWhere(Combined):
    id: Ids | None = None
    name: Text | None = None
    """``eq`` / ``in_`` also match any spelling ("Sweida" finds Suwayda)."""
    country: Text | None = None
    kind: Text | None = None
    within: Box | Circle | None = None
    """Places with coordinates inside this area."""


def place_condition(where: PlaceWhere) -> ColumnElement[bool]:
    def own(w: PlaceWhere) -> Conditions:
        out = []
        if w.id:
            out += w.id.compile(PLACES.c.id)
        if w.name:
            out += _named(w.name, PLACES.c.name, PLACES.c.id, PLACE_ALIASES, "place_id")
        if w.country:
            out += w.country.compile(PLACES.c.country_code)
        if w.kind:
            out += w.kind.compile(PLACES.c.kind)
        if w.within:
            try:
                out.append(w.within.condition(PLACES.c.latitude, PLACES.c.longitude))
            except AreaError as error:
                raise QueryError(str(error)) from None
        return out

    return _combine(where, own, place_condition)


def place_ids(where: PlaceWhere) -> Any:
    return select(PLACES.c.id).where(place_condition(where))


# ---------------------------------------------------------------------------- actors


@dataclass(frozen=True)
class ActorWhere(Combined):
    id: Ids | None = None
    name: Text | None = None
    """``eq`` / ``in_`` also match any spelling ("al-Qaida" finds al-Qaeda)."""
    kind: Sequence[str] | None = None
    affiliated_with: ActorWhere | None = None
    """Has an affiliation (any role) with an organisation meeting this."""
    role: Text | None = None
    """Has an affiliation with this role."""


def actor_condition(where: ActorWhere) -> ColumnElement[bool]:
    def own(w: ActorWhere) -> Conditions:
        out = []
        if w.id:
            out += w.id.compile(ACTORS.c.id)
        if w.name:
            out += _named(w.name, ACTORS.c.name, ACTORS.c.id, ACTOR_ALIASES, "actor_id")
        if w.kind is not None:
            out.append(ACTORS.c.kind.in_(list(w.kind)))
        if w.affiliated_with is not None or w.role is not None:
            link = [AFFILIATIONS.c.actor_id == ACTORS.c.id]
            if w.affiliated_with is not None:
                organizations = actor_ids(w.affiliated_with).scalar_subquery()
                link.append(AFFILIATIONS.c.organization_id.in_(organizations))
            if w.role is not None:
                link += w.role.compile(AFFILIATIONS.c.role)
            out.append(exists(select(AFFILIATIONS.c.id).where(*link).correlate(ACTORS)))
        return out

    return _combine(where, own, actor_condition)


def actor_ids(where: ActorWhere) -> Any:
    return select(ACTORS.c.id).where(actor_condition(where))


# ---------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class ArticleWhere(Combined):
    id: Ids | None = None
    url: Text | None = None
    title: Text | None = None
    published: Days | None = None
    language: Text | None = None
    source: SourceWhere | None = None
    mentions_actor: ActorWhere | None = None
    mentions_place: PlaceWhere | None = None


def _mentions(column: Any, ids: Any) -> ColumnElement[bool]:
    """The article names one of ``ids`` in ``column`` of a mention."""
    named = select(MENTIONS.c.id).where(MENTIONS.c.article_id == ARTICLES.c.id, column.in_(ids))
    return exists(named.correlate(ARTICLES))


def article_condition(where: ArticleWhere) -> ColumnElement[bool]:
    def own(w: ArticleWhere) -> Conditions:
        out = []
        if w.id:
            out += w.id.compile(ARTICLES.c.id)
        if w.url:
            out += w.url.compile(ARTICLES.c.url)
        if w.title:
            out += w.title.compile(ARTICLES.c.title)
        if w.published:
            out += w.published.compile(ARTICLES.c.published, timestamps=True)
        if w.language:
            out += w.language.compile(ARTICLES.c.language)
        if w.source:
            outlets = select(SOURCES.c.id).where(source_condition(w.source))
            out.append(ARTICLES.c.source_id.in_(outlets))
        if w.mentions_actor:
            out.append(_mentions(MENTIONS.c.actor_id, actor_ids(w.mentions_actor)))
        if w.mentions_place:
            out.append(_mentions(MENTIONS.c.place_id, place_ids(w.mentions_place)))
        return out

    return _combine(where, own, article_condition)


def article_ids(where: ArticleWhere) -> Any:
    return select(ARTICLES.c.id).where(article_condition(where))


# ---------------------------------------------------------------------------- quotes


@dataclass(frozen=True)
class QuoteWhere(Combined):
    id: Ids | None = None
    text: Text | None = None
    direct: bool | None = None
    confidence: Numbers | None = None
    speaker: ActorWhere | None = None
    has_speaker: bool | None = None
    speaker_as_written: Text | None = None
    article: ArticleWhere | None = None
    origin: Sequence[str] | None = None


def quote_condition(where: QuoteWhere) -> ColumnElement[bool]:
    def own(w: QuoteWhere) -> Conditions:
        out = []
        if w.id:
            out += w.id.compile(QUOTES.c.id)
        if w.text:
            out += w.text.compile(QUOTES.c.text)
        if w.direct is not None:
            out.append(QUOTES.c.direct == w.direct)
        if w.confidence:
            out += w.confidence.compile(QUOTES.c.confidence)
        if w.speaker:
            out.append(QUOTES.c.speaker_id.in_(actor_ids(w.speaker)))
        if w.has_speaker is not None:
            speaker = QUOTES.c.speaker_id
            out.append(speaker.is_not(None) if w.has_speaker else speaker.is_(None))
        if w.speaker_as_written:
            out += w.speaker_as_written.compile(QUOTES.c.speaker_as_written)
        if w.article:
            out.append(QUOTES.c.article_id.in_(article_ids(w.article)))
        if w.origin is not None:
            out.append(QUOTES.c.origin.in_(list(w.origin)))
        return out

    return _combine(where, own, quote_condition)


# ---------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventWhere(Combined):
    id: Ids | None = None
    kind: Sequence[str] | None = None
    date: Days | None = None
    place: PlaceWhere | None = None
    participant: ActorWhere | None = None
    participant_role: Sequence[str] | None = None
    """With ``participant``: in one of these roles."""
    fatalities: Numbers | None = None
    article: ArticleWhere | None = None
    confidence: Numbers | None = None
    origin: Sequence[str] | None = None


def event_condition(where: EventWhere) -> ColumnElement[bool]:
    def own(w: EventWhere) -> Conditions:
        out = []
        if w.id:
            out += w.id.compile(EVENTS.c.id)
        if w.kind is not None:
            out.append(EVENTS.c.kind.in_(list(w.kind)))
        if w.date:
            out += w.date.compile(EVENTS.c.date, timestamps=False)
        if w.place:
            out.append(EVENTS.c.place_id.in_(place_ids(w.place)))
        if w.participant or w.participant_role:
            link = [PARTICIPANTS.c.event_id == EVENTS.c.id]
            if w.participant:
                link.append(PARTICIPANTS.c.actor_id.in_(actor_ids(w.participant)))
            if w.participant_role:
                link.append(PARTICIPANTS.c.role.in_(list(w.participant_role)))
            # correlated with the event only: a facet that joins the participants itself
            # (events per actor) must not take this subquery's table as its own
            out.append(exists(select(PARTICIPANTS.c.actor_id).where(*link).correlate(EVENTS)))
        if w.fatalities:
            out += w.fatalities.compile(EVENTS.c.fatalities)
        if w.article:
            out.append(EVENTS.c.article_id.in_(article_ids(w.article)))
        if w.confidence:
            out += w.confidence.compile(EVENTS.c.confidence)
        if w.origin is not None:
            out.append(EVENTS.c.origin.in_(list(w.origin)))
        return out

    return _combine(where, own, event_condition)
