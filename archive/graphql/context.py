"""What every resolver gets: the request, the database and this request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from archive.graphql.loaders import Database, Loaders
from archive.settings import Settings


@dataclass
class Context:
    request: Request
    response: Response | None
    database: Database
    settings: Settings
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.database)


Info = strawberry.Info[Context, Any]
