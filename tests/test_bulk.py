"""Bulk row writing (archive.bulk) on both backends: values read back as they went in."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from archive.bulk import insert_rows
from archive.tables import ARTICLES, QUOTES


def _article(article_id: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": article_id,
        "url": f"https://e.example/{article_id}",
        "title": "Talks",
        "body": "Body",
        "published": datetime(2024, 12, 6, 14, 30, 5, 120),
        "published_precision": "time",
        "language": None,
        "authors": ["Ana Ruiz", "Émile Zola"],
        "source_id": None,
        "content_hash": f"hash-{article_id}",
        "raw": {"nested": {"list": [1, 2.5, None]}, "text": "quote \" and 'apostrophe'"},
        "imported_at": datetime(2025, 1, 1),
    }
    return row | values


def test_rows_read_back_as_written(engine: Engine) -> None:
    rows = [_article(1), _article(2, published=None, published_precision=None, raw={})]
    quotes = [
        {
            "article_id": 1,
            "published": datetime(2024, 12, 6, 14, 30, 5, 120),
            "text": "Tab\tand newline\nand backslash \\ in a quote",
            "start_char": None,
            "end_char": None,
            "direct": flag,
            "speaker_id": None,
            "speaker_as_written": None,
            "cue": None,
            "confidence": 0.5,
            "origin": "extracted",
        }
        for flag in (True, False)
    ]
    with engine.begin() as connection:
        insert_rows(connection, ARTICLES, rows)
        insert_rows(connection, QUOTES, quotes)
    with engine.connect() as connection:
        stored = connection.execute(select(ARTICLES).order_by(ARTICLES.c.id)).mappings().all()
        texts = connection.execute(
            select(QUOTES.c.text, QUOTES.c.direct, QUOTES.c.published).order_by(QUOTES.c.id)
        ).all()
        # the stored time sorts and compares like one SQLAlchemy wrote
        later = connection.execute(
            select(ARTICLES.c.id).where(ARTICLES.c.published > datetime(2024, 12, 6, 14, 30, 5))
        ).scalars()
        assert list(later) == [1]
    for written, read in zip(rows, stored, strict=True):
        assert {key: read[key] for key in written} == written
    assert [tuple(t) for t in texts] == [(q["text"], q["direct"], q["published"]) for q in quotes]


def test_a_refused_row_raises_sqlalchemys_error_and_writes_nothing(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        insert_rows(connection, ARTICLES, [_article(1), _article(2, content_hash="hash-1")])
    with engine.connect() as connection:
        assert connection.execute(select(ARTICLES.c.id)).all() == []


def test_rows_must_give_the_columns_with_defaults(engine: Engine) -> None:
    row = _article(1)
    del row["raw"]
    with pytest.raises(ValueError, match="raw"), engine.begin() as connection:
        insert_rows(connection, ARTICLES, [row])
