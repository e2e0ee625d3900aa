"""The pages over plain HTTP (no JavaScript), on SQLite and PostgreSQL: every page renders whole,
htmx requests get partials, bad parameters get clear 4xx pages, stored text is escaped, and the
security headers are sent."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import escape

from archive.app import create_app
from archive.middleware import CONTENT_SECURITY_POLICY
from archive.settings import Settings
from archive.web import exporting
from tests.conftest import BACKENDS, database_with_samples, run_cli
from tests.server import live_server, serve_app

HOSTILE = (
    '{"title": "<b>bold</b> & co", "url": "https://hostile.example/2", "published": "2024-12-07",'
    ' "body": "\\u201c<img src=x onerror=alert(1)> is our answer,\\u201d said John Mallory,'
    ' a spokesman, in Aleppo on Saturday."}'
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", params=BACKENDS)
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("pages-http")
    with database_with_samples(request.param, folder) as url:
        (folder / "hostile.json").write_text(HOSTILE)
        result = run_cli("import", str(folder / "hostile.json"), database_url=url, cwd=folder)
        assert result.returncode == 0, result.stderr
        with live_server(url) as served:
            yield served


def _ids(base: str, query: str) -> Any:
    answer = httpx.post(base + "/graphql", json={"query": query}).json()
    assert "errors" not in answer, answer
    return answer["data"]


def _full(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!doctype html>")
    return response.text


def test_every_page_renders_whole_without_javascript(base: str) -> None:
    data = _ids(
        base,
        '{ quotes(first: 1, search: "airport") { nodes { id text speaker { id name } article { id title } } }'
        " events(first: 1) { nodes { id kind place { id name } } } }",
    )
    quote = data["quotes"]["nodes"][0]
    event = data["events"]["nodes"][0]
    page = _full(httpx.get(f"{base}/quotes/{quote['id']}"))
    assert "<mark>" in page
    assert quote["article"]["title"] in page
    assert f'href="/actors/{quote["speaker"]["id"]}"' in page
    page = _full(httpx.get(f"{base}/actors/{quote['speaker']['id']}"))
    assert f"<h1>{quote['speaker']['name']}</h1>" in page
    assert "<svg" in page
    page = _full(httpx.get(f"{base}/articles/{quote['article']['id']}"))
    assert f'href="/quotes/{quote["id"]}"' in page
    assert re.search(r'class="actor( in-quote)?" href="/actors/', page)
    assert re.search(r'class="place( in-quote)?" href="/places/', page)
    page = _full(httpx.get(f"{base}/events/{event['id']}"))
    assert f'href="/places/{event["place"]["id"]}"' in page
    page = _full(httpx.get(f"{base}/places/{event['place']['id']}"))
    assert f"<h1>{event['place']['name']}</h1>" in page
    for path in (
        "/",
        "/?kind=articles",
        "/?kind=actors&q=al",
        "/?kind=events",
        "/?kind=places",
        "/timeline",
        "/api",
    ):
        _full(httpx.get(base + path))


def test_the_timeline_of_an_actor_or_a_place_lists_their_events(base: str) -> None:
    data = _ids(
        base,
        "{ events(first: 50) { nodes { kind place { id } participants { actor { id } } } } }",
    )
    event = next(e for e in data["events"]["nodes"] if e["participants"] and e["place"])
    actor = event["participants"][0]["actor"]["id"]
    for query in (
        f"actor={actor}",
        f"place={event['place']['id']}",
        f"actor={actor}&event_kind={event['kind']}",
    ):
        page = _full(httpx.get(f"{base}/timeline?{query}"))
        assert 'href="/events/' in page, query


def test_search_state_lives_in_the_url(base: str) -> None:
    page = _full(httpx.get(base + "/?q=airport"))
    assert 'value="airport"' in page
    assert re.search(r'<h2 id="hits-heading"[^>]*>\d+ quotes? for “airport”</h2>', page)
    speaker = re.search(r'href="/\?q=airport&amp;speaker=([^"&]+)"', page)
    assert speaker
    narrowed = _full(httpx.get(base + f"/?q=airport&speaker={speaker[1]}"))
    assert f'name="speaker" value="{speaker[1]}"' in narrowed
    later = _full(httpx.get(base + "/?kind=quotes&from=2030-01-01"))
    assert ">0 quotes</h2>" in later


def test_htmx_gets_partials_and_history_restores_get_pages(base: str) -> None:
    partial = httpx.get(base + "/?q=airport", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert 'id="hits-heading"' in partial.text
    assert partial.headers["vary"] == "HX-Request"
    for header in ("HX-History-Restore-Request", "HX-Boosted"):
        whole = httpx.get(base + "/?q=airport", headers={"HX-Request": "true", header: "true"})
        _full(whole)
    more = httpx.get(base + "/", headers={"HX-Request": "true"}).text
    cursor = re.search(r'hx-get="/\?after=([^"]+)"', more)
    assert cursor
    page_two = httpx.get(base + f"/?after={cursor[1]}", headers={"HX-Request": "true"}).text
    assert page_two.lstrip().startswith('<li class="hit">')
    assert "hits-heading" not in page_two


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/?kind=poems", 400, "kind must be one of"),
        ("/?from=yesterday", 400, "from must be a date"),
        ("/?month=2024-13", 400, "month"),
        ("/?speaker_kind=ALIEN", 400, "speaker_kind must be one of"),
        ("/?after=bm9wZQ", 400, "cursor"),
        ("/?speaker=not-an-id", 404, "no actor is named"),
        ("/quotes/UXVvdGU6OTk5OTk5", 404, "no quote"),
        ("/actors/garbage", 404, "no actor"),
        ("/events/QWN0b3I6MQ", 404, "no event"),
        ("/timeline?event_kind=<b>", 400, "is not a kind"),
        ("/timeline?actor=nope", 400, "not a valid ID"),
        ("/nowhere", 404, "Not Found"),
        ("/?month=0000-01", 400, "does not exist"),
        ("/?kind=events&event_kind=NOPE", 400, "is not a kind"),
        ("/timeline?event_kind=AND", 400, "is not a kind"),
        ("/static/archive.css%00.js", 404, "Not Found"),
    ],
)
def test_bad_parameters_get_a_clear_page(base: str, path: str, status: int, message: str) -> None:
    response = httpx.get(base + path)
    assert response.status_code == status
    assert message in response.text
    assert "<h1>" in response.text or path.startswith("/static/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_a_method_a_page_does_not_take_is_a_405_that_names_the_allowed(base: str) -> None:
    response = httpx.delete(base + "/")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_the_console_without_a_query_asks_for_one(base: str) -> None:
    response = httpx.post(base + "/api", data={})
    assert response.status_code == 200
    assert "write a query to run" in response.text
    nested = httpx.post(
        base + "/api", data={"query": "{ stats { quotes } }", "variables": "[" * 5000}
    )
    assert "the variables: nested too deeply to read" in nested.text


def test_stored_text_is_escaped_everywhere(base: str) -> None:
    data = _ids(base, '{ quotes(first: 1, search: "answer") { nodes { id article { id } } } }')
    quote = data["quotes"]["nodes"][0]
    for path in (
        "/?q=answer",
        f"/quotes/{quote['id']}",
        f"/articles/{quote['article']['id']}",
        "/?kind=articles&q=bold",
    ):
        page = _full(httpx.get(base + path))
        assert "<img src=x" not in page, path
        assert "<b>bold</b>" not in page, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in page or "&lt;b&gt;bold&lt;/b&gt;" in page


def test_security_headers_forbid_inline_scripts(base: str) -> None:
    response = httpx.get(base + "/")
    policy = response.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text  # every script is a file
    assert httpx.get(base + "/graphql").headers["content-security-policy"] == policy


def test_the_console_answers_without_javascript(base: str) -> None:
    response = httpx.post(base + "/api", data={"query": "{ stats { articles } }"})
    page = _full(response)
    assert "&#34;articles&#34;: 8" in page
    bad = _full(httpx.post(base + "/api", data={"query": "{ stats {", "variables": "[1]"}))
    assert "the variables: not a JSON object" in bad
    change = _full(
        httpx.post(
            base + "/api",
            data={"query": 'mutation { addActorAlias(actor: "x", alias: "y") { name } }'},
        )
    )
    assert "UNAUTHENTICATED" in change or "GRAPHQL_VALIDATION_FAILED" in change


def test_the_api_page_admits_the_console_styles_by_a_fresh_nonce_only(base: str) -> None:
    first, second = httpx.get(base + "/api"), httpx.get(base + "/api")
    policies = [r.headers["content-security-policy"] for r in (first, second)]
    nonces = [re.search(r"style-src 'self' 'nonce-([\w-]{20,})'", p) for p in policies]
    assert nonces[0]
    assert nonces[1]
    assert nonces[0].group(1) != nonces[1].group(1)
    assert all("unsafe-inline" not in p and "script-src 'self';" in p for p in policies)
    assert f'<meta name="style-nonce" content="{nonces[0].group(1)}">' in first.text
    assert "<script>" not in first.text
    assert "nonce" not in httpx.get(base + "/").headers["content-security-policy"]


def test_the_schema_is_served_as_sdl_and_documented_type_by_type(base: str) -> None:
    sdl = httpx.get(base + "/api/schema.graphql")
    assert sdl.status_code == 200
    assert sdl.headers["content-type"].startswith("text/plain")
    assert sdl.text == (ROOT / "schema" / "archive.graphql").read_text()
    page = _full(httpx.get(base + "/api"))
    assert '<section id="type-Quote"' in page
    assert '<dt id="field-Query-quotes">' in page
    # a field's type links to the type's own section
    assert re.search(r'id="field-Quote-speaker">.*?<a href="#type-Actor">Actor</a>', page, re.S)
    assert re.search(
        r'id="field-Query-quotes">.*?first: <a href="#type-Int">Int</a>, after: .*?'
        r'last: <a href="#type-Int">Int</a>',
        page,
        re.S,
    )


def test_an_example_opens_in_the_console_with_its_variables(base: str) -> None:
    page = _full(httpx.get(base + "/api", params={"example": "02_search_quotes"}))
    query = (ROOT / "schema" / "examples" / "02_search_quotes.graphql").read_text()
    assert re.search(r'<textarea id="variables"[^>]*>\{&#34;search&#34;: &#34;Aleppo', page)
    assert str(escape(query)) in page
    answer = _full(
        httpx.post(
            base + "/api",
            data={"query": query, "variables": '{"search": "Aleppo"}'},
        )
    )
    assert "&#34;edges&#34;" in answer
    assert "&#34;errors&#34;" not in answer


def test_a_forged_host_header_is_not_written_into_the_page(base: str) -> None:
    page = _full(httpx.get(base + "/", headers={"host": "evil.example"}))
    assert "evil.example" not in page
    assert '<script src="/static/htmx-2.0.11.min.js" defer></script>' in page


def test_a_refused_search_reads_as_prose_with_code_not_backticks(base: str) -> None:
    page = httpx.get(base + "/", params={"q": "-homs"})
    assert page.status_code == 400
    assert "only excludes words" in page.text
    assert "<code>border -closure</code>" in page.text
    assert "`" not in page.text.split("<main", 1)[1]
    # asked by htmx, the answer is the message alone, to swap in place of the results
    fragment = httpx.get(base + "/", params={"q": "-homs"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 400
    assert fragment.text.startswith('<p class="error" role="alert">')
    assert fragment.headers["vary"] == "HX-Request"


def test_counts_read_as_words_and_meta_lines_leave_no_dangling_separator(base: str) -> None:
    speakers = httpx.post(
        base + "/graphql",
        json={
            "query": "{ quotes(first: 100, where: {hasSpeaker: true}) { nodes { speaker { id"
            " quotes(first: 0) { totalCount } } } } }"
        },
    ).json()["data"]["quotes"]["nodes"]
    once = next(q["speaker"]["id"] for q in speakers if q["speaker"]["quotes"]["totalCount"] == 1)
    one = httpx.get(base + "/", params={"speaker": once})
    assert re.search(r'id="hits-heading"[^>]*>1 quote\b', one.text)
    events = httpx.get(base + "/", params={"kind": "events"}).text
    lines = re.findall(r'<span class="meta parts">(.*?)</span>\s*</p>', events, re.S)
    assert lines, "no event hit"
    for line in lines:
        assert "·" not in line  # the stylesheet draws the separators between parts
        assert "<span></span>" not in line
    assert not re.search(r"\b1 (quotes|articles|actors|places|events)\b", events + one.text)


def _preflight(base: str, origin: str) -> httpx.Response:
    return httpx.options(
        base + "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )


def test_cors_is_off_unless_origins_are_configured(tmp_path: Path) -> None:
    with database_with_samples("sqlite", tmp_path) as url:
        with live_server(url) as closed:
            refused = _preflight(closed, "https://tool.example")
            assert refused.status_code == 405
            assert "access-control-allow-origin" not in refused.headers
        with live_server(url, "--cors-origin", "https://tool.example") as opened:
            allowed = _preflight(opened, "https://tool.example")
            assert allowed.status_code == 200
            assert allowed.headers["access-control-allow-origin"] == "https://tool.example"
            assert "POST" in allowed.headers["access-control-allow-methods"]
            assert _preflight(opened, "https://other.example").status_code == 400
            answer = httpx.post(
                opened + "/graphql",
                json={"query": "{ stats { quotes } }"},
                headers={"Origin": "https://tool.example"},
            )
            assert answer.headers["access-control-allow-origin"] == "https://tool.example"
            page = httpx.get(opened + "/", headers={"Origin": "https://tool.example"})
            assert "access-control-allow-origin" not in page.headers  # the pages stay closed


def test_healthz_says_whether_the_database_answers(base: str) -> None:
    answer = httpx.get(base + "/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    # a server whose database cannot be reached (nothing listens on port 1)
    unreachable = create_app(Settings(database_url="postgresql://archive@127.0.0.1:1/none"))
    with serve_app(unreachable) as down:
        answer = httpx.get(down + "/healthz", timeout=30)
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"


def _total(base: str, query: str) -> int:
    answer = httpx.post(base + "/graphql", json={"query": query}).json()
    return int(next(iter(answer["data"].values()))["totalCount"])


def test_a_search_downloads_whole_in_columns_a_spreadsheet_reads(base: str) -> None:
    everything = httpx.get(base + "/export", params={"format": "jsonl"})
    assert everything.status_code == 200
    assert "attachment" in everything.headers["content-disposition"]
    records = [json.loads(line) for line in everything.text.splitlines()]
    assert len(records) == _total(base, "{ quotes(first: 0) { totalCount } }")
    assert {r["record"] for r in records} == {"quote"}

    searched = httpx.get(base + "/export", params={"q": "said", "format": "csv"})
    assert searched.status_code == 200
    assert searched.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(searched.text)))
    assert len(rows) == _total(base, '{ quotes(first: 0, search: "said") { totalCount } }')
    assert {"published", "outlet", "speaker", "speaker_kind"} <= set(rows[0])
    events = httpx.get(base + "/export", params={"kind": "events", "format": "csv"}).text
    assert "lat,lon" in events.splitlines()[0]
    assert httpx.get(base + "/export", params={"format": "xls"}).status_code == 400
    assert httpx.get(base + "/export", params={"q": "-homs"}).status_code == 400


def test_a_download_runs_over_many_pages_in_the_search_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database_with_samples("sqlite", tmp_path) as url:
        monkeypatch.setattr(exporting, "PAGE_SIZE", 7)
        with serve_app(create_app(Settings(database_url=url))) as base:
            shown = httpx.post(
                base + "/graphql",
                json={"query": "{ quotes(first: 100) { nodes { text } } }"},
            ).json()["data"]["quotes"]["nodes"]
            lines = httpx.get(base + "/export", params={"format": "jsonl"}).text.splitlines()
    assert len(shown) > 7 * 3
    assert [json.loads(line)["text"] for line in lines] == [q["text"] for q in shown]


def test_urls_read_as_names_and_hold_no_empty_parameters(base: str) -> None:
    empty = httpx.get(base + "/", params={"q": "said", "from": "", "to": "", "speaker": ""})
    assert empty.status_code == 303
    assert empty.headers["location"] == "/?q=said"
    pushed = httpx.get(base + "/", params={"q": "said", "from": ""}, headers={"HX-Request": "true"})
    assert pushed.headers["hx-push-url"] == "/?q=said"
    home = httpx.get(base + "/").text
    link = re.search(r'href="/\?speaker=([a-z0-9-]+)"', home)
    assert link is not None, "the speaker facet links by name"
    by_name = httpx.get(base + "/", params={"speaker": link.group(1)})
    assert by_name.status_code == 200
    heading = re.search(r'id="hits-heading"[^>]*>(\d+) quote', by_name.text)
    assert heading is not None
    label = re.search(r'aria-label="Remove filter speaker: ([^"]+)"', by_name.text)
    assert label is not None
    assert "-" not in label.group(1) or " " in label.group(1)  # a name, not the slug
    assert httpx.get(base + "/", params={"speaker": "no-such-speaker-here"}).status_code == 404


def test_the_reader_sorts_the_results_and_sees_more_facet_values(base: str) -> None:
    dates = {}
    for order in ("newest", "oldest"):
        page = httpx.get(base + "/", params={"kind": "events", "sort": order}).text
        dates[order] = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})', page)
    assert dates["oldest"] == sorted(dates["oldest"])
    assert dates["newest"] == sorted(dates["newest"], reverse=True)
    assert dates["oldest"] != dates["newest"]
    assert httpx.get(base + "/", params={"sort": "relevance"}).status_code == 400  # no words
    assert httpx.get(base + "/", params={"kind": "actors", "sort": "oldest"}).status_code == 400
    home = httpx.get(base + "/").text
    more = re.search(r'<details class="more-facets"><summary>(\d+) more</summary>', home)
    assert more is not None, "a facet of more than ten values offers the rest"
    assert int(more.group(1)) > 0
