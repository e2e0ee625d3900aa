"""Schemathesis against `/graphql` over real HTTP, on SQLite and PostgreSQL: documents generated
from the schema (valid ones, and invalid ones) never get a server error. Mutations run with an
admin token on a database of their own, so that they reach their resolvers rather than stopping
at the authentication check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from archive import db
from archive.tokens import create_token
from tests.conftest import BACKENDS, database_with_samples
from tests.server import live_server

pytestmark = pytest.mark.slow

SDL = Path(__file__).parent.parent / "schema" / "archive.graphql"
OPERATIONS = schemathesis.graphql.from_path(SDL)
EXAMPLES_PER_OPERATION = 40


def _ast(value: Any) -> graphql.ValueNode:
    """A JSON value as a GraphQL literal (for the `JSON` scalar)."""
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    if isinstance(value, str):
        return graphql.StringValueNode(value=value)
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(_ast(item) for item in value))
    return graphql.ObjectValueNode(
        fields=tuple(
            graphql.ObjectFieldNode(name=graphql.NameNode(value=key), value=_ast(item))
            for key, item in value.items()
        )
    )


# Article-like objects, so that importArticles gets past its shape checks now and then.
_KEYS = st.sampled_from(["title", "text", "url", "published", "source", "author", "body", "x"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=12,
)
schemathesis.graphql.scalar("JSON", _JSON.map(_ast))


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A live `archive serve` over the sample articles, and an admin token for it."""
    with database_with_samples(request.param, tmp_path_factory.mktemp("fuzz")) as url:
        engine = db.sync_engine(url)
        try:
            token = create_token(engine, "fuzz", "admin")
        finally:
            engine.dispose()
        with live_server(url) as base:
            yield base, token


@pytest.mark.parametrize(
    ("root", "field"),
    [(root, field) for root in ("Query", "Mutation") for field in OPERATIONS[root]],
)
def test_generated_documents_get_no_server_error(
    served: tuple[str, str], root: str, field: str
) -> None:
    base, token = served
    operation = schemathesis.graphql.from_url(base + "/graphql")[root][field]
    needs_token = root == "Mutation" or field == "auditLog"
    headers = {"authorization": f"Bearer {token}"} if needs_token else {}
    cases = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(cases)
    def check(case: Any) -> None:
        response = case.call(headers=headers, timeout=60)
        case.validate_response(response, checks=[schemathesis.checks.not_a_server_error])

    check()
