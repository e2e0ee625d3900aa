"""Page routes. Views read through :mod:`archive.queries` and render Jinja2 templates."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from archive import queries
from archive.dates import format_date

LATEST = 20


async def home(request: Request) -> Response:
    engine: AsyncEngine = request.app.state.engine
    templates: Jinja2Templates = request.app.state.templates
    async with engine.connect() as connection:
        counts = dict((await connection.execute(queries.counts())).one()._mapping)
        latest = (await connection.execute(queries.latest_articles(LATEST))).all()
    articles = [
        {
            "title": row.title,
            "url": row.url,
            "source": row.source,
            "published": format_date(row.published, row.published_precision),
        }
        for row in latest
    ]
    return templates.TemplateResponse(
        request, "home.html", {"counts": counts, "articles": articles}
    )


routes = [Route("/", home, name="home")]
