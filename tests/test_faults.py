"""Faults: the importer killed with SIGKILL at random points and run again stores every article
exactly once, with all of its quotes, and leaves the full-text index consistent; PostgreSQL
restarted under load fails requests cleanly while it is down, and the service recovers by
itself."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from archive import db
from archive.bench import corpus
from archive.bench.load import KINDS, restart_drill
from archive.settings import DATABASE_URL_VARIABLE
from tests.conftest import BACKENDS, postgres_database

pytestmark = pytest.mark.slow

ARTICLES = 800


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    corpus.write_jsonl(path, ARTICLES, seed=7, annotated=True)
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
    else:
        with postgres_database() as url:
            yield url


BULK_OPTIONS = ("--no-extract", "--batch-size", "40")


def _import(
    corpus_file: Path, url: str, options: tuple[str, ...] = BULK_OPTIONS
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "archive", "import", str(corpus_file), *options]
    return subprocess.Popen(
        [*command, "--rejects", os.devnull],
        env=dict(os.environ, **{DATABASE_URL_VARIABLE: url}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stored(url: str) -> int:
    engine = db.sync_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM articles")).scalar_one())
    except DBAPIError:  # the schema may not exist yet when the first kill comes early
        return 0
    finally:
        engine.dispose()


def _wait_for(url: str, stored: int, process: subprocess.Popen[bytes]) -> None:
    """Until ``stored`` articles are in the database, or the import has ended."""
    deadline = time.monotonic() + 120
    while process.poll() is None and _stored(url) < stored:
        assert time.monotonic() < deadline, f"the import stored fewer than {stored} in 120 s"
        time.sleep(0.01)


def test_killed_imports_store_every_article_exactly_once(
    corpus_file: Path, database_url: str
) -> None:
    rng = random.Random(2026)
    counts = [0]
    for _ in range(5):
        # the kill comes when the run has stored a random share of what is left, plus a random
        # moment more, so it lands inside a batch as well as between: a kill on a timer would
        # come after the end on a fast machine and before the start on a slow one
        target = counts[-1] + rng.randint(1, max(1, (ARTICLES - counts[-1]) // 3))
        process = _import(corpus_file, database_url)
        _wait_for(database_url, target, process)
        time.sleep(rng.uniform(0.0, 0.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        counts.append(_stored(database_url))
    # the kills landed part-way: some articles stored, not yet all
    assert any(0 < count < ARTICLES for count in counts), counts
    process = _import(corpus_file, database_url)
    assert process.wait(timeout=600) == 0

    expected = {
        record["url"]: len(record["quotes"])
        for record in corpus.articles(ARTICLES, seed=7, annotated=True)
    }
    engine = db.sync_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT a.url, count(q.id) FROM articles a "
                    "LEFT JOIN quotes q ON q.article_id = a.id GROUP BY a.id, a.url"
                )
            ).all()
            stored = dict(rows)
            assert len(rows) == ARTICLES
            assert stored == expected  # each article once, none of them partial
            quotes = connection.execute(text("SELECT count(*) FROM quotes")).scalar_one()
            if connection.dialect.name == "sqlite":
                for kind in ("quotes", "articles"):
                    connection.exec_driver_sql(
                        f"INSERT INTO {kind}_fts({kind}_fts) VALUES ('integrity-check')"
                    )
                indexed = connection.exec_driver_sql(
                    "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'ceasefire OR siege'"
                ).scalar_one()
                direct = connection.execute(
                    text(
                        "SELECT count(*) FROM quotes WHERE lower(text) LIKE '%ceasefire%' "
                        "OR lower(text) LIKE '%siege%'"
                    )
                ).scalar_one()
                assert indexed == direct > 0
            assert quotes == sum(expected.values())
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_restart_under_load_fails_cleanly_and_recovers(tmp_path: Path) -> None:
    """A private server (restarting the shared one would cut every other session) is stopped
    as in a crash during the drill and started again; ``archive serve`` is never restarted."""
    corpus_file = tmp_path / "corpus.jsonl"
    corpus.write_jsonl(corpus_file, 200, seed=5, annotated=True)
    outage = restart_drill(corpus_file, after=2, length=2, clients=8, seconds=9, timeout=20)
    tally, down, up = outage.tally, outage.down, outage.up
    assert tally.failures == [], tally.failures[:5]
    clean = tally.of("clean failure")
    assert clean, "no request met the outage"
    assert all(o.milliseconds < 5000 for o in clean), "a request hung while the server was down"
    outside = [o for o in clean if o.at + o.milliseconds / 1000 < down or o.at > up]
    assert outside == [], f"requests failed outside the outage ({down:.2f}-{up:.2f} s)"
    before = [o for o in tally.of("ok") if o.at < down]
    after = [o for o in tally.of("ok") if o.at > up + 1]
    assert before, "nothing was answered before the outage"
    assert after, "the service did not recover without a restart"
    assert {o.kind for o in after} == set(KINDS)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while the folder was read
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_extraction_workers_end_with_a_killed_importer(tmp_path: Path) -> None:
    source = tmp_path / "plain.jsonl"
    corpus.write_jsonl(source, 3000, seed=9, annotated=False)
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    process = _import(source, url, ("--workers", "2"))
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while len(workers) < 2:
        assert time.monotonic() < deadline, "the import started no extraction workers"
        assert process.poll() is None, "the import ended before its workers were seen"
        workers = [w for child in _children(process.pid) for w in _children(child)]
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers):
        assert time.monotonic() < deadline, "extraction workers outlived their importer"
        time.sleep(0.2)
