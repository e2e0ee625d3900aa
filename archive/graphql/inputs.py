"""Values no backend can take, refused the same way on both as ``BAD_USER_INPUT``: a NUL
character (U+0000) or a lone surrogate (half of a UTF-16 pair, which JSON can spell as
``\\ud800``) in any string the client sends, and values nested deeper than ``MAX_NESTING``.

PostgreSQL refuses NUL in text, and SQLite compares only up to it (so `contains` would match
the wrong rows); a lone surrogate cannot be encoded as UTF-8 for either. Deeply nested filters
(``and: [{and: [...]}]``) would exhaust Python's recursion limit where they are converted and
compiled. Literals are checked when the document is validated, variables before the operation
runs; both walks are iterative.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension

from archive.text import MAX_NESTING, text_problem, value_problem


def json_object(data: str | bytes, what: str) -> dict[str, Any]:
    """``data`` decoded as a JSON object; raises ValueError, naming ``what``, for anything else
    (``NaN`` and ``Infinity``, which Python reads but JSON does not have, included)."""
    try:
        decoded = json.loads(data, parse_constant=_not_json)
    except RecursionError:
        raise ValueError(f"{what}: nested too deeply to read") from None
    except ValueError as exc:
        raise ValueError(f"{what}: not valid JSON ({exc})") from None
    if not isinstance(decoded, dict):
        raise ValueError(f"{what}: not a JSON object")
    return decoded


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON value")


class TextLiterals(ValidationRule):
    """Strings of the document every backend can take, and literals nested within bounds."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.nesting = 0
        self.reported = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if problem := text_problem(node.value):
            self.report_error(GraphQLError(problem, node, extensions={"code": "BAD_USER_INPUT"}))

    def _enter(self, node: ObjectValueNode | ListValueNode) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING and not self.reported:
            self.reported = True
            self.report_error(
                GraphQLError(
                    f"the argument is nested more than {MAX_NESTING} objects and lists deep",
                    node,
                )
            )

    def _leave(self, *_: Any) -> None:
        self.nesting -= 1

    def enter_object_value(self, node: ObjectValueNode, *_: Any) -> None:
        self._enter(node)

    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        self._enter(node)

    leave_object_value = _leave
    leave_list_value = _leave


class TextVariables(SchemaExtension):
    """Variables every backend can take, checked before the operation runs."""

    def on_execute(self) -> Iterator[None]:
        if problem := value_problem(self.execution_context.variables):
            error = GraphQLError(f"variables: {problem}", extensions={"code": "BAD_USER_INPUT"})
            self.execution_context.result = ExecutionResult(data=None, errors=[error])
        yield
