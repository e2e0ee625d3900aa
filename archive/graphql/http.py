"""The API over HTTP: Strawberry's ASGI app around ``schema``, with a database connection per
request, persisted queries (APQ), JSON bodies checked, and a 503 with ``Retry-After`` when the
database is unavailable or a statement ran out of time."""

from __future__ import annotations

from typing import Any

from lia import HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from archive.graphql.context import Context
from archive.graphql.database import Database
from archive.graphql.errors import TimedOut, Unavailable, has_code
from archive.graphql.inputs import json_object
from archive.graphql.persisted import PersistedQueries, PersistedQueryNotFound
from archive.graphql.schema import schema
from archive.settings import Settings

RETRY_AFTER_SECONDS = 5


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with a context built per request (its own connection every
    time), the connection given back when the operation ends."""

    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        # No GraphiQL: it loads its code from a CDN; the API page at /api documents the schema.
        super().__init__(schema, graphql_ide=None)
        self.engine = engine
        self.settings = settings
        self.persisted = PersistedQueries()

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A GET of a persisted query carries no ``query``: it is an operation all the same."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def parse_http_body(self, request: Any) -> Any:
        """The request's operation, its document found by hash for a persisted query."""
        data = await super().parse_http_body(request)
        return (
            [self.persisted.resolve(d) for d in data]
            if isinstance(data, list)
            else (self.persisted.resolve(data))
        )

    def decode_json(self, data: str | bytes) -> object:
        """A request's JSON (its body, or the ``variables`` of a GET): an object, else a 400.
        ``NaN`` and ``Infinity``, which Python reads but JSON does not have, are refused."""
        try:
            return json_object(data, "the request's JSON")
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        assert isinstance(request, Request)
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            database=Database(self.engine),
            settings=self.settings,
        )

    async def execute_operation(
        self, request: Request, context: Context, root_value: None, sub_response: Response
    ) -> Any:
        try:
            result = await super().execute_operation(request, context, root_value, sub_response)
        except PersistedQueryNotFound as missing:
            return ExecutionResult(data=None, errors=[missing.error()])
        finally:
            await context.database.end()
        errors = getattr(result, "errors", None)
        if has_code(errors, Unavailable.code) or has_code(errors, TimedOut.code):
            # Proxies and clients retry a 503 without having to read GraphQL errors.
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return result
