"""A throwaway PostgreSQL server of its own, for fault drills that stop and restart the server.

Restarting the server an installation shares would break everything else connected to it, so
the restart drill (:mod:`archive.bench.load`, ``tests/test_faults.py``) runs against a private
cluster made with the installed PostgreSQL's ``initdb``: its own folder, port and socket, trust
authentication on loopback, no durability (``fsync=off``: it is deleted afterwards).
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from archive.bench.served import free_port
from archive.errors import ConfigurationError

SERVER_USER = "postgres"


def _binaries() -> Path:
    """The ``bin`` folder of the newest installed PostgreSQL (Debian's layout)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise ConfigurationError(
            "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql",
            suggestion="install the postgresql package",
        )
    return found[-1].parent


@dataclass
class PrivateServer:
    """A running private cluster; ``url`` reaches its ``postgres`` database over loopback."""

    folder: Path
    port: int
    binaries: Path
    running: bool = False

    @property
    def url(self) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise ConfigurationError(
                f"{Path(command[0]).name} failed: {(result.stderr or result.stdout).strip()}"
            )

    def _pg_ctl(self, *arguments: str) -> None:
        self._run(str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"), *arguments)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.folder / "server.log")
        self._pg_ctl("-w", "-t", "60", "-o", options, "-l", log, "start")
        self.running = True

    def stop(self) -> None:
        """Stop at once (``-m immediate``): every session is cut, as in a crash."""
        self._pg_ctl("-w", "-t", "60", "-m", "immediate", "stop")
        self.running = False


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """Create, start and finally remove a private cluster."""
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="archive-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, SERVER_USER, SERVER_USER)
        server = PrivateServer(folder, free_port(), binaries)
        server._run(
            str(binaries / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            SERVER_USER,
            "-A",
            "trust",
            "--no-sync",
        )
        server.start()
        try:
            yield server
        finally:
            if server.running:
                server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
