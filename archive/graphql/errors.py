"""Errors the API returns on purpose, each with ``extensions.code``; everything else is masked.

Codes: ``BAD_USER_INPUT`` (an argument the API cannot use: a malformed ID or cursor, ``first``
over the limit, a search with nothing to look for), ``NOT_FOUND``, ``UNAUTHENTICATED`` (a
mutation without a valid bearer token), ``FORBIDDEN`` (a token whose role does not allow the
change), ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED`` (the document itself, including
the depth, token, alias and cost limits), ``SERVICE_UNAVAILABLE`` (the database cannot be reached
for now; over HTTP the response is a 503 with ``Retry-After``), ``TIMEOUT`` (the request ran
past its time budget and was cancelled; a 503 too) and ``INTERNAL_SERVER_ERROR`` (an
unexpected failure, whose details go to the server's log and never to the client).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from archive.queries.conditions import QueryError

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


class TimedOut(ApiError):
    code = "TIMEOUT"


def has_code(errors: list[GraphQLError] | None, code: str) -> bool:
    return any((error.extensions or {}).get("code") == code for error in errors or [])


def _code(error: GraphQLError) -> str:
    """The code of ``error``; rewrites the message of an error whose details must not leak."""
    original = error.original_error
    if isinstance(original, ApiError):
        return original.code
    if isinstance(original, QueryError):
        return "BAD_USER_INPUT"
    if isinstance(original, RecursionError):
        # only a client's document or values nest deeply enough for that (the parser recurses)
        error.message = "the document or its values are nested too deeply to read"
        return "BAD_USER_INPUT" if error.path else "GRAPHQL_PARSE_FAILED"
    if isinstance(original, GraphQLError):
        # a value the schema cannot coerce: a variable of the wrong type, an Int out of range
        return "BAD_USER_INPUT"
    if original is None:
        if error.extensions and "code" in error.extensions:
            return str(error.extensions["code"])
        if error.message.startswith("Syntax Error"):
            return "GRAPHQL_PARSE_FAILED"
        return "GRAPHQL_VALIDATION_FAILED"
    log.error("unexpected error in %s", error.path, exc_info=original)
    error.message = "Unexpected error."
    return "INTERNAL_SERVER_ERROR"


def _classify(error: GraphQLError) -> None:
    """Give ``error`` its code, in place: strawberry answers with error objects it already
    holds, not always with the lists an extension can reach."""
    code = _code(error)
    error.extensions = {**(error.extensions or {}), "code": code}
    if code in ("INTERNAL_SERVER_ERROR", "GRAPHQL_PARSE_FAILED") and error.original_error:
        error.original_error = None  # nothing of the failure goes to the client


class ErrorCodes(SchemaExtension):
    """Gives every error a code and masks the unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result: Any = self.execution_context.result
        errors = result.errors if result is not None and result.errors else None
        for error in errors or self.execution_context.pre_execution_errors or []:
            _classify(error)
