"""Streaming export of the whole archive, without caps, in the form ``archive import`` reads.

Rows are read in chunks of ``CHUNK`` with their related rows fetched per chunk (one query per
relation, never one per row), so memory stays bounded whatever the archive's size.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, select

from archive.dates import format_date
from archive.flat import COLUMNS, flat
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
    chunks,
)
from archive.vocab import EVENT_KINDS

WHAT = ("articles", "quotes", "actors", "places", "events")
FORMATS = ("jsonl", "csv")
CHUNK = 500
ARTICLE_CSV_COLUMNS = [
    "record",
    "url",
    "title",
    "body",
    "published",
    "published_precision",
    "language",
    "authors",
    "source",
    "source_domain",
    "content_hash",
    "imported_at",
    "quotes",
    "actors",
    "places",
    "events",
    "mentions",
]
"""CSV has one header for all rows, so an article's free-form input fields stay in JSONL only."""


class _Related:
    """Actors and places by id, with aliases and affiliations, loaded a chunk at a time."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def actors(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        ids = sorted(set(ids))
        found: dict[int, dict[str, Any]] = {}
        for chunk in chunks(ids):
            for row in self.connection.execute(select(ACTORS).where(ACTORS.c.id.in_(chunk))):
                found[row.id] = {
                    "name": row.name,
                    "kind": row.kind,
                    "aliases": [],
                    "description": row.description,
                    "wikidata_id": row.wikidata_id,
                }
            query = select(ACTOR_ALIASES.c.actor_id, ACTOR_ALIASES.c.alias).where(
                ACTOR_ALIASES.c.actor_id.in_(chunk)
            )
            for actor_id, alias in self.connection.execute(query.order_by(ACTOR_ALIASES.c.id)):
                if alias != found[actor_id]["name"]:
                    found[actor_id]["aliases"].append(alias)
        return found

    def places(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        ids = sorted(set(ids))
        found: dict[int, dict[str, Any]] = {}
        for chunk in chunks(ids):
            for row in self.connection.execute(select(PLACES).where(PLACES.c.id.in_(chunk))):
                found[row.id] = {
                    "name": row.name,
                    "aliases": [],
                    "kind": row.kind,
                    "country": row.country_code,
                    "lat": row.latitude,
                    "lon": row.longitude,
                    "geonames_id": row.geonames_id,
                }
            query = select(PLACE_ALIASES.c.place_id, PLACE_ALIASES.c.alias).where(
                PLACE_ALIASES.c.place_id.in_(chunk)
            )
            for place_id, alias in self.connection.execute(query.order_by(PLACE_ALIASES.c.id)):
                if alias != found[place_id]["name"]:
                    found[place_id]["aliases"].append(alias)
        return found

    def by_article(self, table: Table, article_ids: Sequence[int]) -> dict[int, list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        order = table.c.start_char if "start_char" in table.c else table.c.id
        query = (
            select(table)
            .where(table.c.article_id.in_(article_ids))
            .order_by(order.nulls_last(), table.c.id)
        )
        for row in self.connection.execute(query):
            grouped[row.article_id].append(row)
        return grouped

    def participants(self, event_ids: Sequence[int]) -> dict[int, list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        query = select(PARTICIPANTS).where(PARTICIPANTS.c.event_id.in_(event_ids))
        for row in self.connection.execute(
            query.order_by(PARTICIPANTS.c.role, PARTICIPANTS.c.actor_id)
        ):
            grouped[row.event_id].append(row)
        return grouped


def _quote(row: Any, actors: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {
        "text": row.text,
        "start": row.start_char,
        "end": row.end_char,
        "direct": row.direct,
        "speaker": actors[row.speaker_id]["name"] if row.speaker_id else None,
        "speaker_as_written": row.speaker_as_written,
        "cue": row.cue,
        "confidence": row.confidence,
        "origin": row.origin,
    }


def _event(
    row: Any,
    participants: list[Any],
    actors: dict[int, dict[str, Any]],
    places: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    kind = EVENT_KINDS[row.kind]
    return {
        "kind": row.kind,
        "sub_kind": row.sub_kind,
        "acled_event_type": kind.acled_event_type,
        "acled_sub_event_type": kind.acled_sub_event_type,
        "date": format_date(row.date, row.date_precision),
        "date_precision": row.date_precision,
        "place": places[row.place_id]["name"] if row.place_id else None,
        "actors": [{"name": actors[p.actor_id]["name"], "role": p.role} for p in participants],
        "fatalities": row.fatalities,
        "evidence": row.evidence,
        "start": row.start_char,
        "end": row.end_char,
        "confidence": row.confidence,
        "origin": row.origin,
    }


def _articles(connection: Connection, chunk: Sequence[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    related = _Related(connection)
    rows = connection.execute(
        select(
            ARTICLES,
            SOURCES.c.name.label("source_name"),
            SOURCES.c.domain.label("source_domain"),
        )
        .outerjoin(SOURCES, SOURCES.c.id == ARTICLES.c.source_id)
        .where(ARTICLES.c.id.in_(chunk))
        .order_by(ARTICLES.c.id)
    ).all()
    quotes = related.by_article(QUOTES, chunk)
    events = related.by_article(EVENTS, chunk)
    mentions = related.by_article(MENTIONS, chunk)
    affiliations = related.by_article(AFFILIATIONS, chunk)
    participants = related.participants([e.id for group in events.values() for e in group])
    actor_ids = {q.speaker_id for g in quotes.values() for q in g if q.speaker_id}
    actor_ids |= {p.actor_id for g in participants.values() for p in g}
    actor_ids |= {m.actor_id for g in mentions.values() for m in g if m.actor_id}
    actor_ids |= {a.actor_id for g in affiliations.values() for a in g}
    actor_ids |= {a.organization_id for g in affiliations.values() for a in g if a.organization_id}
    actors = related.actors(actor_ids)
    place_ids = {e.place_id for g in events.values() for e in g if e.place_id}
    place_ids |= {m.place_id for g in mentions.values() for m in g if m.place_id}
    places = related.places(place_ids)
    for row in rows:
        article_quotes = quotes.get(row.id, [])
        article_events = events.get(row.id, [])
        article_mentions = mentions.get(row.id, [])
        article_affiliations = affiliations.get(row.id, [])
        used_actors: dict[int, dict[str, Any]] = {}
        for actor_id in (
            [q.speaker_id for q in article_quotes if q.speaker_id]
            + [p.actor_id for e in article_events for p in participants.get(e.id, [])]
            + [m.actor_id for m in article_mentions if m.actor_id]
            + [a.actor_id for a in article_affiliations]
            + [a.organization_id for a in article_affiliations if a.organization_id]
        ):
            used_actors.setdefault(actor_id, dict(actors[actor_id], affiliations=[]))
        for a in article_affiliations:
            used_actors[a.actor_id]["affiliations"].append(
                {
                    "organization": actors[a.organization_id]["name"]
                    if a.organization_id
                    else None,
                    "role": a.role,
                    "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                    "valid_to": a.valid_to.isoformat() if a.valid_to else None,
                }
            )
        used_places = {
            place_id: places[place_id]
            for place_id in [e.place_id for e in article_events if e.place_id]
            + [m.place_id for m in article_mentions if m.place_id]
        }
        record = dict(row.raw or {})  # unrecognised input fields, back at top level
        record.update(
            {
                "record": "article",
                "url": row.url,
                "title": row.title,
                "body": row.body,
                "published": format_date(row.published, row.published_precision),
                "published_precision": row.published_precision,
                "language": row.language,
                "authors": row.authors or [],
                "source": row.source_name,
                "source_domain": row.source_domain,
                "content_hash": row.content_hash,
                "imported_at": row.imported_at.isoformat(),
                "quotes": [_quote(q, actors) for q in article_quotes],
                "actors": list(used_actors.values()),
                "places": list(used_places.values()),
                "events": [
                    _event(e, participants.get(e.id, []), actors, places) for e in article_events
                ],
                "mentions": [
                    {
                        "kind": m.kind,
                        "name": (actors[m.actor_id] if m.actor_id else places[m.place_id])["name"],
                        "text": m.text,
                        "start": m.start_char,
                        "end": m.end_char,
                    }
                    for m in article_mentions
                ],
            }
        )
        yield row.id, record


def _article_keys(
    connection: Connection, table: Table, chunk: Sequence[int]
) -> dict[int, dict[str, Any]]:
    rows = connection.execute(
        select(
            table.c.id,
            ARTICLES.c.url,
            ARTICLES.c.content_hash,
            ARTICLES.c.title,
            ARTICLES.c.published,
            ARTICLES.c.published_precision,
            SOURCES.c.name.label("outlet"),
        )
        .join(ARTICLES, ARTICLES.c.id == table.c.article_id)
        .outerjoin(SOURCES, SOURCES.c.id == ARTICLES.c.source_id)
        .where(table.c.id.in_(chunk))
    )
    return {
        row.id: {
            "article_url": row.url,
            "article_hash": row.content_hash,
            "article_title": row.title,
            "published": format_date(row.published, row.published_precision),
            "outlet": row.outlet,
        }
        for row in rows
    }


def _quotes(connection: Connection, chunk: Sequence[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    related = _Related(connection)
    rows = connection.execute(
        select(QUOTES).where(QUOTES.c.id.in_(chunk)).order_by(QUOTES.c.id)
    ).all()
    keys = _article_keys(connection, QUOTES, chunk)
    actors = related.actors(r.speaker_id for r in rows if r.speaker_id)
    for row in rows:
        quote = _quote(row, actors)
        quote["speaker"] = actors[row.speaker_id] if row.speaker_id else None
        yield row.id, {"record": "quote", **keys[row.id], **quote}


def _events(connection: Connection, chunk: Sequence[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    related = _Related(connection)
    rows = connection.execute(
        select(EVENTS).where(EVENTS.c.id.in_(chunk)).order_by(EVENTS.c.id)
    ).all()
    keys = _article_keys(connection, EVENTS, chunk)
    participants = related.participants(chunk)
    actors = related.actors(p.actor_id for g in participants.values() for p in g)
    places = related.places(r.place_id for r in rows if r.place_id)
    for row in rows:
        event = _event(row, participants.get(row.id, []), actors, places)
        event["actors"] = [
            dict(actors[p.actor_id], role=p.role) for p in participants.get(row.id, [])
        ]
        event["place"] = places[row.place_id] if row.place_id else None
        yield row.id, {"record": "event", **keys[row.id], **event}


def _actors(connection: Connection, chunk: Sequence[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    for pk, actor in _Related(connection).actors(chunk).items():
        yield pk, {"record": "actor", **actor}


def _places(connection: Connection, chunk: Sequence[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    for pk, place in _Related(connection).places(chunk).items():
        yield pk, {"record": "place", **place}


_EXPORTERS = {
    "articles": (ARTICLES, _articles),
    "quotes": (QUOTES, _quotes),
    "actors": (ACTORS, _actors),
    "places": (PLACES, _places),
    "events": (EVENTS, _events),
}


def export_records(connection: Connection, what: str) -> Iterator[dict[str, Any]]:
    """Every record of one kind, as dictionaries ``archive import`` reads back."""
    table, _ = _EXPORTERS[what]
    ids = connection.execute(select(table.c.id).order_by(table.c.id)).scalars().all()
    for chunk in chunks(ids, CHUNK):
        yield from records_of(connection, what, chunk)


def records_of(connection: Connection, what: str, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The records of one kind with primary keys ``ids`` (at most ``CHUNK``), in that order
    (an id with no record left is skipped)."""
    _, build = _EXPORTERS[what]
    found = dict(build(connection, sorted(set(ids))))
    return [found[pk] for pk in ids if pk in found]


def export_lines(connection: Connection, what: str, fmt: str) -> Iterator[str]:
    """The export as text lines: JSONL, or CSV with a header, in flat columns (``flat``)
    but for an article's own quotes, events and mentions, which stay JSON cells."""
    records = export_records(connection, what)
    if fmt == "jsonl":
        for record in records:
            yield json.dumps(record, ensure_ascii=False, default=str) + "\n"
        return
    yield from csv_lines(records, COLUMNS.get(what, ARTICLE_CSV_COLUMNS))


def csv_lines(
    records: Iterable[dict[str, Any]], columns: list[str], *, header: bool = True
) -> Iterator[str]:
    """``records`` as CSV lines under ``columns``, each flattened (``flat``), after the
    header unless ``header`` is false (a later part of one file)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    if header:
        writer.writeheader()
    for record in records:
        writer.writerow({k: _csv_cell(v) for k, v in flat(record).items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"  # as JSON writes them, not Python's "True"
    return value
