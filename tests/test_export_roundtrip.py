"""Export and import round-trip, as a property over generated archives: every kind of record,
in JSONL and in CSV, exported from an archive and imported into an empty one, gives the same
records (only the import times differ)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import db
from archive.bench import corpus
from archive.export import export_lines, export_records
from tests.helpers import load

pytestmark = pytest.mark.slow

KINDS = ("articles", "actors", "places", "quotes", "events")


def _archive(folder: Path, name: str) -> Any:
    engine = db.sync_engine(f"sqlite:///{folder / name}")
    db.migrate(engine)
    return engine


def _records(engine: Any) -> dict[str, list[str]]:
    with engine.connect() as connection:
        found = {}
        for what in KINDS:
            records = [dict(r) for r in export_records(connection, what)]
            for record in records:
                record.pop("imported_at", None)
            found[what] = sorted(json.dumps(r, sort_keys=True, default=str) for r in records)
    return found


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 10_000), count=st.integers(1, 25), fmt=st.sampled_from(["jsonl", "csv"]))
def test_every_export_imports_back_into_the_same_records(
    tmp_path_factory: pytest.TempPathFactory, seed: int, count: int, fmt: str
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    source = folder / "corpus.jsonl"
    corpus.write_jsonl(source, count, seed=seed, annotated=True)
    original, copy = _archive(folder, "original.db"), _archive(folder, "copy.db")
    try:
        assert load(original, [source]).rejected == 0
        files = []
        with original.connect() as connection:
            for what in KINDS:
                path = folder / f"{what}.{fmt}"
                path.write_text("".join(export_lines(connection, what, fmt)), encoding="utf-8")
                files.append(path)
        report = load(copy, files)
        assert report.rejected == 0, report.rejects[:3]
        assert _records(copy) == _records(original)
    finally:
        original.dispose()
        copy.dispose()
