"""Small helpers for tests: row counts and in-process imports."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine

from archive import db
from archive.extract.pipeline import Pipeline
from archive.extract.runner import ExtractionRunner, no_extraction
from archive.importer.loader import ImportReport, Loader
from archive.importer.readers import Item, Reader
from archive.queries import totals
from archive.records import ArticleRecord, Extraction, PlaceRecord


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return dict(connection.execute(totals.counts()).one()._mapping)


def counts_at(url: str) -> dict[str, int]:
    """``counts`` of the database at ``url``, on an engine of its own."""
    engine = db.sync_engine(url)
    try:
        return counts(engine)
    finally:
        engine.dispose()


def load(engine: Engine, paths: Iterable[str | Path], **options: object) -> ImportReport:
    """Import paths in this process, without extraction (stored as given)."""
    reader = Reader(5_000_000)
    with ExtractionRunner(no_extraction) as runner:
        return Loader(engine, runner, **options).load(reader.read(str(p) for p in paths))  # type: ignore[arg-type]


def load_items(engine: Engine, items: Iterable[Item], **options: object) -> ImportReport:
    with ExtractionRunner(no_extraction) as runner:
        return Loader(engine, runner, **options).load(items)  # type: ignore[arg-type]


class TitleWordsExtractor:
    """A stand-in extractor whose output is easy to predict: one place per title word; it
    fails on articles titled "boom" (for the error path)."""

    def extract(self, article: ArticleRecord) -> Extraction:
        if article.title == "boom":
            raise RuntimeError("cannot read this one")
        return Extraction(places=[PlaceRecord(name=word) for word in article.title.split()])


def title_words_extractor() -> TitleWordsExtractor:
    return TitleWordsExtractor()


def extract_body(pipeline: Pipeline, body: str) -> Extraction:
    """What ``pipeline`` finds in an untitled article of ``body``."""
    return pipeline.extract(ArticleRecord(title="", body=body))
