"""The archive's object types. Each is built from one database row, its scalars plain
attributes; the records it relates to are read ahead by the list or field that returns it
(see ``prefetch``), and lists that can grow without bound are connections of their own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON

from archive.graphql.connections import After, Before, Connection, First, Last, Window
from archive.graphql.context import Info
from archive.graphql.database import Row
from archive.graphql.filters import (
    ActorKind,
    ArticleOrder,
    DatePrecision,
    EventFilter,
    EventKind,
    EventOrder,
    Origin,
    ParticipantRole,
    QuoteFilter,
    QuoteOrder,
)
from archive.graphql.ids import global_id
from archive.graphql.lists import list_articles, list_events, list_quotes
from archive.graphql.prefetch import Many, One, Relation
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
from archive.vocab import EVENT_KINDS


class _NotRead:
    """The value of a relation that was not read ahead: never a valid answer, so a list that
    forgot to read a relation fails loudly instead of answering null."""

    def __repr__(self) -> str:
        return "<relation not read ahead>"


NOT_READ: Any = _NotRead()


def _relation(description: str) -> Any:
    return strawberry.field(default=NOT_READ, description=description)


def _precision(value: str | None) -> DatePrecision | None:
    return DatePrecision(value) if value else None


@strawberry.interface(description="A record with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global ID: opaque, stable, unique across types."
    )
    row: strawberry.Private[Row]
    relations: ClassVar[Mapping[str, Relation]] = {}

    @property
    def pk(self) -> int:
        return int(self.row["id"])

    @classmethod
    def of(cls, row: Row) -> Node:
        """The record of ``row``; its relations are read by ``prefetch``."""
        raise NotImplementedError

    @classmethod
    def node_id(cls, row: Row) -> strawberry.ID:
        return strawberry.ID(global_id(cls.__name__, row["id"]))


@strawberry.type(description="An outlet: newspaper, agency, website.")
class Source(Node):
    name: str = strawberry.field(description="Its name.")
    domain: str | None = strawberry.field(description="Its web domain, when known.")

    @classmethod
    def of(cls, row: Row) -> Source:
        return cls(id=cls.node_id(row), row=row, name=row["name"], domain=row["domain"])

    @strawberry.field(description="Its articles, newest first by default.")
    async def articles(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: ArticleOrder | None = None,
    ) -> Connection[Article]:
        return await list_articles(
            info,
            Article.of,
            None,
            None,
            order_by,
            Window.of(first, after, last, before),
            ARTICLES.c.source_id == self.pk,
        )


@strawberry.type(description="A news article as imported, with what was extracted from it.")
class Article(Node):
    url: str | None = strawberry.field(description="Its URL, when known (unique).")
    title: str = strawberry.field(description="Its title.")
    body: str = strawberry.field(description="Its text; quote, event and mention offsets index it.")
    published: datetime | None = strawberry.field(
        description="When it was published, as precise as `publishedPrecision`: of a day or "
        "coarser, the first instant of that period in UTC, not a time anyone stated."
    )
    published_date: date | None = strawberry.field(
        description="The day it was published (UTC): what to read when `publishedPrecision` "
        "is `DAY`, since no time of it is known."
    )
    published_precision: DatePrecision | None = strawberry.field(
        description="How much of `published` is known."
    )
    language: str | None = strawberry.field(description="Language code, when known.")
    authors: list[str] = strawberry.field(description="Its authors as written.")
    imported_at: datetime = strawberry.field(description="When it entered the archive (UTC).")
    source: Source | None = _relation("The outlet that published it.")
    quotes: list[Quote] = _relation("Its quotes, in the order of the text.")
    events: list[Event] = _relation("Its events, in the order of the text.")
    mentions: list[Mention] = _relation(
        "Where it names actors and places, in the order of the text."
    )

    @classmethod
    def of(cls, row: Row) -> Article:
        return cls(
            id=cls.node_id(row),
            row=row,
            url=row["url"],
            title=row["title"],
            body=row["body"],
            published=row["published"],
            published_date=row["published"].date() if row["published"] else None,
            published_precision=_precision(row["published_precision"]),
            language=row["language"],
            authors=list(row["authors"] or []),
            imported_at=row["imported_at"],
        )


@strawberry.type(description="Words attributed to a speaker: direct (quoted) or reported.")
class Quote(Node):
    text: str = strawberry.field(description="The words, without quote marks.")
    direct: bool = strawberry.field(
        description="Direct speech (between quote marks) or reported speech."
    )
    start_char: int | None = strawberry.field(
        description="Offset of the first character in the article's body."
    )
    end_char: int | None = strawberry.field(
        description="Offset just past the last character in the article's body."
    )
    speaker: Actor | None = _relation("Who said it, when known.")
    speaker_as_written: str | None = strawberry.field(
        description='The speaker as the article names them ("the head of the group").'
    )
    cue: str | None = strawberry.field(
        description='The verb or phrase that attributes it ("said", "according to").'
    )
    confidence: float = strawberry.field(description="Confidence of the attribution, 0 to 1.")
    origin: Origin = strawberry.field(description="How the quote was obtained.")
    article: Article = _relation("The article it is in.")

    @classmethod
    def of(cls, row: Row) -> Quote:
        return cls(
            id=cls.node_id(row),
            row=row,
            text=row["text"],
            direct=bool(row["direct"]),
            start_char=row["start_char"],
            end_char=row["end_char"],
            speaker_as_written=row["speaker_as_written"],
            cue=row["cue"],
            confidence=float(row["confidence"]),
            origin=Origin(row["origin"]),
        )


@strawberry.type(
    description="An actor's role in an organisation, as an article states it or an editor set it."
)
class Affiliation(Node):
    organization: Actor | None = _relation("The organisation.")
    role: str | None = strawberry.field(description='The role ("chief", "editor"), when stated.')
    valid_from: date | None = strawberry.field(
        description="First day the affiliation is known to hold."
    )
    valid_to: date | None = strawberry.field(
        description="Last day the affiliation is known to hold."
    )
    article: Article | None = _relation(
        "The first article that states it; null for one an editor set."
    )
    origin: Origin = strawberry.field(description="Extracted, or curated by an editor.")

    @classmethod
    def of(cls, row: Row) -> Affiliation:
        return cls(
            id=cls.node_id(row),
            row=row,
            role=row["role"],
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
            origin=Origin(row["origin"]),
        )


@strawberry.type(
    description="A person, organisation, state, armed group, community or media outlet: one "
    "record per real entity, every spelling an alias."
)
class Actor(Node):
    name: str = strawberry.field(description="Canonical name.")
    kind: ActorKind = strawberry.field(description="What the actor is.")
    description: str | None = strawberry.field(description="A short description, when curated.")
    wikidata_id: str | None = strawberry.field(description="Wikidata ID, when known.")
    aliases: list[str] = _relation("Every spelling that resolves to this actor, the name included.")
    affiliations: list[Affiliation] = _relation(
        "Roles in organisations, each once, with the first article that states it."
    )

    @classmethod
    def of(cls, row: Row) -> Actor:
        return cls(
            id=cls.node_id(row),
            row=row,
            name=row["name"],
            kind=ActorKind(row["kind"]),
            description=row["description"],
            wikidata_id=row["wikidata_id"],
        )

    @strawberry.field(description="What the actor said, newest first by default.")
    async def quotes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: QuoteFilter | None = None,
        order_by: QuoteOrder | None = None,
    ) -> Connection[Quote]:
        return await list_quotes(
            info,
            Quote.of,
            where,
            None,
            order_by,
            Window.of(first, after, last, before),
            QUOTES.c.speaker_id == self.pk,
        )

    @strawberry.field(description="Events the actor took part in, newest first by default.")
    async def events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: EventFilter | None = None,
        order_by: EventOrder | None = None,
    ) -> Connection[Event]:
        took_part = EVENTS.c.id.in_(
            select(PARTICIPANTS.c.event_id).where(PARTICIPANTS.c.actor_id == self.pk)
        )
        return await list_events(
            info, Event.of, where, order_by, Window.of(first, after, last, before), took_part
        )


@strawberry.type(description="A geocoded place.")
class Place(Node):
    name: str = strawberry.field(description="Its name (GeoNames' spelling when geocoded).")
    kind: str | None = strawberry.field(description="city, country, region, …")
    country_code: str | None = strawberry.field(description="ISO 3166 alpha-2 code of its country.")
    latitude: float | None = strawberry.field(description="Latitude, WGS84 degrees.")
    longitude: float | None = strawberry.field(description="Longitude, WGS84 degrees.")
    geonames_id: int | None = strawberry.field(description="GeoNames ID, when geocoded.")
    aliases: list[str] = _relation("Every spelling that resolves to this place.")

    @classmethod
    def of(cls, row: Row) -> Place:
        return cls(
            id=cls.node_id(row),
            row=row,
            name=row["name"],
            kind=row["kind"],
            country_code=row["country_code"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            geonames_id=row["geonames_id"],
        )

    @strawberry.field(description="Events at this place, newest first by default.")
    async def events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: EventFilter | None = None,
        order_by: EventOrder | None = None,
    ) -> Connection[Event]:
        at_place = EVENTS.c.place_id == self.pk
        return await list_events(
            info, Event.of, where, order_by, Window.of(first, after, last, before), at_place
        )


@strawberry.type(description="An actor's part in an event.")
class Participant:
    row: strawberry.Private[Row]
    actor: Actor = _relation("The actor.")
    role: ParticipantRole = strawberry.field(
        description="Its role (ACLED's actor1, actor2, associated)."
    )
    relations: ClassVar[Mapping[str, Relation]] = {}

    @classmethod
    def of(cls, row: Row) -> Participant:
        return cls(row=row, role=ParticipantRole(row["role"]))


@strawberry.type(
    description="Who did what to whom, where and when, with the sentence that says so."
)
class Event(Node):
    kind: EventKind = strawberry.field(description="What happened.")
    sub_kind: str | None = strawberry.field(description="A finer kind, when known.")
    acled_event_type: str = strawberry.field(
        description='ACLED event type of `kind` ("Battles", "Protests", …).'
    )
    acled_sub_event_type: str = strawberry.field(description="ACLED sub-event type of `kind`.")
    date: date | None = strawberry.field(
        description="When it happened (as precise as `datePrecision`)."
    )
    date_precision: DatePrecision | None = strawberry.field(
        description="How much of `date` is known."
    )
    place: Place | None = _relation("Where it happened.")
    fatalities: int | None = strawberry.field(description="People killed, when reported.")
    evidence: str | None = strawberry.field(description="The sentence that reports it.")
    start_char: int | None = strawberry.field(
        description="Offset of the evidence in the article's body."
    )
    end_char: int | None = strawberry.field(
        description="Offset just past the evidence in the article's body."
    )
    confidence: float = strawberry.field(description="Confidence of the extraction, 0 to 1.")
    origin: Origin = strawberry.field(description="How the event was obtained.")
    participants: list[Participant] = _relation("The actors involved, with their roles.")
    article: Article = _relation("The article that reports it.")

    @classmethod
    def of(cls, row: Row) -> Event:
        kind = EVENT_KINDS[row["kind"]]
        return cls(
            id=cls.node_id(row),
            row=row,
            kind=EventKind(row["kind"]),
            sub_kind=row["sub_kind"],
            acled_event_type=kind.acled_event_type,
            acled_sub_event_type=kind.acled_sub_event_type,
            date=row["date"],
            date_precision=_precision(row["date_precision"]),
            fatalities=row["fatalities"],
            evidence=row["evidence"],
            start_char=row["start_char"],
            end_char=row["end_char"],
            confidence=float(row["confidence"]),
            origin=Origin(row["origin"]),
        )


@strawberry.type(description="A place in an article's text that names an actor or a place.")
class Mention(Node):
    text: str = strawberry.field(description="The words as written.")
    start_char: int | None = strawberry.field(
        description="Offset of the first character, when known."
    )
    end_char: int | None = strawberry.field(
        description="Offset just past the last character, when known."
    )
    actor: Actor | None = _relation("The actor named, for an actor mention.")
    place: Place | None = _relation("The place named, for a place mention.")
    article: Article = _relation("The article.")

    @classmethod
    def of(cls, row: Row) -> Mention:
        return cls(
            id=cls.node_id(row),
            row=row,
            text=row["text"],
            start_char=row["start_char"],
            end_char=row["end_char"],
        )


@strawberry.type(description="One change made through the API.")
class AuditEntry(Node):
    at: datetime = strawberry.field(description="When (UTC).")
    who: str = strawberry.field(description="The name of the token that made it.")
    action: str = strawberry.field(
        description="What was done: importArticles, setQuoteSpeaker, updateQuote, mergeActors, "
        "addActorAlias, deleteArticle."
    )
    target_type: str = strawberry.field(
        description="The kind of record changed (Quote, Actor, Article)."
    )
    target_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the record changed (it may no longer exist)."
    )
    before: JSON | None = strawberry.field(
        description="The record before the change (null for a creation)."
    )
    after: JSON | None = strawberry.field(
        description="The record after the change (null for a deletion)."
    )

    @classmethod
    def of(cls, row: Row) -> AuditEntry:
        pk = row["target_id"]
        return cls(
            id=cls.node_id(row),
            row=row,
            at=row["at"],
            who=row["who"],
            action=row["action"],
            target_type=row["target_type"],
            target_id=None if pk is None else strawberry.ID(global_id(row["target_type"], pk)),
            before=row["before"],
            after=row["after"],
        )


# What each type's relation fields read, by GraphQL field name (see ``prefetch``).
Article.relations = {
    "source": One(SOURCES, "source_id", Source.of),
    "quotes": Many(QUOTES, "article_id", ("start_char", "id"), Quote.of),
    "events": Many(EVENTS, "article_id", ("start_char", "id"), Event.of),
    "mentions": Many(MENTIONS, "article_id", ("start_char", "id"), Mention.of),
}
Quote.relations = {
    "speaker": One(ACTORS, "speaker_id", Actor.of),
    "article": One(ARTICLES, "article_id", Article.of),
}
Affiliation.relations = {
    "organization": One(ACTORS, "organization_id", Actor.of),
    "article": One(ARTICLES, "article_id", Article.of),
}
Actor.relations = {
    "aliases": Many(ACTOR_ALIASES, "actor_id", ("id",), lambda row: row["alias"]),
    # Each article that states an affiliation adds a row: a speaker quoted in a thousand
    # articles would list the same role a thousand times.
    "affiliations": Many(
        AFFILIATIONS,
        "actor_id",
        ("id",),
        Affiliation.of,
        distinct=("organization_id", "role", "valid_from", "valid_to"),
    ),
}
Place.relations = {"aliases": Many(PLACE_ALIASES, "place_id", ("id",), lambda row: row["alias"])}
Participant.relations = {"actor": One(ACTORS, "actor_id", Actor.of)}
Event.relations = {
    "place": One(PLACES, "place_id", Place.of),
    "participants": Many(PARTICIPANTS, "event_id", ("role", "actor_id"), Participant.of),
    "article": One(ARTICLES, "article_id", Article.of),
}
Mention.relations = {
    "actor": One(ACTORS, "actor_id", Actor.of),
    "place": One(PLACES, "place_id", Place.of),
    "article": One(ARTICLES, "article_id", Article.of),
}

NODE_CLASSES: dict[str, type[Node]] = {
    cls.__name__: cls
    for cls in (Article, Source, Quote, Actor, Place, Event, Mention, Affiliation, AuditEntry)
}
