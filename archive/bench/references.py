"""What a user would load the pre-annotated corpus with instead of the archive: sqlite-utils.

Two references for ``archive import --no-extract`` of the same JSONL file:

- ``flat``: ``sqlite-utils insert FILE articles --nl``, one row per article in one table with
  the annotations as JSON text, nothing indexed: the least anyone can spend storing the records.
- ``normalized``: sqlite-utils' Python API loading the same records into the tables the
  archive keeps (outlets, articles, actors and their spellings, affiliations, places and their
  spellings, quotes with their speaker, events with their participants), every reference by id,
  unique names and URLs, indexes on the foreign keys, and full-text search over articles and
  quotes kept by triggers as rows arrive (``enable_fts(create_triggers=True)`` before the
  insert), in transactions of 500 articles. Names are resolved in memory, as a careful script
  would. It does less than the archive: no validation of each record against its text, no
  content hash, no mentions, no alias matching across spellings. That makes it a fair bound,
  not a copy: the work a normalized, searchable store cannot skip.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.db import Table

BATCH = 500


def flat(corpus_file: Path, target: Path) -> float:
    """Seconds of ``sqlite-utils insert`` of the corpus into one table of a new file."""
    import subprocess

    target.unlink(missing_ok=True)
    tool = str(Path(sys.executable).with_name("sqlite-utils"))
    started = time.perf_counter()
    subprocess.run(
        [tool, "insert", str(target), "articles", str(corpus_file), "--nl"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _schema(database: sqlite_utils.Database) -> None:
    def table(name: str, columns: dict[str, Any], **options: Any) -> Table:
        created = Table(database, name)
        created.create(columns, **options)
        return created

    table("sources", {"id": int, "name": str}, pk="id").create_index(["name"], unique=True)
    articles = table(
        "articles",
        {"id": int, "url": str, "title": str, "body": str, "published": str, "source_id": int},
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
    )
    articles.create_index(["url"], unique=True)
    articles.create_index(["published"])
    table("actors", {"id": int, "name": str, "kind": str}, pk="id").create_index(
        ["name"], unique=True
    )
    table(
        "actor_aliases",
        {"actor_id": int, "alias": str},
        pk=("actor_id", "alias"),
        foreign_keys=[("actor_id", "actors", "id")],
    )
    table(
        "affiliations",
        {"id": int, "actor_id": int, "organization_id": int, "role": str, "article_id": int},
        pk="id",
        foreign_keys=[
            ("actor_id", "actors", "id"),
            ("organization_id", "actors", "id"),
            ("article_id", "articles", "id"),
        ],
    )
    table(
        "places",
        {"id": int, "name": str, "kind": str, "country": str, "lat": float, "lon": float},
        pk="id",
    ).create_index(["name"], unique=True)
    table(
        "place_aliases",
        {"place_id": int, "alias": str},
        pk=("place_id", "alias"),
        foreign_keys=[("place_id", "places", "id")],
    )
    quotes = table(
        "quotes",
        {
            "id": int,
            "article_id": int,
            "speaker_id": int,
            "text": str,
            "direct": bool,
            "cue": str,
            "start": int,
            "end": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("speaker_id", "actors", "id")],
    )
    quotes.create_index(["article_id"])
    quotes.create_index(["speaker_id"])
    events = table(
        "events",
        {
            "id": int,
            "article_id": int,
            "kind": str,
            "sub_kind": str,
            "date": str,
            "place_id": int,
            "fatalities": int,
            "evidence": str,
            "start": int,
            "end": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("place_id", "places", "id")],
    )
    events.create_index(["article_id"])
    events.create_index(["place_id"])
    table(
        "event_participants",
        {"event_id": int, "actor_id": int, "role": str},
        pk=("event_id", "actor_id", "role"),
        foreign_keys=[("event_id", "events", "id"), ("actor_id", "actors", "id")],
    ).create_index(["actor_id"])
    articles.enable_fts(["title", "body"], create_triggers=True)
    quotes.enable_fts(["text"], create_triggers=True)


class _Ids:
    """Ids by name, given on first sight (what a script loading names keeps in memory)."""

    def __init__(self) -> None:
        self.known: dict[str, int] = {}

    def of(self, name: str) -> tuple[int, bool]:
        """The name's id, and whether it is new."""
        found = self.known.get(name)
        if found is not None:
            return found, False
        self.known[name] = len(self.known) + 1
        return self.known[name], True


def _records(corpus_file: Path) -> Iterator[list[dict[str, Any]]]:
    with corpus_file.open(encoding="utf-8") as lines:
        while chunk := [json.loads(line) for line in islice(lines, BATCH)]:
            yield chunk


def normalized(corpus_file: Path, target: Path) -> float:
    """Seconds to load the pre-annotated corpus into the normalized, searchable tables of a new
    SQLite file with sqlite-utils. Returns after checking every article is there."""
    target.unlink(missing_ok=True)
    database = sqlite_utils.Database(target)
    _schema(database)
    sources, actors, places = _Ids(), _Ids(), _Ids()
    counters = {"articles": 0, "quotes": 0, "events": 0, "affiliations": 0}

    def next_id(table: str) -> int:
        counters[table] += 1
        return counters[table]

    def actor(name: str, kind: str | None = None, rows: dict[str, list[Any]] | None = None) -> int:
        assert rows is not None
        found, new = actors.of(name)
        if new:
            rows["actors"].append({"id": found, "name": name, "kind": kind})
        return found

    def place(name: str | None, rows: dict[str, list[Any]]) -> int | None:
        if not name:
            return None
        found, new = places.of(name)
        if new:  # named by an event only
            rows["places"].append({"id": found, "name": name})
        return found

    started = time.perf_counter()
    for chunk in _records(corpus_file):
        rows: dict[str, list[Any]] = {
            name: []
            for name in (
                "sources",
                "articles",
                "actors",
                "actor_aliases",
                "affiliations",
                "places",
                "place_aliases",
                "quotes",
                "events",
                "event_participants",
            )
        }
        for record in chunk:
            source, new = sources.of(record["source"])
            if new:
                rows["sources"].append({"id": source, "name": record["source"]})
            article = next_id("articles")
            rows["articles"].append(
                {
                    "id": article,
                    "url": record["url"],
                    "title": record["title"],
                    "body": record["text"],
                    "published": record["published"],
                    "source_id": source,
                }
            )
            for named in record["actors"]:
                found = actor(named["name"], named.get("kind"), rows)
                for alias in named.get("aliases") or []:
                    rows["actor_aliases"].append({"actor_id": found, "alias": alias})
                for held in named.get("affiliations") or []:
                    rows["affiliations"].append(
                        {
                            "id": next_id("affiliations"),
                            "actor_id": found,
                            "organization_id": actor(held["organization"], None, rows),
                            "role": held.get("role"),
                            "article_id": article,
                        }
                    )
            for named in record["places"]:
                found, new = places.of(named["name"])
                if new:
                    rows["places"].append(
                        {
                            "id": found,
                            "name": named["name"],
                            "kind": named.get("kind"),
                            "country": named.get("country"),
                            "lat": named.get("lat"),
                            "lon": named.get("lon"),
                        }
                    )
                    for alias in named.get("aliases") or []:
                        rows["place_aliases"].append({"place_id": found, "alias": alias})

            for quote in record["quotes"]:
                rows["quotes"].append(
                    {
                        "id": next_id("quotes"),
                        "article_id": article,
                        "speaker_id": actor(quote["speaker"], "person", rows),
                        "text": quote["text"],
                        "direct": quote["direct"],
                        "cue": quote.get("cue"),
                        "start": quote["start"],
                        "end": quote["end"],
                    }
                )
            for event in record["events"]:
                event_id = next_id("events")
                rows["events"].append(
                    {
                        "id": event_id,
                        "article_id": article,
                        "kind": event["kind"],
                        "sub_kind": event.get("sub_kind"),
                        "date": event.get("date"),
                        "place_id": place(event.get("place"), rows),
                        "fatalities": event.get("fatalities"),
                        "evidence": event.get("evidence"),
                        "start": event["start"],
                        "end": event["end"],
                    }
                )
                for taking_part in event.get("actors") or []:
                    rows["event_participants"].append(
                        {
                            "event_id": event_id,
                            "actor_id": actor(taking_part["name"], None, rows),
                            "role": taking_part["role"],
                        }
                    )
        with database.conn:
            for name, table_rows in rows.items():
                if table_rows:
                    Table(database, name).insert_all(table_rows, batch_size=BATCH, ignore=True)
    seconds = time.perf_counter() - started
    stored = Table(database, "articles").count
    database.conn.close()
    if stored != counters["articles"]:
        raise RuntimeError(f"sqlite-utils stored {stored} of {counters['articles']} articles")
    return seconds
