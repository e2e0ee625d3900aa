"""The served app over real HTTP: pages, GraphQL and static files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from archive.app import create_app
from archive.bench import corpus
from archive.middleware import CONTENT_SECURITY_POLICY
from archive.settings import Settings
from tests.conftest import SAMPLES, run_cli
from tests.server import live_server, serve_app


def test_serve_answers_pages_graphql_and_static(database_url: str, tmp_path: Path) -> None:
    assert (
        run_cli(
            "import", "--no-extract", str(SAMPLES), database_url=database_url, cwd=tmp_path
        ).returncode
        == 0
    )
    with live_server(database_url) as base:
        page = httpx.get(base + "/")
        graphql = httpx.post(
            base + "/graphql", json={"query": "{ stats { articles sources quotes } }"}
        )
        script = httpx.get(base + "/static/htmx-2.0.11.min.js")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "0 quotes from 7 articles" in page.text
    assert '<h2 id="hits-heading" tabindex="-1">0 quotes</h2>' in page.text
    assert graphql.json() == {"data": {"stats": {"articles": 7, "sources": 5, "quotes": 0}}}
    assert script.status_code == 200
    assert script.text.startswith("var htmx=")


def test_page_escapes_stored_text(database_url: str, tmp_path: Path) -> None:
    hostile = tmp_path / "x.json"
    hostile.write_text('{"title": "<script>alert(1)</script>", "body": "text"}')
    run_cli("import", str(hostile), database_url=database_url, cwd=tmp_path)
    with live_server(database_url) as base:
        page = httpx.get(base + "/?kind=articles").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_graphql_validation_errors_are_answers_not_server_errors(database_url: str) -> None:
    deep = "{ stats { articles } }".replace("stats", "__typename stats")
    with live_server(database_url) as base:
        ok = httpx.post(base + "/graphql", json={"query": deep})
        bad = httpx.post(base + "/graphql", json={"query": "{ stats { nope } }"})
    assert ok.json() == {"data": {"__typename": "Query", "stats": {"articles": 0}}}
    assert bad.status_code == 200
    assert bad.json()["errors"][0]["message"] == "Cannot query field 'nope' on type 'Stats'."


def test_request_bodies_over_the_limit_are_refused_whole_or_streamed(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, max_request_bytes=2048))
    query = "{ stats { articles } }" + " " * 3000

    def chunks() -> Iterator[bytes]:
        body = json.dumps({"query": query}).encode()
        for start in range(0, len(body), 512):
            yield body[start : start + 512]

    with serve_app(app) as base:
        small = httpx.post(base + "/graphql", json={"query": "{ stats { articles } }"})
        declared = httpx.post(base + "/graphql", json={"query": query})
        streamed = httpx.post(
            base + "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        form = httpx.post(base + "/api", data={"query": query})
    assert small.json() == {"data": {"stats": {"articles": 0}}}
    for refused in (declared, streamed, form):
        assert refused.status_code == 413, refused.text[:300]
        assert "2048 bytes" in refused.text
        assert refused.headers["x-content-type-options"] == "nosniff"


def test_an_unexpected_failure_is_a_500_with_the_security_headers_and_no_detail(
    database_url: str,
) -> None:
    app = create_app(Settings(database_url=database_url))

    async def broken(request: Request) -> Response:
        raise RuntimeError("secret detail of the failure")

    app.add_route("/broken", broken)
    with serve_app(app) as base:
        response = httpx.get(base + "/broken")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"


def test_redirects_and_hosts_do_not_follow_a_forged_host_header(database_url: str) -> None:
    open_app = create_app(Settings(database_url=database_url))
    closed_app = create_app(
        Settings(database_url=database_url, allowed_hosts=("archive.example", "127.0.0.1"))
    )
    with serve_app(open_app) as base:
        slash = httpx.get(base + "/api/", headers={"host": "evil.example"})
    assert slash.status_code == 307
    assert slash.headers["location"] == "/api"
    with serve_app(closed_app) as base:
        forged = httpx.get(base + "/", headers={"host": "evil.example"})
        named = httpx.get(base + "/graphql?query={__typename}", headers={"host": "archive.example"})
    assert forged.status_code == 400
    assert forged.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert named.json() == {"data": {"__typename": "Query"}}


def test_allowed_hosts_come_from_the_environment() -> None:
    settings = Settings.from_env({"ARCHIVE_ALLOWED_HOSTS": "archive.example, *.news.example"})
    assert settings.allowed_hosts == ("archive.example", "*.news.example")
    assert Settings.from_env({}).allowed_hosts == ("*",)


def test_serve_answers_only_the_hosts_it_is_given(database_url: str) -> None:
    with live_server(database_url, "--allowed-host", "127.0.0.1") as base:
        own = httpx.get(base + "/graphql?query={__typename}")
        forged = httpx.get(base + "/graphql?query={__typename}", headers={"host": "evil.example"})
    assert own.json() == {"data": {"__typename": "Query"}}
    assert forged.status_code == 400


@pytest.mark.slow
def test_a_statement_over_the_time_budget_is_stopped_and_gives_its_connection_back(
    tmp_path: Path,
) -> None:
    """On SQLite, where a budget of nothing interrupts any statement that reaches the progress
    handler (PostgreSQL's own statement_timeout is checked in test_db)."""
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    source = tmp_path / "corpus.jsonl"
    corpus.write_jsonl(source, 200, seed=4, annotated=True)
    result = run_cli("import", "--no-extract", str(source), database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    app = create_app(Settings(database_url=database_url, request_seconds=0.0))
    facets = "{ quoteFacets { speakers { label count } months: timeline { start count } } }"
    with serve_app(app) as base:
        answers = [httpx.post(base + "/graphql", json={"query": facets}) for _ in range(8)]
        page = httpx.get(base + "/")
        free = httpx.post(base + "/graphql", json={"query": "{ __typename }"})
        checked_out = app.state.engine.pool.checkedout()
    for answer in answers:
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "5"
        assert answer.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert page.status_code == 503
    assert "time budget and was stopped" in page.text
    assert free.json() == {"data": {"__typename": "Query"}}
    assert checked_out == 0
