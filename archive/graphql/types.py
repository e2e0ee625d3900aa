"""The archive's object types. Each wraps one database row; relationships go through the
request's DataLoaders, lists that can grow without bound are connections."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from archive.graphql.connections import Connection
from archive.graphql.context import Info
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
from archive.vocab import EVENT_KINDS

Row = Mapping[Any, Any]


@strawberry.interface(description="A record with a global ID, fetchable with `node(id:)`.")
class Node:
    row: strawberry.Private[Row]

    @strawberry.field(description="Global ID: opaque, stable, unique across types.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id(type(self).__name__, self.row["id"]))

    @property
    def pk(self) -> int:
        return int(self.row["id"])


def _maybe(cls: type[Any], row: Row | None) -> Any:
    return cls(row=row) if row is not None else None


@strawberry.type(description="An outlet: newspaper, agency, website.")
class Source(Node):
    @strawberry.field(description="Its name.")
    def name(self) -> str:
        return str(self.row["name"])

    @strawberry.field(description="Its web domain, when known.")
    def domain(self) -> str | None:
        return self.row["domain"]

    @strawberry.field(description="Its articles, newest first by default.")
    async def articles(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        order_by: ArticleOrder | None = None,
    ) -> Connection[Article]:
        from archive.graphql.lists import list_articles
        from archive.tables import ARTICLES

        return await list_articles(
            info, None, None, order_by, first, after, ARTICLES.c.source_id == self.pk
        )


@strawberry.type(description="A news article as imported, with what was extracted from it.")
class Article(Node):
    @strawberry.field(description="Its URL, when known (unique).")
    def url(self) -> str | None:
        return self.row["url"]

    @strawberry.field(description="Its title.")
    def title(self) -> str:
        return str(self.row["title"])

    @strawberry.field(description="Its text; quote, event and mention offsets index it.")
    def body(self) -> str:
        return str(self.row["body"])

    @strawberry.field(description="When it was published (as precise as `publishedPrecision`).")
    def published(self) -> datetime | None:
        return self.row["published"]

    @strawberry.field(description="How much of `published` is known.")
    def published_precision(self) -> DatePrecision | None:
        value = self.row["published_precision"]
        return DatePrecision(value) if value else None

    @strawberry.field(description="Language code, when known.")
    def language(self) -> str | None:
        return self.row["language"]

    @strawberry.field(description="Its authors as written.")
    def authors(self) -> list[str]:
        return list(self.row["authors"] or [])

    @strawberry.field(description="When it entered the archive (UTC).")
    def imported_at(self) -> datetime:
        return self.row["imported_at"]

    @strawberry.field(description="The outlet that published it.")
    async def source(self, info: Info) -> Source | None:
        if self.row["source_id"] is None:
            return None
        return _maybe(Source, await info.context.loaders.source.load(self.row["source_id"]))

    @strawberry.field(description="Its quotes, in the order of the text.")
    async def quotes(self, info: Info) -> list[Quote]:
        return [Quote(row=r) for r in await info.context.loaders.article_quotes.load(self.pk)]

    @strawberry.field(description="Its events, in the order of the text.")
    async def events(self, info: Info) -> list[Event]:
        return [Event(row=r) for r in await info.context.loaders.article_events.load(self.pk)]

    @strawberry.field(description="Where it names actors and places, in the order of the text.")
    async def mentions(self, info: Info) -> list[Mention]:
        return [Mention(row=r) for r in await info.context.loaders.article_mentions.load(self.pk)]


@strawberry.type(description="Words attributed to a speaker: direct (quoted) or reported.")
class Quote(Node):
    @strawberry.field(description="The words, without quote marks.")
    def text(self) -> str:
        return str(self.row["text"])

    @strawberry.field(description="Direct speech (between quote marks) or reported speech.")
    def direct(self) -> bool:
        return bool(self.row["direct"])

    @strawberry.field(description="Offset of the first character in the article's body.")
    def start_char(self) -> int | None:
        return self.row["start_char"]

    @strawberry.field(description="Offset just past the last character in the article's body.")
    def end_char(self) -> int | None:
        return self.row["end_char"]

    @strawberry.field(description="Who said it, when known.")
    async def speaker(self, info: Info) -> Actor | None:
        if self.row["speaker_id"] is None:
            return None
        return _maybe(Actor, await info.context.loaders.actor.load(self.row["speaker_id"]))

    @strawberry.field(
        description='The speaker as the article names them ("the head of the group").'
    )
    def speaker_as_written(self) -> str | None:
        return self.row["speaker_as_written"]

    @strawberry.field(description='The verb or phrase that attributes it ("said", "according to").')
    def cue(self) -> str | None:
        return self.row["cue"]

    @strawberry.field(description="Confidence of the attribution, 0 to 1.")
    def confidence(self) -> float:
        return float(self.row["confidence"])

    @strawberry.field(description="How the quote was obtained.")
    def origin(self) -> Origin:
        return Origin(self.row["origin"])

    @strawberry.field(description="The article it is in.")
    async def article(self, info: Info) -> Article:
        row = await info.context.loaders.article.load(self.row["article_id"])
        assert row is not None  # a foreign key with ON DELETE CASCADE
        return Article(row=row)


@strawberry.type(description="An actor's role in an organisation, as an article states it.")
class Affiliation:
    row: strawberry.Private[Row]

    @strawberry.field(description="The organisation.")
    async def organization(self, info: Info) -> Actor | None:
        if self.row["organization_id"] is None:
            return None
        return _maybe(Actor, await info.context.loaders.actor.load(self.row["organization_id"]))

    @strawberry.field(description='The role ("chief", "editor"), when stated.')
    def role(self) -> str | None:
        return self.row["role"]

    @strawberry.field(description="First day the affiliation is known to hold.")
    def valid_from(self) -> date | None:
        return self.row["valid_from"]

    @strawberry.field(description="Last day the affiliation is known to hold.")
    def valid_to(self) -> date | None:
        return self.row["valid_to"]

    @strawberry.field(description="The article that states it.")
    async def article(self, info: Info) -> Article | None:
        if self.row["article_id"] is None:
            return None
        return _maybe(Article, await info.context.loaders.article.load(self.row["article_id"]))


@strawberry.type(
    description="A person, organisation, state, armed group, community or media outlet: one "
    "record per real entity, every spelling an alias."
)
class Actor(Node):
    @strawberry.field(description="Canonical name.")
    def name(self) -> str:
        return str(self.row["name"])

    @strawberry.field(description="What the actor is.")
    def kind(self) -> ActorKind:
        return ActorKind(self.row["kind"])

    @strawberry.field(description="A short description, when curated.")
    def description(self) -> str | None:
        return self.row["description"]

    @strawberry.field(description="Wikidata ID, when known.")
    def wikidata_id(self) -> str | None:
        return self.row["wikidata_id"]

    @strawberry.field(description="Every spelling that resolves to this actor, the name included.")
    async def aliases(self, info: Info) -> list[str]:
        return [r["alias"] for r in await info.context.loaders.actor_aliases.load(self.pk)]

    @strawberry.field(
        description="Roles in organisations, each once, with the first article that states it."
    )
    async def affiliations(self, info: Info) -> list[Affiliation]:
        return [Affiliation(row=r) for r in await info.context.loaders.affiliations.load(self.pk)]

    @strawberry.field(description="What the actor said, newest first by default.")
    async def quotes(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        where: QuoteFilter | None = None,
        order_by: QuoteOrder | None = None,
    ) -> Connection[Quote]:
        from archive.graphql.lists import list_quotes
        from archive.tables import QUOTES

        return await list_quotes(
            info, where, None, order_by, first, after, QUOTES.c.speaker_id == self.pk
        )

    @strawberry.field(description="Events the actor took part in, newest first by default.")
    async def events(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        where: EventFilter | None = None,
        order_by: EventOrder | None = None,
    ) -> Connection[Event]:
        from sqlalchemy import select

        from archive.graphql.lists import list_events
        from archive.tables import EVENTS, PARTICIPANTS

        took_part = EVENTS.c.id.in_(
            select(PARTICIPANTS.c.event_id).where(PARTICIPANTS.c.actor_id == self.pk)
        )
        return await list_events(info, where, order_by, first, after, took_part)


@strawberry.type(description="A geocoded place.")
class Place(Node):
    @strawberry.field(description="Its name (GeoNames' spelling when geocoded).")
    def name(self) -> str:
        return str(self.row["name"])

    @strawberry.field(description="city, country, region, …")
    def kind(self) -> str | None:
        return self.row["kind"]

    @strawberry.field(description="ISO 3166 alpha-2 code of its country.")
    def country_code(self) -> str | None:
        return self.row["country_code"]

    @strawberry.field(description="Latitude, WGS84 degrees.")
    def latitude(self) -> float | None:
        return self.row["latitude"]

    @strawberry.field(description="Longitude, WGS84 degrees.")
    def longitude(self) -> float | None:
        return self.row["longitude"]

    @strawberry.field(description="GeoNames ID, when geocoded.")
    def geonames_id(self) -> int | None:
        return self.row["geonames_id"]

    @strawberry.field(description="Every spelling that resolves to this place.")
    async def aliases(self, info: Info) -> list[str]:
        return [r["alias"] for r in await info.context.loaders.place_aliases.load(self.pk)]

    @strawberry.field(description="Events at this place, newest first by default.")
    async def events(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        where: EventFilter | None = None,
        order_by: EventOrder | None = None,
    ) -> Connection[Event]:
        from archive.graphql.lists import list_events
        from archive.tables import EVENTS

        return await list_events(info, where, order_by, first, after, EVENTS.c.place_id == self.pk)


@strawberry.type(description="An actor's part in an event.")
class Participant:
    row: strawberry.Private[Row]

    @strawberry.field(description="The actor.")
    async def actor(self, info: Info) -> Actor:
        row = await info.context.loaders.actor.load(self.row["actor_id"])
        assert row is not None
        return Actor(row=row)

    @strawberry.field(description="Its role (ACLED's actor1, actor2, associated).")
    def role(self) -> ParticipantRole:
        return ParticipantRole(self.row["role"])


@strawberry.type(
    description="Who did what to whom, where and when, with the sentence that says so."
)
class Event(Node):
    @strawberry.field(description="What happened.")
    def kind(self) -> EventKind:
        return EventKind(self.row["kind"])

    @strawberry.field(description="A finer kind, when known.")
    def sub_kind(self) -> str | None:
        return self.row["sub_kind"]

    @strawberry.field(description='ACLED event type of `kind` ("Battles", "Protests", …).')
    def acled_event_type(self) -> str:
        return EVENT_KINDS[self.row["kind"]].acled_event_type

    @strawberry.field(description="ACLED sub-event type of `kind`.")
    def acled_sub_event_type(self) -> str:
        return EVENT_KINDS[self.row["kind"]].acled_sub_event_type

    @strawberry.field(description="When it happened (as precise as `datePrecision`).")
    def date(self) -> date | None:
        return self.row["date"]

    @strawberry.field(description="How much of `date` is known.")
    def date_precision(self) -> DatePrecision | None:
        value = self.row["date_precision"]
        return DatePrecision(value) if value else None

    @strawberry.field(description="Where it happened.")
    async def place(self, info: Info) -> Place | None:
        if self.row["place_id"] is None:
            return None
        return _maybe(Place, await info.context.loaders.place.load(self.row["place_id"]))

    @strawberry.field(description="People killed, when reported.")
    def fatalities(self) -> int | None:
        return self.row["fatalities"]

    @strawberry.field(description="The sentence that reports it.")
    def evidence(self) -> str | None:
        return self.row["evidence"]

    @strawberry.field(description="Offset of the evidence in the article's body.")
    def start_char(self) -> int | None:
        return self.row["start_char"]

    @strawberry.field(description="Offset just past the evidence in the article's body.")
    def end_char(self) -> int | None:
        return self.row["end_char"]

    @strawberry.field(description="Confidence of the extraction, 0 to 1.")
    def confidence(self) -> float:
        return float(self.row["confidence"])

    @strawberry.field(description="How the event was obtained.")
    def origin(self) -> Origin:
        return Origin(self.row["origin"])

    @strawberry.field(description="The actors involved, with their roles.")
    async def participants(self, info: Info) -> list[Participant]:
        return [Participant(row=r) for r in await info.context.loaders.participants.load(self.pk)]

    @strawberry.field(description="The article that reports it.")
    async def article(self, info: Info) -> Article:
        row = await info.context.loaders.article.load(self.row["article_id"])
        assert row is not None
        return Article(row=row)


@strawberry.type(description="A place in an article's text that names an actor or a place.")
class Mention(Node):
    @strawberry.field(description="The words as written.")
    def text(self) -> str:
        return str(self.row["text"])

    @strawberry.field(description="Offset of the first character, when known.")
    def start_char(self) -> int | None:
        return self.row["start_char"]

    @strawberry.field(description="Offset just past the last character, when known.")
    def end_char(self) -> int | None:
        return self.row["end_char"]

    @strawberry.field(description="The actor named, for an actor mention.")
    async def actor(self, info: Info) -> Actor | None:
        if self.row["actor_id"] is None:
            return None
        return _maybe(Actor, await info.context.loaders.actor.load(self.row["actor_id"]))

    @strawberry.field(description="The place named, for a place mention.")
    async def place(self, info: Info) -> Place | None:
        if self.row["place_id"] is None:
            return None
        return _maybe(Place, await info.context.loaders.place.load(self.row["place_id"]))

    @strawberry.field(description="The article.")
    async def article(self, info: Info) -> Article:
        row = await info.context.loaders.article.load(self.row["article_id"])
        assert row is not None
        return Article(row=row)


@strawberry.type(description="One change made through the API.")
class AuditEntry(Node):
    @strawberry.field(description="When (UTC).")
    def at(self) -> datetime:
        return self.row["at"]

    @strawberry.field(description="The name of the token that made it.")
    def who(self) -> str:
        return str(self.row["who"])

    @strawberry.field(
        description="What was done: importArticles, setQuoteSpeaker, updateQuote, mergeActors, addActorAlias, deleteArticle."
    )
    def action(self) -> str:
        return str(self.row["action"])

    @strawberry.field(description="The kind of record changed (Quote, Actor, Article).")
    def target_type(self) -> str:
        return str(self.row["target_type"])

    @strawberry.field(description="Global ID of the record changed (it may no longer exist).")
    def target_id(self) -> strawberry.ID | None:
        pk = self.row["target_id"]
        return strawberry.ID(global_id(self.row["target_type"], pk)) if pk is not None else None

    @strawberry.field(description="The record before the change (null for a creation).")
    def before(self) -> JSON | None:
        return self.row["before"]

    @strawberry.field(description="The record after the change (null for a deletion).")
    def after(self) -> JSON | None:
        return self.row["after"]


NODE_CLASSES: dict[str, type[Node]] = {
    cls.__name__: cls for cls in (Article, Source, Quote, Actor, Place, Event, Mention, AuditEntry)
}
