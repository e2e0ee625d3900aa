"""Editing in the pages, over plain HTTP on SQLite and PostgreSQL: an editor signs in with a
token, fixes a quote's speaker with a form that works without JavaScript, and signs out;
anonymous readers see no edit control, and a post without a session or without the form
token is refused (403) and changes nothing."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from archive import db
from archive.app import create_app
from archive.settings import Settings
from archive.tokens import create_token, password_hash, password_matches, revoke_token
from tests.conftest import BACKENDS, database_with_samples, run_cli
from tests.editors import anonymous, editor_token, form_token, signed_in
from tests.server import live_server


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("pages-editing")
    with database_with_samples(request.param, folder) as url, live_server(url) as base:
        yield base, url


def _a_quote(base: str) -> dict[str, Any]:
    answer = httpx.post(
        base + "/graphql",
        json={
            "query": "{ quotes(first: 1, where: {hasSpeaker: true}) { nodes { id speaker { name } } } }"
        },
    ).json()
    return answer["data"]["quotes"]["nodes"][0]  # type: ignore[no-any-return]


def _speaker(base: str, quote: str) -> Any:
    query = "query($id: ID!) { node(id: $id) { ... on Quote { origin speaker { name kind } } } }"
    return httpx.post(base + "/graphql", json={"query": query, "variables": {"id": quote}}).json()[
        "data"
    ]["node"]


def test_the_session_cookie_is_http_only_and_same_site(site: tuple[str, str]) -> None:
    base, url = site
    with anonymous(base) as client:
        csrf = form_token(client.get("/signin"))
        answer = client.post(
            "/signin", data={"csrf": csrf, "token": editor_token(url, "cookie-check"), "next": "/"}
        )
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("archive_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; behind TLS the flag is set
    assert answer.headers["location"] == "/"


def test_an_unknown_token_does_not_sign_in(site: tuple[str, str]) -> None:
    base, _ = site
    with anonymous(base) as client:
        csrf = form_token(client.get("/signin"))
        answer = client.post("/signin", data={"csrf": csrf, "token": "arc_not-a-token"})
        assert answer.status_code == 401
        assert "unknown or revoked" in answer.text
        assert "archive_session" not in client.cookies


def test_a_sign_in_without_its_form_token_is_refused(site: tuple[str, str]) -> None:
    base, url = site
    answer = httpx.post(base + "/signin", data={"token": editor_token(url, "no-form-token")})
    assert answer.status_code == 403
    assert "archive_session" not in answer.headers.get("set-cookie", "")


def test_an_editor_fixes_a_speaker_and_the_change_is_audited(site: tuple[str, str]) -> None:
    base, url = site
    token = editor_token(url, "fixer")
    quote = _a_quote(base)
    with signed_in(base, token) as client:
        page = client.get(f"/quotes/{quote['id']}")
        assert "Set speaker" in page.text
        assert "fixer" in page.text  # the header names who is signed in
        csrf = form_token(page)

        moved = client.post(
            f"/quotes/{quote['id']}/speaker",
            data={"csrf": csrf, "speaker": "Wilhelmina Testcase", "kind": "person"},
        )
        assert moved.status_code == 303
        assert moved.headers["location"] == f"/quotes/{quote['id']}"
        assert _speaker(base, quote["id"]) == {
            "origin": "CURATED",
            "speaker": {"name": "Wilhelmina Testcase", "kind": "PERSON"},
        }
        assert "checked by an editor" in client.get(f"/quotes/{quote['id']}").text

        cleared = client.post(f"/quotes/{quote['id']}/speaker", data={"csrf": csrf, "clear": "1"})
        assert cleared.status_code == 303
        assert _speaker(base, quote["id"])["speaker"] is None

    log = httpx.post(
        base + "/graphql",
        json={"query": "{ auditLog(first: 3) { nodes { who action targetType } } }"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["data"]["auditLog"]["nodes"]
    assert [(e["who"], e["action"]) for e in log] == [
        ("fixer", "setQuoteSpeaker"),
        ("fixer", "setQuoteSpeaker"),
        ("fixer", "createActor"),
    ]


def _actor_count(base: str) -> int:
    answer = httpx.post(base + "/graphql", json={"query": "{ stats { actors } }"}).json()
    return int(answer["data"]["stats"]["actors"])


def test_a_known_name_sets_that_actor_without_creating_one(site: tuple[str, str]) -> None:
    base, url = site
    quote = _a_quote(base)
    before = _actor_count(base)
    with signed_in(base, editor_token(url, "namer")) as client:
        csrf = form_token(client.get(f"/quotes/{quote['id']}"))
        # any spelling of a known actor: the sample names al-Jolani by his real name too
        form = {"csrf": csrf, "speaker": "ahmed AL-SHARAA"}
        assert client.post(f"/quotes/{quote['id']}/speaker", data=form).status_code == 303
    assert _speaker(base, quote["id"])["speaker"]["name"] == "Abu Mohammed al-Jolani"
    assert _actor_count(base) == before


def test_posts_without_a_session_or_a_form_token_change_nothing(site: tuple[str, str]) -> None:
    base, url = site
    quote = _a_quote(base)
    before = _speaker(base, quote["id"])
    with anonymous(base) as reader:
        page = reader.get(f"/quotes/{quote['id']}")
        assert "Set speaker" not in page.text
        assert "Sign in to edit" in page.text
        refused = reader.post(
            f"/quotes/{quote['id']}/speaker", data={"csrf": "guess", "speaker": "Mallory"}
        )
        assert refused.status_code == 403

    with signed_in(base, editor_token(url, "forgetful")) as editor:
        for form in ({"speaker": "Mallory"}, {"csrf": "wrong", "speaker": "Mallory"}):
            assert editor.post(f"/quotes/{quote['id']}/speaker", data=form).status_code == 403
    assert _speaker(base, quote["id"]) == before


def test_signing_out_or_revoking_the_token_ends_the_session(site: tuple[str, str]) -> None:
    base, url = site
    quote = _a_quote(base)
    with signed_in(base, editor_token(url, "leaver")) as first:
        cookie = first.cookies["archive_session"]
        csrf = form_token(first.get(f"/quotes/{quote['id']}"))
        assert first.post("/signout", data={"csrf": csrf, "next": "/"}).status_code == 303
        assert "archive_session" not in first.cookies
    with anonymous(base) as replay:  # the old cookie, sent again: the session is gone
        replay.cookies.set("archive_session", cookie)
        assert "Set speaker" not in replay.get(f"/quotes/{quote['id']}").text
        form = {"csrf": csrf, "clear": "1"}
        assert replay.post(f"/quotes/{quote['id']}/speaker", data=form).status_code == 403

    with signed_in(base, editor_token(url, "revoked")) as second:
        csrf = form_token(second.get(f"/quotes/{quote['id']}"))
        engine = db.sync_engine(url)
        try:
            revoke_token(engine, "revoked")
        finally:
            engine.dispose()
        refused = second.post(f"/quotes/{quote['id']}/speaker", data={"csrf": csrf, "clear": "1"})
        assert refused.status_code == 403
        assert "Set speaker" not in second.get(f"/quotes/{quote['id']}").text


def test_a_redirect_after_a_form_stays_on_this_site(site: tuple[str, str]) -> None:
    base, url = site
    with anonymous(base) as client:
        csrf = form_token(client.get("/signin"))
        answer = client.post(
            "/signin",
            data={
                "csrf": csrf,
                "token": editor_token(url, "redirected"),
                "next": "//evil.example/",
            },
        )
    assert answer.headers["location"] == "/"


def test_actor_suggestions_list_names_that_contain_what_is_typed(site: tuple[str, str]) -> None:
    base, _ = site
    answer = httpx.get(base + "/actors/suggest", params={"speaker": "jolan"})
    assert answer.status_code == 200
    assert '<option value="Abu Mohammed al-Jolani">' in answer.text
    assert httpx.get(base + "/actors/suggest", params={"speaker": "j"}).text.strip() == ""


def _fresh_archive(path: Path, editor: str) -> tuple[str, str]:
    """A new SQLite archive at ``path`` with a token for ``editor``: its URL and the token."""
    url = f"sqlite:///{path}"
    engine = db.sync_engine(url)
    try:
        db.migrate(engine)
        return url, create_token(engine, editor)
    finally:
        engine.dispose()


def test_behind_tls_the_session_cookie_is_secure(tmp_path: Path) -> None:
    url, token = _fresh_archive(tmp_path / "tls.db", "over-tls")
    app = create_app(Settings(database_url=url))

    async def sign_in() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://localhost") as client:
            csrf = form_token(await client.get("/signin"))
            answer = await client.post("/signin", data={"csrf": csrf, "token": token})
            assert answer.status_code == 303
            return answer.headers.get_list("set-cookie")

    try:
        cookies = asyncio.run(sign_in())
    finally:
        asyncio.run(db.dispose(app.state.engine))
    session = next(c for c in cookies if c.startswith("archive_session="))
    assert "Secure" in session
    assert "HttpOnly" in session


def _report(version: int) -> dict[str, Any]:
    """An article of the wire, as given with its annotations; version 2 adds a line above."""
    body = (
        "Crowds marched through Velmora on Friday. “The bridge must reopen,” said Ines Darrow."
        " “Nobody asked us,” a banner read."
    )
    if version == 2:
        body = "Updated with a photo. " + body
    return {
        "title": "Velmora march",
        "url": "https://wire.example/velmora-march",
        "published": "2026-11-27",
        "body": body,
        "quotes": [
            {"text": "The bridge must reopen,", "speaker": "Ines Darrow"},
            {"text": "Nobody asked us,"},
        ],
        "events": [
            {
                "kind": "protest",
                "place": "Velmora",
                "evidence": "Crowds marched through Velmora on Friday.",
            },
            {"kind": "clash", "place": "Velmora", "evidence": "“Nobody asked us,” a banner read."},
        ],
    }


def _velmora(base: str) -> dict[str, Any]:
    query = """{ article(url: "https://wire.example/velmora-march") {
      id quotes { id text origin } events { id kind origin } } }"""
    return httpx.post(base + "/graphql", json={"query": query}).json()["data"]["article"]  # type: ignore[no-any-return]


def test_what_an_editor_deletes_or_confirms_stays_so_after_an_update(
    site: tuple[str, str], tmp_path: Path
) -> None:
    base, url = site
    report = tmp_path / "velmora.json"
    report.write_text(json.dumps(_report(1)))
    assert run_cli("import", str(report), database_url=url, cwd=tmp_path).returncode == 0
    article = _velmora(base)
    banner = next(q for q in article["quotes"] if q["text"] == "Nobody asked us,")
    clash = next(e for e in article["events"] if e["kind"] == "CLASH")
    protest = next(e for e in article["events"] if e["kind"] == "PROTEST")

    with signed_in(base, editor_token(url, "corrector")) as editor:
        csrf = form_token(editor.get(f"/events/{protest['id']}"))
        confirmed = editor.post(f"/events/{protest['id']}/confirm", data={"csrf": csrf})
        assert confirmed.status_code == 303
        assert "checked by an editor" in editor.get(f"/events/{protest['id']}").text
        gone = editor.post(f"/events/{clash['id']}/delete", data={"csrf": csrf})
        assert gone.status_code == 303
        assert gone.headers["location"] == f"/articles/{article['id']}"
        assert editor.post(f"/quotes/{banner['id']}/delete", data={"csrf": csrf}).status_code == 303
    assert httpx.get(f"{base}/events/{clash['id']}").status_code == 404

    report.write_text(json.dumps(_report(2)))
    result = run_cli("import", "--update", str(report), database_url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = _velmora(base)
    assert [q["text"] for q in after["quotes"]] == ["The bridge must reopen,"]
    assert [(e["kind"], e["origin"]) for e in after["events"]] == [("PROTEST", "CURATED")]


def _left(page: httpx.Response, kind: str) -> int:
    found = re.search(rf'id="left-{kind}">(\d+)<', page.text)
    assert found is not None, page.text[:500]
    return int(found.group(1))


def _review_ids(page: httpx.Response) -> list[str]:
    return re.findall(r'action="/(?:quotes|events)/([^/"]+)/confirm"', page.text)


def test_the_review_queue_is_worked_through_in_place(site: tuple[str, str]) -> None:
    base, url = site
    with anonymous(base) as reader:
        page = reader.get("/review")
        assert page.status_code == 200
        assert _review_ids(page) == []  # readers see the queue, not the buttons
        unsure = _left(page, "quotes")
    assert unsure >= 3

    with signed_in(base, editor_token(url, "reviewer")) as editor:
        page = editor.get("/review")
        first, second, third = _review_ids(page)[:3]
        csrf = form_token(page)
        # without JavaScript: back to the queue
        accepted = editor.post(
            f"/quotes/{first}/confirm", data={"csrf": csrf, "next": "/review?kind=quotes"}
        )
        assert accepted.status_code == 303
        assert accepted.headers["location"] == "/review?kind=quotes"
        # from htmx: the row is replaced by nothing
        rejected = editor.post(
            f"/quotes/{second}/delete", data={"csrf": csrf}, headers={"HX-Request": "true"}
        )
        assert rejected.status_code == 200
        assert rejected.text == ""
        page = editor.get("/review")
        assert _left(page, "quotes") == unsure - 2
        assert first not in _review_ids(page)
        assert second not in _review_ids(page)
        assert third in _review_ids(page)
    assert _speaker(base, first)["origin"] == "CURATED"
    assert _speaker(base, second) is None


def test_the_review_queue_narrows_to_an_outlet(site: tuple[str, str]) -> None:
    base, _ = site
    with anonymous(base) as reader:
        everything = _left(reader.get("/review"), "quotes")
        outlets = re.findall(r'<option value="([^"]+)"', reader.get("/review").text)
        narrowed = [_left(reader.get("/review", params={"outlet": o}), "quotes") for o in outlets]
        assert reader.get("/review", params={"kind": "people"}).status_code == 400
    assert outlets
    assert sum(narrowed) <= everything
    assert all(n <= everything for n in narrowed)


def test_unsure_records_are_marked_and_can_be_left_out_of_a_search(site: tuple[str, str]) -> None:
    base, _ = site
    with anonymous(base) as reader:
        everything = reader.get("/", params={"kind": "quotes"}).text
        sure = reader.get("/", params={"kind": "quotes", "sure": "1"}).text
        events = reader.get("/", params={"kind": "events", "sure": "1"}).text
    assert 'class="unsure"' in everything
    assert 'class="unsure"' not in sure
    assert 'class="unsure"' not in events
    assert 'name="sure" value="1" checked' in sure
    unsure = httpx.post(
        base + "/graphql",
        json={"query": "{ quotes(first: 1, where: {confidence: {lt: 0.75}}) { nodes { id } } }"},
    ).json()["data"]["quotes"]["nodes"][0]["id"]
    assert "unsure attribution" in httpx.get(f"{base}/quotes/{unsure}").text


def _actor(base: str, name: str) -> Any:
    query = "query($n: String!) { actor(name: $n) { id name kind wikidataId description aliases } }"
    answer = httpx.post(base + "/graphql", json={"query": query, "variables": {"n": name}})
    return answer.json()["data"]["actor"]


def test_an_editor_corrects_an_actor_and_its_spellings(site: tuple[str, str]) -> None:
    base, url = site
    actor = _actor(base, "Mazloum Abdi")
    assert actor is not None
    with signed_in(base, editor_token(url, "actor-editor")) as editor:
        page = editor.get(f"/actors/{actor['id']}")
        csrf = form_token(page)
        form = {
            "csrf": csrf,
            "name": "Mazloum Kobani Abdi",
            "kind": "person",
            "wikidata_id": "Q60738960",
            "description": "Commander of the SDF.",
        }
        assert editor.post(f"/actors/{actor['id']}/edit", data=form).status_code == 303
        wrong = editor.post(f"/actors/{actor['id']}/edit", data=form | {"wikidata_id": "Q-1"})
        assert wrong.status_code == 400
        for alias in ("General Mazloum", "Mazloum the Commander"):
            added = {"csrf": csrf, "alias": alias}
            assert editor.post(f"/actors/{actor['id']}/aliases", data=added).status_code == 303
        gone = {"csrf": csrf, "alias": "Mazloum the Commander"}
        assert editor.post(f"/actors/{actor['id']}/aliases/remove", data=gone).status_code == 303
        name = {"csrf": csrf, "alias": "Mazloum Kobani Abdi"}
        assert editor.post(f"/actors/{actor['id']}/aliases/remove", data=name).status_code == 400
        assert "Preview the merge" not in editor.get(f"/actors/{actor['id']}").text  # admins only
    renamed = _actor(base, "Mazloum Abdi")  # the old name still finds it
    assert renamed["id"] == actor["id"]
    assert renamed["name"] == "Mazloum Kobani Abdi"
    assert (renamed["wikidataId"], renamed["description"]) == ("Q60738960", "Commander of the SDF.")
    assert "General Mazloum" in renamed["aliases"]
    assert _actor(base, "General Mazloum")["id"] == actor["id"]
    assert _actor(base, "Mazloum the Commander") is None


def test_an_admin_merges_two_actors_after_a_preview(site: tuple[str, str]) -> None:
    base, url = site
    with signed_in(base, editor_token(url, "merge-editor")) as editor:
        kept = _actor(base, "Syrian Democratic Forces")
        assert editor.get(f"/actors/{kept['id']}/merge", params={"from": "SDF"}).status_code == 403
    with signed_in(base, editor_token(url, "merge-admin", role="admin")) as admin:
        assert "Preview the merge" in admin.get(f"/actors/{kept['id']}").text
        created = httpx.post(
            base + "/graphql",
            json={
                "query": 'mutation { createActor(name: "Quwat Suriya al-Dimuqratiya", kind: ARMED_GROUP) { id } }'
            },
            headers={"Authorization": f"Bearer {editor_token(url, 'merge-api', role='admin')}"},
        ).json()["data"]["createActor"]
        preview = admin.get(
            f"/actors/{kept['id']}/merge", params={"from": "Quwat Suriya al-Dimuqratiya"}
        )
        assert preview.status_code == 200
        assert "Quwat Suriya al-Dimuqratiya" in preview.text
        assert "Syrian Democratic Forces" in preview.text
        form = {"csrf": form_token(preview), "from": created["id"]}
        assert admin.post(f"/actors/{kept['id']}/merge", data=form).status_code == 303
    assert _actor(base, "Quwat Suriya al-Dimuqratiya")["id"] == kept["id"]


def _place(base: str, name: str) -> Any:
    query = """query($n: String!) { place(name: $n) {
      id name countryCode latitude longitude geonamesId aliases } }"""
    answer = httpx.post(base + "/graphql", json={"query": query, "variables": {"n": name}})
    return answer.json()["data"]["place"]


def test_an_editor_moves_a_place_to_another_entry_or_sets_its_coordinates(
    site: tuple[str, str],
) -> None:
    base, url = site
    valencia = _place(base, "Valencia")
    assert valencia["countryCode"] == "ES"
    with anonymous(base) as reader:
        assert reader.get(f"/places/{valencia['id']}/where").status_code == 403
    with signed_in(base, editor_token(url, "geographer")) as editor:
        assert "Correct where it is" in editor.get(f"/places/{valencia['id']}").text
        page = editor.get(f"/places/{valencia['id']}/where")
        entries = dict(
            re.findall(
                r'name="geonames_id" value="(\d+)"[^>]*>\s*Valencia · \w+ · (\w\w)', page.text
            )
        )
        venezuelan = next(entry for entry, country in entries.items() if country == "VE")
        moved = editor.post(
            f"/places/{valencia['id']}/entry",
            data={"csrf": form_token(page), "geonames_id": venezuelan},
        )
        assert moved.status_code == 303
        after = _place(base, "Valencia")
        assert (after["id"], after["countryCode"], after["geonamesId"]) == (
            valencia["id"],
            "VE",
            int(venezuelan),
        )
        located = editor.post(
            f"/places/{valencia['id']}/location",
            data={
                "csrf": form_token(page),
                "latitude": "39.47",
                "longitude": "-0.376",
                "country_code": "es",
            },
        )
        assert located.status_code == 303
        wrong = editor.post(
            f"/places/{valencia['id']}/location",
            data={"csrf": form_token(page), "latitude": "139", "longitude": "0"},
        )
        assert wrong.status_code == 400
    after = _place(base, "Valencia")
    assert (after["latitude"], after["longitude"], after["countryCode"], after["geonamesId"]) == (
        39.47,
        -0.376,
        "ES",
        None,
    )


def test_a_place_given_another_places_entry_is_merged_into_it(site: tuple[str, str]) -> None:
    base, url = site
    token = editor_token(url, "place-merger", role="admin")
    damascus = _place(base, "Damascus")
    created = httpx.post(
        base + "/graphql",
        json={"query": "{ places(first: 100) { nodes { id name geonamesId } } }"},
    ).json()["data"]["places"]["nodes"]
    other = next(p for p in created if p["geonamesId"] and p["id"] != damascus["id"])
    merged = httpx.post(
        base + "/graphql",
        json={
            "query": "mutation($p: ID!, $g: Int!) { updatePlace(place: $p, geonamesId: $g) { id } }",
            "variables": {"p": other["id"], "g": damascus["geonamesId"]},
        },
        headers={"Authorization": f"Bearer {token}"},
    ).json()["data"]["updatePlace"]
    assert merged["id"] == damascus["id"]
    assert _place(base, other["name"])["id"] == damascus["id"]


def _event(base: str, event: str) -> Any:
    query = """query($id: ID!) { node(id: $id) { ... on Event {
      kind date datePrecision fatalities origin place { name }
      participants { role actor { id name } } } } }"""
    answer = httpx.post(base + "/graphql", json={"query": query, "variables": {"id": event}})
    return answer.json()["data"]["node"]


def test_an_editor_corrects_an_event_and_who_took_part(site: tuple[str, str]) -> None:
    base, url = site
    event = httpx.post(
        base + "/graphql",
        json={"query": "{ events(first: 1, where: {origin: [EXTRACTED]}) { nodes { id } } }"},
    ).json()["data"]["events"]["nodes"][0]["id"]
    with signed_in(base, editor_token(url, "event-editor")) as editor:
        page = editor.get(f"/events/{event}")
        assert "Correct this event" in page.text
        csrf = form_token(page)
        form = {
            "csrf": csrf,
            "kind": "clash",
            "date": "2026-11-20",
            "date_precision": "week",
            "place": "damascus",
            "fatalities": "3",
        }
        assert editor.post(f"/events/{event}/edit", data=form).status_code == 303
        nowhere = editor.post(f"/events/{event}/edit", data=form | {"place": "Atlantis Prime"})
        assert nowhere.status_code == 400
        assert "no place is named" in nowhere.text
        for actor, role in (("SDF", "actor2"), ("HTS", "actor1")):
            joined = {"csrf": csrf, "actor": actor, "role": role}
            assert editor.post(f"/events/{event}/participants", data=joined).status_code == 303
        hts = next(
            p["actor"]["id"] for p in _event(base, event)["participants"] if p["role"] == "ACTOR1"
        )
        out = {"csrf": csrf, "actor": hts}
        assert editor.post(f"/events/{event}/participants/remove", data=out).status_code == 303
    after = _event(base, event)
    assert (after["kind"], after["date"], after["datePrecision"], after["fatalities"]) == (
        "CLASH",
        "2026-11-20",
        "WEEK",
        3,
    )
    assert after["place"]["name"] == "Damascus"
    assert after["origin"] == "CURATED"
    assert [p["role"] for p in after["participants"]] == ["ACTOR2"]


def test_the_audit_log_shows_a_change_and_undoes_the_last_one(site: tuple[str, str]) -> None:
    base, url = site
    quote = _a_quote(base)
    before = _speaker(base, quote["id"])
    with anonymous(base) as reader:
        assert reader.get("/audit").status_code == 403
    with signed_in(base, editor_token(url, "undoer")) as editor:
        csrf = form_token(editor.get(f"/quotes/{quote['id']}"))
        for name in ("Xanthe Firstfix", "Yolanda Secondfix"):
            form = {"csrf": csrf, "speaker": name}
            assert editor.post(f"/quotes/{quote['id']}/speaker", data=form).status_code == 303
        page = editor.get("/audit")
        assert page.status_code == 200
        assert "Yolanda Secondfix" in page.text
        entries = re.findall(r'action="/audit/([^/"]+)/undo"', page.text)
        newest, older = entries[0], entries[1]
        refused = editor.post(f"/audit/{older}/undo", data={"csrf": csrf})
        assert refused.status_code == 400
        assert "changed again since" in refused.text
        assert editor.post(f"/audit/{newest}/undo", data={"csrf": csrf}).status_code == 303
        assert _speaker(base, quote["id"])["speaker"]["name"] == "Xanthe Firstfix"
        page = editor.get("/audit")
        assert re.search(r"<strong>undo</strong> by undoer", page.text)
        # the first fix is now the last change to the quote but one: the undo came after it
        again = editor.post(f"/audit/{older}/undo", data={"csrf": csrf})
        assert again.status_code == 400
    assert before != _speaker(base, quote["id"])


def test_an_editor_splits_an_actor_and_corrects_a_quotes_words(site: tuple[str, str]) -> None:
    base, url = site
    quote = _a_quote(base)
    speaker = _actor(base, _speaker(base, quote["id"])["speaker"]["name"])
    with signed_in(base, editor_token(url, "splitter")) as editor:
        page = editor.get(f"/actors/{speaker['id']}")
        assert f'name="quote" value="{quote["id"]}"' in page.text
        csrf = form_token(page)
        form = {"csrf": csrf, "quote": [quote["id"]], "name": "Zora Splitoff", "kind": "person"}
        split = editor.post(f"/actors/{speaker['id']}/split", data=form)
        assert split.status_code == 303
        assert split.headers["location"] == f"/actors/{_actor(base, 'Zora Splitoff')['id']}"
        nothing = editor.post(f"/actors/{speaker['id']}/split", data=form | {"quote": []})
        assert nothing.status_code == 400
        words = {"csrf": csrf, "text": "  Words an editor fixed  "}  # direct unchecked
        assert editor.post(f"/quotes/{quote['id']}/words", data=words).status_code == 303
    answer = httpx.post(
        base + "/graphql",
        json={
            "query": "query($id: ID!) { node(id: $id) { ... on Quote { text direct speaker { name } } } }",
            "variables": {"id": quote["id"]},
        },
    ).json()["data"]["node"]
    assert answer == {
        "text": "Words an editor fixed",
        "direct": False,
        "speaker": {"name": "Zora Splitoff"},
    }


def test_a_password_round_trips_and_refuses_what_is_not_it() -> None:
    stored = password_hash("correct horse battery")
    assert stored.startswith("scrypt$")
    assert "correct horse" not in stored
    assert password_matches(stored, "correct horse battery")
    assert not password_matches(stored, "correct horse batterY")
    assert not password_matches("scrypt$broken", "anything")
    assert not password_matches(None, "anything")
    assert password_hash("same", b"0" * 16) == password_hash("same", b"0" * 16)
    assert password_hash("same") != password_hash("same")  # a new salt each time


def test_an_editor_signs_in_with_a_name_and_a_password(
    site: tuple[str, str], tmp_path: Path
) -> None:
    base, url = site
    editor_token(url, "pw-editor")
    short = run_cli(
        "user",
        "password",
        "pw-editor",
        "--password-stdin",
        database_url=url,
        input_bytes=b"short\n",
    )
    assert short.returncode != 0
    assert "at least 12 characters" in short.stderr
    nobody = run_cli(
        "user",
        "password",
        "nobody-here",
        "--password-stdin",
        database_url=url,
        input_bytes=b"long enough password\n",
    )
    assert nobody.returncode != 0
    assert "no active token named 'nobody-here'" in nobody.stderr
    done = run_cli(
        "user",
        "password",
        "pw-editor",
        "--password-stdin",
        database_url=url,
        input_bytes=b"long enough password\n",
    )
    assert done.returncode == 0, done.stderr
    with anonymous(base) as client:
        csrf = form_token(client.get("/signin"))
        for name, password in (
            ("pw-editor", "not the password"),
            ("nobody-here", "long enough password"),
        ):
            refused = client.post(
                "/signin", data={"csrf": csrf, "name": name, "password": password}
            )
            assert refused.status_code == 401
            assert "do not match an editor" in refused.text
        signed = client.post(
            "/signin",
            data={
                "csrf": csrf,
                "name": "pw-editor",
                "password": "long enough password",
                "next": "/review",
            },
        )
        assert signed.status_code == 303
        assert signed.headers["location"] == "/review"
        assert "pw-editor" in client.get("/review").text


def test_the_article_page_marks_unsure_and_checked_quotes(site: tuple[str, str]) -> None:
    base, url = site
    query = "{ quotes(first: 100, where: {confidence: {lt: 0.75}}) { nodes { article { id } } } }"
    quotes = httpx.post(base + "/graphql", json={"query": query}).json()["data"]["quotes"]["nodes"]
    with signed_in(base, editor_token(url, "marker")) as editor:
        for article in dict.fromkeys(q["article"]["id"] for q in quotes):
            page = editor.get(f"/articles/{article}")
            found = re.search(r'class="quote unsure" href="/quotes/([^"]+)"', page.text)
            if found:
                break
        assert found is not None, "no article marks an unsure quote"
        quote = found.group(1)
        csrf = form_token(editor.get(f"/quotes/{quote}"))
        assert editor.post(f"/quotes/{quote}/confirm", data={"csrf": csrf}).status_code == 303
        page = editor.get(f"/articles/{article}")
        assert f'class="quote checked" href="/quotes/{quote}"' in page.text


def test_failed_sign_ins_are_braked(tmp_path: Path) -> None:
    url, token = _fresh_archive(tmp_path / "brake.db", "braked")
    with live_server(url) as base, anonymous(base) as client:
        csrf = form_token(client.get("/signin"))
        for _ in range(4):
            wrong = client.post("/signin", data={"csrf": csrf, "token": "arc_guess"})
            assert wrong.status_code == 401
        # A second server process on the same archive counts the same failures.
        with live_server(url) as other_base, anonymous(other_base) as other:
            other_csrf = form_token(other.get("/signin"))
            fifth = other.post("/signin", data={"csrf": other_csrf, "token": "arc_guess"})
            assert fifth.status_code == 401
            braked = other.post("/signin", data={"csrf": other_csrf, "token": token})
            assert braked.status_code == 429
        braked = client.post("/signin", data={"csrf": csrf, "token": token})
        assert braked.status_code == 429
        assert "Too many failed sign-ins" in braked.text
        assert "archive_session" not in client.cookies


def test_behind_a_trusted_proxy_failed_sign_ins_count_per_reader(tmp_path: Path) -> None:
    url, token = _fresh_archive(tmp_path / "proxied.db", "proxied")
    with live_server(url, "--forwarded-allow-ips", "*") as base, anonymous(base) as client:
        csrf = form_token(client.get("/signin"))
        guesser = {"X-Forwarded-For": "203.0.113.7"}
        for _ in range(5):
            wrong = client.post(
                "/signin", data={"csrf": csrf, "token": "arc_guess"}, headers=guesser
            )
            assert wrong.status_code == 401
        braked = client.post("/signin", data={"csrf": csrf, "token": token}, headers=guesser)
        assert braked.status_code == 429
        reader = {"X-Forwarded-For": "198.51.100.20"}
        answer = client.post("/signin", data={"csrf": csrf, "token": token}, headers=reader)
        assert answer.status_code == 303
