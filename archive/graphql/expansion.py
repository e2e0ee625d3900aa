"""How many fields a document selects once every fragment spread is replaced by its fragment.

Validation rules (depth, cost, graphql-core's overlapping-fields check) walk a document as if
its fragments were spread out, so their work grows with this number, not with the document's
length: fragments that each spread the next one twice make a document of under 1 KB select
2**40 fields. Counting it is linear in the document: each fragment is measured once, without
recursion, and counts stop growing past the limit. A document over the limit is refused before
any rule runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

MAX_FIELDS = 500  # the schema's introspection query selects 226; the examples at most 30


@dataclass
class _Shape:
    """The fields a definition selects itself, and how often it spreads each fragment."""

    fields: int = 0
    spreads: Counter[str] = field(default_factory=Counter)


def _shape(selection_set: SelectionSetNode) -> _Shape:
    shape = _Shape()
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                shape.fields += 1
                if selection.selection_set is not None:
                    pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                shape.spreads[selection.name.value] += 1
    return shape


def expanded_fields(document: DocumentNode, cap: int = MAX_FIELDS) -> int:
    """The fields ``document``'s operations select with fragments spread out; any count above
    ``cap`` is reported as ``cap + 1``. Unknown fragments and cycles count nothing here:
    graphql-core's own rules report them."""
    shapes: dict[str, _Shape] = {}
    operations: list[_Shape] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            shapes.setdefault(definition.name.value, _shape(definition.selection_set))
        elif isinstance(definition, OperationDefinitionNode):
            operations.append(_shape(definition.selection_set))
    sizes = _fragment_sizes(shapes, cap)
    total = 0
    for operation in operations:
        total += _size(operation, sizes, cap)
        if total > cap:
            return cap + 1
    return total


def _size(shape: _Shape, sizes: dict[str, int], cap: int) -> int:
    total = shape.fields
    for name, times in shape.spreads.items():
        total += times * sizes.get(name, 0)
        if total > cap:
            return cap + 1
    return total


def _fragment_sizes(shapes: dict[str, _Shape], cap: int) -> dict[str, int]:
    """Each fragment's expanded size, fragments it spreads first (an explicit stack: a chain of
    a thousand fragments must not reach Python's recursion limit)."""
    sizes: dict[str, int] = {}
    on_path: set[str] = set()
    for start in shapes:
        stack = [start]
        while stack:
            name = stack[-1]
            if name in sizes:
                stack.pop()
                continue
            on_path.add(name)
            waiting = [
                spread
                for spread in shapes[name].spreads
                if spread in shapes and spread not in sizes and spread not in on_path
            ]
            if waiting:
                stack.extend(waiting)
                continue
            sizes[name] = _size(shapes[name], sizes, cap)  # a cycle's back edge counts 0
            on_path.discard(name)
            stack.pop()
    return sizes


def too_big(document: DocumentNode) -> GraphQLError | None:
    """The error for a document that selects more than ``MAX_FIELDS`` fields, else None."""
    count = expanded_fields(document)
    if count <= MAX_FIELDS:
        return None
    return GraphQLError(
        f"the document expands to more than {MAX_FIELDS} fields once its fragments are "
        "spread; ask for fewer fields, or spread fragments fewer times",
        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
    )
