"""Settings: one frozen object, built explicitly; nothing is read at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

DEFAULT_DATABASE_URL = "sqlite:///archive.db"
DATABASE_URL_VARIABLE = "ARCHIVE_DATABASE_URL"
ALLOWED_HOSTS_VARIABLE = "ARCHIVE_ALLOWED_HOSTS"
CORS_ORIGINS_VARIABLE = "ARCHIVE_CORS_ORIGINS"


@dataclass(frozen=True)
class Settings:
    """Everything the archive needs to run.

    ``database_url`` is an SQLAlchemy-style URL without a driver (``sqlite:///archive.db``,
    ``postgresql://user@host/db``); :mod:`archive.db` picks the sync and async drivers.
    """

    database_url: str = DEFAULT_DATABASE_URL
    batch_size: int = 500
    max_body_chars: int = 5_000_000
    # The largest HTTP request body the server reads: an importArticles call of 100 long
    # articles fits; a body that would fill the server's memory does not.
    max_request_bytes: int = 16 * 1024 * 1024
    # Host names the server answers for (``*.example.org`` for subdomains); others get a 400.
    # "*" answers any: fine on loopback, to be set when the server faces a network.
    allowed_hosts: tuple[str, ...] = ("*",)
    # The longest a request may run; past it the request is cancelled and answered 503.
    request_seconds: float = 30.0
    # Origins whose pages may query the API from a browser (CORS); none by default.
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``ARCHIVE_*`` variables; explicit ``overrides`` that are not None win."""
        env = os.environ if environ is None else environ
        settings = cls(database_url=env.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL)
        hosts = _listed(env.get(ALLOWED_HOSTS_VARIABLE, ""))
        if hosts:
            settings = replace(settings, allowed_hosts=hosts)
        origins = _listed(env.get(CORS_ORIGINS_VARIABLE, ""))
        if origins:
            settings = replace(settings, cors_origins=origins)
        given = {key: value for key, value in overrides.items() if value is not None}
        return replace(settings, **given)  # type: ignore[arg-type]


def _listed(value: str) -> tuple[str, ...]:
    """The items of a comma-separated variable."""
    return tuple(item.strip() for item in value.split(",") if item.strip())
