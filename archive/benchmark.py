"""Benchmarks, apart from the test suite: figures with a reference measured in the same run.

``extraction``: articles per second of the archive's extraction (``--workers 1`` and ``2``)
against bare ``nlp.pipe`` of the same spaCy pipeline over the same texts, and their ratio.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from archive.extract.nlp import load_model
from archive.extract.pipeline import load_pipeline
from archive.extract.runner import ExtractionRunner
from archive.importer.readers import Reader
from archive.records import ArticleRecord, Located


@dataclass
class Figure:
    name: str
    articles_per_second: float
    ratio: float


def articles_in(paths: Sequence[Path]) -> list[ArticleRecord]:
    reader = Reader(5_000_000)
    items = reader.read(str(p) for p in paths)
    return [
        i.record for i in items if isinstance(i, Located) and isinstance(i.record, ArticleRecord)
    ]


def extraction(articles: list[ArticleRecord], workers: Sequence[int] = (1, 2)) -> list[Figure]:
    """Time bare ``nlp.pipe`` and the extraction over the same articles, in this run."""
    nlp = load_model()
    texts = [a.body for a in articles]
    list(nlp.pipe(texts[:5]))  # warm up
    started = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    reference = len(texts) / (time.perf_counter() - started)
    figures = [Figure("nlp.pipe (reference)", reference, 1.0)]
    for count in workers:
        with ExtractionRunner(load_pipeline, workers=count) as runner:
            runner.run(articles[: max(count, 2)])  # start the workers and load the model first
            started = time.perf_counter()
            runner.run(articles)
            rate = len(articles) / (time.perf_counter() - started)
        figures.append(Figure(f"extraction --workers {count}", rate, rate / reference))
    return figures
