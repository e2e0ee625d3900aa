"""``archive cluster``: a Dask cluster on this machine, to try ``archive import --cluster``
without one (a real one runs ``dask scheduler`` and ``dask worker`` on several machines)."""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Annotated

import typer

from archive.cli.base import CLUSTER_VARIABLE, app, out


@app.command()
def cluster(
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes, one thread each.")
    ] = 2,
    host: Annotated[str, typer.Option("--host", help="Interface the scheduler listens on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=0, help="The scheduler's port.")] = 8786,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="Per worker, as Dask reads it ('2GiB', 'auto').")
    ] = "auto",
) -> None:
    """Start a Dask cluster of worker processes here, print its address, and run until stopped
    (Ctrl+C). Each import loads the extraction pipeline on every worker once, when it starts."""
    from archive.extract.cluster import local_cluster

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with local_cluster(workers, host=host, port=port, memory_limit=memory_limit) as local:
        address = local.scheduler_address
        out.print(address)
        out.print(
            f"{workers} workers; import with: archive import --cluster {address} FILES "
            f"(or {CLUSTER_VARIABLE}={address}); stop with Ctrl+C",
            markup=False,
        )
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
