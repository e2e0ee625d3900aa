"""The loader: records in, rows out, one transaction per batch, and a report.

Contract:

* **Idempotent.** An article whose URL or normalized text is already stored is a duplicate and
  writes nothing; with ``update=True`` an article whose URL is stored with different text
  replaces it (curated records are kept).
* **Nothing half-written.** Each batch is written in one transaction. If the database refuses
  anything in it, the batch is rolled back and written again one record per transaction, so the
  offending record is rejected with the database's reason and the rest lands.
* **Strict mode.** Everything goes into a single transaction that is rolled back at the end if
  any input was rejected, so a bad file leaves the database exactly as it was.
* Extraction runs before a batch's transaction opens, so no lock is held while it works.
  With a runner that extracts elsewhere (a cluster), up to ``runner.in_flight`` batches are
  extracted while earlier ones are written, and written in the order they were read.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from archive.errors import ArchiveError
from archive.extract.language import extracted
from archive.extract.runner import ExtractionFailed, Runner, Submitted
from archive.importer.readers import Item, Skipped
from archive.records import (
    ActorRecord,
    ArticleRecord,
    AttachedEvent,
    AttachedQuote,
    Extraction,
    Located,
    PlaceRecord,
    Rejected,
)
from archive.store import Store

MAX_KEPT_REJECTS = 1000
"""Rejects kept in memory for the report; all of them go to the ``on_reject`` callback."""


@dataclass
class ImportReport:
    """What an import did. ``counts`` has other record types: ``actors``, ``quotes``…"""

    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    skipped: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    not_extracted: dict[str, int] = field(default_factory=dict)
    """Articles stored but not mined, by language: the pipeline reads English only."""
    rejects: list[Rejected] = field(default_factory=list)
    skipped_files: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    retries: int = 0
    """Batches, or parts of them, extracted again because a cluster's worker was lost."""
    rolled_back: bool = False
    """True when strict mode discarded everything because something was rejected."""

    @property
    def records(self) -> int:
        return (
            self.imported
            + self.updated
            + self.duplicates
            + self.rejected
            + sum(self.counts.values())
        )

    def count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def tallies(self) -> tuple[int, int, dict[str, int], dict[str, int]]:
        return self.imported, self.updated, dict(self.counts), dict(self.not_extracted)

    def restore(self, tallies: tuple[int, int, dict[str, int], dict[str, int]]) -> None:
        """Back to ``tallies`` (a transaction that counted was rolled back)."""
        self.imported, self.updated, self.counts, self.not_extracted = tallies


class CannotWrite(ArchiveError):
    """The database refuses every write (it is full, or read-only): the import stops at once,
    with what it had stored in ``report``."""

    def __init__(self, message: str, suggestion: str, report: ImportReport) -> None:
        super().__init__(message, suggestion=suggestion)
        self.report = report


@dataclass
class _Pending:
    location: str
    record: ArticleRecord
    replaces: int | None = None
    extraction: Extraction | None = None


@dataclass
class _Batch:
    """A batch read and planned, its extraction submitted, not yet written."""

    articles: list[_Pending]
    others: list[Located]
    extracting: list[_Pending]
    submitted: Submitted


class Loader:
    """Stores what readers produce. ``progress`` is called after every input item."""

    def __init__(
        self,
        engine: Engine,
        runner: Runner,
        *,
        batch_size: int = 500,
        update: bool = False,
        strict: bool = False,
        on_reject: Callable[[Rejected], None] | None = None,
        progress: Callable[[ImportReport], None] | None = None,
    ) -> None:
        self.engine = engine
        self.runner = runner
        self.batch_size = batch_size
        self.update = update
        self.strict = strict
        self.on_reject = on_reject
        self.progress = progress
        self.report = ImportReport()
        self._connection: Connection | None = None
        self._unwritten: deque[_Batch] = deque()

    # ---------------------------------------------------------------- driving

    def load(self, items: Iterable[Item], *, within: Connection | None = None) -> ImportReport:
        """Store ``items``, each batch in a transaction of its own; or, ``within`` a caller's
        transaction, each batch in a savepoint of it (the caller commits, and may write more in
        the same transaction). In strict mode nothing is kept if anything is rejected."""
        started = time.perf_counter()
        if self.strict or within is not None:
            with nullcontext(within) if within is not None else self.engine.connect() as connection:
                self._connection = connection
                outer = connection.begin_nested() if within is not None else connection.begin()
                try:
                    self._consume(items)
                except BaseException:
                    if outer.is_active:
                        outer.rollback()
                    self.report.rolled_back = True
                    raise
                else:
                    if (self.strict and self.report.rejected) or not outer.is_active:
                        outer.rollback()
                        self.report.rolled_back = True
                    else:
                        outer.commit()
                finally:
                    self._connection = None
        else:
            self._consume(items)
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _consume(self, items: Iterable[Item]) -> None:
        batch: list[Located] = []
        try:
            for item in items:
                if isinstance(item, Rejected):
                    self._reject(item)
                elif isinstance(item, Skipped):
                    self.report.skipped += 1
                    self.report.skipped_files.append(item)
                else:
                    batch.append(item)
                    if len(batch) >= self.batch_size:
                        self._submit(batch)
                        batch = []
                if self.progress:
                    self.progress(self.report)
            if batch:
                self._submit(batch)
            self._write_unwritten()
            if self.progress:
                self.progress(self.report)
        finally:
            for abandoned in self._unwritten:  # an error stopped the import: stop their work
                abandoned.submitted.cancel()
            self._unwritten.clear()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A transaction of its own, or a savepoint inside strict mode's single transaction."""
        if self._connection is not None:
            with self._connection.begin_nested():
                yield self._connection
        else:
            with self.engine.begin() as connection:
                yield connection

    def _reject(self, item: Rejected) -> None:
        self.report.rejected += 1
        if len(self.report.rejects) < MAX_KEPT_REJECTS:
            self.report.rejects.append(item)
        if self.on_reject:
            self.on_reject(item)

    # ---------------------------------------------------------------- batches

    def _submit(self, batch: list[Located]) -> None:
        """Plan ``batch`` and submit its extraction; write the oldest batches while more than
        ``runner.in_flight`` wait, so that memory holds a bounded number of them."""
        records = [item for item in batch if isinstance(item.record, ArticleRecord)]
        if self._repeats_unwritten(records):
            # An article repeats one read but not yet written: write what waits first, so
            # that this batch is planned against the archive as a sequential import plans it
            # (an update of it, or a copy of one that extraction or the database refused).
            self._write_unwritten()
        articles = self._plan_articles(records)
        for pending in articles:
            if pending.record.annotations is not None:
                pending.extraction = pending.record.annotations
        extracting = [p for p in articles if p.extraction is None]
        submitted = self.runner.submit([p.record for p in extracting])
        others = [item for item in batch if not isinstance(item.record, ArticleRecord)]
        self._unwritten.append(_Batch(articles, others, extracting, submitted))
        while len(self._unwritten) > self.runner.in_flight:
            self._write_batch(self._unwritten.popleft())

    def _repeats_unwritten(self, records: list[Located]) -> bool:
        """Whether one of ``records`` has the URL or the text of an article submitted but not
        yet written, which the archive cannot tell apart from a new one yet."""
        waiting = [pending.record for planned in self._unwritten for pending in planned.articles]
        hashes = {record.content_hash for record in waiting}
        urls = {record.url for record in waiting if record.url}
        return any(
            isinstance(item.record, ArticleRecord)
            and (item.record.content_hash in hashes or item.record.url in urls)
            for item in records
        )

    def _write_unwritten(self) -> None:
        while self._unwritten:
            self._write_batch(self._unwritten.popleft())

    def _write_batch(self, planned: _Batch) -> None:
        self._extracted(planned)
        articles, others = planned.articles, planned.others
        before = self.report.tallies()
        try:
            with self._transaction() as connection:
                store = Store(connection)
                self._write_articles(store, articles)
                for item in others:
                    self._write_other(store, item)
        except (IntegrityError, DBAPIError) as exc:
            self.report.restore(before)
            _stop_if_unwritable(exc, self.report)
            # Find the record the database refused: the batch again, one record a transaction.
            for pending in articles:
                write = partial(self._write_articles, pending=[pending])
                self._isolated(write, pending.location, pending.record)
            for item in others:
                self._isolated(partial(self._write_other, item=item), item.location)

    def _isolated(
        self, write: Callable[[Store], None], location: str, article: ArticleRecord | None = None
    ) -> None:
        before = self.report.tallies()
        try:
            with self._transaction() as connection:
                write(Store(connection))
        except (IntegrityError, DBAPIError) as exc:
            self.report.restore(before)
            _stop_if_unwritable(exc, self.report)
            if article is not None and isinstance(exc, IntegrityError) and self._stored(article):
                # another importer stored it after this one looked: a duplicate, not a fault
                self.report.duplicates += 1
                return
            self._reject(Rejected(location, f"refused by the database: {_db_reason(exc)}"))

    def _plan_articles(self, items: list[Located]) -> list[_Pending]:
        """Drop duplicates (within the batch and against the archive); mark updates."""
        records = [
            (item.location, item.record) for item in items if isinstance(item.record, ArticleRecord)
        ]
        with self._read() as connection:
            existing = Store(connection).existing_articles(
                (r.url for _, r in records if r.url), (r.content_hash for _, r in records)
            )
        by_url = {e.url: e for e in existing if e.url}
        stored_hashes = {e.content_hash for e in existing}
        seen_urls: set[str] = set()
        seen_hashes: set[str] = set()
        pending: list[_Pending] = []
        for location, record in records:
            if record.content_hash in stored_hashes or record.content_hash in seen_hashes:
                self.report.duplicates += 1
                continue
            if record.url and record.url in seen_urls:
                self.report.duplicates += 1
                continue
            stored = by_url.get(record.url) if record.url else None
            if stored is not None and not self.update:
                self.report.duplicates += 1
                continue
            seen_hashes.add(record.content_hash)
            if record.url:
                seen_urls.add(record.url)
            pending.append(_Pending(location, record, replaces=stored.id if stored else None))
        return pending

    def _stored(self, article: ArticleRecord) -> bool:
        """Whether the archive now holds an article of the same URL or text."""
        with self._read() as connection:
            urls = [article.url] if article.url else []
            return bool(Store(connection).existing_articles(urls, [article.content_hash]))

    def _read(self) -> AbstractContextManager[Connection]:
        if self._connection is not None:
            return _borrowed(self._connection)
        return self.engine.connect()

    def _extracted(self, planned: _Batch) -> None:
        """Wait for the batch's extraction; reject the articles it failed on."""
        retries = self.runner.retries
        outcomes = planned.submitted.result()
        self.report.retries += self.runner.retries - retries
        for p, outcome in zip(planned.extracting, outcomes, strict=True):
            if isinstance(outcome, ExtractionFailed):
                self._reject(Rejected(p.location, str(outcome)))
            else:
                p.extraction = outcome
        planned.articles[:] = [p for p in planned.articles if p.extraction is not None]

    def _write_articles(self, store: Store, pending: list[_Pending]) -> None:
        new = [(p.record, p.extraction) for p in pending if p.replaces is None and p.extraction]
        store.add_articles(new)
        self.report.imported += len(new)
        for p in pending:
            if p.replaces is not None and p.extraction is not None:
                store.replace_article(p.replaces, p.record, p.extraction)
                self.report.updated += 1
        for p in pending:
            language = p.extraction.language if p.extraction else None
            if language is not None and not extracted(language):
                unread = self.report.not_extracted
                unread[language] = unread.get(language, 0) + 1

    def _write_other(self, store: Store, item: Located) -> None:
        record = item.record
        if isinstance(record, ActorRecord):
            store.names.actor_ids([record])
            self.report.count("actors")
        elif isinstance(record, PlaceRecord):
            store.names.place_ids([record])
            self.report.count("places")
        elif isinstance(record, (AttachedQuote, AttachedEvent)):
            kind = "quotes" if isinstance(record, AttachedQuote) else "events"
            article_id = store.find_article(record.article_url, record.article_hash)
            if article_id is None:
                wanted = record.article_url or f"hash {record.article_hash}"
                self._reject(
                    Rejected(
                        item.location,
                        f"no stored article matches {wanted}; import the articles export first",
                    )
                )
                return
            added = (
                store.attach_quote(article_id, record)
                if isinstance(record, AttachedQuote)
                else store.attach_event(article_id, record)
            )
            self.report.count(kind if added else f"{kind} (already stored)")


@contextmanager
def _borrowed(connection: Connection) -> Iterator[Connection]:
    yield connection


# SQLite's primary result codes and PostgreSQL's SQLSTATEs for a database that takes no
# more writes: each record would be refused alike.
_SQLITE_READONLY, _SQLITE_FULL = 8, 13
_POSTGRES_FULL = ("53100", "53200")  # disk_full, out_of_memory
_POSTGRES_READONLY = ("25006",)  # read_only_sql_transaction (a standby, a read-only role)


def _stop_if_unwritable(exc: DBAPIError, report: ImportReport) -> None:
    """Raise ``CannotWrite`` when the database takes no more writes at all, rather than
    rejecting every record one by one."""
    original = exc.orig
    sqlite_code = (getattr(original, "sqlite_errorcode", None) or 0) & 0xFF
    sqlstate = getattr(original, "sqlstate", None)
    reason = _db_reason(exc)
    if sqlite_code == _SQLITE_FULL or sqlstate in _POSTGRES_FULL:
        raise CannotWrite(
            f"the database is full ({reason}); what was stored before stays",
            "free space, then run the same import again: what is stored counts as duplicates",
            report,
        ) from exc
    if sqlite_code == _SQLITE_READONLY or sqlstate in _POSTGRES_READONLY:
        raise CannotWrite(
            f"the database is read-only ({reason}); nothing was stored",
            "import into an archive this user may write (its file and its folder)",
            report,
        ) from exc


def _db_reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
