"""Running an extractor over a batch of articles, in this process or in worker processes.

Workers are started once per import (loading the language model is the slow part) and each
builds its own extractor from a picklable factory.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Protocol, runtime_checkable

from archive.records import ArticleRecord, Extraction


class Extractor(Protocol):
    """Turns one article into its extraction. Must not touch the database."""

    def extract(self, article: ArticleRecord) -> Extraction: ...


@runtime_checkable
class BatchExtractor(Extractor, Protocol):
    """An extractor that is faster on several articles at once (one parse batch)."""

    def extract_many(self, articles: Sequence[ArticleRecord]) -> list[Extraction | Exception]:
        """One result per article, in order: its extraction, or what it raised."""
        ...


ExtractorFactory = Callable[[], Extractor]


class ExtractionFailed(Exception):
    """The extractor raised on one article; the message says why."""


_worker_extractor: Extractor | None = None
WATCH_SECONDS = 1.0


def _start_worker(factory: ExtractorFactory, importer: int) -> None:
    global _worker_extractor
    threading.Thread(target=_end_with, args=(importer,), daemon=True, name="importer").start()
    _worker_extractor = factory()


def _end_with(importer: int) -> None:
    """Exit once the importing process is gone. A killed importer cannot shut its pool down,
    and the workers would wait for work forever, each holding a language model in memory."""
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(importer, 0)
        except ProcessLookupError:
            os._exit(1)


def _extract_in_worker(articles: Sequence[ArticleRecord]) -> list[Extraction | ExtractionFailed]:
    assert _worker_extractor is not None, "worker started without an extractor"
    return extract_safely(_worker_extractor, articles)


def extract_safely(
    extractor: Extractor, articles: Sequence[ArticleRecord]
) -> list[Extraction | ExtractionFailed]:
    if isinstance(extractor, BatchExtractor):
        outcomes = extractor.extract_many(articles)
    else:
        outcomes = []
        for article in articles:
            try:
                outcomes.append(extractor.extract(article))
            except Exception as exc:  # one article's failure must not sink its batch
                outcomes.append(exc)
    return [
        ExtractionFailed(f"extraction failed: {type(o).__name__}: {o}")
        if isinstance(o, Exception)
        else o
        for o in outcomes
    ]


Outcome = Extraction | ExtractionFailed


class Submitted(Protocol):
    """A batch handed to a runner: its outcomes, one per article in order, when asked."""

    def result(self) -> list[Outcome]: ...

    def cancel(self) -> None:
        """Stop working on it: its outcomes will not be asked for."""


class Runner(Protocol):
    """What the loader extracts with: this machine's processes, or a cluster's workers."""

    @property
    def in_flight(self) -> int:
        """Batches the loader may keep submitted but not yet written besides the one it just
        submitted (0: each is extracted and written before the next is read)."""
        ...

    retries: int
    """Batches, or parts of them, extracted again because a worker was lost."""

    def run(self, articles: Sequence[ArticleRecord]) -> list[Outcome]: ...

    def submit(self, articles: Sequence[ArticleRecord]) -> Submitted: ...

    def close(self) -> None: ...


class _WhenAsked:
    """A batch extracted in this process (or its pool) when its outcomes are asked for."""

    def __init__(self, runner: ExtractionRunner, articles: Sequence[ArticleRecord]) -> None:
        self.runner = runner
        self.articles = articles

    def result(self) -> list[Outcome]:
        return self.runner.run(self.articles)

    def cancel(self) -> None:
        return None  # nothing started


class ExtractionRunner:
    """Extracts batches of articles with ``workers`` processes (1: in this process)."""

    in_flight = 0
    retries = 0

    def __init__(self, factory: ExtractorFactory, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.factory = factory
        self.workers = workers
        self._extractor: Extractor | None = None
        self._pool: Executor | None = None

    def run(self, articles: Sequence[ArticleRecord]) -> list[Extraction | ExtractionFailed]:
        """One result per article, in order; a failure is returned, not raised."""
        if not articles:
            return []
        if self.workers == 1:
            if self._extractor is None:
                self._extractor = self.factory()
            return extract_safely(self._extractor, articles)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_start_worker,
                initargs=(self.factory, os.getpid()),
            )
        size = max(1, len(articles) // (self.workers * 4))
        chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
        return [r for results in self._pool.map(_extract_in_worker, chunks) for r in results]

    def submit(self, articles: Sequence[ArticleRecord]) -> Submitted:
        return _WhenAsked(self, list(articles))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> ExtractionRunner:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class NoExtraction:
    """An extractor that finds nothing: for imports that only store articles."""

    def extract(self, article: ArticleRecord) -> Extraction:
        return Extraction()


def no_extraction() -> Extractor:
    return NoExtraction()
