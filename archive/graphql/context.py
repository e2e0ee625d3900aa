"""What every resolver gets: the request, its database access and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from archive.graphql.database import Database
from archive.settings import Settings


@dataclass
class Context:
    request: Request
    response: Response | None
    database: Database
    settings: Settings


Info = strawberry.Info[Context, Any]
