"""Extraction on a Dask cluster: ``archive import --cluster tcp://HOST:8786``.

The importing machine reads and writes; the cluster's workers extract. Each worker builds the
pipeline once, when it joins (a worker plugin), never per article. A batch of the loader is
cut into chunks, one task each, so that every worker has work; the loader keeps at most
``in_flight`` batches submitted and writes them in the order they were read, so memory stays
flat whatever the input's size.

A worker that dies mid-task loses nothing: the scheduler runs its tasks again elsewhere (a
worker restarted by its nanny builds the pipeline again), and a task the scheduler gives up on
(``KilledWorker``, after ``distributed.scheduler.allowed-failures`` deaths) is submitted again
from here, up to ``ATTEMPTS`` times. Both count in ``retries``, which the import report shows.

The workers and the scheduler run the same version of the archive as the importer (they
unpickle its records and run its pipeline): start them from its environment.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from distributed import Client, Future, WorkerPlugin, get_worker
from distributed.comm.core import CommClosedError
from distributed.scheduler import KilledWorker

from archive.errors import ArchiveError
from archive.extract.runner import ExtractorFactory, Outcome, Submitted, extract_safely
from archive.records import ArticleRecord

PLUGIN = "archive-extractor"
ATTEMPTS = 3
"""Times a chunk is submitted again from the importer after the scheduler gave it up."""
CONNECT_SECONDS = 10.0
LOST = (KilledWorker, CommClosedError, OSError)
"""What a chunk's future raises when the workers running it were lost, not its articles."""

SAME_VERSION = (
    "run the scheduler and every worker from an environment with this version of the archive "
    "installed (README: Extraction on a cluster)"
)

log = logging.getLogger(__name__)


class ExtractorOnWorker(WorkerPlugin):
    """Builds the extractor once per worker, when the worker starts or joins."""

    def __init__(self, factory: ExtractorFactory) -> None:
        self.factory = factory
        self.extractor: Any = None

    def setup(self, worker: Any) -> None:
        self.extractor = self.factory()


def extract_chunk(articles: Sequence[ArticleRecord]) -> list[Outcome]:
    """A task: the worker's extractor over ``articles``; one outcome each, failures included."""
    plugin = get_worker().plugins[PLUGIN]
    assert isinstance(plugin, ExtractorOnWorker)
    return extract_safely(plugin.extractor, articles)


def local_cluster(
    workers: int,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    memory_limit: str = "auto",
    quiet: bool = False,
) -> Any:
    """A Dask ``LocalCluster`` of ``workers`` processes on this machine, one thread each (the
    pipeline holds the GIL); a context manager. Its HTTP routes (health, and the dashboard
    where bokeh is installed) listen on a free port of ``host``, not on 8787, which another
    cluster may hold. ``quiet`` keeps the workers' errors on shutting down out of a report."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host=host,
        scheduler_port=port,
        dashboard_address=f"{host}:0",
        memory_limit=memory_limit,
        silence_logs=logging.CRITICAL if quiet else logging.WARNING,
    )


def _suspicious(dask_scheduler: Any, keys: list[str]) -> int:
    """On the scheduler: how many times these tasks were running on a worker that died."""
    return sum(dask_scheduler.tasks[key].suspicious for key in keys if key in dask_scheduler.tasks)


class ClusterRunner:
    """The loader's runner (``archive.extract.runner.Runner``) over the cluster at
    ``address``. Raises ArchiveError when no scheduler answers there, or no worker joins."""

    def __init__(
        self,
        address: str,
        factory: ExtractorFactory,
        *,
        in_flight: int | None = None,
        chunks_per_worker: int = 2,
    ) -> None:
        try:
            self.client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ArchiveError(
                f"no Dask scheduler answers at {address} ({exc})",
                suggestion="start one (`archive cluster`, or `dask scheduler` and `dask worker`)"
                " and give its address",
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            self.client.close()
            raise ArchiveError(
                f"the Dask scheduler at {address} has no worker",
                suggestion="start workers on it: `dask worker " + address + "`",
            ) from None
        try:
            self.client.register_plugin(ExtractorOnWorker(factory), name=PLUGIN)
        except Exception as exc:
            self.client.close()
            raise ArchiveError(
                f"the workers at {address} cannot build the extraction pipeline "
                f"({type(exc).__name__}: {exc})",
                suggestion=SAME_VERSION,
            ) from None
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        self.in_flight = in_flight if in_flight is not None else 2 * self.workers
        self.chunks_per_worker = chunks_per_worker
        self.retries = 0

    def submit(self, articles: Sequence[ArticleRecord]) -> Submitted:
        return _ClusterBatch(self, list(articles))

    def run(self, articles: Sequence[ArticleRecord]) -> list[Outcome]:
        return self.submit(articles).result()

    def chunk(self, articles: list[ArticleRecord]) -> Future[list[Outcome]]:
        return self.client.submit(extract_chunk, articles, pure=False)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ClusterRunner:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _ClusterBatch:
    """One batch's chunks, submitted at once; their outcomes gathered in order."""

    def __init__(self, runner: ClusterRunner, articles: list[ArticleRecord]) -> None:
        self.runner = runner
        parts = max(1, runner.workers * runner.chunks_per_worker)
        size = max(1, -(-len(articles) // parts))
        self.chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
        self.futures = [runner.chunk(chunk) for chunk in self.chunks]

    def result(self) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for index, chunk in enumerate(self.chunks):
            outcomes += self._chunk_result(index, chunk)
        self.runner.retries += self._rescheduled()
        for future in self.futures:
            future.release()
        return outcomes

    def _chunk_result(self, index: int, chunk: list[ArticleRecord]) -> list[Outcome]:
        for attempt in range(ATTEMPTS + 1):
            try:
                result: list[Outcome] = self.futures[index].result()
                return result
            except LOST as lost:
                if attempt == ATTEMPTS:
                    raise ArchiveError(
                        f"the cluster lost a chunk of {len(chunk)} articles {ATTEMPTS + 1} "
                        f"times ({type(lost).__name__}: {lost})",
                        suggestion="check the workers' logs and memory; what was stored "
                        "stays, and the same import again skips it",
                    ) from lost
                log.warning("a worker was lost; submitting %d articles again", len(chunk))
                self.runner.retries += 1
                self.futures[index] = self.runner.chunk(chunk)
            except Exception as exc:  # an article's own failure comes back as an outcome
                raise ArchiveError(
                    f"extraction failed on the cluster ({type(exc).__name__}: {exc})",
                    suggestion=SAME_VERSION,
                ) from exc
        raise AssertionError("unreachable")

    def _rescheduled(self) -> int:
        """Tasks of this batch the scheduler ran again because their worker died."""
        try:
            count = self.runner.client.run_on_scheduler(
                _suspicious, keys=[future.key for future in self.futures]
            )
        except Exception as exc:  # a scheduler without the archive installed: count none
            log.debug("could not count the scheduler's reschedules: %s", exc)
            return 0
        return int(count)
