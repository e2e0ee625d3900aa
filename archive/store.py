"""Writing records into the archive inside a caller's transaction.

:class:`Store` resolves names to rows through the alias tables, so that every spelling of an
actor or place met anywhere in the archive lands on one row, and writes each kind of row with
one ``executemany`` per batch. It never commits: the caller owns the transaction, which is what
makes a batch land whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    delete,
    func,
    or_,
    select,
    text,
    update,
)

from archive.bulk import insert_rows
from archive.models import (
    EARLIEST,
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
    Source,
)
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

ARTICLE_CHILDREN = (QUOTES, EVENTS, MENTIONS, AFFILIATIONS)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class ExistingArticle:
    id: int
    url: str | None
    content_hash: str


@dataclass
class _Entities:
    """Name resolution for one kind (actors or places): normal form -> row id."""

    table: Table
    alias_table: Table
    key: str
    ids: dict[str, int] = field(default_factory=dict)


class Store:
    """Writes into one open transaction; caches live as long as that transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sources: dict[str, int] = {}
        self.actors = _Entities(ACTORS, ACTOR_ALIASES, "actor_id")
        self.places = _Entities(PLACES, PLACE_ALIASES, "place_id")

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

    def _load_aliases(self, entities: _Entities, names: Iterable[str]) -> None:
        wanted = sorted({n for n in names if n and n not in entities.ids})
        alias = entities.alias_table
        for chunk in chunks(wanted):
            query = select(alias.c.normalized, alias.c[entities.key]).where(
                alias.c.normalized.in_(chunk)
            )
            for normalized, entity_id in self.connection.execute(query):
                entities.ids[normalized] = entity_id

    # ---------------------------------------------------------------- sources

    def source_ids(self, records: Iterable[ArticleRecord]) -> None:
        """Create the sources the records name that the archive lacks."""
        wanted: dict[str, str | None] = {}
        for record in records:
            if record.source_name and record.source_name not in self.sources:
                wanted.setdefault(record.source_name, record.source_domain)
        if not wanted:
            return
        names = sorted(wanted)
        domains = sorted({d for d in wanted.values() if d})
        for chunk in chunks(names):
            rows = self.connection.execute(
                select(SOURCES.c.id, SOURCES.c.name).where(SOURCES.c.name.in_(chunk))
            )
            self.sources.update({name: source_id for source_id, name in rows})
        taken_domains: set[str] = set()
        for chunk in chunks(domains):
            rows = self.connection.execute(
                select(SOURCES.c.domain).where(SOURCES.c.domain.in_(chunk))
            )
            taken_domains.update(domain for (domain,) in rows)
        missing: list[dict[str, str | None]] = []
        for name in names:
            if name in self.sources:
                continue
            domain = wanted[name]
            if domain in taken_domains:
                domain = None  # the domain already belongs to an outlet spelled another way
            if domain:
                taken_domains.add(domain)
            missing.append({"name": name, "domain": domain})
        if missing:
            source_ids = self._insert_ids(SOURCES, missing)
            for values, source_id in zip(missing, source_ids, strict=True):
                self.sources[str(values["name"])] = source_id

    # ---------------------------------------------------------------- entities

    def actor_ids(self, records: Sequence[ActorRecord]) -> dict[str, int]:
        """Resolve or create each actor; returns normal form of every name and alias -> id."""
        return self._entity_ids(self.actors, records, self._actor_row, self._actor_fill)

    def place_ids(self, records: Sequence[PlaceRecord]) -> dict[str, int]:
        """Resolve or create each place, by gazetteer id first, then by any of its names."""
        by_geonames = [r.geonames_id for r in records if r.geonames_id is not None]
        for chunk in chunks(sorted(set(by_geonames))):
            rows = self.connection.execute(
                select(PLACES.c.geonames_id, PLACES.c.id).where(PLACES.c.geonames_id.in_(chunk))
            )
            for geonames_id, place_id in rows:
                self.places.ids[f"geonames:{geonames_id}"] = place_id
        return self._entity_ids(self.places, records, self._place_row, None)

    def _entity_ids(
        self, entities: _Entities, records: Sequence[Any], row_of: Any, fill: Any
    ) -> dict[str, int]:
        """Resolve records to rows in order, so that a record can name an entity an earlier
        record of the same batch created. New rows are written together at the end: until
        then they have provisional ids -1, -2, …"""
        names_of = [_names(record) for record in records]
        self._load_aliases(entities, (n for names in names_of for n in names))
        new_rows: list[dict[str, Any]] = []
        provisional: list[str] = []
        new_aliases: list[dict[str, Any]] = []
        known: list[tuple[int, Any]] = []
        for record, names in zip(records, names_of, strict=True):
            if not names:
                continue
            geonames = getattr(record, "geonames_id", None)
            key = f"geonames:{geonames}" if geonames is not None else None
            entity_id = entities.ids.get(key) if key else None
            if entity_id is None:
                entity_id = next(
                    (entities.ids[n] for n in _resolving(record, names) if n in entities.ids), None
                )
            if entity_id is None:
                new_rows.append(row_of(record))
                entity_id = -len(new_rows)
            elif fill is not None:
                known.append((entity_id, record))
            if key:
                entities.ids[key] = entity_id
                provisional.append(key)
            spellings = [record.name, *record.aliases]
            for spelling, normalized in zip(spellings, _normal_forms(spellings), strict=True):
                if normalized and normalized not in entities.ids:
                    entities.ids[normalized] = entity_id
                    provisional.append(normalized)
                    new_aliases.append(
                        {entities.key: entity_id, "alias": spelling[:300], "normalized": normalized}
                    )
        if new_rows:
            created = self._insert_ids(entities.table, new_rows)

            def real(entity_id: int) -> int:
                return created[-entity_id - 1] if entity_id < 0 else entity_id

            for name in provisional:
                entities.ids[name] = real(entities.ids[name])
            for alias in new_aliases:
                alias[entities.key] = real(alias[entities.key])
            known = [(real(entity_id), record) for entity_id, record in known]
        if new_aliases:
            insert_rows(self.connection, entities.alias_table, new_aliases)
        if known:
            fill(known)
        return entities.ids

    @staticmethod
    def _actor_row(record: ActorRecord) -> dict[str, Any]:
        return {
            "name": record.name[:300],
            "kind": record.kind,
            "description": record.description,
            "wikidata_id": record.wikidata_id,
            "external_ids": {},
        }

    def _actor_fill(self, known: list[tuple[int, ActorRecord]]) -> None:
        """Give stored actors what new records know and they lack: a kind, a description.

        One ``executemany`` per column for the whole batch: an actor named in every article
        would otherwise cost two statements per article.
        """
        kinds: dict[int, str] = {}
        descriptions: dict[int, str] = {}
        for actor_id, record in known:
            if record.kind != "other":
                kinds.setdefault(actor_id, record.kind)
            if record.description:
                descriptions.setdefault(actor_id, record.description)
        for column, values, lacking in (
            ("kind", kinds, ACTORS.c.kind == "other"),
            ("description", descriptions, ACTORS.c.description.is_(None)),
        ):
            if values:
                self.connection.execute(
                    update(ACTORS)
                    .where(ACTORS.c.id == bindparam("target"), lacking)
                    .values({column: bindparam("value")}),
                    [{"target": key, "value": value} for key, value in sorted(values.items())],
                )

    @staticmethod
    def _place_row(record: PlaceRecord) -> dict[str, Any]:
        return {
            "name": record.name[:300],
            "kind": record.kind,
            "country_code": record.country,
            "latitude": record.lat,
            "longitude": record.lon,
            "geonames_id": record.geonames_id,
        }

    # ---------------------------------------------------------------- articles

    def add_articles(self, items: Sequence[tuple[ArticleRecord, Extraction]]) -> list[int]:
        """Insert new articles with everything extracted from them; returns their ids."""
        if not items:
            return []
        self.source_ids(record for record, _ in items)
        now = utcnow()
        rows = [
            self._article_row(record, extraction) | {"imported_at": now}
            for record, extraction in items
        ]
        ids = self._insert_ids(ARTICLES, rows)
        self._add_extractions(
            list(zip(ids, (e for _, e in items), strict=True)),
            {article_id: _copied(row) for article_id, row in zip(ids, rows, strict=True)},
        )
        return ids

    def replace_article(
        self, article_id: int, record: ArticleRecord, extraction: Extraction
    ) -> None:
        """Overwrite a stored article with a changed version; curated records are kept."""
        self.source_ids([record])
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
        self._add_extractions([(article_id, extraction)], {article_id: _copied(row)})

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
            "source_id": self.sources.get(record.source_name) if record.source_name else None,
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
        actor_ids = self.actor_ids(actors)
        self.place_ids(
            [place for _, extraction in items for place in _with_referenced_places(extraction)]
        )
        place_ids = self.places.ids
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
            seen: set[tuple[int, int | None, str | None]] = set()
            for actor in extraction.actors:
                actor_id = actor_ids.get(normalize_name(actor.name))
                for a in actor.affiliations:
                    org = actor_ids.get(normalize_name(a.organization)) if a.organization else None
                    key = (actor_id or 0, org, a.role)
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
            event_ids = self._insert_ids(EVENTS, events)
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

    def _insert_ids(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` with new ids, which are returned in the order of ``rows``.

        The ids are reserved first and written explicitly, because neither backend returns
        the ids of a fast multi-row insert in parameter order (SQLAlchemy would fall back to a
        statement per row on SQLite, and to a slower form on PostgreSQL). PostgreSQL hands out
        ids from the table's sequence, safe under concurrent writers; on SQLite the
        transaction holds the write lock (``BEGIN IMMEDIATE``, see :mod:`archive.db`), so the
        ids after the largest are free.
        """
        if self.connection.dialect.name == "sqlite":
            largest = self.connection.execute(select(func.max(table.c.id))).scalar() or 0
            ids = list(range(largest + 1, largest + 1 + len(rows)))
        else:
            reserve = text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id'))"
                " FROM generate_series(1, :count)"
            )
            ids = list(
                self.connection.execute(reserve, {"table": table.name, "count": len(rows)})
                .scalars()
                .all()
            )
        insert_rows(
            self.connection, table, [row | {"id": i} for row, i in zip(rows, ids, strict=True)]
        )
        return ids

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


def _normal_forms(spellings: Iterable[str]) -> list[str]:
    return [normalize_name(spelling)[:300] for spelling in spellings]


def _names(record: ActorRecord | PlaceRecord) -> list[str]:
    return [n for n in _normal_forms([record.name, *record.aliases]) if n]


def _resolving(record: ActorRecord | PlaceRecord, names: list[str]) -> list[str]:
    """Which of a record's names find it among the stored ones. A person named in full is
    found by full names only: the surname or given name an article also used ("Clinton",
    "Hillary") is shared by others across the archive (a new "Bill Clinton" is not the stored
    "Hillary Clinton"), though it finds a person an article names by nothing else."""
    if getattr(record, "kind", None) == "person" and any(" " in name for name in names):
        return [name for name in names if " " in name]
    return names


def _with_referenced_actors(extraction: Extraction) -> list[ActorRecord]:
    """The extraction's actors plus one for every speaker, participant or organisation named
    without an actor record of its own (a curated file may give only names)."""
    actors = list(extraction.actors)
    known = {n for actor in actors for n in _names(actor)}

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
    known = {n for place in places for n in _names(place)}
    for name in [e.place for e in extraction.events] + [
        m.name for m in extraction.mentions if m.kind == "place"
    ]:
        if name and (normalized := normalize_name(name)) and normalized not in known:
            known.add(normalized)
            places.append(PlaceRecord(name=name))
    return places
