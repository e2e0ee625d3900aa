"""The GraphQL API over real HTTP, on SQLite and PostgreSQL, with the sample articles imported
through the real pipeline."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import httpx
import pytest
from sqlalchemy import event

from archive import db
from archive.app import create_app
from archive.bench.scale import reference_statements
from archive.graphql.ids import pk_of
from archive.settings import Settings
from archive.tokens import create_token, revoke_token
from tests.conftest import BACKENDS, database_with_samples, run_cli
from tests.helpers import load_items
from tests.server import serve_app

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "schema" / "examples").glob("*.graphql"))


@pytest.fixture(scope="module", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database per backend with the sample articles imported and extracted."""
    with database_with_samples(request.param, tmp_path_factory.mktemp("graphql")) as url:
        yield url


class Api:
    def __init__(self, base: str, app: Any) -> None:
        self.base = base
        self.app = app

    def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            self.base + "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=60,
        )
        assert response.status_code < 500, response.text
        return response.json()  # type: ignore[no-any-return]

    def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        answer = self.post(query, variables, token)
        assert "errors" not in answer, answer["errors"]
        return answer["data"]

    def error_code(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> str:
        answer = self.post(query, variables, token)
        assert answer.get("errors"), answer
        return str(answer["errors"][0]["extensions"]["code"])


@pytest.fixture(scope="module")
def api(database: str) -> Iterator[Api]:
    app = create_app(Settings(database_url=database))
    with serve_app(app) as base:
        yield Api(base, app)


# ---------------------------------------------------------------------------- contract


def test_sdl_file_matches_the_code_and_the_command() -> None:
    from archive.graphql.schema import schema

    assert (ROOT / "schema" / "archive.graphql").read_text() == schema.as_str() + "\n"
    result = run_cli("schema")
    assert result.returncode == 0
    assert result.stdout == schema.as_str() + "\n"


def test_everything_in_the_schema_is_described() -> None:
    from archive.graphql.schema import schema

    undocumented = []
    for name, type_ in schema._schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not type_.description:
            undocumented.append(name)
        for field_name, field in getattr(type_, "fields", {}).items():
            if not field.description:
                undocumented.append(f"{name}.{field_name}")
    assert undocumented == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_operations_return_data(api: Api, path: Path) -> None:
    variables_file = path.with_suffix(".json")
    variables = json.loads(variables_file.read_text()) if variables_file.exists() else None
    data = api.data(path.read_text(), variables)
    assert data
    assert all(value not in (None, [], {}) for value in data.values()), data


def test_the_benchmark_reference_reads_the_same_page_as_example_01(api: Api, database: str) -> None:
    from archive.bench.benchmark import example_page, hand_written_page

    quotes = api.data(example_page())["quotes"]
    engine = db.sync_engine(database)
    try:
        with engine.connect() as connection:
            expected = hand_written_page(connection)["quotes"]
    finally:
        engine.dispose()
    assert expected["nodes"] == quotes["nodes"]
    assert expected["totalCount"] == quotes["totalCount"] > 50
    assert any(node["speaker"] and node["speaker"]["affiliations"] for node in quotes["nodes"])


# ---------------------------------------------------------------------------- reading


QUOTE_PAGE = """query($after: String) { quotes(first: 7, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id text } } } }"""


def test_paging_reaches_every_row_once(api: Api) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = api.data(QUOTE_PAGE, {"after": after})["quotes"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] > 20


LISTS = {
    "quotes, newest first": ("quotes", ""),
    "quotes ranked by a search": ("quotes", 'search: "government OR people OR Syria OR said"'),
    "actors by name": ("actors", ""),
    "events, oldest first": ("events", "orderBy: OLDEST"),
    "places by name": ("places", ""),
}


def _page(api: Api, field: str, args: str, window: str) -> dict[str, Any]:
    query = (
        f"{{ {field}({', '.join(a for a in (args, window) if a)}) {{ "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } "
        "edges { cursor node { id } } } }"
    )
    return api.data(query)[field]  # type: ignore[no-any-return]


def _ids(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


def _walk(api: Api, field: str, args: str, backward: bool) -> list[str]:
    """Every row of the list, four a page, from its start (or with ``backward`` its end),
    checking on each page that only the pages already read lie behind it."""
    ahead, behind = ("Previous", "Next") if backward else ("Next", "Previous")
    size, cursor, edge = (
        ("last", "before", "startCursor") if backward else ("first", "after", "endCursor")
    )
    seen: list[str] = []
    window = f"{size}: 4"
    while True:
        page = _page(api, field, args, window)
        info = page["pageInfo"]
        assert info[f"has{behind}Page"] == bool(seen)
        seen = _ids(page) + seen if backward else seen + _ids(page)
        if not info[f"has{ahead}Page"]:
            return seen
        window = f'{size}: 4, {cursor}: "{info[edge]}"'


@pytest.mark.parametrize("name", LISTS)
def test_paging_backward_reads_the_list_forward_reads(api: Api, name: str) -> None:
    field, args = LISTS[name]
    forward = _walk(api, field, args, backward=False)
    assert len(forward) > 8
    assert _walk(api, field, args, backward=True) == forward


def test_page_info_tells_what_lies_beyond_a_page_whichever_way_it_was_read(api: Api) -> None:
    every = _page(api, "actors", "", "first: 100")
    ids, cursors = _ids(every), [edge["cursor"] for edge in every["edges"]]
    assert len(ids) > 6

    middle = _page(api, "actors", "", f'first: 3, after: "{cursors[1]}", before: "{cursors[6]}"')
    assert _ids(middle) == ids[2:5]
    assert middle["pageInfo"]["hasPreviousPage"] is True
    assert middle["pageInfo"]["hasNextPage"] is True  # a sixth row within the bounds

    opening = _page(api, "actors", "", f'last: 3, before: "{cursors[3]}"')
    assert _ids(opening) == ids[:3]
    assert opening["pageInfo"]["hasPreviousPage"] is False
    assert opening["pageInfo"]["hasNextPage"] is True

    # a page cut short by the far cursor still sees the rows past it
    bounded = _page(api, "actors", "", f'first: 3, before: "{cursors[3]}"')
    assert _ids(bounded) == ids[:3]
    assert bounded["pageInfo"]["hasNextPage"] is True
    closing = _page(api, "actors", "", f'last: 3, after: "{cursors[-4]}"')
    assert _ids(closing) == ids[-3:]
    assert closing["pageInfo"]["hasPreviousPage"] is True
    assert closing["pageInfo"]["hasNextPage"] is False

    # a cursor given is not a row before: in a list of one actor, after the cursor of an
    # actor the list lacks, nothing precedes the page
    name = api.data(f'{{ node(id: "{ids[4]}") {{ ... on Actor {{ name }} }} }}')["node"]["name"]
    one = _page(
        api, "actors", f"where: {{name: {{eq: {json.dumps(name)}}}}}", f'after: "{cursors[0]}"'
    )
    assert _ids(one) == [ids[4]]
    assert one["pageInfo"]["hasPreviousPage"] is False

    past_end = _page(api, "actors", "", f'first: 5, after: "{cursors[-1]}"')
    assert _ids(past_end) == []
    assert past_end["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }
    none_asked = _page(api, "actors", "", "first: 0")
    assert none_asked["pageInfo"]["hasNextPage"] is True
    assert none_asked["pageInfo"]["hasPreviousPage"] is False
    nothing = _page(api, "actors", 'where: {name: {eq: "No Such Actor"}}', "last: 5")
    assert not nothing["pageInfo"]["hasNextPage"]
    assert not nothing["pageInfo"]["hasPreviousPage"]


def test_a_day_is_written_as_a_day(api: Api) -> None:
    for day in ("20241110", "2024-W45-1", "10/11/2024"):
        answer = api.post(
            f'{{ articles(where: {{published: {{from: "{day}"}}}}) {{ totalCount }} }}'
        )
        assert "is not a day; write 2024-11-10" in answer["errors"][0]["message"], day
    number = api.post("{ articles(where: {published: {from: 20241110}}) { totalCount } }")
    assert "is not a day" in number["errors"][0]["message"]
    found = api.data('{ articles(where: {published: {from: "2024-11-10"}}) { totalCount } }')
    assert found["articles"]["totalCount"] > 0


def test_paging_arguments_out_of_range_are_user_errors(api: Api) -> None:
    for window in ("first: 2, last: 2", "last: 101", "last: -1", "first: -1"):
        answer = api.post(f"{{ quotes({window}) {{ totalCount }} }}")
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", window
    message = api.post("{ events(first: 3, last: 3) { totalCount } }")["errors"][0]["message"]
    assert "not both" in message
    assert api.error_code('{ actors(last: 2, before: "bm9wZQ") { totalCount } }') == (
        "BAD_USER_INPUT"
    )


def test_times_carry_their_offset_and_days_read_as_days(api: Api) -> None:
    nodes = api.data(
        "{ articles(first: 100) { nodes { published publishedDate publishedPrecision"
        " importedAt } } }"
    )["articles"]["nodes"]
    dated = [n for n in nodes if n["published"]]
    assert dated
    for node in dated:
        published = datetime.fromisoformat(node["published"])
        assert node["published"].endswith("Z")
        assert published.utcoffset() == timedelta(0)
        assert node["publishedDate"] == published.date().isoformat()
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", node["publishedDate"])
    assert {n["publishedPrecision"] for n in dated} >= {"DAY"}
    for node in nodes:
        imported = datetime.fromisoformat(node["importedAt"])
        assert imported.tzinfo is not None
        assert abs(datetime.now(UTC) - imported) < timedelta(days=1)
    sdl = (ROOT / "schema" / "archive.graphql").read_text()
    assert "scalar DateTime" in sdl
    assert "`2024-11-10T17:30:00Z`" in sdl


def test_stats_count_what_is_asked_through_fields_and_fragments(api: Api) -> None:
    every = api.data("{ stats { articles sources quotes actors places events mentions } }")
    stats = every["stats"]
    assert stats["quotes"] == api.data("{ quotes { totalCount } }")["quotes"]["totalCount"] > 0
    assert stats["mentions"] > 0
    partial = api.data(
        "query { stats { quotes ...Rest ... on Stats { places } __typename } }"
        " fragment Rest on Stats { events actors }"
    )["stats"]
    assert partial == {
        "quotes": stats["quotes"],
        "events": stats["events"],
        "actors": stats["actors"],
        "places": stats["places"],
        "__typename": "Stats",
    }
    assert api.data("{ stats { __typename } }") == {"stats": {"__typename": "Stats"}}


def test_page_size_limit_and_malformed_ids_and_cursors_are_user_errors(api: Api) -> None:
    assert api.error_code("{ quotes(first: 101) { totalCount } }") == "BAD_USER_INPUT"
    assert api.error_code('{ node(id: "not an id") { id } }') == "BAD_USER_INPUT"
    assert api.error_code('{ quotes(after: "bm9wZQ") { totalCount } }') == "BAD_USER_INPUT"
    assert (
        api.error_code('{ quotes(where: {id: {eq: "QWN0b3I6MQ"}}) { totalCount } }')
        == "BAD_USER_INPUT"
    )
    assert api.data('{ node(id: "UXVvdGU6OTk5OTk5") { id } }') == {"node": None}
    assert api.error_code('{ article(url: "") { id } }') == "BAD_USER_INPUT"
    assert api.data('{ article(url: "https://nowhere.example/x") { id } }') == {"article": None}


def test_lookups_by_natural_keys_go_through_aliases(api: Api) -> None:
    data = api.data(
        '{ a: actor(name: "SDF") { name kind } b: place(name: "Sweida") { name latitude } }'
    )
    assert data["a"] == {"name": "Syrian Democratic Forces", "kind": "ARMED_GROUP"}
    assert data["b"]["name"] == "Suwayda"
    assert data["b"]["latitude"] > 32


def test_filters_compose_and_nest(api: Api) -> None:
    def count(where: dict[str, Any]) -> int:
        query = "query($w: QuoteFilter) { quotes(where: $w) { totalCount } }"
        return int(api.data(query, {"w": where})["quotes"]["totalCount"])

    everything = count({})
    direct = {"direct": True}
    assert count(direct) + count({"not": direct}) == everything
    affiliated = {"speaker": {"affiliatedWith": {"name": {"eq": "SDF"}}}}
    # the SDF's one affiliated speaker in the samples is its commander
    assert count(affiliated) == count({"speaker": {"name": {"eq": "Mazloum Abdi"}}}) > 0
    assert count({"or": [affiliated, direct]}) == count(direct) + count(
        {"and": [affiliated, {"direct": False}]}
    )
    in_range = {"article": {"published": {"from": "2024-12-01", "to": "2024-12-31"}}}
    at_place = {"article": {"mentionsPlace": {"name": {"eq": "Damascus"}}}}
    assert 0 < count({"and": [in_range, at_place]}) < everything


def test_search_ranks_highlights_and_escapes(api: Api) -> None:
    data = api.data(
        '{ quotes(search: "\\"never leave\\" OR airport*", first: 5) { edges { highlight rank node { text } } } }'
    )
    edges = data["quotes"]["edges"]
    assert edges
    assert all("<mark>" in e["highlight"] for e in edges)
    assert [e["rank"] for e in edges] == sorted((e["rank"] for e in edges), reverse=True)


@pytest.mark.parametrize(
    "text",
    ['fox"', "O'Reilly", "C++", "-x", "title:", "AND", "", "(((", "NOT", "*", "a" * 600, "nul\x00"],
)
def test_any_search_string_gets_an_answer_or_a_clear_error(api: Api, text: str) -> None:
    for field in ("quotes", "articles"):
        answer = api.post(
            f"query($s: String) {{ {field}(search: $s) {{ totalCount edges {{ highlight }} }} }}",
            {"s": text},
        )
        if answer.get("errors"):
            assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", answer
        else:
            assert answer["data"][field]["totalCount"] >= 0


def test_a_nul_character_in_any_argument_is_a_user_error(api: Api) -> None:
    for query in (
        "query($s: String!) { source(name: $s) { id } }",
        "query($s: String!) { actor(name: $s) { id } }",
        "query($s: String) { quotes(where: {text: {contains: $s}}) { totalCount } }",
    ):
        assert api.error_code(query, {"s": "a\x00b"}) == "BAD_USER_INPUT"
    assert api.error_code('{ source(name: "a\\u0000b") { id } }') == "BAD_USER_INPUT"
    assert api.data('{ source(name: "a\\u0001b") { id } }') == {"source": None}


def test_a_value_the_database_refuses_is_a_user_error(postgres_server_url: str) -> None:
    import asyncio

    from sqlalchemy import literal, select

    from archive.graphql.database import Database
    from archive.graphql.errors import BadUserInput

    async def read() -> None:
        engine = db.async_engine(postgres_server_url)
        database = Database(engine)
        try:
            await database.rows(select(literal("a\x00b")))
        finally:
            await database.close()
            await engine.dispose()

    with pytest.raises(BadUserInput, match="0x00"):
        asyncio.run(read())


def test_facets_agree_with_the_lists(api: Api) -> None:
    data = api.data(
        """{ quoteFacets(where: {direct: true}) { count speakers(limit: 3) { id label count }
             timeline(interval: MONTH) { start count } }
           quotes(where: {direct: true}) { totalCount } }"""
    )
    facets = data["quoteFacets"]
    assert facets["count"] == data["quotes"]["totalCount"]
    top = facets["speakers"][0]
    by_speaker = api.data(
        "query($id: ID) { quotes(where: {direct: true, speaker: {id: {eq: $id}}}) { totalCount } }",
        {"id": top["id"]},
    )
    assert by_speaker["quotes"]["totalCount"] == top["count"]
    assert sum(b["count"] for b in facets["timeline"]) <= facets["count"]


WIDE_SEARCH = "government OR people OR Syria OR forces OR said"
RANKED_PAGE = """query($search: String, $where: QuoteFilter, $after: String) {
  quotes(search: $search, where: $where, first: 4, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { rank node { id } } } }"""


def _ranked(api: Api, where: dict[str, Any] | None) -> tuple[list[tuple[str, float]], int]:
    """Every page of a ranked search, and the total count, which every page must agree on
    (the first counts its matches as it ranks them, the others separately)."""
    seen: list[tuple[str, float]] = []
    totals = set()
    after = None
    while True:
        variables = {"search": WIDE_SEARCH, "where": where, "after": after}
        page = api.data(RANKED_PAGE, variables)["quotes"]
        seen += [(e["node"]["id"], e["rank"]) for e in page["edges"]]
        totals.add(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            assert len(totals) == 1, totals
            return seen, totals.pop()
        after = page["pageInfo"]["endCursor"]


def test_a_search_alone_pages_like_a_search_with_filters(api: Api) -> None:
    """A search without filters is ranked from the full-text index alone; with a filter that
    keeps every quote it goes through the general path. Both give the same pages."""
    alone, alone_count = _ranked(api, None)
    every_quote = {"or": [{"direct": True}, {"direct": False}]}
    filtered, filtered_count = _ranked(api, every_quote)
    assert alone == filtered
    assert len(alone) == len({i for i, _ in alone}) == alone_count == filtered_count > 8
    ranks = [r for _, r in alone]
    assert ranks == sorted(ranks, reverse=True)


def test_the_scale_benchmark_reference_reads_the_same_search_page(api: Api, database: str) -> None:
    searches = (WIDE_SEARCH, "Syria", '"Syrian Democratic Forces"')
    engine = db.sync_engine(database)
    try:
        with engine.connect() as connection:
            statements = reference_statements(connection, searches)
            expected = {}
            for query, (page, count) in statements.items():
                rows = connection.execute(page).all()
                total = rows[0].total if count is None else connection.scalar(count)
                expected[query] = ([row[0] for row in rows][:10], total)
    finally:
        engine.dispose()
    for query, (ids, count) in expected.items():
        data = api.data(
            "query($s: String) { quotes(search: $s, first: 10) { totalCount nodes { id } } }",
            {"s": query},
        )["quotes"]
        assert [pk_of(node["id"], "Quote") for node in data["nodes"]] == ids
        assert data["totalCount"] == count > 0


def test_facets_of_a_search_agree_with_the_lists(api: Api) -> None:
    data = api.data(
        """query($s: String) { quoteFacets(search: $s) { count
             speakers(limit: 100) { id count } speakerKinds { label count }
             sources(limit: 100) { id count } places(limit: 100) { id count }
             timeline(interval: YEAR) { start count } }
           quotes(search: $s) { totalCount } }""",
        {"s": WIDE_SEARCH},
    )
    facets = data["quoteFacets"]
    assert facets["count"] == data["quotes"]["totalCount"] > 8

    def total(where: dict[str, Any]) -> int:
        query = (
            "query($s: String, $w: QuoteFilter) { quotes(search: $s, where: $w) { totalCount } }"
        )
        return int(api.data(query, {"s": WIDE_SEARCH, "w": where})["quotes"]["totalCount"])

    for value in facets["speakers"]:
        assert total({"speaker": {"id": {"eq": value["id"]}}}) == value["count"]
    for value in facets["speakerKinds"]:
        assert total({"speaker": {"kind": [value["label"].upper()]}}) == value["count"]
    for value in facets["sources"]:
        assert total({"article": {"source": {"id": {"eq": value["id"]}}}}) == value["count"]
    for value in facets["places"]:
        assert total({"article": {"mentionsPlace": {"id": {"eq": value["id"]}}}}) == value["count"]
    for bucket in facets["timeline"]:
        year = bucket["start"][:4]
        period = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
        assert total({"article": {"published": period}}) == bucket["count"]


@contextmanager
def reads(api: Api) -> Iterator[list[str]]:
    """The statements that read the database while in the block."""
    statements: list[str] = []

    def seen(*arguments: Any) -> None:
        if arguments[2].lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(arguments[2])

    engines = db.statement_engines(api.app.state.engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", seen)


def _searching(statement: str) -> bool:
    return "quotes_fts MATCH" in statement or "@@" in statement


def test_a_search_page_reads_its_matches_once_for_the_list_and_once_for_the_facets(
    api: Api,
) -> None:
    """Every facet asked of one search is read in one statement, over the matches found once;
    on PostgreSQL, where a count rechecks every match on the table, a first page ranked by
    relevance counts the matches as it ranks them (FTS5 counts from its index alone). At a
    million quotes each read of a common word's matches was a fifth of a second."""
    with reads(api) as statements:
        data = api.data(
            """query($s: String) {
                 quotes(search: $s, first: 5) { totalCount nodes { id text } }
                 quoteFacets(search: $s) { count speakers { id } speakerKinds { label }
                   sources { id } places { id } timeline { start } } }""",
            {"s": WIDE_SEARCH},
        )
    assert data["quotes"]["totalCount"] == data["quoteFacets"]["count"] > 8
    searching = [s for s in statements if _searching(s)]
    postgres = api.app.state.engine.dialect.name == "postgresql"
    assert len(searching) == (2 if postgres else 3), searching
    assert len([s for s in searching if "position" in s]) == 1, searching
    assert all(s.count("MATCH" if "quotes_fts" in s else "@@") == 1 for s in searching)


def test_article_and_event_facets_agree_with_the_lists(api: Api) -> None:
    data = api.data(
        """{ articleFacets { count actorKinds { label count } places(limit: 100) { id count } }
           eventFacets { count kinds { label count } actors(limit: 100) { id count } } }"""
    )
    articles, events = data["articleFacets"], data["eventFacets"]

    def articles_where(where: dict[str, Any]) -> int:
        query = "query($w: ArticleFilter) { articles(where: $w) { totalCount } }"
        return int(api.data(query, {"w": where})["articles"]["totalCount"])

    def events_where(where: dict[str, Any]) -> int:
        query = "query($w: EventFilter) { events(where: $w) { totalCount } }"
        return int(api.data(query, {"w": where})["events"]["totalCount"])

    assert articles["actorKinds"]
    assert events["kinds"]
    for value in articles["actorKinds"]:
        assert (
            articles_where({"mentionsActor": {"kind": [value["label"].upper()]}}) == value["count"]
        )
    for value in articles["places"]:
        assert articles_where({"mentionsPlace": {"id": {"eq": value["id"]}}}) == value["count"]
    for value in events["kinds"]:
        assert events_where({"kind": [value["label"].upper()]}) == value["count"]
    for value in events["actors"]:
        assert events_where({"participant": {"id": {"eq": value["id"]}}}) == value["count"]
    assert sum(v["count"] for v in events["kinds"]) == events["count"]


def test_limits_refuse_abusive_documents(api: Api) -> None:
    nested = "{ quotes(first: 100) { nodes { speaker { quotes(first: 100) { nodes { id } } } } } }"
    assert api.error_code(nested) == "GRAPHQL_VALIDATION_FAILED"
    deep = "{ quotes { nodes { article { quotes { article { quotes { article { quotes { article { quotes { article { id } } } } } } } } } } } }"
    assert api.error_code(deep) == "GRAPHQL_VALIDATION_FAILED"
    aliases = "{ " + " ".join(f"a{i}: stats {{ quotes }}" for i in range(40)) + " }"
    assert api.error_code(aliases) == "GRAPHQL_VALIDATION_FAILED"
    assert api.error_code("{ quotes(") == "GRAPHQL_PARSE_FAILED"


def fan_out(levels: int) -> str:
    """Fragments that each spread the next one twice: about 40 characters a level, expanding to
    2**levels copies of the innermost selection."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    return (
        "{ ...F0 } "
        + " ".join(fragments)
        + f" fragment F{levels} on Query {{ stats {{ quotes }} }}"
    )


@pytest.mark.timeout(60)  # before the fix, validating this took minutes
def test_fragment_fan_out_is_refused_by_post_get_and_the_console(api: Api) -> None:
    document = fan_out(40)
    answer = api.post(document)
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "expands to" in answer["errors"][0]["message"]
    by_get = httpx.get(api.base + "/graphql", params={"query": document}, timeout=60)
    assert by_get.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    console = httpx.post(api.base + "/api", data={"query": document}, timeout=60)
    assert console.status_code == 200
    assert "GRAPHQL_VALIDATION_FAILED" in console.text


@pytest.mark.timeout(60)
def test_a_document_of_many_repeated_fields_is_refused(api: Api) -> None:
    document = "{ " + " ".join(["stats { quotes }"] * 1990) + " }"
    answer = api.post(document)
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "expands to" in answer["errors"][0]["message"]


def test_copies_of_a_valid_document_that_differ_in_comments_are_validated_once(
    api: Api,
) -> None:
    """Each copy is parsed (in linear time, within the token limit), but not validated again:
    a comment of another length moves every node, and the nodes' positions are part of the
    parse cache's documents."""
    from archive.graphql.schema import _validate

    # a document no other test (nor this one on the other backend) has sent: the caches are
    # the process's
    alias = f"q{uuid.uuid4().hex}"
    document = (
        f"{{ {alias}: quotes(first: 3) {{ totalCount nodes {{ text speaker {{ name }} }} }} }}"
    )
    before = _validate.cache_info().misses
    answers = [api.data("#" * n + "\n" + document) for n in range(1, 6)]
    assert _validate.cache_info().misses == before + 1
    assert all(answer == answers[0] for answer in answers)
    invalid = api.post("# another comment\n{ quotes(first: 3) { nope } }")["errors"][0]
    assert invalid["locations"] == [{"line": 2, "column": 22}]


def test_a_document_that_reuses_fragments_within_the_limits_runs(api: Api) -> None:
    document = fan_out(3)  # 8 copies of { stats { quotes } }, merged into one field
    assert api.data(document) == {"stats": {"quotes": ANY}}


def test_user_mistakes_in_values_are_user_errors_not_server_errors(api: Api) -> None:
    page = "query($n: Int) { quotes(first: $n) { totalCount } }"
    assert api.error_code(page, {"n": 1.5}) == "BAD_USER_INPUT"
    assert api.error_code(page, {"n": 1e20}) == "BAD_USER_INPUT"
    named = "query($s: String) { actors(where: {name: {contains: $s}}) { totalCount } }"
    lone_surrogate = json.dumps({"query": named, "variables": {"s": "a\ud800b"}})
    answer = httpx.post(
        api.base + "/graphql", content=lone_surrogate, headers={"content-type": "application/json"}
    ).json()
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_long = api.post(named, {"s": "a" * 1_000_000})["errors"][0]
    assert too_long["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at most 1000 characters" in too_long["message"]
    for levels, code in ((60, "GRAPHQL_VALIDATION_FAILED"), (300, "GRAPHQL_PARSE_FAILED")):
        nested = "{}"
        for _ in range(levels):
            nested = "{and: [" + nested + "]}"
        deep = api.post("{ quotes(where: " + nested + ") { totalCount } }")["errors"][0]
        assert deep["extensions"]["code"] == code
        assert "nested" in deep["message"]
        assert "recursion" not in deep["message"]
    deep_variable: dict[str, Any] = {}
    for _ in range(300):
        deep_variable = {"and": [deep_variable]}
    where = "query($w: QuoteFilter) { quotes(where: $w) { totalCount } }"
    assert api.error_code(where, {"w": deep_variable}) == "BAD_USER_INPUT"
    cycle = api.post("{ ...F } fragment F on Query { ...F }")["errors"][0]
    assert cycle["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "recursion" not in cycle["message"]


@pytest.mark.parametrize("body", [b"null", b"NaN", b"7", b"[" * 100_000 + b"]" * 100_000])
def test_a_request_body_that_is_not_a_json_object_is_a_400(api: Api, body: bytes) -> None:
    response = httpx.post(
        api.base + "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text[:300]


# ---------------------------------------------------------------------------- N+1


NESTED = """query($n: Int!) { quotes(first: $n) { nodes { text
  speaker { name affiliations { role organization { name } } }
  article { title source { name } } } } }"""


def _counting_app(path: Path, items: list[dict[str, Any]]) -> tuple[Any, list[str]]:
    """An app on a new SQLite file at ``path`` holding ``items`` (each a new article), and
    the list its SELECT statements are appended to."""
    from archive.importer.readers import Reader

    url = f"sqlite:///{path}"
    engine = db.sync_engine(url)
    db.migrate(engine)
    assert load_items(engine, Reader(5_000_000).objects(items, path.stem)).imported == len(items)
    engine.dispose()
    app = create_app(Settings(database_url=url))
    statements: list[str] = []

    def seen(*arguments: Any) -> None:
        if arguments[2].lstrip().upper().startswith("SELECT"):
            statements.append(arguments[2])

    for engine in db.statement_engines(app.state.engine):
        event.listen(engine, "before_cursor_execute", seen)
    return app, statements


def test_statement_count_does_not_grow_with_the_page(tmp_path: Path) -> None:
    items = [
        {
            "title": f"Story {i}",
            "body": f"“Words number {i},” said Person {i % 9}.",
            "url": f"https://news{i % 4}.example/{i}",
            "source": f"Outlet {i % 4}",
            "published": "2024-12-06",
            "actors": [
                {
                    "name": f"Person {i % 9}",
                    "kind": "person",
                    "affiliations": [{"organization": f"Party {i % 3}", "role": "chair"}],
                },
                {"name": f"Party {i % 3}", "kind": "organization"},
            ],
            "quotes": [
                {"text": f"Words number {i},", "speaker": f"Person {i % 9}", "direct": True}
            ],
        }
        for i in range(60)
    ]
    app, statements = _counting_app(tmp_path / "many.db", items)
    with serve_app(app) as base:
        api = Api(base, app)
        counts = []
        for n in (5, 50):
            statements.clear()
            nodes = api.data(NESTED, {"n": n})["quotes"]["nodes"]
            assert len(nodes) == n
            # every article states the speaker's one role again; it is listed once
            assert all(
                q["speaker"]["affiliations"] == [{"role": "chair", "organization": {"name": ANY}}]
                for q in nodes
            ), nodes[0]["speaker"]
            assert all(q["article"]["source"]["name"].startswith("Outlet ") for q in nodes)
            counts.append(len(statements))
    # one statement per relation per page: the quotes, their speakers, the speakers'
    # affiliations, the organisations of those, the quotes' articles, the articles' outlets
    assert counts == [6, 6], counts


ARTICLE_TREE = """{ articles(first: %d) { nodes { title
  quotes { text speaker { name aliases } }
  events { kind place { name aliases } participants { role actor { name } } }
  mentions { text actor { name } place { name } } } } }"""


def test_an_article_tree_is_read_one_statement_per_relation(tmp_path: Path) -> None:
    items = [
        {
            "title": f"Report {i}",
            "body": f"Crowds marched in Town {i % 3} for day {i}. “We stay,” said Speaker {i % 5}.",
            "url": f"https://wire.example/{i}",
            "quotes": [{"text": "We stay,", "speaker": f"Speaker {i % 5}", "direct": True}],
            "actors": [{"name": f"Speaker {i % 5}", "kind": "person"}],
            "places": [{"name": f"Town {i % 3}"}],
            "events": [
                {"kind": "protest", "place": f"Town {i % 3}", "actors": [f"Speaker {i % 5}"]}
            ],
        }
        for i in range(30)
    ]
    app, statements = _counting_app(tmp_path / "tree.db", items)
    with serve_app(app) as base:
        api = Api(base, app)
        counts = []
        for n in (3, 30):
            statements.clear()
            nodes = api.data(ARTICLE_TREE % n)["articles"]["nodes"]
            assert len(nodes) == n
            for article in nodes:
                number = int(article["title"].split()[-1])
                (quote,) = article["quotes"]
                assert quote["speaker"]["name"] == f"Speaker {number % 5}"
                assert f"Speaker {number % 5}" in quote["speaker"]["aliases"]
                (happened,) = article["events"]
                assert happened["place"]["name"] == f"Town {number % 3}"
                assert happened["participants"][0]["actor"]["name"] == f"Speaker {number % 5}"
                assert {m["text"] for m in article["mentions"]} >= {f"Town {number % 3}"}
            counts.append(len(statements))
    # articles; their quotes, the speakers, their aliases; events, places, the places'
    # aliases, participants, their actors; mentions, their actors, their places
    assert counts == [12, 12], counts


def test_unexpected_errors_are_masked_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    engine = db.sync_engine(url)
    db.migrate(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE sources RENAME TO sources_elsewhere")
    engine.dispose()
    app = create_app(Settings(database_url=url))
    with serve_app(app) as base, caplog.at_level("ERROR", logger="archive.graphql"):
        answer = Api(base, app).post("{ sources(first: 1) { totalCount } }")
    assert answer["errors"] == [
        {
            "message": "Unexpected error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["sources"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]
    assert "no such table: sources" in caplog.text


# ---------------------------------------------------------------------------- changes


def test_mutations_need_tokens_are_audited_and_keep_the_archive_whole(database: str) -> None:
    app = create_app(Settings(database_url=database))
    engine = db.sync_engine(database)
    editor = create_token(engine, "editor-test", "editor")
    admin = create_token(engine, "admin-test", "admin")
    revoked = create_token(engine, "gone-test", "editor")
    revoke_token(engine, "gone-test")
    engine.dispose()
    with serve_app(app) as base:
        api = Api(base, app)
        quote = api.data(
            "{ quotes(first: 1, where: {hasSpeaker: true, direct: true}) { nodes { id speaker { id name } } } }"
        )["quotes"]["nodes"][0]
        other = api.data('{ actor(name: "Mazloum Abdi") { id } }')["actor"]["id"]
        change = "mutation($q: ID!, $s: ID) { setQuoteSpeaker(quote: $q, speaker: $s) { speaker { id } origin } }"
        variables = {"q": quote["id"], "s": other}
        assert api.error_code(change, variables) == "UNAUTHENTICATED"
        assert api.error_code(change, variables, token=revoked) == "UNAUTHENTICATED"
        changed = api.data(change, variables, token=editor)["setQuoteSpeaker"]
        assert changed == {"speaker": {"id": other}, "origin": "CURATED"}
        audit = "{ auditLog(first: 1) { nodes { who action targetId before after } } }"
        assert api.error_code(audit) == "UNAUTHENTICATED"
        entry = api.data(audit, token=editor)["auditLog"]["nodes"][0]
        assert (entry["who"], entry["action"], entry["targetId"]) == (
            "editor-test",
            "setQuoteSpeaker",
            quote["id"],
        )
        assert entry["before"]["id"] == entry["after"]["id"] == quote["id"]
        assert entry["before"]["speaker_id"] == quote["speaker"]["id"]
        assert entry["after"]["speaker_id"] == other

        # merging: an editor may not; an admin moves quotes and aliases
        merge = "mutation($a: ID!, $b: ID!) { mergeActors(into: $a, from: $b) { name aliases quotes { totalCount } } }"
        abdi = api.data('{ actor(name: "Mazloum Abdi") { id quotes { totalCount } } }')["actor"]
        sdf = api.data('{ actor(name: "SDF") { id quotes { totalCount } } }')["actor"]
        assert api.error_code(merge, {"a": abdi["id"], "b": sdf["id"]}, token=editor) == "FORBIDDEN"
        merged = api.data(merge, {"a": abdi["id"], "b": sdf["id"]}, token=admin)["mergeActors"]
        assert (
            merged["quotes"]["totalCount"]
            == abdi["quotes"]["totalCount"] + sdf["quotes"]["totalCount"]
        )
        assert api.data('{ actor(name: "SDF") { id } }')["actor"]["id"] == abdi["id"]

        # deleting an article takes its quotes out of lists and search
        article = api.data(
            '{ articles(first: 1, search: "Aleppo airport") { nodes { id quotes { text } } } }'
        )["articles"]["nodes"][0]
        word = article["quotes"][0]["text"].split()[0]
        before = api.data("query($s: String) { quotes(search: $s) { totalCount } }", {"s": word})[
            "quotes"
        ]["totalCount"]
        deleted = api.data(
            "mutation($a: ID!) { deleteArticle(article: $a) { quotes } }",
            {"a": article["id"]},
            token=admin,
        )
        assert deleted["deleteArticle"]["quotes"] == len(article["quotes"])
        assert api.data("query($a: ID!) { node(id: $a) { id } }", {"a": article["id"]}) == {
            "node": None
        }
        after = api.data("query($s: String) { quotes(search: $s) { totalCount } }", {"s": word})[
            "quotes"
        ]["totalCount"]
        assert after < before

        # importing runs the pipeline; the same article again is a duplicate
        body = {
            "title": "Council vote",
            "body": "“We are ready,” said Mayor Ana Lopez on Tuesday.",
            "url": "https://example.org/vote",
        }
        imported = api.data(
            "mutation($a: JSON!) { importArticles(articles: $a) { imported duplicates articles { quotes { text speaker { name } } } } }",
            {"a": [body]},
            token=editor,
        )["importArticles"]
        assert imported["imported"] == 1
        assert imported["articles"][0]["quotes"][0]["speaker"]["name"] == "Ana Lopez"
        again = api.data(
            "mutation($a: JSON!) { importArticles(articles: $a) { imported duplicates } }",
            {"a": [body]},
            token=editor,
        )
        assert again["importArticles"] == {"imported": 0, "duplicates": 1}

        # importArticles takes articles only, and its audit entry names what it stored
        actors_before = api.data("{ actors { totalCount } }")["actors"]["totalCount"]
        quote = {
            "record": "quote",
            "article_url": "https://example.org/vote",
            "text": "ready",
            "direct": True,
        }
        actor = {"record": "actor", "name": "Somebody New", "kind": "person"}
        mixed = api.data(
            "mutation($a: JSON!) { importArticles(articles: $a) { imported duplicates rejected } }",
            {"a": [quote, actor, {**body, "url": "https://example.org/vote-2", "body": "Other."}]},
            token=editor,
        )["importArticles"]
        assert mixed["imported"] == 1
        assert [r.split(":")[0] for r in mixed["rejected"]] == ["#1", "#2"]
        assert all("takes articles" in r for r in mixed["rejected"])
        assert api.data("{ actors { totalCount } }")["actors"]["totalCount"] == actors_before
        entry = api.data("{ auditLog(first: 1) { nodes { action after } } }", token=admin)[
            "auditLog"
        ]["nodes"][0]
        assert entry["action"] == "importArticles"
        assert entry["after"]["imported"] == 1
        assert entry["after"]["rejected"] == 2
        [stored] = entry["after"]["articles"]
        assert api.data(
            "query($a: ID!) { node(id: $a) { ... on Article { url } } }", {"a": stored}
        ) == {"node": {"url": "https://example.org/vote-2"}}


def test_a_place_is_found_by_a_spelling_transliterated_alike(api: Api) -> None:
    found = api.data(
        '{ place(name: "Deir Ezzor") { name } other: place(name: "Dayr az Zawr") { name } }'
    )
    assert found == {"place": {"name": "Deir ez-Zor"}, "other": {"name": "Deir ez-Zor"}}
    assert api.data('{ place(name: "Ezzorville") { name } }') == {"place": None}


def test_name_filters_ignore_case_and_accents_like_the_search(api: Api) -> None:
    query = "query($text: String!) { actors(first: 5, where: {name: {contains: $text}}) { nodes { name } } }"
    for text in ("Mazon", "MAZÓN", "mazón"):
        names = [n["name"] for n in api.data(query, {"text": text})["actors"]["nodes"]]
        assert names == ["Carlos Mazón"], text


def test_a_persisted_query_runs_by_its_hash(api: Api) -> None:
    document = "query Counted { stats { quotes } }"
    digest = hashlib.sha256(document.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    url = api.base + "/graphql"
    unknown = httpx.post(url, json={"extensions": persisted}).json()
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    sent = httpx.post(url, json={"query": document, "extensions": persisted}).json()
    assert sent["data"]["stats"]["quotes"] > 0
    by_hash = httpx.post(url, json={"extensions": persisted}).json()
    assert by_hash == sent
    fetched = httpx.get(url, params={"extensions": json.dumps(persisted)})
    assert fetched.status_code == 200
    assert fetched.json() == sent
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    mismatch = httpx.post(url, json={"query": document, "extensions": wrong})
    assert mismatch.status_code == 400
    assert "does not match" in mismatch.text
    malformed = {"persistedQuery": {"version": 1, "sha256Hash": "not-a-hash"}}
    assert httpx.post(url, json={"extensions": malformed}).status_code == 400


def test_places_and_events_are_found_within_an_area(api: Api) -> None:
    circle = {"near": {"latitude": 34.80, "longitude": 36.73, "km": 20}}
    query = """query($area: GeoArea!) {
      places(first: 50, where: {within: $area}) { nodes { name } }
      events(first: 50, where: {place: {within: $area}}) { nodes { place { name } } }
    }"""
    found = api.data(query, {"area": circle})
    names = {p["name"] for p in found["places"]["nodes"]}
    assert {"Homs", "Rastan", "Talbiseh"} <= names
    assert "Hama" not in names  # 37 km from the point
    assert {e["place"]["name"] for e in found["events"]["nodes"]} <= names
    assert found["events"]["nodes"]
    spain = {"box": {"south": 36, "west": -10, "north": 44, "east": 4}}
    boxed = {p["name"] for p in api.data(query, {"area": spain})["places"]["nodes"]}
    assert {"Madrid", "Valencia", "Paiporta"} <= boxed
    assert "Damascus" not in boxed
    for wrong in (
        {"box": {"south": 44, "west": -10, "north": 36, "east": 4}},
        {"near": {"latitude": 95, "longitude": 0, "km": 10}},
        {"near": {"latitude": 34, "longitude": 36, "km": 0}},
        spain | circle,
        {},
    ):
        assert api.error_code(query, {"area": wrong}) == "BAD_USER_INPUT", wrong
