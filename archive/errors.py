"""One exception tree for the archive.

Every error a user can cause derives from :class:`ArchiveError`; its message names the bad
value and, where one exists, ``suggestion`` says how to fix it. The boundaries (CLI, GraphQL,
pages) turn these into a message, an error code or a 4xx page; anything else is a bug.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of every user-facing error."""

    def __init__(self, message: str, *, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion

    def __str__(self) -> str:
        if self.suggestion:
            return f"{self.message} ({self.suggestion})"
        return self.message


class ConfigurationError(ArchiveError):
    """A setting (database URL, option value) cannot be used."""


class DatabaseNotReadyError(ArchiveError):
    """The database has no schema, or an older one: run ``archive init``."""


class InputError(ArchiveError):
    """One file or record cannot be imported; ``location`` says where (``path:line``)."""

    def __init__(self, location: str, message: str, *, suggestion: str | None = None) -> None:
        super().__init__(message, suggestion=suggestion)
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {super().__str__()}"
