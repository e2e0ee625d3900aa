"""The pages read the archive through the GraphQL schema, in process: one read path for the
API and the pages, with the same filters, search, facets and relations read ahead."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from strawberry.types import ExecutionResult

from archive.graphql.context import Context, Editor
from archive.graphql.database import Database
from archive.graphql.schema import schema


class PageError(Exception):
    """What a page cannot show: ``status`` 400 (a bad parameter), 404 (nothing there) or 503
    (the database cannot be reached for now)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def execute(
    request: Request,
    document: str,
    variables: dict[str, Any] | None,
    editor: Editor | None = None,
) -> ExecutionResult:
    """Run a document as ``POST /graphql`` would (same schema, limits and error codes), with
    a connection of its own given back at the end; a change by ``editor``, signed in on the
    pages, when given."""
    context = Context(
        request=request,
        response=None,
        database=Database(request.app.state.engine),
        settings=request.app.state.settings,
        signed_in=editor,
    )
    try:
        return await schema.execute(document, variable_values=variables, context_value=context)
    finally:
        await context.database.end()


async def read(request: Request, document: str, **variables: Any) -> dict[str, Any]:
    """Run a query for a page; its data, or ``PageError`` for the client's mistakes (anything
    else is raised as it is, and becomes a 500 page)."""
    return _data(await execute(request, document, variables))


async def change(
    request: Request, editor: Editor, document: str, **variables: Any
) -> dict[str, Any]:
    """Run a mutation for ``editor``, as ``read`` runs a query; its data."""
    return _data(await execute(request, document, variables, editor))


def _data(result: ExecutionResult) -> dict[str, Any]:
    if result.errors:
        error = result.errors[0]
        code = (error.extensions or {}).get("code")
        if code == "BAD_USER_INPUT":
            raise PageError(400, error.message)
        if code == "NOT_FOUND":
            raise PageError(404, error.message)
        if code in ("FORBIDDEN", "UNAUTHENTICATED"):
            raise PageError(403, error.message)
        if code == "SERVICE_UNAVAILABLE":
            raise PageError(503, f"{error.message}; try again in a few seconds")
        if code == "TIMEOUT":
            raise PageError(503, error.message)
        raise RuntimeError(f"a page's query failed: {error.message}") from error.original_error
    assert result.data is not None
    return result.data


async def node(request: Request, type_name: str, id: str, fields: str) -> dict[str, Any]:
    """One record by global ID with ``fields`` (a selection on ``type_name``); 404 when there
    is none of that type."""
    document = (
        f"query($id: ID!) {{ node(id: $id) {{ __typename ... on {type_name} {{ {fields} }} }} }}"
    )
    try:
        found: dict[str, Any] | None = (await read(request, document, id=id))["node"]
    except PageError as error:
        if error.status != 400:
            raise
        raise PageError(404, f"no {type_name.lower()} {id!r}") from error
    if found is None or found["__typename"] != type_name:
        raise PageError(404, f"no {type_name.lower()} {id!r}")
    return found
