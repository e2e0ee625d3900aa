"""The Starlette application: GraphQL at /graphql, pages at /, assets at /static."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from archive import db
from archive.graphql.schema import GraphQLApp
from archive.settings import Settings
from archive.web.routes import routes as page_routes

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"


def _templates() -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its file name
        undefined=jinja2.StrictUndefined,
    )
    return Jinja2Templates(env=environment)


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
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.templates = _templates()
    return app


def app_from_env() -> Starlette:
    """Factory for uvicorn (``archive serve``): settings from the environment."""
    return create_app(Settings.from_env())
