"""Errors the API returns on purpose, each with ``extensions.code``; everything else is masked.

Codes: ``BAD_USER_INPUT`` (an argument the API cannot use: a malformed ID or cursor, ``first``
over the limit, a search with nothing to look for), ``NOT_FOUND``, ``UNAUTHENTICATED`` (a
mutation without a valid bearer token), ``FORBIDDEN`` (a token whose role does not allow the
change), ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED`` (the document itself, including
the depth, token, alias and cost limits), ``SERVICE_UNAVAILABLE`` (the database cannot be reached
for now; over HTTP the response is a 503 with ``Retry-After``) and ``INTERNAL_SERVER_ERROR`` (an
unexpected failure, whose details go to the server's log and never to the client).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

log = logging.getLogger("archive.graphql")


class ApiError(GraphQLError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code})


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"


class NotFound(ApiError):
    code = "NOT_FOUND"


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class Unavailable(ApiError):
    code = "SERVICE_UNAVAILABLE"


def has_code(errors: list[GraphQLError] | None, code: str) -> bool:
    return any((error.extensions or {}).get("code") == code for error in errors or [])


def _classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, ApiError):
        error.extensions = {**(error.extensions or {}), "code": original.code}
        return error
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        code = "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else None
        error.extensions = {"code": code or "GRAPHQL_VALIDATION_FAILED"}
        return error
    log.error("unexpected error in %s", error.path, exc_info=original)
    return GraphQLError(
        "Unexpected error.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )


class ErrorCodes(SchemaExtension):
    """Gives every error a code and masks the unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result: Any = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_classify(e) for e in result.errors]
        elif self.execution_context.pre_execution_errors:
            self.execution_context.pre_execution_errors = [
                _classify(e) for e in self.execution_context.pre_execution_errors
            ]
