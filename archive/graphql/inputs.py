"""Text no backend can take: a NUL character (U+0000) in any string the client sends.

PostgreSQL refuses NUL in text, and SQLite compares only up to it (so `contains` would match
the wrong rows); either way the answer would be wrong or an error. Both backends therefore
refuse it the same way, as ``BAD_USER_INPUT``: in literals when the document is validated, in
variables before the operation runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, StringValueNode, ValidationRule
from strawberry.extensions import SchemaExtension

MESSAGE = "text may not contain NUL characters (\\u0000)"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class NoNulInLiterals(ValidationRule):
    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value:
            self.report_error(GraphQLError(MESSAGE, node, extensions={"code": "BAD_USER_INPUT"}))


class NoNulInVariables(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        if _has_nul(self.execution_context.variables):
            error = GraphQLError(f"variables: {MESSAGE}", extensions={"code": "BAD_USER_INPUT"})
            self.execution_context.result = ExecutionResult(data=None, errors=[error])
        yield
