"""Plain records that flow between readers, the extraction pipeline, the loader and export.

They are the archive's interchange format: ``archive extract --json`` prints an article's
:class:`Extraction` in this shape, ``archive export`` writes it, and ``archive import`` reads it
back, so every JSON form the archive produces is one it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class AffiliationRecord:
    organization: str | None
    role: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass
class ActorRecord:
    name: str
    kind: str = "other"
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    wikidata_id: str | None = None
    affiliations: list[AffiliationRecord] = field(default_factory=list)


@dataclass
class PlaceRecord:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None


@dataclass
class QuoteRecord:
    """A quote; ``speaker`` is the canonical name of an actor of the same extraction."""

    text: str
    direct: bool = True
    speaker: str | None = None
    speaker_as_written: str | None = None
    cue: str | None = None
    start: int | None = None
    end: int | None = None
    confidence: float = 1.0
    origin: str = "extracted"


@dataclass
class ParticipantRecord:
    name: str
    role: str = "actor1"


@dataclass
class EventRecord:
    kind: str
    sub_kind: str | None = None
    date: date | None = None
    date_precision: str | None = None
    place: str | None = None
    actors: list[ParticipantRecord] = field(default_factory=list)
    fatalities: int | None = None
    evidence: str | None = None
    start: int | None = None
    end: int | None = None
    confidence: float = 1.0
    origin: str = "extracted"


@dataclass
class MentionRecord:
    """``name`` is the canonical name of the actor or place (by ``kind``) that ``text`` names."""

    kind: str
    name: str
    text: str
    start: int | None = None
    end: int | None = None


@dataclass
class Extraction:
    """What an article says: its quotes, actors, places, events and where it names them."""

    quotes: list[QuoteRecord] = field(default_factory=list)
    actors: list[ActorRecord] = field(default_factory=list)
    places: list[PlaceRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    mentions: list[MentionRecord] = field(default_factory=list)
    published: datetime | None = None
    """A publication date found in the text, for articles whose metadata has none."""
    published_precision: str | None = None
    mined_chars: int | None = None
    """How many characters of the body extraction read (the whole body unless it is huge;
    none when the article is in a language the pipeline does not read)."""
    language: str | None = None
    """The article's language: as its file declares it, else as detected in its text."""


@dataclass
class ArticleRecord:
    """One article ready to store. ``annotations`` holds quotes, actors… given by the input file:
    when present they are stored as given instead of running extraction."""

    title: str
    body: str
    url: str | None = None
    published: datetime | None = None
    published_precision: str | None = None
    language: str | None = None
    authors: list[str] = field(default_factory=list)
    source_name: str | None = None
    source_domain: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    annotations: Extraction | None = None
    content_hash: str = ""


@dataclass
class AttachedQuote:
    """A quote record of an export file, attached to an existing article by URL or hash."""

    article_url: str | None
    article_hash: str | None
    quote: QuoteRecord
    speaker: ActorRecord | None = None


@dataclass
class AttachedEvent:
    """An event record of an export file, attached to an existing article by URL or hash."""

    article_url: str | None
    article_hash: str | None
    event: EventRecord
    actors: list[ActorRecord] = field(default_factory=list)
    place: PlaceRecord | None = None


Record = ArticleRecord | ActorRecord | PlaceRecord | AttachedQuote | AttachedEvent


@dataclass
class Located:
    """A record and where it came from (``path:line`` or ``path#record``)."""

    location: str
    record: Record


@dataclass
class Rejected:
    """An input that cannot be imported, with the reason and its raw text when there is one."""

    location: str
    reason: str
    raw: str | None = None
