"""The expanded size of a document, counted in linear time however its fragments nest."""

from __future__ import annotations

from graphql import get_introspection_query, parse

from archive.graphql.expansion import MAX_FIELDS, expanded_fields, too_big


def test_fields_are_counted_with_fragments_spread_out() -> None:
    document = parse(
        "{ a { b c } ...F ... on Query { d } } "
        "fragment F on Query { e { ...G ...G } } fragment G on E { f g }"
    )
    # a, b, c, d; e and twice f, g
    assert expanded_fields(document) == 9


def test_fragments_that_double_forty_times_stop_counting_at_the_cap() -> None:
    levels = 40
    fragments = " ".join(f"fragment F{i} on Q {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    document = parse(f"{{ ...F0 }} {fragments} fragment F{levels} on Q {{ x }}")
    assert expanded_fields(document, cap=2**50) == 2**levels
    assert expanded_fields(document) == MAX_FIELDS + 1
    refused = too_big(document)
    assert refused is not None
    assert refused.extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_a_long_chain_of_fragments_is_measured_without_recursion() -> None:
    length = 5000
    chain = " ".join(f"fragment F{i} on Q {{ x ...F{i + 1} }}" for i in range(length))
    document = parse(f"{{ ...F0 }} {chain} fragment F{length} on Q {{ x }}")
    assert expanded_fields(document, cap=10**6) == length + 1


def test_cycles_and_unknown_fragments_count_nothing_and_are_left_to_the_rules() -> None:
    document = parse("{ ...A ...Missing } fragment A on Q { x ...B } fragment B on Q { y ...A }")
    assert expanded_fields(document) == 2


def test_the_introspection_query_of_client_tools_is_within_the_limit() -> None:
    assert too_big(parse(get_introspection_query(descriptions=True))) is None
