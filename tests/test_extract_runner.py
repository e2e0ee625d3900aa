"""The extraction step of the importer: in process or in worker processes."""

from __future__ import annotations

import pytest

from archive.extract.runner import ExtractionFailed, ExtractionRunner
from archive.records import ArticleRecord
from tests.helpers import title_words_extractor


def _articles(*titles: str) -> list[ArticleRecord]:
    return [ArticleRecord(title=t, body=f"Body of {t}.") for t in titles]


@pytest.mark.parametrize("workers", [1, 2])
def test_runner_keeps_order_and_returns_failures(workers: int) -> None:
    with ExtractionRunner(title_words_extractor, workers=workers) as runner:
        results = runner.run(_articles("red sky", "boom", "green"))
    first, failed, last = results
    assert [p.name for p in first.places] == ["red", "sky"]  # type: ignore[union-attr]
    assert isinstance(failed, ExtractionFailed)
    assert str(failed) == "extraction failed: RuntimeError: cannot read this one"
    assert [p.name for p in last.places] == ["green"]  # type: ignore[union-attr]


def test_runner_refuses_zero_workers() -> None:
    with pytest.raises(ValueError, match="workers must be at least 1, not 0"):
        ExtractionRunner(title_words_extractor, workers=0)
