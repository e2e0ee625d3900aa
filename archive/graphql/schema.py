"""The GraphQL schema: for now the archive's counts; the full API grows from here."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.types import Info

from archive import queries


@strawberry.type(description="How many records of each kind the archive holds.")
class Stats:
    articles: int = strawberry.field(description="Stored articles.")
    sources: int = strawberry.field(description="Outlets the articles come from.")
    quotes: int = strawberry.field(description="Direct and reported quotes.")
    actors: int = strawberry.field(description="People, organisations, states, groups, media.")
    places: int = strawberry.field(description="Geocoded places.")
    events: int = strawberry.field(description="Events (who did what to whom, where, when).")
    mentions: int = strawberry.field(description="Places in the text naming an actor or a place.")


@strawberry.type(description="Read access to the archive.")
class Query:
    @strawberry.field(description="Counts of everything the archive holds.")
    async def stats(self, info: Info[dict[str, Any], None]) -> Stats:
        engine: AsyncEngine = info.context["engine"]
        async with engine.connect() as connection:
            row = (await connection.execute(queries.counts())).one()
        return Stats(**row._mapping)


# Strawberry builds extensions per operation from these classes (instances are deprecated);
# the subclasses fix each limit's value.
class DepthLimit(QueryDepthLimiter):
    def __init__(self, *, execution_context: object = None) -> None:
        super().__init__(max_depth=10)


class TokenLimit(MaxTokensLimiter):
    def __init__(self, *, execution_context: object = None) -> None:
        super().__init__(max_token_count=2000)


class AliasLimit(MaxAliasesLimiter):
    def __init__(self, *, execution_context: object = None) -> None:
        super().__init__(max_alias_count=30)


schema = strawberry.Schema(
    query=Query,
    extensions=[DepthLimit, TokenLimit, AliasLimit],
)


class GraphQLApp(GraphQL[dict[str, Any], None]):
    """Strawberry's ASGI app with a context built per request (fresh loaders every time)."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(schema)
        self.engine = engine

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> dict[str, Any]:
        return {"request": request, "response": response, "engine": self.engine}
