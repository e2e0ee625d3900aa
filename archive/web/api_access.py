"""What deployments and other origins need of the API: ``/healthz`` answers whether the
server can reach its database, and CORS, off unless origins are configured
(``archive serve --cors-origin``), lets browser tools on those origins query ``/graphql``
(the preflight ``OPTIONS`` included). The pages never answer another origin."""

from __future__ import annotations

from sqlalchemy import literal, select
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from archive.graphql.database import Database

API_PATHS = ("/graphql",)


class ApiCors:
    """ASGI middleware: CORS for ``/graphql`` from ``origins``; other paths pass by."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in API_PATHS:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def healthz(request: Request) -> Response:
    """200 when the database answers, else 503, as JSON a load balancer or a probe reads."""
    database = Database(request.app.state.engine)
    try:
        await database.scalar(select(literal(1)))
    except Exception as error:
        return JSONResponse(
            {"status": "unavailable", "error": type(error).__name__}, status_code=503
        )
    finally:
        await database.end()
    return JSONResponse({"status": "ok"})


routes = [Route("/healthz", healthz, methods=["GET", "HEAD"], name="healthz")]
