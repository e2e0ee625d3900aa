"""The Starlette application: GraphQL at /graphql, pages at /, assets at /static."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archive import assets, db
from archive.graphql.http import GraphQLApp
from archive.middleware import BodyLimit, SecurityHeaders
from archive.settings import Settings
from archive.web.actor_editing import routes as actor_editing_routes
from archive.web.api_access import ApiCors
from archive.web.api_access import routes as access_routes
from archive.web.audit import routes as audit_routes
from archive.web.console import routes as console_routes
from archive.web.editing import routes as editing_routes
from archive.web.event_editing import routes as event_editing_routes
from archive.web.exporting import routes as export_routes
from archive.web.graph import PageError
from archive.web.place_editing import routes as place_editing_routes
from archive.web.review import routes as review_routes
from archive.web.routes import page_error, server_error
from archive.web.routes import routes as page_routes
from archive.web.sessions import SignedIn
from archive.web.templating import templates


class Assets(StaticFiles):
    """The static files; a path no file can have (a NUL in it) is a 404, not a 500 from the
    file system."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if "\x00" in path:
            return "", None
        return super().lookup_path(path)


def create_app(settings: Settings) -> Starlette:
    """Build the app; the database engine opens with the app's lifespan and closes with it."""
    engine = db.async_engine(settings.database_url, statement_seconds=settings.request_seconds)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await db.dispose(engine)

    graphql = GraphQLApp(engine, settings)
    app = Starlette(
        routes=[
            *editing_routes,
            *actor_editing_routes,
            *place_editing_routes,
            *event_editing_routes,
            *audit_routes,
            *review_routes,
            *access_routes,
            *export_routes,
            *console_routes,
            *page_routes,
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount("/static", Assets(directory=assets.folder(assets.STATIC)), name="static"),
        ],
        lifespan=lifespan,
        middleware=[
            *(
                [Middleware(ApiCors, origins=settings.cors_origins)]
                if settings.cors_origins
                else []
            ),
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)),
            Middleware(BodyLimit, max_bytes=settings.max_request_bytes),
            Middleware(SignedIn),
        ],
        exception_handlers={PageError: page_error, HTTPException: page_error, 500: server_error},
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.templates = templates(assets.folder(assets.TEMPLATES))
    return app


def app_from_env() -> Starlette:
    """Factory for uvicorn (``archive serve``): settings from the environment."""
    return create_app(Settings.from_env())
