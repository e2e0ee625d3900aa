"""Load: concurrent clients mixing API searches, the nested GraphQL page, the search page and
quote pages while an import writes, on both backends; nothing fails, nothing is locked."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.bench import corpus
from archive.bench.load import KINDS, attack_drill, drive, with_import
from archive.bench.served import served
from tests.conftest import BACKENDS, database_with_samples

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More articles than an import stores during the drill, on either backend."""
    path = tmp_path_factory.mktemp("load") / "corpus.jsonl"
    corpus.write_jsonl(path, 8000, seed=3, annotated=True)
    return path


@pytest.mark.parametrize("backend", BACKENDS)
def test_clients_during_an_import_get_answers_and_no_lock_errors(
    backend: str, tmp_path: Path, corpus_file: Path
) -> None:
    with (
        database_with_samples(backend, tmp_path) as url,
        served(url, "--workers", "2") as base,
        with_import(corpus_file, url) as run,
    ):
        tally = drive(base, clients=12, seconds=8)
        still_importing = run.process.poll() is None
    assert still_importing, "the import ended before the drill did; it must run throughout"
    assert tally.failures == [], tally.failures[:5]
    assert tally.locked == 0
    assert tally.of("clean failure") == []
    for kind in KINDS:
        assert tally.of("ok", kind), f"no {kind} request was answered"
    assert tally.percentile(0.99) >= tally.percentile(0.5) > 0


def test_clients_are_answered_while_fan_out_documents_are_refused(tmp_path: Path) -> None:
    with database_with_samples("sqlite", tmp_path) as url, served(url) as base:
        drill = attack_drill(base, clients=8, seconds=4)
    assert drill.refusals, "no fan-out document was sent"
    for tally in (drill.cheap, drill.attacked):
        assert tally.failures == [], tally.failures[:5]
        for kind in KINDS:
            assert tally.of("ok", kind), f"no {kind} request was answered"
