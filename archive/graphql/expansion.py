"""How big and how deep a document is once every fragment spread is replaced by its fragment.

Validation rules (cost, graphql-core's overlapping-fields check) walk a document as if its
fragments were spread out, so their work grows with its expanded size, not with its length:
fragments that each spread the next one twice make a document of under 1 KB select 2**40
fields. Both measures here are linear in the document: each fragment is measured once, without
recursion (a fragment that spreads itself, or a chain of thousands, cannot reach Python's
recursion limit), and sizes stop growing past the limit. A document over either limit is
refused before any rule runs.
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

MAX_FIELDS = 300  # the schema's introspection query selects 226; the examples at most 30
MAX_DEPTH = 10  # fields below a root field; introspection fields (`__schema`…) are not counted


@dataclass
class Measure:
    """``fields`` selected in all (capped), and ``depth``: field levels below the root."""

    fields: int
    depth: int


@dataclass
class _Shape:
    """What a definition selects itself: its fields, the field levels it nests, and the
    fragments it spreads (how often, and below how many field levels at most)."""

    fields: int = 0
    levels: int = 0
    spreads: Counter[str] = field(default_factory=Counter)
    spread_levels: dict[str, int] = field(default_factory=dict)


def _shape(selection_set: SelectionSetNode) -> _Shape:
    shape = _Shape()
    # (selection set, field levels above it; None inside introspection fields)
    pending: list[tuple[SelectionSetNode, int | None]] = [(selection_set, 0)]
    while pending:
        selections, above = pending.pop()
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                shape.fields += 1
                level = None if above is None or selection.name.value.startswith("__") else above
                if level is not None:
                    shape.levels = max(shape.levels, level + 1)
                if selection.selection_set is not None:
                    pending.append((selection.selection_set, None if level is None else level + 1))
            elif isinstance(selection, InlineFragmentNode):
                pending.append((selection.selection_set, above))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                shape.spreads[name] += 1
                if above is not None:
                    shape.spread_levels[name] = max(shape.spread_levels.get(name, 0), above)
    return shape


def measure(document: DocumentNode, cap: int = MAX_FIELDS) -> Measure:
    """``document``'s operations measured with fragments spread out; a field count above
    ``cap`` is reported as ``cap + 1``. Unknown fragments and cycles count nothing here:
    graphql-core's own rules report them."""
    shapes: dict[str, _Shape] = {}
    operations: list[_Shape] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            shapes.setdefault(definition.name.value, _shape(definition.selection_set))
        elif isinstance(definition, OperationDefinitionNode):
            operations.append(_shape(definition.selection_set))
    measured = _fragment_measures(shapes, cap)
    total = Measure(0, 0)
    for operation in operations:
        this = _combined(operation, measured, cap)
        total.fields = min(total.fields + this.fields, cap + 1)
        total.depth = max(total.depth, this.depth)
    return total


def expanded_fields(document: DocumentNode, cap: int = MAX_FIELDS) -> int:
    """The fields ``document`` selects with fragments spread out (see :func:`measure`)."""
    return measure(document, cap).fields


def _combined(shape: _Shape, measured: dict[str, Measure], cap: int) -> Measure:
    """``shape``'s measure with the measures of the fragments it spreads added in."""
    fields, levels = shape.fields, shape.levels
    for name, times in shape.spreads.items():
        inner = measured.get(name)
        if inner is None:
            continue
        fields = min(fields + times * inner.fields, cap + 1)
        if name in shape.spread_levels:
            levels = max(levels, shape.spread_levels[name] + inner.depth)
    return Measure(fields, levels)


def _fragment_measures(shapes: dict[str, _Shape], cap: int) -> dict[str, Measure]:
    """Each fragment's measure (its ``depth`` here is the field levels it nests), the
    fragments it spreads measured first, on an explicit stack."""
    measured: dict[str, Measure] = {}
    on_path: set[str] = set()
    for start in shapes:
        stack = [start]
        while stack:
            name = stack[-1]
            if name in measured:
                stack.pop()
                continue
            on_path.add(name)
            waiting = [
                spread
                for spread in shapes[name].spreads
                if spread in shapes and spread not in measured and spread not in on_path
            ]
            if waiting:
                stack.extend(waiting)
                continue
            measured[name] = _combined(shapes[name], measured, cap)  # a cycle's back edge: 0
            on_path.discard(name)
            stack.pop()
    return measured


def refusal(document: DocumentNode) -> GraphQLError | None:
    """The error for a document over ``MAX_FIELDS`` fields or ``MAX_DEPTH`` levels, else None."""
    found = measure(document)
    if found.fields > MAX_FIELDS:
        message = (
            f"the document expands to more than {MAX_FIELDS} fields once its fragments are "
            "spread; ask for fewer fields, or spread fragments fewer times"
        )
    elif found.depth - 1 > MAX_DEPTH:
        message = (
            f"the document nests fields {found.depth - 1} levels below a root field; "
            f"the limit is {MAX_DEPTH}"
        )
    else:
        return None
    return GraphQLError(message, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
