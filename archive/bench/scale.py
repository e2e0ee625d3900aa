"""The scale benchmark: the archive against what users would otherwise pick, side by side, on a
synthetic corpus (:mod:`archive.bench.corpus`), on SQLite and on PostgreSQL.

Every figure has a reference measured in the same run, and their ratio:

- bulk import with extraction (``--workers 1`` and ``2``) against bare ``nlp.pipe`` of the same
  spaCy pipeline over the same texts (higher is better; target ≥ 1.0);
- bulk import of the pre-annotated corpus (no extraction) against sqlite-utils loading the same
  records into the same normalized tables with full-text search (higher is better; target
  ≥ 1.0), beside ``sqlite-utils insert`` into one flat table (``archive.bench.references``);
- quote search, p50 and p95 in process and over HTTP, against the bare full-text SQL (FTS5 or
  tsvector) for the same query (lower is better; target ≤ 2.0 in process), and requests per
  second against Datasette serving the same full-text search over the same SQLite file (higher
  is better; target ≥ 1.0);
- the GraphQL page of 50 nested quotes, requests per second over HTTP at concurrency 1 and 16;
- peak memory of importing a JSONL file larger than 1 GB (target < 500 MB).

Servers, importers and Datasette run as child processes on loopback; nothing is mocked.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Connection, TextClause, func, text

from archive import db
from archive.bench import corpus, references
from archive.bench.benchmark import (
    SEARCH_DOCUMENT,
    SEARCHES,
    Figure,
    example_page,
    in_process,
    pipe_rate,
)
from archive.bench.load import Tally
from archive.bench.served import free_port, served, serving
from archive.errors import ArchiveError
from archive.importer.imports import import_paths
from archive.settings import DATABASE_URL_VARIABLE, Settings


@dataclass
class Section:
    title: str
    figures: list[Figure]


@dataclass
class Plan:
    articles: int = 100_000
    extraction_articles: int = 200
    big_file_bytes: int = 1_100_000_000
    requests: int = 200
    load_clients: int = 32
    load_seconds: float = 60
    load_import_articles: int = 20_000
    postgres_url: str | None = None
    workdir: Path = Path("benchmark-work")


# ------------------------------------------------------------------------------ helpers


def _timed_child(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run ``command`` through a fresh intermediate process; returns (seconds, peak resident
    kilobytes of the command alone). Raises ``ArchiveError`` when it fails."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "t = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(t, peak, r.returncode)\n"
        "sys.stderr.write(r.stdout[-2000:] + r.stderr[-2000:])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds, peak, code = result.stdout.split()
    if code != "0":
        raise ArchiveError(f"{' '.join(command[:4])} failed: {result.stderr[-1500:]}")
    return float(seconds), int(peak)


def _timed_import(path: Path, url: str) -> tuple[float, int]:
    """(seconds, peak kilobytes) of ``archive import PATH --no-extract`` into ``url``."""
    return _timed_child(
        [sys.executable, "-m", "archive", "import", str(path), "--no-extract"],
        dict(os.environ, **{DATABASE_URL_VARIABLE: url}),
    )


def _fresh_sqlite(path: Path) -> str:
    """The URL of a new SQLite file at ``path``, whatever was there before."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _latencies(run: Callable[[str], object], repeat: int) -> list[float]:
    """Milliseconds of ``run(query)`` over every search, ``repeat`` rounds, after a warm-up."""
    for query in SEARCHES:
        run(query)
    times = []
    for _ in range(repeat):
        for query in SEARCHES:
            started = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - started) * 1000)
    return times


@contextmanager
def _databases(plan: Plan) -> Iterator[list[tuple[str, str]]]:
    """(backend, URL) of a new SQLite file and, if configured, a new PostgreSQL database."""
    with ExitStack() as stack:
        found = [("sqlite", _fresh_sqlite(plan.workdir / "archive.db"))]
        if plan.postgres_url:
            url = stack.enter_context(db.scratch_postgres_database(plan.postgres_url, "bench"))
            found.append(("postgresql", url))
        yield found


# ------------------------------------------------------------------------------ figures


def bulk_import(corpus_file: Path, backend: str, url: str, plan: Plan) -> Figure:
    """Seconds to import the pre-annotated corpus with ``archive import --no-extract``."""
    seconds, _ = _timed_import(corpus_file, url)
    rate = plan.articles / seconds
    return Figure(f"import pre-annotated ({backend})", rate, "articles/s", 0.0)


def reference_statements(
    connection: Connection, queries: tuple[str, ...] = SEARCHES
) -> dict[str, tuple[TextClause, TextClause | None]]:
    """For each search, the bare SQL of its page and of its count, written out once so that
    the timed reference is only the database's work: the cheapest hand-written SQL for the
    same answer. The page keeps the ten best matches of the full-text index before reading
    their rows. FTS5 counts its matches from the index alone; PostgreSQL rechecks each match
    on the table, so there the page counts the matches as it ranks them (a window, column
    ``total``) and the count is None."""
    from archive.search import matches, parse_query

    postgres = connection.dialect.name == "postgresql"
    statements = {}
    for query in queries:
        tree = parse_query(query)
        found = matches(connection.dialect.name, "quotes", tree).subquery("found")
        ranked = found.select().order_by(found.c.rank.desc(), found.c.id).limit(11)
        if postgres:
            ranked = ranked.add_columns(func.count().over().label("total"))
        best = ranked.compile(connection, compile_kwargs={"literal_binds": True})
        total = ", best.total" if postgres else ""
        page = text(
            f"SELECT q.id, q.text, sp.name, ar.title, best.rank{total} FROM ({best}) AS best "
            "JOIN quotes q ON q.id = best.id JOIN articles ar ON ar.id = q.article_id "
            "LEFT JOIN actors sp ON sp.id = q.speaker_id "
            "ORDER BY best.rank DESC, q.id"
        )
        count = None
        if not postgres:
            every = matches(connection.dialect.name, "quotes", tree, ranked=False).compile(
                connection, compile_kwargs={"literal_binds": True}
            )
            count = text(f"SELECT count(*) FROM ({every}) AS found")
        statements[query] = (page, count)
    return statements


def _reference_search(
    connection: Connection, statements: tuple[TextClause, TextClause | None]
) -> None:
    page, count = statements
    connection.execute(page).all()
    if count is not None:
        connection.execute(count).scalar_one()


def search(backend: str, url: str, plan: Plan) -> tuple[list[Figure], float]:
    """p50/p95 of the quote search by bare SQL, in process and over HTTP; also returns the
    archive's sequential requests per second over HTTP, for the Datasette comparison."""
    repeat = max(1, plan.requests // len(SEARCHES))
    engine = db.sync_engine(url)
    try:
        with engine.connect() as connection:
            statements = reference_statements(connection)
            reference = _latencies(lambda q: _reference_search(connection, statements[q]), repeat)
    finally:
        engine.dispose()

    with in_process(url) as execute:
        local = _latencies(lambda q: execute(SEARCH_DOCUMENT, {"search": q}), repeat)

    with served(url) as base, httpx.Client(base_url=base, timeout=120) as client:

        def over_http(query: str) -> None:
            response = client.post(
                "/graphql", json={"query": SEARCH_DOCUMENT, "variables": {"search": query}}
            )
            if response.status_code != 200 or "errors" in response.json():
                raise ArchiveError(f"search over HTTP failed: {response.text[:300]}")

        http = _latencies(over_http, repeat)

    ref50, ref95 = _percentile(reference, 0.5), _percentile(reference, 0.95)
    figures = [
        Figure(f"search, bare SQL p50 ({backend}, reference)", ref50, "ms", 1.0),
        Figure(f"search, bare SQL p95 ({backend}, reference)", ref95, "ms", 1.0),
    ]
    for label, times in (("in process", local), ("over HTTP", http)):
        p50, p95 = _percentile(times, 0.5), _percentile(times, 0.95)
        figures.append(Figure(f"search {label} p50 ({backend})", p50, "ms", p50 / ref50))
        figures.append(Figure(f"search {label} p95 ({backend})", p95, "ms", p95 / ref95))
    return figures, 1000 / statistics.mean(http)


def datasette(sqlite_file: Path, plan: Plan) -> float:
    """Sequential requests per second of Datasette's full-text search of the quotes table:
    its table view with ``_search`` in raw mode, so that it reads the same FTS5 syntax and
    finds the same quotes. Raises ``ArchiveError`` when its count of matches differs from
    the bare FTS5 count: a table view that does not find the index searches nothing."""
    # Datasette recognises an index by a double-quoted `content="quotes"` in its definition;
    # the archive's is single-quoted, so the table is named in the metadata, as documented.
    metadata = plan.workdir / "datasette-metadata.json"
    tables = {"quotes": {"fts_table": "quotes_fts", "fts_pk": "id"}}
    metadata.write_text(json.dumps({"databases": {sqlite_file.stem: {"tables": tables}}}))
    port = free_port()
    tool = str(Path(sys.executable).with_name("datasette"))
    command = [tool, "serve", str(sqlite_file), "--port", str(port), "--metadata", str(metadata)]
    command += ["--setting", "suggest_facets", "off", "--setting", "sql_time_limit_ms", "60000"]
    engine = db.sync_engine(f"sqlite:///{sqlite_file}")
    try:
        with engine.connect() as connection:
            expected = {
                query: connection.scalar(count)
                for query, (_, count) in reference_statements(connection).items()
                if count is not None  # always on SQLite
            }
    finally:
        engine.dispose()
    with (
        serving(command, port, name="datasette", ready_path="/-/versions.json") as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):

        def request(query: str) -> None:
            response = client.get(
                f"/{sqlite_file.stem}/quotes.json",
                params={"_search": query, "_searchmode": "raw", "_size": 10},
            )
            if response.status_code != 200:
                raise ArchiveError(f"datasette failed: {response.text[:300]}")
            found = response.json().get("filtered_table_rows_count")
            if found != expected[query]:
                raise ArchiveError(
                    f"datasette counted {found} quotes matching {query!r}, FTS5 {expected[query]}"
                )

        times = _latencies(request, max(1, plan.requests // len(SEARCHES)))
    return 1000 / statistics.mean(times)


def graphql_page(url: str, plan: Plan) -> list[Figure]:
    """Requests per second of the 50-quote nested page over HTTP, at concurrency 1 and 16."""
    query = example_page()

    async def rate(base: str, concurrency: int) -> float:
        count = max(concurrency, plan.requests)
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:

            async def worker(share: int) -> None:
                for _ in range(share):
                    response = await client.post("/graphql", json={"query": query})
                    if response.status_code != 200 or "errors" in response.json():
                        raise ArchiveError(f"the page failed: {response.text[:300]}")

            await worker(concurrency)  # warm up
            started = time.perf_counter()
            await asyncio.gather(*(worker(count // concurrency) for _ in range(concurrency)))
            return (count // concurrency * concurrency) / (time.perf_counter() - started)

    with served(url, "--workers", "2") as base:
        single = asyncio.run(rate(base, 1))
        sixteen = asyncio.run(rate(base, 16))
    return [
        Figure("GraphQL 50-quote page, concurrency 1 (reference)", single, "req/s", 1.0),
        Figure("GraphQL 50-quote page, concurrency 16", sixteen, "req/s", sixteen / single),
    ]


def _drill_figures(tally: Tally, label: str, reference: Tally | None = None) -> list[Figure]:
    figures = [
        Figure(
            f"requests/s{label}",
            tally.rate,
            "req/s",
            tally.rate / reference.rate if reference else 1.0,
        )
    ]
    for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        value = tally.percentile(share)
        base = reference.percentile(share) if reference else value
        figures.append(Figure(f"{name}{label}", value, "ms", value / base))
    return figures


def load_during_import(backend: str, url: str, plan: Plan) -> list[Figure]:
    """The load drill (:mod:`archive.bench.load`): ``load_clients`` clients mixing searches, the
    GraphQL page, the search page and quote pages against ``serve --workers 2``, first alone
    (the reference, a quarter of the time) and then for ``load_seconds`` while an import of
    new articles writes into the same database."""
    from archive.bench.load import drive, with_import

    new_articles = plan.workdir / f"load-{plan.load_import_articles}.jsonl"
    if not new_articles.exists():
        corpus.write_jsonl(new_articles, plan.load_import_articles, seed=1, annotated=True)
    clients = plan.load_clients
    with served(url, "--workers", "2") as base:
        alone = drive(base, clients=clients, seconds=max(10, plan.load_seconds / 4))
        with with_import(new_articles, url) as importing:
            loaded = drive(base, clients=clients, seconds=plan.load_seconds)
            finished_early = importing.process.poll() is not None
    if finished_early:
        raise ArchiveError("the import ended before the load drill; raise load_import_articles")
    total = len(loaded.outcomes)
    figures = _drill_figures(alone, f", {clients} clients, no import (reference)")
    figures += _drill_figures(loaded, f", {clients} clients during an import", alone)
    for name, count in (
        ("failed requests", len(loaded.failures) + len(loaded.of("clean failure"))),
        ('"database is locked"', loaded.locked),
    ):
        figures.append(Figure(f"{name} during the import", count, "requests", count / total))
    return figures


def postgres_restart(plan: Plan) -> list[Figure]:
    """A private PostgreSQL server (:mod:`archive.bench.pgserver`) stopped as in a crash for five
    seconds under the load drill and started again; ``archive serve`` keeps running."""
    from archive.bench.load import restart_drill

    small = plan.workdir / "restart.jsonl"
    corpus.write_jsonl(small, 300, seed=2, annotated=True)
    outage = restart_drill(small, after=10, length=5, clients=16, seconds=30, timeout=30)
    tally, down, up = outage.tally, outage.down, outage.up
    clean = tally.of("clean failure")
    recovered = min((o.at for o in tally.of("ok") if o.at > up), default=float("nan"))
    slowest = max((o.milliseconds for o in clean), default=0.0)
    return [
        Figure("server down (reference)", up - down, "s", 1.0),
        Figure("requests failed cleanly (503, SERVICE_UNAVAILABLE)", len(clean), "requests", 1.0),
        Figure("slowest clean failure", slowest, "ms", slowest / 1000 / (up - down)),
        Figure("other failures", len(tally.failures), "requests", 0.0),
        Figure(
            "first success after the restart", recovered - up, "s", (recovered - up) / (up - down)
        ),
    ]


def extraction_import(corpus_file: Path, backend: str, url: str, plan: Plan) -> list[Figure]:
    """Articles per second of ``archive import`` with extraction, workers 1 and 2, into a new
    database, against bare ``nlp.pipe`` over the same texts."""
    from archive.extract.pipeline import load_pipeline
    from archive.extract.runner import ExtractionRunner
    from archive.importer.fields import article_from

    # each run imports articles of its own: the same text twice would be a duplicate
    records = []
    with corpus_file.open(encoding="utf-8") as handle:
        for _ in range(2 * plan.extraction_articles):
            record = json.loads(handle.readline())
            records.append({k: record[k] for k in ("url", "title", "published", "source", "text")})
    reference = pipe_rate([r["text"] for r in records])
    figures = [Figure(f"nlp.pipe ({backend}, reference)", reference, "articles/s", 1.0)]
    for run, workers in enumerate((1, 2)):
        share = records[run * plan.extraction_articles : (run + 1) * plan.extraction_articles]
        plain = plan.workdir / f"plain-{workers}.jsonl"
        with plain.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(record) + "\n" for record in share)
        settings = Settings(database_url=url)
        with ExtractionRunner(load_pipeline, workers=workers) as runner:
            warm = [article_from(r, settings.max_body_chars) for r in records[: workers * 2]]
            runner.run(warm)  # start the workers and load the model first
            started = time.perf_counter()
            report = import_paths(settings, [str(plain)], runner)
            seconds = time.perf_counter() - started
        if report.imported != len(share):
            raise ArchiveError(f"the extraction import stored {report.imported} of {len(share)}")
        rate = len(share) / seconds
        figures.append(
            Figure(
                f"import with extraction --workers {workers} ({backend})",
                rate,
                "articles/s",
                rate / reference,
            )
        )
    return figures


def big_import_memory(plan: Plan) -> Figure:
    """Peak memory of ``archive import --no-extract`` of a JSONL file over ``big_file_bytes``,
    made of long-form articles (eight corpus articles each), into a new SQLite file."""
    big = plan.workdir / "big.jsonl"
    written = 0
    index = 0
    with big.open("w", encoding="utf-8") as out:
        while written < plan.big_file_bytes:
            parts = [corpus.article(index * 8 + k, seed=1) for k in range(8)]
            record = dict(parts[0], text="\n\n".join(p["text"] for p in parts))
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            index += 1
    _, peak_kb = _timed_import(big, _fresh_sqlite(plan.workdir / "big.db"))
    big.unlink()
    megabytes = peak_kb / 1024
    return Figure(
        f"peak memory importing {written / 1e9:.2f} GB of JSONL (limit 500 MB)",
        megabytes,
        "MB",
        megabytes / 500,
    )


# ------------------------------------------------------------------------------ the run


def run(plan: Plan, report: Callable[[Section], None]) -> None:
    """Run every measurement, handing each section to ``report`` as soon as it is measured."""
    plan.workdir.mkdir(parents=True, exist_ok=True)
    corpus_file = plan.workdir / f"corpus-{plan.articles}.jsonl"
    if not corpus_file.exists():
        corpus.write_jsonl(corpus_file, plan.articles, annotated=True)

    normalized = plan.articles / references.normalized(corpus_file, plan.workdir / "normal.db")
    flat = plan.articles / references.flat(corpus_file, plan.workdir / "flat.db")
    reference = Figure(
        "sqlite-utils, the same normalized tables with full-text search (reference)",
        normalized,
        "articles/s",
        1.0,
    )
    imports = [
        reference,
        Figure("sqlite-utils insert, one flat table", flat, "articles/s", flat / normalized),
    ]
    with _databases(plan) as databases:
        for backend, url in databases:
            figure = bulk_import(corpus_file, backend, url, plan)
            figure.ratio = figure.value / reference.value
            imports.append(figure)
        report(Section(f"Bulk import, {plan.articles:,} pre-annotated articles", imports))

        for backend, url in databases:
            figures, http_rate = search(backend, url, plan)
            if backend == "sqlite":
                theirs = datasette(Path(url.removeprefix("sqlite:///")), plan)
                figures += [
                    Figure("Datasette full-text search (reference)", theirs, "req/s", 1.0),
                    Figure("archive search over HTTP", http_rate, "req/s", http_rate / theirs),
                ]
            report(Section(f"Quote search at {plan.articles:,} articles ({backend})", figures))
            report(Section(f"GraphQL nested page ({backend})", graphql_page(url, plan)))
            if plan.load_seconds:
                report(Section(f"Load ({backend})", load_during_import(backend, url, plan)))
    if plan.postgres_url and plan.load_seconds:
        report(Section("PostgreSQL restarted under load", postgres_restart(plan)))
    # into databases of their own: the corpus already stored would make every article a duplicate
    with _databases(plan) as databases:
        for backend, url in databases:
            report(
                Section(
                    f"Import with extraction, {plan.extraction_articles} articles ({backend})",
                    extraction_import(corpus_file, backend, url, plan),
                )
            )
    if plan.big_file_bytes:
        report(Section("Memory", [big_import_memory(plan)]))
