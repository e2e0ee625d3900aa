"""The API's filter inputs, composable with ``and`` / ``or`` / ``not``, and its enums.

Each ``…Filter`` input holds conditions that must all hold; ``and`` adds filters that must all
hold too, ``or`` filters of which one must, ``not`` a filter that must not. Conditions on a
related record (a quote's speaker, an article's source, an event's place) are themselves
filters of that record's type. ``plain()`` translates a filter into the read layer's
condition (``archive.queries.conditions``), global IDs into keys and enums into values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Any

import strawberry

from archive.graphql.ids import pk_of
from archive.queries import conditions as q
from archive.queries.areas import Box
from archive.queries.areas import Circle as CircleArea
from archive.vocab import ACTOR_KINDS, DATE_PRECISIONS, EVENT_KINDS, ORIGINS, PARTICIPANT_ROLES

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


def _values(enums: Sequence[Enum] | None) -> list[str] | None:
    return None if enums is None else [e.value for e in enums]


def _plain(value: Any) -> Any:
    """The read layer's condition of a filter given, or None."""
    return None if value is None else value.plain()


def _combined(value: Any) -> dict[str, Any]:
    """The ``and`` / ``or`` / ``not`` of a filter, translated."""
    return {
        "and_": [item.plain() for item in value.and_ or []],
        "or_": None if value.or_ is None else [item.plain() for item in value.or_],
        "not_": _plain(value.not_),
    }


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

    def plain(self) -> q.Text:
        return q.Text(eq=self.eq, in_=self.in_, contains=self.contains)


@strawberry.input(description="Conditions on an ID; all given must hold.")
class IDFilter:
    eq: strawberry.ID | None = strawberry.field(default=None, description="This record.")
    in_: list[strawberry.ID] | None = strawberry.field(
        default=None, name="in", description="One of these records."
    )

    def plain(self, type_name: str) -> q.Ids:
        """The keys of the records of ``type_name`` this names; an ID of another type is the
        client's error."""
        return q.Ids(
            eq=None if self.eq is None else pk_of(self.eq, type_name),
            in_=None if self.in_ is None else [pk_of(v, type_name) for v in self.in_],
        )


def _ids(value: IDFilter | None, type_name: str) -> q.Ids | None:
    return None if value is None else value.plain(type_name)


@strawberry.input(description="Conditions on a number; all given must hold.")
class FloatFilter:
    eq: float | None = strawberry.field(default=None, description="Equal to.")
    gte: float | None = strawberry.field(default=None, description="At least.")
    lte: float | None = strawberry.field(default=None, description="At most.")
    gt: float | None = strawberry.field(default=None, description="More than.")
    lt: float | None = strawberry.field(default=None, description="Less than.")

    def plain(self) -> q.Numbers:
        return q.Numbers(eq=self.eq, gte=self.gte, lte=self.lte, gt=self.gt, lt=self.lt)


@strawberry.input(description="Conditions on a whole number; all given must hold.")
class IntFilter:
    eq: int | None = strawberry.field(default=None, description="Equal to.")
    gte: int | None = strawberry.field(default=None, description="At least.")
    lte: int | None = strawberry.field(default=None, description="At most.")
    is_null: bool | None = strawberry.field(
        default=None, description="Unknown (true) or known (false)."
    )

    def plain(self) -> q.Numbers:
        return q.Numbers(eq=self.eq, gte=self.gte, lte=self.lte, is_null=self.is_null)


@strawberry.input(description="A range of dates, bounds included; either bound may be left out.")
class DateRange:
    from_: date | None = strawberry.field(
        default=None, name="from", description="On or after this day."
    )
    to: date | None = strawberry.field(default=None, description="On or before this day.")

    def plain(self) -> q.Days:
        return q.Days(from_=self.from_, to=self.to)


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

    def plain(self) -> q.SourceWhere:
        return q.SourceWhere(
            **_combined(self),
            id=_ids(self.id, "Source"),
            name=_plain(self.name),
            domain=_plain(self.domain),
        )


@strawberry.input(description="A box of latitudes and longitudes, bounds included.")
class BoundingBox:
    south: float = strawberry.field(description="Southern latitude, -90 to 90.")
    west: float = strawberry.field(
        description="Western longitude, -180 to 180 (more than `east` across the 180th meridian)."
    )
    north: float = strawberry.field(description="Northern latitude.")
    east: float = strawberry.field(description="Eastern longitude.")


@strawberry.input(description="Within a distance of a point.")
class Circle:
    latitude: float = strawberry.field(description="The point's latitude.")
    longitude: float = strawberry.field(description="The point's longitude.")
    km: float = strawberry.field(description="The radius in kilometres, at most 5,000.")


@strawberry.input(description="An area of the map: give `box` or `near`, not both.")
class GeoArea:
    box: BoundingBox | None = strawberry.field(default=None, description="A box.")
    near: Circle | None = strawberry.field(default=None, description="A circle.")

    def plain(self) -> Box | CircleArea:
        if (self.box is None) == (self.near is None):
            raise q.QueryError("an area is a `box` or a circle `near` a point: give one")
        if self.box is not None:
            b = self.box
            return Box(south=b.south, west=b.west, north=b.north, east=b.east)
        assert self.near is not None
        n = self.near
        return CircleArea(latitude=n.latitude, longitude=n.longitude, km=n.km)


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
    within: GeoArea | None = strawberry.field(
        default=None, description="Its coordinates lie in this area (places without none)."
    )

    def plain(self) -> q.PlaceWhere:
        return q.PlaceWhere(
            **_combined(self),
            id=_ids(self.id, "Place"),
            name=_plain(self.name),
            country=_plain(self.country),
            kind=_plain(self.kind),
            within=self.within.plain() if self.within else None,
        )


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

    def plain(self) -> q.ActorWhere:
        return q.ActorWhere(
            **_combined(self),
            id=_ids(self.id, "Actor"),
            name=_plain(self.name),
            kind=_values(self.kind),
            affiliated_with=_plain(self.affiliated_with),
            role=_plain(self.role),
        )


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

    def plain(self) -> q.ArticleWhere:
        return q.ArticleWhere(
            **_combined(self),
            id=_ids(self.id, "Article"),
            url=_plain(self.url),
            title=_plain(self.title),
            published=_plain(self.published),
            language=_plain(self.language),
            source=_plain(self.source),
            mentions_actor=_plain(self.mentions_actor),
            mentions_place=_plain(self.mentions_place),
        )


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

    def plain(self) -> q.QuoteWhere:
        return q.QuoteWhere(
            **_combined(self),
            id=_ids(self.id, "Quote"),
            text=_plain(self.text),
            direct=self.direct,
            confidence=_plain(self.confidence),
            speaker=_plain(self.speaker),
            has_speaker=self.has_speaker,
            speaker_as_written=_plain(self.speaker_as_written),
            article=_plain(self.article),
            origin=_values(self.origin),
        )


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
    confidence: FloatFilter | None = strawberry.field(
        default=None, description="The extraction's confidence, 0 to 1."
    )
    origin: list[Origin] | None = strawberry.field(
        default=None, description="Obtained in one of these ways."
    )

    def plain(self) -> q.EventWhere:
        return q.EventWhere(
            **_combined(self),
            id=_ids(self.id, "Event"),
            kind=_values(self.kind),
            date=_plain(self.date),
            place=_plain(self.place),
            participant=_plain(self.participant),
            participant_role=_values(self.participant_role),
            fatalities=_plain(self.fatalities),
            article=_plain(self.article),
            confidence=_plain(self.confidence),
            origin=_values(self.origin),
        )


# ---------------------------------------------------------------------------- orders


@strawberry.enum(description="Orders of quotes.")
class QuoteOrder(Enum):
    NEWEST = "newest"
    OLDEST = "oldest"
    RELEVANCE = "relevance"
    LEAST_CONFIDENT = strawberry.enum_value(
        "least_confident", description="Least confident attribution first: what to review."
    )
    REVIEW = strawberry.enum_value(
        "review",
        description="What to review first: the least sure quarter of confidence first, and "
        "within it the quotes of the most-quoted speakers.",
    )


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
    LEAST_CONFIDENT = strawberry.enum_value(
        "least_confident", description="Least confident extraction first: what to review."
    )
