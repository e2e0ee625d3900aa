"""The cached stand-ins for the English pipeline's attribute ruler and lemmatizer give the
stock components' output, token for token, and extraction in batches gives what it gives one
article at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive.extract.nlp import build_model, load_model
from archive.extract.pipeline import Pipeline
from archive.importer.readers import Reader
from archive.records import ArticleRecord, Extraction, Located
from tests.conftest import SAMPLES

SHARED = Path(__file__).parent.parent.parent / "shared"
POLNEAR = sorted((SHARED / "gold" / "polnear-dev").glob("*.txt"))[:20]
ODD = "Y'all gon na see: there's no way, ain't it? Let's go, c'mon on.\n \nGot ta run."
"""Contractions and spaces that the ruler's patterns over several tokens are about."""


def _articles(*more: Path) -> list[ArticleRecord]:
    items = Reader(5_000_000).read([str(SAMPLES), str(SHARED / "seeds"), *map(str, more)])
    return [
        i.record for i in items if isinstance(i, Located) and isinstance(i.record, ArticleRecord)
    ]


def _annotations(doc: Any) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.mark.slow
def test_cached_components_give_the_stock_components_output() -> None:
    ours = load_model()
    assert {"cached_attribute_ruler", "cached_lemmatizer"} <= set(ours.pipe_names)
    assert not {"attribute_ruler", "lemmatizer"} & set(ours.pipe_names)
    stock = build_model(cached_rules=False)
    texts = [t for a in _articles(*POLNEAR) for t in (a.title, a.body)] + [ODD]
    compared = 0
    for got, expected in zip(ours.pipe(texts), stock.pipe(texts), strict=True):
        assert _annotations(got) == _annotations(expected)
        compared += len(got)
    assert compared > 10_000


def test_extraction_in_batches_is_extraction_one_at_a_time(pipeline: Pipeline) -> None:
    articles = _articles()
    assert pipeline.extract_many(articles) == [pipeline.extract(a) for a in articles]


def test_one_failing_article_does_not_sink_its_batch(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [
        ArticleRecord(title=t, body=f"{t} said the talks had failed.")
        for t in ("Ana", "boom", "Eva")
    ]
    extract = pipeline._extract

    def fail_on_boom(article: ArticleRecord, *rest: Any) -> Extraction:
        if article.title == "boom":
            raise RuntimeError("cannot read this one")
        return extract(article, *rest)

    monkeypatch.setattr(pipeline, "_extract", fail_on_boom)
    first, failed, last = pipeline.extract_many(articles)
    assert isinstance(first, Extraction)
    assert [q.text for q in first.quotes] == ["the talks had failed"]
    assert isinstance(failed, RuntimeError)
    assert str(failed) == "cannot read this one"
    assert isinstance(last, Extraction)
