"""The current search or list, downloaded whole: ``/export?format=csv|jsonl`` with the search
page's parameters. Every match, streamed page by page without a cap, in the records ``archive
export`` writes (CSV in flat columns: date, outlet, speaker's name, lat, lon), so that a
download imports back like any export."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from archive.export import ARTICLE_CSV_COLUMNS, csv_lines, records_of
from archive.flat import COLUMNS
from archive.graphql.connections import MAX_PAGE
from archive.graphql.ids import pk_of
from archive.web.graph import PageError, read
from archive.web.search import SearchState, query_for, resolved

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
FILTER_TYPES = {
    "quotes": "QuoteFilter",
    "articles": "ArticleFilter",
    "actors": "ActorFilter",
    "events": "EventFilter",
    "places": "PlaceFilter",
}
SEARCHED = ("quotes", "articles")
PAGE_SIZE = MAX_PAGE
"""Ids read per statement: the API's largest page."""


ORDERED = {"quotes": "QuoteOrder", "articles": "ArticleOrder", "events": "EventOrder"}


def _ids_document(kind: str) -> str:
    """The ids of a page of ``kind`` that the search page's variables select, in its order."""
    search = (", $search: String", ", search: $search") if kind in SEARCHED else ("", "")
    order = (f", $order: {ORDERED[kind]}", ", orderBy: $order") if kind in ORDERED else ("", "")
    return (
        f"query($first: Int!, $after: String, $where: {FILTER_TYPES[kind]}{search[0]}{order[0]})"
        f" {{ results: {kind}(first: $first, after: $after, where: $where{search[1]}{order[1]})"
        " { pageInfo { hasNextPage endCursor } nodes { id } } }"
    )


async def _pages(request: Request, state: SearchState) -> AsyncIterator[list[int]]:
    """The primary keys of every match, a page at a time, in the search page's order."""
    _, variables = query_for(await resolved(request, state))
    # the search page's own filter, words and order: those its kind takes
    wanted = {k: variables[k] for k in ("where", "search", "order") if k in variables}
    wanted |= {"first": PAGE_SIZE, "after": None}
    type_name = state.kind[:-1].capitalize()
    document = _ids_document(state.kind)
    while True:
        page = (await read(request, document, **wanted))["results"]
        yield [pk_of(node["id"], type_name) for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return
        wanted["after"] = page["pageInfo"]["endCursor"]


async def export(request: Request) -> Response:
    state = SearchState.from_params(request.query_params)
    fmt = request.query_params.get("format", "csv")
    if fmt not in FORMATS:
        raise PageError(400, f"format is {fmt[:20]!r}; download csv or jsonl")
    pages = _pages(request, state)
    first = await anext(pages)  # a bad parameter is a 400 page, before anything is sent
    engine = request.app.state.engine

    async def lines() -> AsyncIterator[str]:
        header = True
        pks: list[int] | None = first
        while pks is not None:
            async with engine.connect() as connection:
                records = await connection.run_sync(records_of, state.kind, pks)
            if fmt == "jsonl":
                for record in records:
                    yield json.dumps(record, ensure_ascii=False, default=str) + "\n"
            else:
                columns = COLUMNS.get(state.kind, ARTICLE_CSV_COLUMNS)
                yield "".join(csv_lines(records, columns, header=header))
                header = False
            pks = await anext(pages, None)

    name = f"archive-{state.kind}.{fmt}"
    return StreamingResponse(
        lines(),
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


routes = [Route("/export", export, name="export")]
