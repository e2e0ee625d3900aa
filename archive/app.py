"""The Starlette application: GraphQL at /graphql, pages at /, assets at /static."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from archive import assets, db
from archive.graphql.schema import GraphQLApp
from archive.settings import Settings
from archive.web.graph import PageError
from archive.web.routes import page_error
from archive.web.routes import routes as page_routes
from archive.web.templating import templates

# Scripts and styles come from this origin only: no inline script can run, whatever a stored
# text holds. htmx is configured (a meta tag) not to need eval or inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings) -> Starlette:
    """Build the app; the database engine opens with the app's lifespan and closes with it."""
    engine = db.async_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    graphql = GraphQLApp(engine, settings)
    app = Starlette(
        routes=[
            *page_routes,
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount("/static", StaticFiles(directory=assets.folder(assets.STATIC)), name="static"),
        ],
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={PageError: page_error, HTTPException: page_error},
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.templates = templates(assets.folder(assets.TEMPLATES))
    return app


def app_from_env() -> Starlette:
    """Factory for uvicorn (``archive serve``): settings from the environment."""
    return create_app(Settings.from_env())
