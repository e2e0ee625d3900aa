"""A cost limit: how many records a query may ask for, page sizes multiplied through nesting.

Each field that returns objects costs one per object; a connection returns ``first`` objects
(its default when not given, the largest page when given by a variable, which validation cannot
see); any other list is counted as ``LIST_GUESS`` objects. ``quotes(first: 100) { speaker {
quotes(first: 100) { … } } }`` costs over 10,000 and is refused before anything runs.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

from archive.graphql.connections import DEFAULT_PAGE, MAX_PAGE

MAX_COST = 10_000
LIST_GUESS = 10


def _unwrap(type_: Any) -> tuple[Any, bool]:
    is_list = False
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, is_list


class CostLimit(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        schema = self.context.schema
        root = {
            "query": schema.query_type,
            "mutation": schema.mutation_type,
            "subscription": schema.subscription_type,
        }[node.operation.value]
        if root is None:
            return
        fragments = {
            d.name.value: d
            for d in self.context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        cost = self._cost(node.selection_set, root, fragments, frozenset())
        if cost > MAX_COST:
            self.report_error(
                GraphQLError(
                    f"the query may return {cost} records; the limit is {MAX_COST}: ask for smaller "
                    "pages or nest fewer lists",
                    node,
                )
            )

    def _cost(
        self,
        selection_set: SelectionSetNode | None,
        parent: Any,
        fragments: dict[str, FragmentDefinitionNode],
        seen: frozenset[str],
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = getattr(parent, "fields", {})
                definition = fields.get(selection.name.value)
                if definition is None or selection.selection_set is None:
                    continue
                inner, is_list = _unwrap(definition.type)
                size = 1
                if parent.name.endswith("Connection") and selection.name.value in (
                    "edges",
                    "nodes",
                ):
                    size = 1  # the page itself: its size is the connection's `first`
                elif "first" in definition.args:
                    size = self._page_size(selection)
                elif is_list:
                    size = LIST_GUESS
                total += size * (1 + self._cost(selection.selection_set, inner, fragments, seen))
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = (
                        self.context.schema.get_type(selection.type_condition.name.value) or parent
                    )
                total += self._cost(selection.selection_set, target, fragments, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: other rules report it
                target = self.context.schema.get_type(fragment.type_condition.name.value) or parent
                total += self._cost(fragment.selection_set, target, fragments, seen | {name})
        return total

    @staticmethod
    def _page_size(field: FieldNode) -> int:
        """The rows a connection field asks for: its ``first`` or ``last`` written as a
        number, the most a page holds when a variable gives it, the default without either."""
        for argument in field.arguments:
            if argument.name.value in ("first", "last"):
                if isinstance(argument.value, IntValueNode):
                    return max(0, int(argument.value.value))
                return MAX_PAGE
        return DEFAULT_PAGE
