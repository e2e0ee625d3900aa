"""A real `archive serve` process on a free loopback port, for tests over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from archive.bench.served import free_port, served

# `archive serve` in a child process.
live_server = served


@contextmanager
def serve_app(app: object) -> Iterator[str]:
    """Serve an app object of this process over real HTTP on a loopback port (so a test can
    watch its engine), in a thread; yields the base URL."""
    import threading

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
