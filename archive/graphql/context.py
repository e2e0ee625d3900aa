"""What every resolver gets: the request, its database access and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from archive.graphql.database import Database
from archive.settings import Settings


@dataclass(frozen=True)
class Editor:
    """Who makes a change, and with which role (``editor`` or ``admin``)."""

    name: str
    role: str


@dataclass
class Context:
    request: Request
    response: Response | None
    database: Database
    settings: Settings
    signed_in: Editor | None = None
    """The editor signed in on the pages, who runs a change in process; never set for a
    request to ``/graphql``, whose changes need a bearer token."""


Info = strawberry.Info[Context, Any]
