"""Hostile input over real HTTP, on SQLite and PostgreSQL: generated values for every page
parameter and path, and for the variables of the API's lists, never get a server error, always
carry the security headers, answer user mistakes with a 4xx or an error code, and change
nothing stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.middleware import CONTENT_SECURITY_POLICY
from tests.conftest import BACKENDS, database_with_samples
from tests.helpers import counts_at
from tests.server import live_server

pytestmark = pytest.mark.slow

EXAMPLES = 150
HOSTILE = [
    "",
    "-",
    '"',
    "'",
    "AND",
    "NOT",
    "*",
    "0000-01",
    "9999-99",
    "2024-13",
    "\x00",
    "\ud800",
    "a" * 5000,
    "QWN0b3I6MQ",
    "UXVvdGU6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ",
    "bmV3ZXN0OlsxZTMwMCwgIngiXQ",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "NaN",
    "-1",
    "1e999",
]
HOSTILE_TEXT = st.sampled_from(HOSTILE) | st.text(max_size=60)
PAGE_PARAMETERS = (
    "q kind from to speaker outlet speaker_kind actor_kind place month event_kind after"
).split()
PATHS = ("/", "/timeline", "/quotes/{}", "/actors/{}", "/articles/{}", "/events/{}", "/places/{}")
CODES = {
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
}


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("abuse")
    with database_with_samples(request.param, folder) as url, live_server(url) as base:
        yield base, url


def _encodable(text: str) -> str:
    # a lone surrogate cannot travel in a URL as UTF-8: send the bytes a client would send
    return text.encode("utf-8", "surrogatepass").decode("latin-1") if "\ud800" in text else text


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(
    path=st.sampled_from(PATHS),
    identifier=HOSTILE_TEXT,
    parameters=st.dictionaries(st.sampled_from(PAGE_PARAMETERS), HOSTILE_TEXT, max_size=4),
    htmx=st.booleans(),
)
def _pages(base: str, path: str, identifier: str, parameters: dict[str, str], htmx: bool) -> None:
    identifier = httpx.URL("", params={"x": _encodable(identifier)}).query.decode()[2:]
    query = {key: _encodable(value) for key, value in parameters.items()}
    _check_page(base, path.format(identifier or "-"), query, htmx)


def _check_page(base: str, target: str, query: dict[str, str], htmx: bool = False) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = httpx.get(base + target, params=query, headers=headers, timeout=60)
    assert response.status_code < 500, (target, query, response.text[:300])
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_every_hostile_value_of_every_page_parameter_gets_no_server_error(
    served: tuple[str, str],
) -> None:
    base, url = served
    before = counts_at(url)
    for value in HOSTILE:
        for path in PATHS[2:]:
            identifier = httpx.URL("", params={"x": _encodable(value)}).query.decode()[2:]
            _check_page(base, path.format(identifier or "-"), {})
        for name in PAGE_PARAMETERS:
            for kind in ("quotes", "events"):
                _check_page(base, "/", {"kind": kind, name: _encodable(value)})
            _check_page(base, "/timeline", {name: _encodable(value)})
    assert counts_at(url) == before


def test_hostile_page_parameters_together_get_no_server_error(served: tuple[str, str]) -> None:
    base, url = served
    before = counts_at(url)
    _pages(base)
    assert counts_at(url) == before


_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(
        st.sampled_from(["and", "or", "not", "text", "contains", "eq", "in", "from", "id", "x"]),
        inner,
        max_size=3,
    ),
    max_leaves=15,
)
LIST = (
    "query($first: Int, $after: String, $where: QuoteFilter, $search: String) {"
    " quotes(first: $first, after: $after, where: $where, search: $search)"
    " { totalCount nodes { text } } }"
)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(variables=st.dictionaries(st.sampled_from(["first", "after", "where", "search"]), _VALUES))
def _variables(base: str, variables: dict[str, Any]) -> None:
    body = json.dumps({"query": LIST, "variables": variables})
    response = httpx.post(
        base + "/graphql", content=body, headers={"content-type": "application/json"}, timeout=60
    )
    assert response.status_code < 500, (variables, response.text[:300])
    answer = response.json()
    for error in answer.get("errors", []):
        assert error["extensions"]["code"] in CODES, (variables, error)


def test_hostile_variables_get_user_errors_not_server_errors(served: tuple[str, str]) -> None:
    base, url = served
    before = counts_at(url)
    _variables(base)
    assert counts_at(url) == before
