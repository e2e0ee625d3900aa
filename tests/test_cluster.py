"""Imports whose extraction runs on a Dask cluster (``archive cluster``, two worker processes)
into PostgreSQL: the archive they make is the one a local import makes, and a worker killed
mid-import loses and duplicates nothing."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client

from archive import db
from archive.bench.corpus import write_jsonl
from archive.errors import ArchiveError
from archive.extract.cluster import ClusterRunner
from archive.extract.pipeline import load_pipeline
from archive.importer.imports import import_paths
from archive.importer.loader import ImportReport
from archive.records import ArticleRecord, Extraction, PlaceRecord
from archive.settings import Settings
from tests.conftest import postgres_database, run_cli
from tests.helpers import title_words_extractor

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ARTICLES = 36
KINDS = ("articles", "quotes", "actors", "places", "events")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cluster") / "wire.jsonl"
    write_jsonl(path, ARTICLES, seed=7)
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """``archive cluster`` on a free port; yields the scheduler's address it prints."""
    command = [sys.executable, "-m", "archive", "cluster", "--workers", "2", "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            address = process.stdout.readline().strip()
            assert address.startswith("tcp://127.0.0.1:"), address
            assert "2 workers" in process.stdout.readline()
            yield address
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def _export(url: str, folder: Path) -> dict[str, list[dict[str, object]]]:
    """Every record of every kind, as `archive export` writes them, without the import time."""
    exported = {}
    for kind in KINDS:
        target = folder / f"{kind}.jsonl"
        result = run_cli("export", "--what", kind, "-o", str(target), database_url=url)
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in target.read_text().splitlines()]
        for row in rows:
            row.pop("imported_at", None)
        exported[kind] = rows
    return exported


@pytest.fixture(scope="module")
def local_archive(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, list[dict[str, object]]]]:
    """The export of the corpus imported on this machine alone."""
    with postgres_database() as url:
        result = run_cli("import", str(corpus), "--batch-size", "8", database_url=url)
        assert result.returncode == 0, result.stderr
        exported = _export(url, tmp_path_factory.mktemp("local"))
    assert len(exported["articles"]) == ARTICLES
    assert len(exported["quotes"]) > ARTICLES
    return exported


def test_an_import_on_the_cluster_makes_the_archive_a_local_import_makes(
    cluster: str, corpus: Path, local_archive: dict[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    with postgres_database() as url:
        result = run_cli(
            "import", str(corpus), "--cluster", cluster, "--batch-size", "8", database_url=url
        )
        assert result.returncode == 0, result.stderr
        assert re.search(rf"imported\s+{ARTICLES}\b", result.stdout)
        assert _export(url, tmp_path) == local_archive
        again = run_cli("import", str(corpus), "--batch-size", "8", database_url=url)
        assert re.search(rf"duplicates\s+{ARTICLES}\b", again.stdout)


def test_a_worker_killed_mid_import_loses_and_duplicates_nothing(
    cluster: str, corpus: Path, local_archive: dict[str, list[dict[str, object]]], tmp_path: Path
) -> None:
    killed: list[int] = []
    with Client(cluster, set_as_default=False) as client:
        pids: dict[str, int] = client.run(os.getpid)

        def kill_a_worker_once(report: ImportReport) -> None:
            # after the first batch is written, the next ones are being extracted
            if report.imported and not killed:
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        with postgres_database() as url:
            settings = Settings(database_url=url, batch_size=4)
            with ClusterRunner(cluster, load_pipeline) as runner:
                assert runner.in_flight == 4  # two batches a worker, so the kill finds work
                report = import_paths(settings, [str(corpus)], runner, progress=kill_a_worker_once)
            assert killed
            assert (report.imported, report.duplicates, report.rejected) == (ARTICLES, 0, 0)
            assert report.retries >= 1
            assert _export(url, tmp_path) == local_archive
            engine = db.sync_engine(url)
            try:
                with engine.connect() as connection:
                    hashes = connection.exec_driver_sql(
                        "SELECT count(*), count(DISTINCT content_hash) FROM articles"
                    ).one()
            finally:
                engine.dispose()
            assert tuple(hashes) == (ARTICLES, ARTICLES)
        client.wait_for_workers(2, timeout=120)  # the nanny restarted the one killed


def test_an_address_where_no_scheduler_answers_is_a_clear_error(
    corpus: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    result = run_cli("import", str(corpus), "--cluster", "tcp://127.0.0.1:9", database_url=url)
    assert result.returncode == 2
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in result.stderr
    assert "archive cluster" in result.stderr


def test_an_article_that_kills_its_workers_is_rejected_and_the_rest_land(
    cluster: str, tmp_path: Path
) -> None:
    class Poisoned:
        """Finds the title's words as places; an article titled "poison" ends its process,
        as one that exhausts a worker's memory would."""

        def extract(self, article: ArticleRecord) -> Extraction:
            if article.title == "poison":
                os._exit(1)
            return Extraction(places=[PlaceRecord(name=w) for w in article.title.split()])

    source = tmp_path / "wire.jsonl"
    titles = [f"Town{n} Village{n}" for n in range(7)]
    titles.insert(5, "poison")
    source.write_text(
        "".join(json.dumps({"title": t, "body": f"About {t}."}) + "\n" for t in titles)
    )
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'archive.db'}", batch_size=4)
    with Client(cluster, set_as_default=False) as client:
        with ClusterRunner(cluster, Poisoned) as runner:
            report = import_paths(settings, [str(source)], runner)
        assert (report.imported, report.rejected) == (7, 1)
        assert report.rejects[0].location == f"{source}:6"
        assert "stopped every cluster worker that ran it" in report.rejects[0].reason
        assert report.retries >= 2
        client.wait_for_workers(2, timeout=120)  # the nannies restarted them


def test_workers_that_cannot_build_the_pipeline_are_a_clear_error_and_stay_usable(
    cluster: str,
) -> None:
    def broken() -> Any:
        raise RuntimeError("no language model here")

    with pytest.raises(ArchiveError, match="cannot build the extraction pipeline") as refused:
        ClusterRunner(cluster, broken)
    assert "no language model here" in str(refused.value)
    # the failed import's plugin is gone: the next import's workers extract
    with ClusterRunner(cluster, title_words_extractor) as runner:
        outcomes = runner.run([ArticleRecord(title="Lyon Nice", body="From Lyon to Nice.")])
    assert [p.name for p in outcomes[0].places] == ["Lyon", "Nice"]  # type: ignore[union-attr]


@pytest.mark.parametrize("address", ["http://127.0.0.1:8786", "127.0.0.1", "tcp://host:port"])
def test_an_address_that_is_none_is_a_clear_error(address: str) -> None:
    with pytest.raises(ArchiveError, match="is not a Dask scheduler's address"):
        ClusterRunner(address, load_pipeline)


def test_a_second_cluster_on_a_taken_port_is_a_clear_error(cluster: str) -> None:
    port = cluster.rsplit(":", 1)[1]
    result = run_cli("cluster", "--workers", "1", "--port", port)
    assert result.returncode == 2
    assert f"the cluster could not start on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr
