"""The ``archive`` command: a thin layer over the library (importer, export, app).

Its commands are registered by the modules that define them, imported here."""

from __future__ import annotations

import sys

from archive.cli import (  # noqa: F401  (registers the commands)
    archiving,
    clustering,
    serving,
    tooling,
)
from archive.cli.base import EXIT_ERROR, app, err
from archive.errors import ArchiveError

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: user errors become one clear line and exit status 2."""
    try:
        app()
    except ArchiveError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_ERROR)
