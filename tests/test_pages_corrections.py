"""Corrections of affiliations, and undo of every change the audit log can take back, over
plain HTTP on SQLite and PostgreSQL, in articles written for these tests and imported with
their annotations (so that what the machine states is known)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BACKENDS, postgres_database, run_cli
from tests.editors import anonymous, editor_token, form_token, signed_in
from tests.server import live_server


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    """A served archive (base URL, database URL) and a folder to write articles in."""
    folder = tmp_path_factory.mktemp("corrections")
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{folder / 'archive.db'}"
        else:
            url = stack.enter_context(postgres_database())
        assert run_cli("init", database_url=url).returncode == 0
        base = stack.enter_context(live_server(url))
        yield base, url, folder


def _import(site: tuple[str, str, Path], name: str, record: dict[str, Any], *flags: str) -> None:
    _, url, folder = site
    path = folder / f"{name}.json"
    path.write_text(json.dumps(record))
    result = run_cli("import", *flags, str(path), database_url=url, cwd=folder)
    assert result.returncode == 0, result.stderr


def _ferry_story(version: int, town: str) -> dict[str, Any]:
    """A story that states two roles of its mayor; version 2 adds a line above."""
    mayor, council, company = f"Orla Vance of {town}", f"{town} Council", f"{town} Ferry Company"
    body = f"{mayor}, the mayor, opened the new ferry pier in {town} on Monday."
    if version == 2:
        body = "Corrected the day of the opening. " + body
    return {
        "title": f"A ferry pier for {town}",
        "url": f"https://harbour.example/{town.lower()}-pier",
        "published": "2026-11-30",
        "body": body,
        "actors": [
            {
                "name": mayor,
                "kind": "person",
                "affiliations": [
                    {"organization": council, "role": "mayor"},
                    {"organization": company, "role": "board member"},
                ],
            },
            {"name": council, "kind": "organization"},
            {"name": company, "kind": "organization"},
        ],
    }


def _affiliations(base: str, name: str) -> list[tuple[str, str | None, str, str, str]]:
    query = """query($n: String!) { actor(name: $n) {
      affiliations { role validFrom validTo origin organization { name } } } }"""
    answer = httpx.post(f"{base}/graphql", json={"query": query, "variables": {"n": name}})
    rows = answer.json()["data"]["actor"]["affiliations"]
    return sorted(
        (
            a["role"] or "",
            a["organization"]["name"] if a["organization"] else None,
            a["validFrom"] or "",
            a["validTo"] or "",
            a["origin"],
        )
        for a in rows
    )


def _actor_id(base: str, name: str) -> str:
    query = "query($n: String!) { actor(name: $n) { id } }"
    answer = httpx.post(f"{base}/graphql", json={"query": query, "variables": {"n": name}})
    return str(answer.json()["data"]["actor"]["id"])


def _affiliation_ids(page: httpx.Response) -> list[str]:
    return re.findall(r'action="/affiliations/([^/"]+)/edit"', page.text)


def test_an_editor_corrects_adds_and_deletes_affiliations_and_they_stay_so(
    site: tuple[str, str, Path],
) -> None:
    base, url, _ = site
    _import(site, "dunmore", _ferry_story(1, "Dunmore"))
    mayor = "Orla Vance of Dunmore"
    actor = _actor_id(base, mayor)
    with anonymous(base) as reader:
        page = reader.get(f"/actors/{actor}")
        assert "Add affiliation" not in page.text
        assert _affiliation_ids(page) == []
    with signed_in(base, editor_token(url, "affiliations")) as editor:
        page = editor.get(f"/actors/{actor}")
        csrf = form_token(page)
        mayoralty, board = _affiliation_ids(page)  # listed by id: as the file lists them
        corrected = {
            "csrf": csrf,
            "role": "former mayor",
            "organization": "Dunmore Council",
            "valid_from": "",
            "valid_to": "2025-12-31",
        }
        assert editor.post(f"/affiliations/{mayoralty}/edit", data=corrected).status_code == 303
        gone = editor.post(f"/affiliations/{board}/delete", data={"csrf": csrf})
        assert gone.status_code == 303
        assert gone.headers["location"] == f"/actors/{actor}"
        added = {
            "csrf": csrf,
            "role": "spokesperson",
            "organization": "dunmore council",  # any spelling of a known actor
            "valid_from": "2026-01-01",
            "valid_to": "",
        }
        assert editor.post(f"/actors/{actor}/affiliations", data=added).status_code == 303
        page = editor.get(f"/actors/{actor}")
        assert page.text.count('<span class="checked">checked</span>') == 2
        log = editor.get("/audit").text
        for action in ("addAffiliation", "deleteAffiliation", "updateAffiliation"):
            assert f"<strong>{action}</strong> by affiliations" in log
    expected = [
        ("former mayor", "Dunmore Council", "", "2025-12-31", "CURATED"),
        ("spokesperson", "Dunmore Council", "2026-01-01", "", "CURATED"),
    ]
    assert _affiliations(base, mayor) == expected

    # A new version of the story states the mayor and the board seat again: neither returns.
    _import(site, "dunmore", _ferry_story(2, "Dunmore"), "--update")
    assert _affiliations(base, mayor) == expected


def test_the_machine_does_not_repeat_an_affiliation_an_editor_set(
    site: tuple[str, str, Path],
) -> None:
    base, url, _ = site
    story = _ferry_story(1, "Kelso")
    _import(site, "kelso", story)
    mayor = "Orla Vance of Kelso"
    with signed_in(base, editor_token(url, "kelso-editor")) as editor:
        page = editor.get(f"/actors/{_actor_id(base, mayor)}")
        _, board = _affiliation_ids(page)
        dated = {
            "csrf": form_token(page),
            "role": "board member",
            "organization": "Kelso Ferry Company",
            "valid_from": "2024-05-01",
        }
        assert editor.post(f"/affiliations/{board}/edit", data=dated).status_code == 303
    # Another article states the same board seat, in other capitals, without dates.
    other = story | {
        "url": "https://harbour.example/kelso-board",
        "title": "The ferry board",
        "body": "The ferry company of Kelso named its board on Tuesday.",
    }
    other["actors"][0]["affiliations"] = [
        {"organization": "Kelso Ferry Company", "role": "Board Member"}
    ]
    _import(site, "kelso-board", other)
    assert _affiliations(base, mayor) == [
        ("board member", "Kelso Ferry Company", "2024-05-01", "", "CURATED"),
        ("mayor", "Kelso Council", "", "", "EXTRACTED"),
    ]


def test_affiliation_changes_that_make_no_sense_are_refused_and_change_nothing(
    site: tuple[str, str, Path],
) -> None:
    base, url, _ = site
    _import(site, "brora", _ferry_story(1, "Brora"))
    mayor = "Orla Vance of Brora"
    actor = _actor_id(base, mayor)
    before = _affiliations(base, mayor)
    with anonymous(base) as reader:
        refused = reader.post(f"/actors/{actor}/affiliations", data={"role": "mayor"})
        assert refused.status_code == 403
    with signed_in(base, editor_token(url, "careful")) as editor:
        page = editor.get(f"/actors/{actor}")
        csrf = form_token(page)
        affiliation = _affiliation_ids(page)[0]
        wrong = {
            "ends before it begins": {"valid_from": "2026-05-01", "valid_to": "2026-01-01"},
            "no organisation and no role": {"role": "", "organization": ""},
            "an organisation the archive lacks": {"organization": "Brora Nowhere Trust"},
            "itself": {"organization": mayor},
            "not a day": {"valid_from": "2026-13-45"},
        }
        for why, fields in wrong.items():
            form = {"csrf": csrf, "role": "mayor", "organization": "Brora Council"} | fields
            answer = editor.post(f"/affiliations/{affiliation}/edit", data=form)
            assert answer.status_code == 400, why
        no_token = {"role": "mayor", "organization": "Brora Council"}
        assert editor.post(f"/affiliations/{affiliation}/edit", data=no_token).status_code == 403
    assert _affiliations(base, mayor) == before


def _harbour_story(town: str) -> dict[str, Any]:
    """Two people quoted, a union one of them serves, and a march the union led."""
    march = f"Dock workers marched in {town} on Monday."
    body = f"“We will not sell the harbour,” said Mira Holt. {march} “The ferry stays,” said Tomas Reed."
    union = f"{town} Dockers Union"
    return {
        "title": f"Dockers march in {town}",
        "url": f"https://harbour.example/{town.lower()}-march",
        "published": "2026-11-30",
        "body": body,
        "quotes": [
            {"text": "We will not sell the harbour,", "speaker": "Mira Holt"},
            {"text": "The ferry stays,", "speaker": "Tomas Reed"},
        ],
        "actors": [
            {
                "name": "Mira Holt",
                "kind": "person",
                "affiliations": [{"organization": union, "role": "secretary"}],
            },
            {"name": "Tomas Reed", "kind": "person"},
            {"name": union, "kind": "organization"},
        ],
        "events": [
            {"kind": "protest", "evidence": march, "actors": [{"name": union, "role": "actor1"}]}
        ],
    }


STATE = """query($url: String!) { article(url: $url) {
  quotes { id text origin speaker { name } }
  events { id kind origin participants { role actor { name } } }
  mentions: quotes { speaker { aliases affiliations { role origin organization { name } } } }
} }"""


def _state(base: str, url: str) -> Any:
    answer = httpx.post(f"{base}/graphql", json={"query": STATE, "variables": {"url": url}})
    return answer.json()["data"]["article"]


def _undo_last(client: httpx.Client, action: str) -> httpx.Response:
    """Undo the newest change of kind ``action`` from the audit log page."""
    page = client.get("/audit")
    for entry in page.text.split('<li class="card">')[1:]:
        if f"<strong>{action}</strong>" in entry:
            found = re.search(r'action="/audit/([^/"]+)/undo"', entry)
            assert found is not None, f"{action} offers no undo"
            return client.post(f"/audit/{found.group(1)}/undo", data={"csrf": form_token(page)})
    raise AssertionError(f"no {action} in the audit log")


def test_every_correction_is_undone_from_the_audit_log(site: tuple[str, str, Path]) -> None:
    base, url, _ = site
    story = _harbour_story("Leith")
    _import(site, "leith", story)
    original = _state(base, story["url"])
    mira, tomas = (q["id"] for q in original["quotes"])
    march = original["events"][0]["id"]
    mira_id = _actor_id(base, "Mira Holt")
    with signed_in(base, editor_token(url, "second-thoughts")) as editor:
        csrf = form_token(editor.get(f"/actors/{mira_id}"))
        changes = {
            "deleteQuote": (f"/quotes/{tomas}/delete", {}),
            "deleteEvent": (f"/events/{march}/delete", {}),
            "setEventParticipant": (
                f"/events/{march}/participants",
                {"actor": "Mira Holt", "role": "actor2"},
            ),
            "updateEvent": (f"/events/{march}/edit", {"kind": "riot", "fatalities": "2"}),
            "addActorAlias": (f"/actors/{mira_id}/aliases", {"alias": "M. Holt"}),
            "splitActor": (f"/actors/{mira_id}/split", {"quote": mira, "name": "Mira Holt-Berg"}),
        }
        for action, (path, form) in changes.items():
            assert editor.post(path, data={"csrf": csrf} | form).status_code == 303, action
            assert _state(base, story["url"]) != original, action
            undone = _undo_last(editor, action)
            assert undone.status_code == 303, (action, undone.text[:300])
            assert _state(base, story["url"]) == original, action
        assert _actor_id(base, "Mira Holt") == mira_id
        gone = httpx.post(
            f"{base}/graphql",
            json={"query": '{ actor(name: "Mira Holt-Berg") { id } }'},
        ).json()["data"]["actor"]
        assert gone is None  # the actor the split made went with its undo

        # An affiliation deleted, then brought back: a new version of the article states it.
        page = editor.get(f"/actors/{mira_id}")
        (secretary,) = _affiliation_ids(page)
        assert (
            editor.post(f"/affiliations/{secretary}/delete", data={"csrf": csrf}).status_code == 303
        )
        assert _state(base, story["url"]) != original
        assert _undo_last(editor, "deleteAffiliation").status_code == 303
        assert _state(base, story["url"]) == original
        # An undo taken back twice is refused: the undo is the record's last change.
        assert _undo_last(editor, "deleteAffiliation").status_code == 400
    _import(site, "leith", story | {"body": "Updated. " + story["body"]}, "--update")
    assert _state(base, story["url"])["mentions"] == original["mentions"]


def test_an_admin_undoes_a_merge_and_every_row_moves_back(site: tuple[str, str, Path]) -> None:
    base, url, _ = site
    story = _harbour_story("Wick")
    story["actors"][1]["aliases"] = ["T. Reed"]
    _import(site, "wick", story)
    original = _state(base, story["url"])
    mira_id, tomas_id = _actor_id(base, "Mira Holt"), _actor_id(base, "Tomas Reed")
    with signed_in(base, editor_token(url, "wick-admin", role="admin")) as admin:
        csrf = form_token(admin.get(f"/actors/{mira_id}"))
        merged = admin.post(f"/actors/{mira_id}/merge", data={"csrf": csrf, "from": tomas_id})
        assert merged.status_code == 303
        assert _actor_id(base, "T. Reed") == mira_id
        assert [q["speaker"]["name"] for q in _state(base, story["url"])["quotes"]] == [
            "Mira Holt",
            "Mira Holt",
        ]
        with signed_in(base, editor_token(url, "wick-editor")) as editor:
            log = editor.get("/audit").text
            assert "<strong>mergeActors</strong>" in log
            assert (
                'action="/audit/'
                not in log.split("<strong>mergeActors</strong>")[1].split("</li>")[0]
            )
        assert _undo_last(admin, "mergeActors").status_code == 303
    assert _state(base, story["url"]) == original
    assert _actor_id(base, "Tomas Reed") == tomas_id
    assert _actor_id(base, "T. Reed") == tomas_id


def test_the_review_queue_puts_the_most_quoted_speakers_first(
    site: tuple[str, str, Path],
) -> None:
    base, _, _ = site
    said = {
        "Rona Quill": ["The locks are rusted", "The tide is early", "The pier is closed"],
        "Sef Arlo": ["The nets are torn"],
        "Ida Venn": ["Nobody came"],
    }
    body = " ".join(f"“{text},” said {who}." for who, texts in said.items() for text in texts)
    confidence = {"Rona Quill": 0.7, "Sef Arlo": 0.55, "Ida Venn": 0.3}
    story = {
        "title": "Voices from the quay",
        "url": "https://harbour.example/quay-voices",
        "body": body,
        "quotes": [
            {
                "text": f"{text},",
                "speaker": who,
                "confidence": confidence[who],
                "origin": "extracted",
            }
            for who, texts in said.items()
            for text in texts
        ],
    }
    _import(site, "quay", story)
    page = httpx.get(f"{base}/review", params={"kind": "quotes"})
    assert page.status_code == 200
    listed = [
        text.rstrip(",")
        for text in re.findall(r'<blockquote class="quote-text">([^<]+)</blockquote>', page.text)
        if any(text.rstrip(",") in texts for texts in said.values())
    ]
    # Ida Venn's quote is the least sure; then Rona Quill, quoted three times, before Sef
    # Arlo, quoted once, although his quote is a little less sure than hers.
    assert listed == [
        "Nobody came",
        "The locks are rusted",
        "The tide is early",
        "The pier is closed",
        "The nets are torn",
    ]
    # Page by page, the API gives the same order.
    query = """query($after: String) { quotes(first: 2, after: $after, orderBy: REVIEW,
      where: {origin: [EXTRACTED], confidence: {lt: 0.75}}) {
        pageInfo { hasNextPage endCursor } nodes { text } } }"""
    paged: list[str] = []
    after = None
    while True:
        answer = httpx.post(
            f"{base}/graphql", json={"query": query, "variables": {"after": after}}
        ).json()["data"]["quotes"]
        paged += [node["text"].rstrip(",") for node in answer["nodes"]]
        if not answer["pageInfo"]["hasNextPage"]:
            break
        after = answer["pageInfo"]["endCursor"]
    assert [text for text in paged if any(text in texts for texts in said.values())] == listed
