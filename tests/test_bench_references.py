"""The benchmark's fair reference loads what the archive loads: a ratio against a reference
that dropped records or references would flatter the archive."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from archive.bench import corpus, references


def test_the_normalized_reference_stores_every_record_linked_and_searchable(
    tmp_path: Path,
) -> None:
    source = tmp_path / "annotated.jsonl"
    corpus.write_jsonl(source, 40, seed=3, annotated=True)
    records = [json.loads(line) for line in source.read_text().splitlines()]
    assert references.normalized(source, tmp_path / "normal.db") > 0
    with sqlite3.connect(tmp_path / "normal.db") as connection:

        def one(sql: str) -> int:
            return int(connection.execute(sql).fetchone()[0])

        assert one("SELECT count(*) FROM articles") == 40
        assert one("SELECT count(*) FROM quotes") == sum(len(r["quotes"]) for r in records)
        assert one("SELECT count(*) FROM events") == sum(len(r["events"]) for r in records)
        speakers = {q["speaker"] for r in records for q in r["quotes"]}
        assert one("SELECT count(DISTINCT speaker_id) FROM quotes") == len(speakers)
        # every reference resolves to a row
        assert (
            one("SELECT count(*) FROM quotes WHERE speaker_id NOT IN (SELECT id FROM actors)") == 0
        )
        assert (
            one(
                "SELECT count(*) FROM events WHERE place_id IS NOT NULL"
                " AND place_id NOT IN (SELECT id FROM places)"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM event_participants WHERE actor_id NOT IN (SELECT id FROM actors)"
            )
            == 0
        )
        # the full-text index was kept as rows arrived
        word = re.compile(r"\bceasefire\b", re.IGNORECASE)
        expected = sum(1 for r in records for q in r["quotes"] if word.search(q["text"]))
        assert expected > 0
        assert one("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'ceasefire'") == expected
