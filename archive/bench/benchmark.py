"""Benchmarks, apart from the test suite: figures with a reference measured in the same run.

``extraction``: articles per second of the archive's extraction (``--workers 1`` and ``2``)
against bare ``nlp.pipe`` of the same spaCy pipeline, as its package ships it, over the same
texts, and their ratio.

``api_page``: milliseconds per request of the example operation "50 quotes with speaker,
affiliations, article and source" (``schema/examples/01_quotes_with_speakers.graphql``), in
process and over HTTP from a real ``archive serve``, against hand-written SQL reading the same
data into the same nested shape, and their ratio; beside them, graphql-core executing the same
document over that page already in memory, the least any GraphQL server in Python can spend on
it.
"""

from __future__ import annotations

import asyncio
import functools
import json
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, text

from archive import assets, db
from archive.bench.served import served
from archive.errors import ArchiveError
from archive.extract.nlp import stock_model
from archive.extract.pipeline import load_pipeline
from archive.extract.runner import ExtractionRunner
from archive.graphql.ids import global_id
from archive.graphql.scalars import utc_text
from archive.importer.imports import import_paths, reader_for
from archive.records import ArticleRecord, Located
from archive.settings import Settings


@dataclass
class Figure:
    """A measured value and its ratio to the reference measured in the same run."""

    name: str
    value: float
    unit: str
    ratio: float


def articles_in(paths: Sequence[Path]) -> list[ArticleRecord]:
    items = reader_for(Settings()).read(str(p) for p in paths)
    return [
        i.record for i in items if isinstance(i, Located) and isinstance(i.record, ArticleRecord)
    ]


def pipe_rate(texts: Sequence[str], processes: int = 1) -> float:
    """Articles per second of bare ``nlp.pipe`` of the English pipeline as its package ships
    it (the extraction's model, without the archive's components), warmed up; with
    ``processes`` above 1, spaCy's own process pool (``n_process``), whose start is part of
    the time, as it is of any one call."""
    nlp = stock_model()
    list(nlp.pipe(texts[:5]))
    started = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=processes):
        pass
    return len(texts) / (time.perf_counter() - started)


def extraction(
    articles: list[ArticleRecord], workers: Sequence[int] = (1, 2), rounds: int = 3
) -> list[Figure]:
    """Time bare ``nlp.pipe`` and the extraction over the same articles, in this run: with N
    workers the reference is ``nlp.pipe(n_process=N)``. In ``rounds`` rounds, each timing
    every reference and then every worker count, so that a machine that speeds up or slows
    down during the run weighs on both; each figure is the median of its rounds."""
    texts = [a.body for a in articles]
    references: dict[int, list[float]] = {count: [] for count in workers}
    rates: dict[int, list[float]] = {count: [] for count in workers}
    runners = {count: ExtractionRunner(load_pipeline, workers=count) for count in workers}
    try:
        for runner in runners.values():
            runner.run(articles[: max(runner.workers, 2)])  # start workers, load the model
        for _ in range(rounds):
            for count, runner in runners.items():
                references[count].append(pipe_rate(texts, count))
                started = time.perf_counter()
                runner.run(articles)
                rates[count].append(len(articles) / (time.perf_counter() - started))
    finally:
        for runner in runners.values():
            runner.close()
    figures = []
    for count in workers:
        reference = statistics.median(references[count])
        rate = statistics.median(rates[count])
        figures += [
            Figure(f"nlp.pipe n_process={count} (reference)", reference, "articles/s", 1.0),
            Figure(f"extraction --workers {count}", rate, "articles/s", rate / reference),
        ]
    return figures


# ------------------------------------------------------------------------------ API

SEARCHES = (
    "ceasefire",
    "hospitals",
    '"humanitarian corridor"',
    "blockade port",
    "medicine",
    "Aleppo",
    "Kharkiv",
    "prisoners charge",
    "reconstruction",
    "refugees returning",
)
"""Plain words and one phrase, from very common to rare in the corpus: queries that Datasette's
default search mode and the archive's query language read the same way."""

SEARCH_DOCUMENT = (
    "query Search($search: String!) { quotes(search: $search, first: 10) { totalCount "
    "edges { rank node { id text speaker { name } article { title } } } } }"
)


@functools.cache
def example_page() -> str:
    """The document of example 01: 50 quotes with speaker, affiliations, article and outlet."""
    return (
        assets.folder(assets.SCHEMA) / "examples" / "01_quotes_with_speakers.graphql"
    ).read_text(encoding="utf-8")


_PAGE_SQL = text(
    """
    SELECT q.id, q.text, q.direct, q.speaker_as_written, q.speaker_id,
           sp.name AS speaker_name, sp.kind AS speaker_kind,
           ar.title, ar.published, ar.url, so.name AS source_name
    FROM quotes q
    JOIN articles ar ON ar.id = q.article_id
    LEFT JOIN actors sp ON sp.id = q.speaker_id
    LEFT JOIN sources so ON so.id = ar.source_id
    ORDER BY COALESCE(ar.published, :earliest) DESC, q.id DESC
    LIMIT 51
    """
).columns(published=DateTime)
_AFFILIATIONS_SQL = text(
    """
    SELECT af.actor_id, af.role, org.name
    FROM affiliations af LEFT JOIN actors org ON org.id = af.organization_id
    WHERE af.actor_id IN :ids
    ORDER BY af.id
    """
).bindparams(bindparam("ids", expanding=True))
_COUNT_SQL = text("SELECT count(*) FROM quotes")


def hand_written_page(connection: Connection) -> dict[str, Any]:
    """The example's data read by three hand-written statements into the same nested shape."""
    rows = connection.execute(_PAGE_SQL, {"earliest": datetime(1, 1, 1)}).all()
    total = connection.execute(_COUNT_SQL).scalar_one()
    speakers = sorted({row.speaker_id for row in rows[:50] if row.speaker_id is not None})
    affiliations: dict[int, list[dict[str, Any]]] = {}
    if speakers:
        for actor_id, role, organization in connection.execute(
            _AFFILIATIONS_SQL, {"ids": speakers}
        ):
            affiliations.setdefault(actor_id, []).append(
                {"role": role, "organization": {"name": organization} if organization else None}
            )
    nodes = [
        {
            "id": global_id("Quote", row.id),
            "text": row.text,
            "direct": bool(row.direct),
            "speakerAsWritten": row.speaker_as_written,
            "speaker": None
            if row.speaker_id is None
            else {
                "id": global_id("Actor", row.speaker_id),
                "name": row.speaker_name,
                "kind": row.speaker_kind.upper(),
                "affiliations": affiliations.get(row.speaker_id, []),
            },
            "article": {
                "title": row.title,
                "published": utc_text(row.published) if row.published else None,
                "url": row.url,
                "source": {"name": row.source_name} if row.source_name else None,
            },
        }
        for row in rows[:50]
    ]
    return {"quotes": {"totalCount": total, "hasNextPage": len(rows) > 50, "nodes": nodes}}


def import_into(database_url: str, paths: Sequence[Path]) -> None:
    """Import the articles at ``paths`` (with extraction) into the database; idempotent."""
    with ExtractionRunner(load_pipeline, workers=1) as runner:
        import_paths(Settings(database_url=database_url), (str(p) for p in paths), runner)


def _milliseconds(run: Callable[[], object], requests: int) -> float:
    """Median milliseconds of ``run`` over ``requests`` calls, after a few to warm up."""
    for _ in range(5):
        run()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@contextmanager
def in_process(
    database_url: str,
) -> Iterator[Callable[[str, dict[str, Any] | None], dict[str, Any]]]:
    """A function that runs a GraphQL document through the schema in this process, as a
    request would (its own context and connection), and returns the data serialized once as
    the server would; raises ``ArchiveError`` on errors."""
    from archive.graphql.context import Context
    from archive.graphql.database import Database
    from archive.graphql.schema import schema
    from archive.settings import Settings

    settings = Settings(database_url=database_url)
    async_engine = db.async_engine(database_url)

    async def once(document: str, variables: dict[str, Any] | None) -> dict[str, Any]:
        context = Context(None, None, Database(async_engine), settings)  # type: ignore[arg-type]
        try:
            result = await schema.execute(
                document, variable_values=variables, context_value=context
            )
        finally:
            await context.database.end()
        if result.errors:
            raise ArchiveError(f"the query failed: {result.errors[0].message}")
        json.dumps(result.data)
        return result.data or {}

    loop = asyncio.new_event_loop()
    try:
        yield lambda document, variables: loop.run_until_complete(once(document, variables))
    finally:
        loop.run_until_complete(db.dispose(async_engine))
        loop.close()


def api_page(database_url: str, requests: int = 200) -> list[Figure]:
    """Time the example page by hand-written SQL, by the schema in process and over HTTP from
    ``archive serve``, on the database at ``database_url`` (which must hold quotes). Raises
    ``ArchiveError`` when the API's answer differs from the hand-written one."""
    import httpx

    query = example_page()
    engine = db.sync_engine(database_url)
    try:
        with engine.connect() as connection:
            expected = hand_written_page(connection)
            reference = _milliseconds(lambda: json.dumps(hand_written_page(connection)), requests)
    finally:
        engine.dispose()

    floor = executor_alone(query, expected)
    floor_ms = _milliseconds(lambda: json.dumps(floor()), requests)

    with in_process(database_url) as execute:
        _same_page(execute(query, None), expected)
        in_process_ms = _milliseconds(lambda: execute(query, None), requests)

    with served(database_url) as base, httpx.Client(base_url=base, timeout=60) as client:

        def over_http() -> dict[str, Any]:
            response = client.post("/graphql", json={"query": query})
            answer = response.json()
            if response.status_code != 200 or answer.get("errors"):
                raise ArchiveError(f"the example page failed over HTTP: {response.text[:300]}")
            return answer["data"]  # type: ignore[no-any-return]

        _same_page(over_http(), expected)
        http_ms = _milliseconds(over_http, requests)

    return [
        Figure("hand-written SQL, in process (reference)", reference, "ms/page", 1.0),
        Figure(
            "graphql-core alone, the page already in memory",
            floor_ms,
            "ms/page",
            floor_ms / reference,
        ),
        Figure("GraphQL, in process", in_process_ms, "ms/page", in_process_ms / reference),
        Figure("GraphQL over HTTP (archive serve)", http_ms, "ms/page", http_ms / reference),
    ]


def executor_alone(query: str, expected: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A function that executes ``query`` with graphql-core, over a schema built from the
    published SDL whose fields read the values of ``expected`` (the hand-written page, in
    the example's shape) as they are: no resolver, no database, only the executor's walk of
    the document, its checks and its serialization of each value."""
    from graphql import build_schema, execute_sync, parse

    sdl = (assets.folder(assets.SCHEMA) / "archive.graphql").read_text(encoding="utf-8")
    schema, document = build_schema(sdl), parse(query)
    page = expected["quotes"]
    root = {
        "quotes": {
            "totalCount": page["totalCount"],
            "pageInfo": {"hasNextPage": page["hasNextPage"], "endCursor": None},
            "nodes": page["nodes"],
        }
    }

    def run() -> dict[str, Any]:
        result = execute_sync(schema, document, root_value=root)
        if result.errors:
            raise ArchiveError(f"the example page failed: {result.errors[0]}")
        return result.data or {}

    return run


def _same_page(answer: dict[str, Any], expected: dict[str, Any]) -> None:
    quotes = answer["quotes"]
    got = {
        "totalCount": quotes["totalCount"],
        "hasNextPage": quotes["pageInfo"]["hasNextPage"],
        "nodes": quotes["nodes"],
    }
    if got != expected["quotes"]:
        raise ArchiveError(
            "the API and the hand-written SQL disagree on the example page",
            suggestion="the benchmark compares like with like; fix whichever is wrong first",
        )
