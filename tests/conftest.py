"""Shared fixtures. Database tests run on SQLite and on the PostgreSQL server that
ARCHIVE_TEST_POSTGRES_URL names (default: the local server's ``test`` database). A configured
server that cannot be reached fails those tests; it never skips them. Set the variable to an
empty string and every test that needs PostgreSQL (marked ``postgres``) is skipped with that
reason, while the rest runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from archive import db
from archive.errors import ConfigurationError

if TYPE_CHECKING:
    from archive.extract.pipeline import Pipeline

POSTGRES_VARIABLE = "ARCHIVE_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).parent.parent / "archive" / "samples"


NO_POSTGRES = f"needs PostgreSQL, and {POSTGRES_VARIABLE} is empty"


def _postgres_url() -> str | None:
    value = os.environ.get(POSTGRES_VARIABLE, DEFAULT_POSTGRES_URL)
    return value or None


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reaches PostgreSQL through a fixture ``postgres``, and skip the
    marked tests, with the reason, when no server is configured."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        uses_server = "postgres_server_url" in getattr(item, "fixturenames", ())
        if uses_server or (callspec and "postgresql" in callspec.params.values()):
            item.add_marker(pytest.mark.postgres)
        if _postgres_url() is None and item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=NO_POSTGRES))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A database of its own on the configured server, dropped after the session."""
    with postgres_database() as url:
        yield url


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database on the configured server, dropped on exit."""
    url = _postgres_url()
    assert url, "PostgreSQL tests were collected without a configured server"
    try:
        with db.scratch_postgres_database(url, "archive_test") as scratch:
            yield scratch
    except ConfigurationError as exc:
        pytest.fail(f"{exc}; or set {POSTGRES_VARIABLE}= to run the suite on SQLite only")


@contextmanager
def database_with_samples(backend: str, folder: Path) -> Iterator[str]:
    """A new database on ``backend`` (SQLite in ``folder``) with the sample articles imported
    by the real ``archive import``; yields its URL."""
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'archive.db'}"
        else:
            url = stack.enter_context(postgres_database())
        result = run_cli("import", str(SAMPLES), database_url=url)
        assert result.returncode == 0, result.stderr
        yield url


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The extraction pipeline, loaded once for the session (loading takes seconds)."""
    from archive.extract.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database (no schema) on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    url: str = request.getfixturevalue("postgres_server_url")
    engine = db.sync_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return url


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """The URL of a database with the newest schema and no rows."""
    engine = db.sync_engine(empty_database_url)
    db.migrate(engine)
    engine.dispose()
    return empty_database_url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.sync_engine(database_url)
    yield engine
    engine.dispose()


def run_cli(
    *args: str,
    database_url: str | None = None,
    input_bytes: bytes | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``archive`` command in a child process."""
    env = dict(os.environ)
    if database_url:
        env["ARCHIVE_DATABASE_URL"] = database_url
    completed = subprocess.run(
        [sys.executable, "-m", "archive", *args],
        input=input_bytes,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )
