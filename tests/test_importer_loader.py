"""The loader on a real database: idempotence, updates, batches that land whole or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from archive.bench import corpus
from archive.extract.runner import ExtractionRunner, extract_safely
from archive.importer.loader import Loader
from archive.importer.readers import Item, Reader
from archive.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Article,
    Event,
    EventParticipant,
    Place,
    Quote,
)
from archive.names import normalize_name
from tests.conftest import FIXTURES, SAMPLES
from tests.helpers import counts, load, load_items, title_words_extractor


def test_import_samples_twice_leaves_counts_unchanged(engine: Engine) -> None:
    first = load(engine, [SAMPLES])
    before = counts(engine)
    second = load(engine, [SAMPLES])
    assert first.imported == 7
    assert first.rejected == 0
    assert (second.imported, second.duplicates, second.rejected) == (0, 7, 0)
    assert counts(engine) == before


def test_same_text_under_another_url_is_a_duplicate(engine: Engine, tmp_path: Path) -> None:
    record = {"title": "T", "body": "Exactly  the same text.", "url": "https://a.example/1"}
    copy = dict(record, url="https://b.example/2", body="exactly the same   TEXT.")
    path = tmp_path / "twice.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(copy) + "\n")
    report = load(engine, [path])
    assert (report.imported, report.duplicates) == (1, 1)


def test_update_replaces_changed_article_and_keeps_one_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            {"title": "T", "body": "First version.", "url": "https://x.example/a?utm_source=feed"}
        )
    )
    load(engine, [path])
    path.write_text(
        json.dumps({"title": "T2", "body": "Second version.", "url": "https://x.example/a"})
    )
    without_update = load(engine, [path])
    with_update = load(engine, [path], update=True)
    assert without_update.duplicates == 1
    assert with_update.updated == 1
    with engine.connect() as connection:
        rows = connection.execute(select(Article.title, Article.body, Article.url)).all()
    assert [tuple(r) for r in rows] == [("T2", "Second version.", "https://x.example/a")]


def test_annotated_records_are_stored_as_given_with_aliases_merged(engine: Engine) -> None:
    report = load(engine, [FIXTURES / "annotated.jsonl"])
    assert (report.imported, report.rejected) == (2, 0)
    with engine.connect() as connection:
        actors = connection.execute(select(Actor.name, Actor.kind).order_by(Actor.name)).all()
        aliases = set(connection.execute(select(ActorAlias.normalized)).scalars())
        places = connection.execute(select(Place.name, Place.geonames_id)).all()
        quotes = connection.execute(
            select(Quote.text, Quote.direct, Actor.name, Quote.origin).join(
                Actor, Quote.speaker_id == Actor.id
            )
        ).all()
        participants = connection.execute(
            select(EventParticipant.role, Actor.name).join(Actor)
        ).all()
        events = connection.execute(select(Event.kind, Event.fatalities).order_by(Event.id)).all()
        roles = connection.execute(select(Affiliation.role)).scalars().all()
    # "Abdul Ghani", "HTS" and "Hamah" in the second article resolve to the first one's rows.
    assert [tuple(a) for a in actors] == [
        ("Hassan Abdul Ghani", "person"),
        ("Hayat Tahrir al-Sham", "armed_group"),
        ("Syrian Observatory for Human Rights", "organization"),
    ]
    assert normalize_name("Hay'at Tahrir al-Sham") in aliases
    assert [tuple(p) for p in places] == [("Hama", 170017), ("Homs", None)]
    assert sorted(tuple(q) for q in quotes) == [
        ("We entered the city,", True, "Hassan Abdul Ghani", "imported"),
        ("the fighters would reach Homs", False, "Hassan Abdul Ghani", "imported"),
    ]
    assert [tuple(e) for e in events] == [("capture", None), ("clash", 12)]
    assert sorted(tuple(p) for p in participants) == [("actor1", "Hayat Tahrir al-Sham")] * 2
    assert roles == ["commander"]


def test_offsets_that_miss_their_text_reject_the_record(engine: Engine, tmp_path: Path) -> None:
    record = {
        "title": "T",
        "body": "He said hello.",
        "quotes": [{"text": "hello", "start": 0, "end": 5}],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record))
    report = load(engine, [path])
    assert report.rejected == 1
    assert report.rejects[0].reason == "quote 1: the text at 0..5 is 'He sa', not 'hello'"
    assert counts(engine)["articles"] == 0


def test_error_inside_a_batch_leaves_no_partial_article(engine: Engine, tmp_path: Path) -> None:
    # The second record passes the reader's checks, but the database refuses its event
    # (the CHECK on fatalities): the batch is rolled back and retried record by record.
    good = {
        "title": "Good",
        "body": "A quiet day in the city.",
        "url": "https://e.example/1",
        "events": [{"kind": "protest", "place": "Lyon"}],
        "quotes": [],
    }
    bad = {
        "title": "Bad",
        "body": "A bad day.",
        "url": "https://e.example/2",
        "quotes": [{"text": "day", "start": 6, "end": 9}],
        "events": [{"kind": "clash", "fatalities": 2, "start": 0, "end": 3}],
    }
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    items = list(Reader(5_000_000).read([str(path)]))
    bad_event = items[1].record.annotations.events[0]  # type: ignore[union-attr]
    bad_event.fatalities = -5  # what a buggy extractor could produce, past the reader's checks
    report = load_items(engine, items)
    assert report.imported == 1
    assert report.rejected == 1
    assert report.rejects[0].location == f"{path}:2"
    assert "refused by the database" in report.rejects[0].reason
    with engine.connect() as connection:
        titles = connection.execute(select(Article.title)).scalars().all()
        quotes = connection.execute(select(Quote.text)).scalars().all()
    assert titles == ["Good"]
    assert quotes == []
    assert counts(engine)["events"] == 1


def test_strict_mode_writes_nothing_when_a_line_is_bad(engine: Engine) -> None:
    load(engine, [SAMPLES / "05_amman-wire.jsonl"])
    before = counts(engine)
    report = load(engine, [FIXTURES / "five.jsonl"], strict=True, batch_size=2)
    assert report.rejected == 1
    assert report.rolled_back
    assert counts(engine) == before


def test_strict_mode_writes_everything_when_all_is_good(engine: Engine) -> None:
    report = load(engine, [SAMPLES], strict=True, batch_size=2)
    assert not report.rolled_back
    assert counts(engine)["articles"] == report.imported == 7


def test_batches_are_written_while_input_is_still_streaming(engine: Engine) -> None:
    """Bounded memory: the loader writes a batch as soon as it is full, before input ends."""
    seen_during_stream: list[int] = []
    reader = Reader(5_000_000)

    def endless_lines() -> Iterator[Item]:
        for n in range(1, 251):
            line = json.dumps({"title": f"Item {n}", "body": f"Body number {n} of a long stream."})
            yield from reader._read_jsonl(iter([line.encode()]), f"stream:{n}")  # type: ignore[arg-type]
            if n == 201:
                seen_during_stream.append(counts(engine)["articles"])

    report = load_items(engine, endless_lines(), batch_size=100)
    assert report.imported == 250
    assert seen_during_stream == [200]


class _ElsewhereRunner:
    """A runner that extracts in other threads, as a cluster's workers would, and notes how
    many batches were submitted and not yet collected."""

    def __init__(self, in_flight: int) -> None:
        self.in_flight = in_flight
        self.retries = 0
        self.pool = ThreadPoolExecutor(2)
        self.waiting = 0
        self.most_waiting = 0
        self.extractor = title_words_extractor()

    def run(self, articles: Any) -> Any:
        return self.submit(articles).result()

    def submit(self, articles: Any) -> Any:
        self.waiting += 1
        self.most_waiting = max(self.most_waiting, self.waiting)
        future = self.pool.submit(extract_safely, self.extractor, articles)
        runner = self

        class Collected:
            def result(self) -> Any:
                runner.waiting -= 1
                return future.result()

            def cancel(self) -> None:
                future.cancel()

        return Collected()

    def close(self) -> None:
        self.pool.shutdown()


def test_batches_extracted_elsewhere_are_bounded_and_written_in_reading_order(
    engine: Engine,
) -> None:
    lines = [{"title": f"Town{n} Village{n}", "body": f"News from town {n}."} for n in range(40)]
    lines.insert(6, lines[1])  # a duplicate of an article still in flight
    items = list(Reader(5_000_000)._read_jsonl(iter(json.dumps(x).encode() for x in lines), "in"))  # type: ignore[arg-type]
    runner = _ElsewhereRunner(in_flight=3)
    try:
        report = Loader(engine, runner, batch_size=4).load(items)  # type: ignore[arg-type]
    finally:
        runner.close()
    assert (report.imported, report.duplicates, report.rejected) == (40, 1, 0)
    assert runner.most_waiting == 4  # the bound, and the batch just read
    with engine.connect() as connection:
        titles = connection.execute(select(Article.title).order_by(Article.id)).scalars().all()
        places = connection.execute(select(Place.name)).scalars().all()
    assert titles == [f"Town{n} Village{n}" for n in range(40)]
    assert len(places) == 80


def _jsonl_items(records: list[dict[str, Any]]) -> list[Item]:
    lines = iter(json.dumps(record).encode() for record in records)
    return list(Reader(5_000_000)._read_jsonl(lines, "in"))  # type: ignore[arg-type]


def test_an_article_repeating_one_in_flight_is_planned_as_a_sequential_import_plans_it(
    engine: Engine,
) -> None:
    """Batches still being extracted are written before a batch that repeats one of their
    articles is planned: an update of it lands, and a copy of one that extraction refused
    is imported, as they would be one batch after another."""
    records = [
        {"url": "https://wire.example/a", "title": "Lyon", "body": "First text about Lyon."},
        {"title": "boom", "body": "A text whose extraction fails."},
        {"url": "https://wire.example/a", "title": "Lyon", "body": "Corrected text about Lyon."},
        {"title": "Nice", "body": "A text whose extraction fails."},
    ]
    seen: list[int] = []
    runner = _ElsewhereRunner(in_flight=3)
    try:
        report = Loader(
            engine, runner, batch_size=1, update=True, progress=lambda r: seen.append(r.imported)
        ).load(_jsonl_items(records))  # type: ignore[arg-type]
    finally:
        runner.close()
    assert (report.imported, report.updated, report.duplicates, report.rejected) == (2, 1, 0, 1)
    assert seen[-1] == 2  # the last progress call follows the last write
    with engine.connect() as connection:
        bodies = connection.execute(select(Article.body).order_by(Article.id)).scalars().all()
    assert bodies == ["Corrected text about Lyon.", "A text whose extraction fails."]


def test_extraction_failure_rejects_only_that_article(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "three.jsonl"
    path.write_text(
        "".join(
            json.dumps({"title": t, "body": f"About {t}."}) + "\n" for t in ("Lyon", "boom", "Nice")
        )
    )
    with ExtractionRunner(title_words_extractor, workers=2) as runner:
        report = Loader(engine, runner).load(Reader(5_000_000).read([str(path)]))
    assert (report.imported, report.rejected) == (2, 1)
    assert report.rejects[0].location == f"{path}:2"
    with engine.connect() as connection:
        assert sorted(connection.execute(select(Place.name)).scalars()) == ["Lyon", "Nice"]


def test_annotated_corpus_lands_linked_in_statements_per_table_not_per_row(
    engine: Engine, tmp_path: Path
) -> None:
    """New ids are reserved per batch: every event keeps its own participants across batches
    and imports, and a batch costs a few statements per table, not one per row."""
    records = list(corpus.articles(90, annotated=True))
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in records[:30]))
    second.write_text("".join(json.dumps(r) + "\n" for r in records[30:]))
    load(engine, [first], batch_size=7)
    statements: list[str] = []

    def count(_c: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        report = load(engine, [second], batch_size=60)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert report.imported == 60
    rows_written = sum(len(r["quotes"]) + len(r["events"]) for r in records[30:])
    assert rows_written > 600
    assert len(statements) < 60, statements

    expected = {
        (r["url"], e["start"]): sorted(a["role"] for a in e["actors"])
        for r in records
        for e in r["events"]
    }
    with engine.connect() as connection:
        rows = connection.execute(
            select(Article.url, Event.start_char, EventParticipant.role)
            .join(Event, Event.article_id == Article.id)
            .join(EventParticipant, EventParticipant.event_id == Event.id)
        ).all()
    stored: dict[tuple[str | None, int | None], list[str]] = {}
    for url, start, role in rows:
        stored.setdefault((url, start), []).append(role)
    assert {key: sorted(roles) for key, roles in stored.items()} == expected


def test_a_full_database_stops_the_import_with_one_message(tmp_path: Path) -> None:
    """SQLite's page limit stands in for a full disk: both end in SQLITE_FULL."""
    from archive import db
    from archive.importer.loader import CannotWrite

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = db.sync_engine(url)
    db.migrate(engine)
    with engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())

    @event.listens_for(engine, "connect")
    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 80}")

    engine.dispose()
    source = tmp_path / "corpus.jsonl"
    corpus.write_jsonl(source, 400, seed=21, annotated=True)
    try:
        with pytest.raises(CannotWrite) as caught:
            load(engine, [source], batch_size=20)
        report = caught.value.report
        assert report.rejected == 0
        assert 0 < report.imported < 400
        assert counts(engine)["articles"] == report.imported
        assert "full" in str(caught.value)
    finally:
        engine.dispose()


def test_an_article_another_importer_stores_meanwhile_is_a_duplicate(engine: Engine) -> None:
    from archive.records import ArticleRecord, Extraction

    items = list(Reader(5_000_000).read([str(SAMPLES)]))

    class Racing:
        """Extracts nothing; on its first article another importer stores them all, in the
        window between this import's duplicate check and its write."""

        raced = False

        def extract(self, article: ArticleRecord) -> Extraction:
            if not Racing.raced:
                Racing.raced = True
                load_items(engine, items)
            return Extraction()

    with ExtractionRunner(Racing) as runner:
        report = Loader(engine, runner).load(items)
    assert (report.imported, report.duplicates, report.rejected) == (0, 7, 0)
    assert counts(engine)["articles"] == 7


def test_an_update_keeps_a_curated_quote_once_and_follows_its_words(
    engine: Engine, tmp_path: Path
) -> None:
    """An editor fixed a quote's speaker; the article then comes again, changed, with
    ``--update``: the curated quote stays, once, at its words' new place, and the extraction's
    copy of it is not added beside it."""
    first = {
        "title": "Harbour talks",
        "url": "https://harbour.example/talks",
        "body": "“We will reopen the harbour,” said Ona Velasquez on Monday.",
        "quotes": [{"text": "We will reopen the harbour,", "speaker": "Ona Velasquez"}],
    }
    path = tmp_path / "talks.json"
    path.write_text(json.dumps(first))
    load(engine, [path])
    with engine.begin() as connection:
        quote_id = connection.execute(select(Quote.id)).scalar_one()
        connection.execute(
            Quote.__table__.update()
            .where(Quote.__table__.c.id == quote_id)
            .values(speaker_as_written="the harbour master", origin="curated", confidence=1.0)
        )
    changed = dict(
        first,
        body="Updated. “We will reopen the harbour,” said Ona Velasquez on Monday.",
        quotes=[{"text": "We will reopen the harbour,", "speaker": "Ona Velasquez"}],
    )
    path.write_text(json.dumps(changed))
    assert load(engine, [path], update=True).updated == 1
    with engine.connect() as connection:
        rows = connection.execute(
            select(Quote.id, Quote.origin, Quote.speaker_as_written, Quote.start_char)
        ).all()
    assert [tuple(r) for r in rows] == [(quote_id, "curated", "the harbour master", 10)]
