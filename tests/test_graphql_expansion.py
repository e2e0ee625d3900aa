"""The expanded size of a document, counted in linear time however its fragments nest."""

from __future__ import annotations

from graphql import get_introspection_query, parse

from archive.graphql.expansion import MAX_FIELDS, expanded_fields, measure, refusal


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
    refused = refusal(document)
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
    assert refusal(parse(get_introspection_query(descriptions=True))) is None


def test_depth_counts_field_levels_through_fragments_but_not_introspection() -> None:
    document = parse(
        "{ a { b { ...F } } __schema { types { fields { type { ofType { name } } } } } } "
        "fragment F on B { c { d } }"
    )
    assert measure(document).depth == 4  # a, b, c, d
    deep = "{ " + "a { " * 12 + "b" + " }" * 12 + " }"
    refused = refusal(parse(deep))
    assert refused is not None
    assert refused.message.startswith("the document nests fields 12 levels below a root field")
    assert refusal(parse("{ " + "a { " * 10 + "b" + " }" * 10 + " }")) is None


def test_a_fragment_that_spreads_itself_is_measured_without_recursion() -> None:
    document = parse("{ ...F } fragment F on Query { x ...F }")
    assert measure(document).fields == 1
