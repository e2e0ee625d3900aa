"""``archive serve`` (or another HTTP server) in a child process on a free loopback port, for
benchmarks and tests that must talk to the real server over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

from archive.errors import ArchiveError
from archive.settings import DATABASE_URL_VARIABLE


def free_port() -> int:
    """A loopback port nothing listens on at the time of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(database_url: str, *extra: str, ready_seconds: float = 60) -> Iterator[str]:
    """Start ``archive serve`` on ``database_url`` (with ``extra`` arguments), wait until it
    answers, yield its base URL, stop it. Raises ``ArchiveError`` with the server's output when
    it exits or does not answer in time."""
    port = free_port()
    with serving(
        [sys.executable, "-m", "archive", "serve", "--port", str(port), *extra],
        port,
        name="archive serve",
        env=dict(os.environ, **{DATABASE_URL_VARIABLE: database_url}),
        ready_seconds=ready_seconds,
        # The cheapest request that needs the app up: the home page's facets count the whole
        # archive, which takes seconds at a million quotes.
        ready_path="/graphql?query=%7B__typename%7D",
    ) as base:
        yield base


@contextmanager
def serving(
    command: list[str],
    port: int,
    *,
    name: str,
    env: dict[str, str] | None = None,
    ready_path: str = "/",
    ready_seconds: float = 60,
) -> Iterator[str]:
    """Start any HTTP server ``command`` that listens on loopback ``port``, wait until
    ``ready_path`` answers, yield its base URL, stop it. Raises ``ArchiveError`` with the
    server's output when it exits or does not answer in time."""
    base = f"http://127.0.0.1:{port}"
    # The server's log goes to a file: a pipe nobody reads would fill and stall the server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_answering(process, name, base + ready_path, log, ready_seconds)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_answering(
    process: subprocess.Popen[bytes], name: str, url: str, log: IO[bytes], seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")[-2000:]
            raise ArchiveError(f"{name} exited with {process.returncode}: {output}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise ArchiveError(f"{name} did not answer within {seconds:.0f} s") from None
            time.sleep(0.1)
