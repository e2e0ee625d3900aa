"""The cluster benchmark (``archive benchmark --what cluster``): how fast a Dask cluster's
workers extract, and how many of them one importer can feed.

- **Extraction on the cluster**, articles per second through ``ClusterRunner`` on a local
  cluster of 1 and then 2 worker processes, against ``nlp.pipe(n_process=1|2)`` of the stock
  spaCy pipeline over the same texts, measured in the same run (the same reference as
  ``extraction``): what the cluster's scheduling and transfers cost beside the work itself.
- **The writer alone**: the same articles, pre-annotated (their quotes, actors, places and
  events carried by each record, as a cluster's workers hand them back), imported into a
  database without extraction, in articles per second. Its ratio to one worker's extraction
  rate is how many workers one importer can keep busy before writing becomes the bound.

Both run on the synthetic corpus (``archive.bench.corpus``, news reports of 250 to 700
words), so that the two rates are of the same articles.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from archive import db
from archive.bench import corpus
from archive.bench.benchmark import Figure, pipe_rate
from archive.errors import ArchiveError
from archive.extract.cluster import ClusterRunner, local_cluster
from archive.extract.pipeline import load_pipeline
from archive.extract.runner import ExtractionRunner, no_extraction
from archive.importer.fields import article_from
from archive.importer.imports import import_paths
from archive.records import ArticleRecord
from archive.settings import Settings


def cluster_extraction(
    articles: Sequence[ArticleRecord], workers: Sequence[int] = (1, 2), rounds: int = 3
) -> list[Figure]:
    """Articles per second through a local cluster of each worker count, against
    ``nlp.pipe(n_process=N)``; each figure the median of ``rounds``, the reference timed
    just before its runner in every round."""
    texts = [a.body for a in articles]
    figures = []
    for count in workers:
        references, rates = [], []
        with (
            local_cluster(count, quiet=True) as cluster,
            ClusterRunner(cluster.scheduler_address, load_pipeline) as runner,
        ):
            runner.run(articles[: 2 * count])  # the workers build their pipelines
            for _ in range(rounds):
                references.append(pipe_rate(texts, count))
                started = time.perf_counter()
                outcomes = runner.run(articles)
                rates.append(len(articles) / (time.perf_counter() - started))
                if len(outcomes) != len(articles):
                    raise ArchiveError(f"the cluster extracted {len(outcomes)} of {len(articles)}")
        reference, rate = statistics.median(references), statistics.median(rates)
        figures += [
            Figure(f"nlp.pipe n_process={count} (reference)", reference, "articles/s", 1.0),
            Figure(f"extraction on a cluster of {count}", rate, "articles/s", rate / reference),
        ]
    return figures


def run(database_url: str | None, extracted: int, written: int) -> list[Figure]:
    """The cluster figures: ``extracted`` synthetic articles through clusters of 1 and 2
    workers, then ``written`` of them, pre-annotated, by the writer alone."""
    articles = [
        article_from(record, Settings().max_body_chars)
        for record in corpus.articles(extracted, seed=11)
    ]
    figures = cluster_extraction(articles)
    return [*figures, writer_alone(database_url, written, per_worker=figures[1].value)]


def writer_alone(database_url: str | None, count: int, per_worker: float) -> Figure:
    """Articles per second of importing ``count`` pre-annotated synthetic articles into
    ``database_url`` (a new SQLite file when None); its ratio is to ``per_worker``, one
    cluster worker's extraction rate: how many workers one writer can feed."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "annotated.jsonl"
        corpus.write_jsonl(source, count, seed=11, annotated=True)
        with _fresh(database_url, Path(folder)) as url:
            settings = Settings(database_url=url)
            started = time.perf_counter()
            report = import_paths(settings, [str(source)], ExtractionRunner(no_extraction))
            seconds = time.perf_counter() - started
    if report.imported != count:
        raise ArchiveError(f"the writer stored {report.imported} of {count} articles")
    backend = "PostgreSQL" if database_url and database_url.startswith("postgres") else "SQLite"
    rate = count / seconds
    return Figure(
        f"writer alone, pre-annotated into {backend} (ratio: workers it feeds)",
        rate,
        "articles/s",
        rate / per_worker,
    )


@contextmanager
def _fresh(database_url: str | None, folder: Path) -> Iterator[str]:
    """A new empty database: on ``database_url``'s server (dropped after), or a SQLite file."""
    if database_url is None:
        yield f"sqlite:///{folder / 'writer.db'}"
    elif database_url.startswith("postgres"):
        with db.scratch_postgres_database(database_url, "bench_writer") as url:
            yield url
    else:
        raise ArchiveError("the writer's figure needs a PostgreSQL server URL, or none for SQLite")
