"""Load drills over loopback: concurrent clients mixing API searches, the GraphQL page of 50
nested quotes, the HTML search page and quote pages, for a bounded time.

Every response is sorted into one of three outcomes:

* **ok**: a 200 whose GraphQL answer carries no errors;
* **clean failure**: a 503 the archive sends on purpose while its database cannot be reached
  (``SERVICE_UNAVAILABLE``), answered at once;
* **failure**: anything else: another status, a GraphQL error, a timeout, a dropped
  connection, or a body that mentions "database is locked".

:func:`drive` runs the clients; :func:`with_import` runs an import beside them;
:func:`restart_drill` stops a private PostgreSQL server under them.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from archive.bench.benchmark import SEARCH_DOCUMENT, SEARCHES, Figure, example_page
from archive.bench.pgserver import private_server
from archive.bench.served import served
from archive.errors import ArchiveError
from archive.settings import DATABASE_URL_VARIABLE

KINDS = ("search API", "GraphQL page", "search page", "quote page")
LOCKED = "database is locked"


@dataclass
class Outcome:
    at: float
    """Seconds since the drill started."""
    kind: str
    milliseconds: float
    result: str
    """``ok``, ``clean failure`` or ``failure``."""
    detail: str = ""


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)
    started: float = 0.0
    """``time.monotonic()`` when the drill started: ``Outcome.at`` counts from it."""
    seconds: float = 0.0

    def of(self, result: str, kind: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == result and kind in (None, o.kind)]

    @property
    def failures(self) -> list[Outcome]:
        return self.of("failure")

    @property
    def locked(self) -> int:
        return sum(LOCKED in o.detail for o in self.outcomes)

    def percentile(self, share: float, kind: str | None = None) -> float:
        """Milliseconds of successful requests (of one kind, or all) at ``share``."""
        times = sorted(o.milliseconds for o in self.of("ok", kind))
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(share * len(times)))]

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return len(self.of("ok")) / self.seconds if self.seconds else 0.0


async def _quote_ids(client: httpx.AsyncClient) -> list[str]:
    response = await client.post(
        "/graphql", json={"query": "{ quotes(first: 50) { nodes { id } } }"}
    )
    response.raise_for_status()
    return [node["id"] for node in response.json()["data"]["quotes"]["nodes"]]


async def _request(
    client: httpx.AsyncClient, kind: str, rng: random.Random, quote_ids: list[str]
) -> httpx.Response:
    term = rng.choice(SEARCHES)
    if kind == "search API":
        payload = {"query": SEARCH_DOCUMENT, "variables": {"search": term}}
        return await client.post("/graphql", json=payload)
    if kind == "GraphQL page":
        return await client.post("/graphql", json={"query": example_page()})
    if kind == "search page":
        return await client.get("/", params={"q": term})
    return await client.get(f"/quotes/{rng.choice(quote_ids)}")


def _judge(kind: str, response: httpx.Response) -> tuple[str, str]:
    body = response.text
    if LOCKED in body:
        return "failure", f"{response.status_code}: {LOCKED}"
    if response.status_code == 503:
        if kind in ("search API", "GraphQL page") and "SERVICE_UNAVAILABLE" not in body:
            return "failure", f"503 without SERVICE_UNAVAILABLE: {body[:200]}"
        return "clean failure", ""
    if response.status_code != 200:
        return "failure", f"{response.status_code}: {body[:200]}"
    if kind in ("search API", "GraphQL page") and response.json().get("errors"):
        return "failure", f"GraphQL errors: {body[:200]}"
    return "ok", ""


async def _drive(base: str, clients: int, seconds: float, seed: int, timeout: float) -> Tally:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        quote_ids = await _quote_ids(client)
        started = tally.started = time.monotonic()
        deadline = started + seconds

        async def one_client(number: int) -> None:
            rng = random.Random(seed * 1000 + number)
            while time.monotonic() < deadline:
                kind = rng.choice(KINDS if quote_ids else KINDS[:3])
                sent = time.monotonic()
                try:
                    response = await _request(client, kind, rng, quote_ids)
                    result, detail = _judge(kind, response)
                except httpx.HTTPError as error:
                    result, detail = "failure", f"{type(error).__name__}: {error}"
                now = time.monotonic()
                tally.outcomes.append(
                    Outcome(sent - started, kind, (now - sent) * 1000, result, detail)
                )
                if result != "ok":
                    await asyncio.sleep(0.1)  # a real client backs off before trying again

        await asyncio.gather(*(one_client(n) for n in range(clients)))
        tally.seconds = time.monotonic() - started
    return tally


def drive(
    base: str, *, clients: int = 32, seconds: float = 60, seed: int = 0, timeout: float = 30
) -> Tally:
    """Run ``clients`` concurrent clients against the server at ``base`` for ``seconds``.
    Each client sends one request at a time, picking the kind at random."""
    return asyncio.run(_drive(base, clients, seconds, seed, timeout))


def fan_out(levels: int) -> str:
    """A document of about 40 characters a level whose fragments each spread the next one
    twice: 2**levels fields once spread out."""
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ stats {{ quotes }} }}"


@dataclass
class Attack:
    """The same clients with one more client sending, as fast as it is answered, the cheapest
    valid document (the reference), then fan-out documents."""

    cheap: Tally
    attacked: Tally
    refusals: list[float]
    """Milliseconds the server took to refuse each fan-out document."""


CHEAP = "{ __typename }"


async def _hammer(base: str, document: str, seconds: float, times: list[float]) -> None:
    """Send ``document`` for ``seconds``, one at a time; a fan-out one must be refused."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            sent = time.monotonic()
            answer = (await client.post("/graphql", json={"query": document})).json()
            times.append((time.monotonic() - sent) * 1000)
            refused = answer.get("errors", [{}])[0].get("extensions", {}).get("code")
            if (refused == "GRAPHQL_VALIDATION_FAILED") != (document != CHEAP):
                raise ArchiveError(f"unexpected answer to the drill's document: {answer}")


async def _attack(base: str, clients: int, seconds: float, levels: int) -> Attack:
    cheap, _ = await asyncio.gather(
        _drive(base, clients, seconds, 1, 30), _hammer(base, CHEAP, seconds, [])
    )
    refusals: list[float] = []
    attacked, _ = await asyncio.gather(
        _drive(base, clients, seconds, 1, 30), _hammer(base, fan_out(levels), seconds, refusals)
    )
    return Attack(cheap, attacked, refusals)


def attack_drill(base: str, *, clients: int = 32, seconds: float = 20, levels: int = 40) -> Attack:
    """``clients`` clients against ``base`` for ``seconds`` while one more client sends the
    cheapest valid document as fast as it is answered; then again while it sends fan-out
    documents of ``levels`` levels instead."""
    return asyncio.run(_attack(base, clients, seconds, levels))


@dataclass
class Outage:
    """A drill through a database outage; times in seconds since the drill started."""

    tally: Tally
    down: float
    """When the stop began."""
    up: float
    """When the server was started again."""


def restart_drill(
    corpus_file: Path,
    *,
    after: float,
    length: float,
    clients: int,
    seconds: float,
    timeout: float,
) -> Outage:
    """The drill against ``archive serve --workers 2`` on a private PostgreSQL server
    (:mod:`archive.bench.pgserver`) holding ``corpus_file``, stopped as in a crash ``after`` seconds
    in and started again ``length`` seconds later; the server process is never restarted.
    Raises ``ArchiveError`` when the import fails."""
    with private_server() as server:
        imported = subprocess.run(
            [sys.executable, "-m", "archive", "import", str(corpus_file), "--no-extract"],
            env=dict(os.environ, **{DATABASE_URL_VARIABLE: server.url}),
            capture_output=True,
            text=True,
        )
        if imported.returncode != 0:
            raise ArchiveError(f"the import before the drill failed: {imported.stderr[-500:]}")
        times: dict[str, float] = {}

        def outage() -> None:
            time.sleep(after)
            times["down"] = time.monotonic()
            server.stop()
            time.sleep(length)
            server.start()
            times["up"] = time.monotonic()

        with served(server.url, "--workers", "2") as base:
            restarter = threading.Thread(target=outage)
            restarter.start()
            tally = drive(base, clients=clients, seconds=seconds, timeout=timeout)
            restarter.join()
    return Outage(tally, times["down"] - tally.started, times["up"] - tally.started)


@dataclass
class ImportRun:
    """An ``archive import --no-extract`` running beside the drill."""

    process: subprocess.Popen[bytes]
    started: float
    seconds: float = 0.0
    returncode: int | None = None
    output: str = ""


@contextmanager
def with_import(corpus_file: Path, database_url: str) -> Iterator[ImportRun]:
    """Run an import of ``corpus_file`` into ``database_url`` for the duration of the block;
    an import still running at the end is interrupted (SIGINT: its open batch rolls back)."""
    # Its output goes to a file: a pipe nobody reads during the drill would fill and stall it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "archive", "import", str(corpus_file), "--no-extract"],
            env=dict(os.environ, **{DATABASE_URL_VARIABLE: database_url}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        run = ImportRun(process, time.monotonic())
        try:
            yield run
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            process.wait(timeout=120)
            run.seconds = time.monotonic() - run.started
            run.returncode = process.returncode
            log.seek(0)
            run.output = log.read().decode("utf-8", "replace")


def abuse(database_url: str, seconds: float = 20) -> list[Figure]:
    """32 clients mixing searches, pages and the API against ``archive serve``, with one more
    client sending documents as fast as they are answered: the cheapest valid one (the
    reference), then 40-level fan-out ones. How fast those are refused, and what they do to
    everyone else's p99 compared with a client as busy but harmless."""
    with served(database_url) as base:
        drill = attack_drill(base, clients=32, seconds=seconds)
    failures = len(drill.cheap.failures) + len(drill.attacked.failures)
    if failures:
        raise ArchiveError(f"{failures} requests of the clients failed during the drill")
    reference, attacked = drill.cheap.percentile(0.99), drill.attacked.percentile(0.99)
    refusals = sorted(drill.refusals)
    median, slowest = refusals[len(refusals) // 2], refusals[-1]
    return [
        Figure("p99 of 32 clients beside a busy harmless one (reference)", reference, "ms", 1.0),
        Figure("p99 of 32 clients beside a fan-out attacker", attacked, "ms", attacked / reference),
        Figure(f"fan-out refused, median of {len(refusals)}", median, "ms", median / reference),
        Figure("fan-out refused, slowest", slowest, "ms", slowest / reference),
    ]
