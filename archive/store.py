"""Writing records into the archive inside a caller's transaction.

:class:`Store` writes articles and what was extracted from them, each kind of row with one
statement per batch, the names they use resolved to rows by :mod:`archive.resolve`. It never
commits: the caller owns the transaction, which is what makes a batch land whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from archive.bulk import insert_ids, insert_rows
from archive.curated import (
    affiliation_key,
    after_curated,
    curated_affiliations,
    drop_rejected_affiliations,
)
from archive.models import EARLIEST
from archive.names import normalize_name
from archive.records import (
    ActorRecord,
    ArticleRecord,
    AttachedEvent,
    AttachedQuote,
    Extraction,
    MentionRecord,
    PlaceRecord,
)
from archive.resolve import Names, names_of
from archive.tables import (
    AFFILIATIONS,
    ARTICLE_CHILDREN,
    ARTICLES,
    EVENTS,
    MENTIONS,
    PARTICIPANTS,
    QUOTES,
    chunks,
    utcnow,
)


@dataclass
class ExistingArticle:
    id: int
    url: str | None
    content_hash: str


class Store:
    """Writes into one open transaction; caches live as long as that transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.names = Names(connection)

    # ---------------------------------------------------------------- lookups

    def existing_articles(
        self, urls: Iterable[str], hashes: Iterable[str]
    ) -> list[ExistingArticle]:
        """Stored articles that share a URL or a content hash with the given ones."""
        urls, hashes = sorted(set(urls)), sorted(set(hashes))
        found: dict[int, ExistingArticle] = {}
        columns = (ARTICLES.c.id, ARTICLES.c.url, ARTICLES.c.content_hash)
        for column, values in ((ARTICLES.c.url, urls), (ARTICLES.c.content_hash, hashes)):
            for chunk in chunks(values):
                for row in self.connection.execute(select(*columns).where(column.in_(chunk))):
                    found[row.id] = ExistingArticle(row.id, row.url, row.content_hash)
        return list(found.values())

    def find_article(self, url: str | None, content_hash: str | None) -> int | None:
        conditions = []
        if url:
            conditions.append(ARTICLES.c.url == url)
        if content_hash:
            conditions.append(ARTICLES.c.content_hash == content_hash)
        row = self.connection.execute(select(ARTICLES.c.id).where(or_(*conditions))).first()
        return None if row is None else int(row.id)

    # ---------------------------------------------------------------- articles

    def add_articles(self, items: Sequence[tuple[ArticleRecord, Extraction]]) -> list[int]:
        """Insert new articles with everything extracted from them; returns their ids."""
        if not items:
            return []
        self.names.source_ids(record for record, _ in items)
        now = utcnow()
        rows = [
            self._article_row(record, extraction) | {"imported_at": now}
            for record, extraction in items
        ]
        ids = insert_ids(self.connection, ARTICLES, rows)
        self._add_extractions(
            list(zip(ids, (e for _, e in items), strict=True)),
            {article_id: _copied(row) for article_id, row in zip(ids, rows, strict=True)},
        )
        return ids

    def replace_article(
        self, article_id: int, record: ArticleRecord, extraction: Extraction
    ) -> None:
        """Overwrite a stored article with a changed version; curated records are kept."""
        self.names.source_ids([record])
        row = self._article_row(record, extraction) | {"updated_at": utcnow()}
        self.connection.execute(update(ARTICLES).where(ARTICLES.c.id == article_id).values(**row))
        for table in ARTICLE_CHILDREN:
            statement = delete(table).where(table.c.article_id == article_id)
            if "origin" in table.c:
                statement = statement.where(table.c.origin != "curated")
            self.connection.execute(statement)
        self.connection.execute(  # the curated quotes that stay
            update(QUOTES).where(QUOTES.c.article_id == article_id).values(**_copied(row))
        )
        extraction = after_curated(self.connection, article_id, record.body, extraction)
        self._add_extractions([(article_id, extraction)], {article_id: _copied(row)})
        drop_rejected_affiliations(self.connection, article_id)

    def _article_row(self, record: ArticleRecord, extraction: Extraction) -> dict[str, Any]:
        published, precision = record.published, record.published_precision
        if published is None and extraction.published is not None:
            published, precision = extraction.published, extraction.published_precision
        return {
            "url": record.url,
            "title": record.title,
            "body": record.body,
            "published": published,
            "published_precision": precision,
            "language": extraction.language or record.language,
            "authors": record.authors,
            "source_id": self.names.sources.get(record.source_name) if record.source_name else None,
            "content_hash": record.content_hash,
            "raw": record.raw,
        }

    def _add_extractions(
        self,
        items: Sequence[tuple[int, Extraction]],
        copied: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        """Write what was extracted from each article; ``copied`` gives, per article, what
        its quotes copy from it (see :func:`_copied`; read from the database when not
        given)."""
        if copied is None:
            copied = self._copies_of([article_id for article_id, e in items if e.quotes])
        actors = [actor for _, extraction in items for actor in _with_referenced_actors(extraction)]
        actor_ids = self.names.actor_ids(actors)
        place_ids = self.names.place_ids(
            [place for _, extraction in items for place in _with_referenced_places(extraction)]
        )
        # An editor's affiliation holds for its actor: the machine does not repeat it. (A
        # batch that states none, as most do, asks nothing.)
        stated = any(a.affiliations for _, e in items for a in e.actors)
        curated = curated_affiliations(self.connection, actor_ids.values()) if stated else set()
        quotes, events, mentions, affiliations = [], [], [], []
        participants: list[list[dict[str, Any]]] = []
        for article_id, extraction in items:
            for q in extraction.quotes:
                speaker = actor_ids.get(normalize_name(q.speaker)) if q.speaker else None
                quotes.append(
                    {
                        "article_id": article_id,
                        **copied[article_id],
                        "text": q.text,
                        "start_char": q.start,
                        "end_char": q.end if q.start is not None else None,
                        "direct": q.direct,
                        "speaker_id": speaker,
                        "speaker_as_written": _clip(q.speaker_as_written or q.speaker, 300),
                        "cue": _clip(q.cue, 64),
                        "confidence": q.confidence,
                        "origin": q.origin,
                    }
                )
            for e in extraction.events:
                events.append(
                    {
                        "article_id": article_id,
                        "kind": e.kind,
                        "sub_kind": e.sub_kind,
                        "date": e.date,
                        "date_precision": e.date_precision if e.date else None,
                        "place_id": place_ids.get(normalize_name(e.place)) if e.place else None,
                        "fatalities": e.fatalities,
                        "evidence": e.evidence,
                        "start_char": e.start,
                        "end_char": e.end if e.start is not None else None,
                        "confidence": e.confidence,
                        "origin": e.origin,
                    }
                )
                roles: dict[int, str] = {}
                for participant in e.actors:
                    actor_id = actor_ids.get(normalize_name(participant.name))
                    if actor_id is not None:
                        roles.setdefault(actor_id, participant.role)
                participants.append([{"actor_id": a, "role": r} for a, r in roles.items()])
            for m in [*extraction.mentions, *_unplaced_mentions(extraction)]:
                ids = actor_ids if m.kind == "actor" else place_ids
                target = ids.get(normalize_name(m.name))
                if target is not None:
                    mentions.append(
                        {
                            "article_id": article_id,
                            "kind": m.kind,
                            "actor_id": target if m.kind == "actor" else None,
                            "place_id": target if m.kind == "place" else None,
                            "text": m.text[:300],
                            "start_char": m.start,
                            "end_char": m.end,
                        }
                    )
            seen = set(curated)
            for actor in extraction.actors:
                actor_id = actor_ids.get(normalize_name(actor.name))
                for a in actor.affiliations:
                    org = actor_ids.get(normalize_name(a.organization)) if a.organization else None
                    key = affiliation_key(actor_id or 0, org, a.role)
                    if actor_id is None or key in seen or (org is None and not a.role):
                        continue
                    seen.add(key)
                    affiliations.append(
                        {
                            "actor_id": actor_id,
                            "organization_id": org,
                            "role": a.role[:300] if a.role else None,
                            "valid_from": a.valid_from,
                            "valid_to": a.valid_to,
                            "article_id": article_id,
                            "origin": "extracted",
                        }
                    )
        if quotes:
            insert_rows(self.connection, QUOTES, quotes)
        if mentions:
            insert_rows(self.connection, MENTIONS, mentions)
        if affiliations:
            insert_rows(self.connection, AFFILIATIONS, affiliations)
        if events:
            event_ids = insert_ids(self.connection, EVENTS, events)
            rows = [
                {"event_id": event_id, **participant}
                for event_id, group in zip(event_ids, participants, strict=True)
                for participant in group
            ]
            if rows:
                insert_rows(self.connection, PARTICIPANTS, rows)

    def _copies_of(self, article_ids: list[int]) -> dict[int, dict[str, Any]]:
        """What the quotes of these stored articles copy from them (see :func:`_copied`)."""
        found: dict[int, dict[str, Any]] = {}
        columns = (ARTICLES.c.id, ARTICLES.c.published, ARTICLES.c.source_id)
        for chunk in chunks(sorted(set(article_ids))):
            query = select(*columns).where(ARTICLES.c.id.in_(chunk))
            found.update((row.id, _copied(row._mapping)) for row in self.connection.execute(query))
        return found

    # ---------------------------------------------------------------- attached records

    def attach_quote(self, article_id: int, record: AttachedQuote) -> bool:
        """Add an exported quote to its article; False when the same quote is already there."""
        q = record.quote
        exists = self.connection.execute(
            select(QUOTES.c.id).where(
                QUOTES.c.article_id == article_id,
                QUOTES.c.text == q.text,
                QUOTES.c.start_char.is_(None)
                if q.start is None
                else QUOTES.c.start_char == q.start,
            )
        ).first()
        if exists:
            return False
        actors = [record.speaker] if record.speaker else []
        self._add_extractions([(article_id, Extraction(quotes=[q], actors=actors))])
        return True

    def attach_event(self, article_id: int, record: AttachedEvent) -> bool:
        """Add an exported event to its article; False when the same event is already there."""
        e = record.event
        exists = self.connection.execute(
            select(EVENTS.c.id).where(
                EVENTS.c.article_id == article_id,
                EVENTS.c.kind == e.kind,
                EVENTS.c.start_char.is_(None)
                if e.start is None
                else EVENTS.c.start_char == e.start,
                EVENTS.c.evidence.is_(None)
                if e.evidence is None
                else EVENTS.c.evidence == e.evidence,
            )
        ).first()
        if exists:
            return False
        places = [record.place] if record.place else []
        self._add_extractions(
            [(article_id, Extraction(events=[e], actors=record.actors, places=places))]
        )
        return True


def _copied(article: Mapping[Any, Any]) -> dict[str, Any]:
    """The columns a quote copies from its article (``article``: its row), so that quotes are
    ordered by time and counted per outlet without reading their articles."""
    return {"published": article["published"] or EARLIEST, "source_id": article["source_id"]}


def _clip(text: str | None, length: int) -> str | None:
    return text[:length] if text else None


def _with_referenced_actors(extraction: Extraction) -> list[ActorRecord]:
    """The extraction's actors plus one for every speaker, participant or organisation named
    without an actor record of its own (a curated file may give only names)."""
    actors = list(extraction.actors)
    known = {n for actor in actors for n in names_of(actor)}

    def need(name: str | None, kind: str) -> None:
        if name and (normalized := normalize_name(name)) and normalized not in known:
            known.add(normalized)
            actors.append(ActorRecord(name=name, kind=kind))

    for quote in extraction.quotes:
        need(quote.speaker, "other")
    for event in extraction.events:
        for participant in event.actors:
            need(participant.name, "other")
    for actor in extraction.actors:
        for affiliation in actor.affiliations:
            need(affiliation.organization, "organization")
    for mention in extraction.mentions:
        if mention.kind == "actor":
            need(mention.name, "other")
    return actors


def _unplaced_mentions(extraction: Extraction) -> list[MentionRecord]:
    """A mention without offsets for each actor or place the extraction lists but never
    places in the text, so the article stays linked to everything it names."""
    placed = {(m.kind, normalize_name(m.name)) for m in extraction.mentions}
    return [
        MentionRecord(kind=kind, name=entity.name, text=entity.name)
        for kind, entities in (("actor", extraction.actors), ("place", extraction.places))
        for entity in entities
        if (kind, normalize_name(entity.name)) not in placed
    ]


def _with_referenced_places(extraction: Extraction) -> list[PlaceRecord]:
    places = list(extraction.places)
    known = {n for place in places for n in names_of(place)}
    for name in [e.place for e in extraction.events] + [
        m.name for m in extraction.mentions if m.kind == "place"
    ]:
        if name and (normalized := normalize_name(name)) and normalized not in known:
            known.add(normalized)
            places.append(PlaceRecord(name=name))
    return places
