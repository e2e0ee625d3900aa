"""Extraction on a Dask cluster: ``archive import --cluster tcp://HOST:8786``.

The importing machine reads and writes; the cluster's workers extract. Each import registers
a worker plugin of its own, under a name of its own, which builds the pipeline once on every
worker (and on a worker that joins later), never per article; several imports may share a
cluster. A batch of the loader is cut into chunks, two tasks per worker, so that every worker
has work; the loader keeps ``in_flight`` batches submitted besides the one it just read, and
writes them in the order they were read, so memory stays flat whatever the input's size.

A worker that dies mid-task loses nothing: the scheduler runs its tasks again elsewhere (a
worker restarted by its nanny builds the pipeline again). A task the scheduler gives up on
(``KilledWorker``: every worker that ran it died, ``distributed.scheduler.allowed-failures``
+ 1 times) is cut in halves, each submitted again, until the article that kills its workers
is alone; tried alone ``ALONE_ATTEMPTS`` times, it comes back as that article's failure, which
the loader rejects with the reason, and the rest of the import goes on. Both the scheduler's
reruns and these count in ``retries``, which the import report shows.

The workers and the scheduler run the same version of the archive as the importer (they
unpickle its records and run its pipeline): start them from its environment.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from distributed import Client, Future, WorkerPlugin, get_worker
from distributed.client import FutureCancelledError
from distributed.comm.addressing import parse_address, parse_host_port
from distributed.comm.registry import get_backend
from distributed.scheduler import KilledWorker

from archive.errors import ArchiveError
from archive.extract.runner import (
    ExtractionFailed,
    ExtractorFactory,
    Outcome,
    Submitted,
    extract_safely,
)
from archive.records import ArticleRecord

ALONE_ATTEMPTS = 2
"""Times one article is submitted alone before it counts as killing the workers it runs on."""
CONNECT_SECONDS = 10.0
SAME_VERSION = (
    "run the scheduler and every worker from an environment with this version of the archive "
    "installed (README: Extraction on a cluster)"
)

log = logging.getLogger(__name__)


class NoPipeline(RuntimeError):
    """A worker could not build the extraction pipeline (raised by a task, for the importer)."""


class ExtractorOnWorker(WorkerPlugin):
    """Builds the extractor once per worker, when the worker starts or joins. A failure is
    kept, so that the worker's tasks say why instead of failing every article."""

    def __init__(self, factory: ExtractorFactory) -> None:
        self.factory = factory
        self.extractor: Any = None
        self.failure: str | None = None

    def setup(self, worker: Any) -> None:
        try:
            self.extractor = self.factory()
        except Exception as exc:
            self.failure = f"{type(exc).__name__}: {exc}"
            raise


def extract_chunk(plugin: str, articles: Sequence[ArticleRecord]) -> list[Outcome]:
    """A task: the extractor of the worker plugin ``plugin`` over ``articles``; one outcome
    each, an article's failure included. Raises NoPipeline when the worker has none."""
    found = get_worker().plugins.get(plugin)
    if not isinstance(found, ExtractorOnWorker) or found.extractor is None:
        why = found.failure if isinstance(found, ExtractorOnWorker) else "its plugin is missing"
        raise NoPipeline(f"worker {get_worker().address} has no extraction pipeline ({why})")
    return extract_safely(found.extractor, articles)


def _suspicious(dask_scheduler: Any, keys: list[str]) -> int:
    """On the scheduler: how many times these tasks were running on a worker that died."""
    return sum(dask_scheduler.tasks[key].suspicious for key in keys if key in dask_scheduler.tasks)


def scheduler_address(address: str) -> str:
    """``address`` checked as a scheduler's (``tcp://HOST:PORT``); raises ArchiveError."""
    try:
        scheme, location = parse_address(address, strict=True)
        get_backend(scheme)
        parse_host_port(location)
    except ValueError as exc:
        raise ArchiveError(
            f"{address!r} is not a Dask scheduler's address ({exc})",
            suggestion="give it as tcp://HOST:PORT, as `archive cluster` prints it",
        ) from None
    return address


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
    cluster may hold. ``quiet`` keeps the workers' errors on shutting down out of a report.
    Raises ArchiveError when the scheduler cannot listen on ``port``."""
    from distributed import LocalCluster

    try:
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
    except (RuntimeError, OSError) as exc:
        raise ArchiveError(
            f"the cluster could not start on {host}:{port} ({exc})",
            suggestion="is another scheduler on that port? give another with --port (0: any)",
        ) from None


class ClusterRunner:
    """The loader's runner (``archive.extract.runner.Runner``) over the cluster at
    ``address``. Raises ArchiveError for an address that is none, when no scheduler answers
    there, when it has no worker, or when the workers cannot build the pipeline."""

    def __init__(
        self, address: str, factory: ExtractorFactory, *, chunks_per_worker: int = 2
    ) -> None:
        try:
            self.client = Client(
                scheduler_address(address), timeout=CONNECT_SECONDS, set_as_default=False
            )
        except (OSError, TimeoutError) as exc:
            raise ArchiveError(
                f"no Dask scheduler answers at {address} ({exc})",
                suggestion="start one (`archive cluster`, or `dask scheduler` and `dask worker`)"
                " and give its address",
            ) from None
        self.plugin = f"archive-extractor-{uuid.uuid4().hex[:12]}"
        self.chunks_per_worker = chunks_per_worker
        self.retries = 0
        try:
            self._start(address, factory)
        except BaseException:
            self.close()
            raise

    def _start(self, address: str, factory: ExtractorFactory) -> None:
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise ArchiveError(
                f"the Dask scheduler at {address} has no worker",
                suggestion="start workers on it: `dask worker " + address + "`",
            ) from None
        try:
            self.client.register_plugin(ExtractorOnWorker(factory), name=self.plugin)
        except Exception as exc:
            raise ArchiveError(
                f"the workers at {address} cannot build the extraction pipeline "
                f"({type(exc).__name__}: {exc})",
                suggestion=SAME_VERSION,
            ) from None
        self.workers = self._count_workers()

    def _count_workers(self) -> int:
        return max(1, len(self.client.nthreads()))

    @property
    def in_flight(self) -> int:
        """Two batches a worker, as many workers as the scheduler has now."""
        return 2 * self.workers

    def submit(self, articles: Sequence[ArticleRecord]) -> Submitted:
        self.workers = self._count_workers()  # workers may join or leave during an import
        return _ClusterBatch(self, list(articles))

    def run(self, articles: Sequence[ArticleRecord]) -> list[Outcome]:
        return self.submit(articles).result()

    def chunk(self, articles: list[ArticleRecord]) -> Future[list[Outcome]]:
        return self.client.submit(extract_chunk, self.plugin, articles, pure=False)

    def close(self) -> None:
        """Take the plugin off the workers (they free the pipeline) and disconnect."""
        try:
            if self.client.status == "running":
                self.client.unregister_worker_plugin(self.plugin)
        except Exception as exc:  # a plugin never registered, a scheduler gone
            log.debug("could not remove the worker plugin: %s", exc)
        finally:
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
        try:
            for future, chunk in zip(list(self.futures), self.chunks, strict=True):
                outcomes += self._gathered(future, chunk)
            self.runner.retries += self._rescheduled()
        finally:
            for future in self.futures:
                future.release()
        return outcomes

    def cancel(self) -> None:
        self.runner.client.cancel(self.futures)

    def _again(self, chunk: list[ArticleRecord]) -> Future[list[Outcome]]:
        self.runner.retries += 1
        future = self.runner.chunk(chunk)
        self.futures.append(future)  # released, and its reruns counted, with the others
        return future

    def _gathered(
        self, future: Future[list[Outcome]], chunk: list[ArticleRecord], alone: int = 0
    ) -> list[Outcome]:
        """The chunk's outcomes; when its workers keep dying, its halves', down to the one
        article that kills them, which comes back as its failure."""
        try:
            result: list[Outcome] = future.result()
            return result
        except KilledWorker as lost:
            if len(chunk) > 1:
                half = len(chunk) // 2
                log.warning("workers died running %d articles; trying each half", len(chunk))
                return [
                    outcome
                    for part in (chunk[:half], chunk[half:])
                    for outcome in self._gathered(self._again(part), part)
                ]
            if alone + 1 < ALONE_ATTEMPTS:
                return self._gathered(self._again(chunk), chunk, alone + 1)
            log.warning("an article killed every worker that ran it: %s", chunk[0].title[:80])
            return [
                ExtractionFailed(
                    "extraction stopped every cluster worker that ran it "
                    f"({ALONE_ATTEMPTS} times, {lost}); it may exhaust a worker's memory"
                )
            ]
        except FutureCancelledError as gone:
            raise ArchiveError(
                f"the connection to the Dask scheduler was lost ({gone})",
                suggestion="start the scheduler again; what was stored stays, and the "
                "same import again skips it",
            ) from gone
        except Exception as exc:  # an article's own failure comes back as an outcome
            raise ArchiveError(
                f"extraction failed on the cluster ({type(exc).__name__}: {exc})",
                suggestion=SAME_VERSION,
            ) from exc

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
