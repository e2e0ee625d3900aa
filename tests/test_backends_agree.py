"""SQLite and PostgreSQL answer the same queries with the same results on the same corpus,
over real HTTP: lists in the same order, searches with the same matches (their relevance
scores differ by design: FTS5's bm25 against PostgreSQL's ts_rank_cd), the same facets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from archive.bench import corpus
from archive.bench.benchmark import SEARCHES
from archive.bench.served import served
from tests.conftest import postgres_database, run_cli

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

EXAMPLES = Path(__file__).parent.parent / "schema" / "examples"

LISTS = {
    "newest quotes": """{ quotes(first: 100) { totalCount nodes { text direct speakerAsWritten
        speaker { name kind affiliations { role organization { name } } }
        article { title published url source { name } } } } }""",
    "oldest quotes": "{ quotes(first: 100, orderBy: OLDEST) { nodes { text article { title } } } }",
    "actors": "{ actors(first: 100) { totalCount nodes { name kind aliases } } }",
    "places": """{ places(first: 100) { totalCount nodes { name kind countryCode latitude
        longitude aliases } } }""",
    "events": """{ events(first: 100) { totalCount nodes { kind subKind date datePrecision
        fatalities evidence place { name } participants { role actor { name } } } } }""",
    "articles": "{ articles(first: 100) { totalCount nodes { title published source { name } } } }",
}
SEARCH = """query($q: String!) { quotes(search: $q, first: 100) { totalCount nodes { text } }
  articles(search: $q, first: 100) { totalCount nodes { title } } }"""
NOT_COMPARED = {"id", "cursor", "endCursor", "startCursor", "rank", "highlight"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("agree")
    corpus_file = folder / "corpus.jsonl"
    corpus.write_jsonl(corpus_file, 150, seed=11, annotated=True)
    with postgres_database() as postgres:
        urls = {"sqlite": f"sqlite:///{folder / 'archive.db'}", "postgresql": postgres}
        for url in urls.values():
            result = run_cli("import", str(corpus_file), "--no-extract", database_url=url)
            assert result.returncode == 0, result.stderr
        with served(urls["sqlite"]) as sqlite, served(urls["postgresql"]) as postgresql:
            yield {"sqlite": sqlite, "postgresql": postgresql}


def _ask(base: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = httpx.post(
        base + "/graphql", json={"query": query, "variables": variables or {}}, timeout=60
    )
    answer = response.json()
    assert "errors" not in answer, answer["errors"]
    return _comparable(answer["data"])


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in NOT_COMPARED}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _both(servers: dict[str, str], query: str, variables: dict[str, Any] | None = None) -> Any:
    sqlite = _ask(servers["sqlite"], query, variables)
    assert sqlite == _ask(servers["postgresql"], query, variables)
    return sqlite


@pytest.mark.parametrize("name", sorted(LISTS))
def test_lists_are_the_same_in_the_same_order(servers: dict[str, str], name: str) -> None:
    data = _both(servers, LISTS[name])
    assert all(value for value in data.values()), data


def test_paging_from_a_cursor_continues_alike(servers: dict[str, str]) -> None:
    query = "query($after: String) { quotes(first: 40, after: $after) { pageInfo { endCursor } nodes { text } } }"
    cursors = {
        backend: httpx.post(base + "/graphql", json={"query": query}, timeout=60).json()["data"][
            "quotes"
        ]["pageInfo"]["endCursor"]
        for backend, base in servers.items()
    }
    pages = [_ask(base, query, {"after": cursors[backend]}) for backend, base in servers.items()]
    assert pages[0] == pages[1]
    assert len(pages[0]["quotes"]["nodes"]) == 40


@pytest.mark.parametrize("term", SEARCHES)
def test_searches_find_the_same_matches(servers: dict[str, str], term: str) -> None:
    found = {backend: _ask(base, SEARCH, {"q": term}) for backend, base in servers.items()}
    for kind, field in (("quotes", "text"), ("articles", "title")):
        totals = {backend: data[kind]["totalCount"] for backend, data in found.items()}
        matches = {
            backend: sorted(node[field] for node in data[kind]["nodes"])
            for backend, data in found.items()
        }
        assert totals["sqlite"] == totals["postgresql"], (kind, totals)
        if totals["sqlite"] <= 100:  # the whole result is on the page
            assert matches["sqlite"] == matches["postgresql"], kind


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("0[13456]*.graphql")), ids=lambda p: p.stem)
def test_example_operations_agree(servers: dict[str, str], path: Path) -> None:
    variables_file = path.with_suffix(".json")
    variables = json.loads(variables_file.read_text()) if variables_file.exists() else None
    _both(servers, path.read_text(), variables)
