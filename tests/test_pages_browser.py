"""The pages in Debian's Chromium, driven by Playwright, against a live `archive serve` on a
loopback port, over the sample articles and one hostile article."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from archive import db
from archive.tokens import create_token
from tests.conftest import SAMPLES, database_with_samples, run_cli
from tests.server import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = (
    '{"title": "A hostile page", "url": "https://hostile.example/1", "published": "2024-12-07",'
    ' "source": "Hostile Wire", "body": "\\u201c<script>alert(1)</script> is what we want,\\u201d'
    ' said John Mallory, a spokesman, in Aleppo on Saturday."}'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The served pages' address and their database's URL."""
    folder = tmp_path_factory.mktemp("pages")
    with database_with_samples("sqlite", folder) as url:
        hostile = folder / "hostile.json"
        hostile.write_text(HOSTILE)
        result = run_cli("import", str(hostile), database_url=url, cwd=folder)
        assert result.returncode == 0, result.stderr
        with live_server(url) as served:
            yield served, url


@pytest.fixture(scope="module")
def base(site: tuple[str, str]) -> str:
    return site[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


ALLOWED: dict[Page, list[str]] = {}
"""Console messages a test expects of its page (parts of their text)."""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; the test fails if the browser reports any console error, uncaught
    exception or dialog (a script that ran)."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
    )
    yield page
    context.close()
    allowed = ALLOWED.pop(page, [])
    assert [p for p in problems if not any(a in p for a in allowed)] == []


def _heading(page: Page) -> str:
    return page.locator("#hits-heading").inner_text()


def _hits(page: Page) -> list[str]:
    return page.locator("#hit-list li.hit blockquote").all_inner_texts()


def test_typing_updates_the_results_without_a_page_load(page: Page, base: str) -> None:
    page.goto(base + "/")
    everything = _heading(page)
    page.evaluate("window.sameDocument = true")
    page.locator("#q").press_sequentially("airport", delay=30)
    expect(page.locator("#hits-heading")).to_contain_text("for “airport”")
    assert _heading(page) != everything
    assert page.evaluate("window.sameDocument") is True
    assert re.search(r"[?&]q=airport", page.url)
    assert all("airport" in hit.lower() for hit in _hits(page))
    expect(page.locator("#hit-list mark").first).to_be_visible()
    expect(page.locator("#q")).to_be_focused()


def test_a_facet_narrows_the_results_to_its_count(page: Page, base: str) -> None:
    page.goto(base + "/")
    facet = page.locator("a[data-facet=speaker]").first
    label = facet.locator(".facet-label").inner_text()
    count = int(facet.locator(".count").inner_text())
    page.evaluate("window.sameDocument = true")
    facet.click()
    expect(page.locator("#hits-heading")).to_have_text(re.compile(rf"^{count} quotes?\b"))
    speakers = page.locator("#hit-list li.hit .meta > span:first-child > a").all_inner_texts()
    assert speakers == [label] * min(count, 20)
    assert page.evaluate("window.sameDocument") is True
    assert "speaker=" in page.url
    expect(page.locator("#hits-heading")).to_be_focused()


def test_a_quote_opens_highlighted_in_context_and_back_returns(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.locator("#q").fill("airport")
    expect(page.locator("#hits-heading")).to_contain_text("for “airport”")
    results = _hits(page)
    page.locator("#hit-list li.hit blockquote a").first.click()
    page.wait_for_url(re.compile(r"/quotes/"))
    marked = page.locator(".context mark").inner_text()
    assert marked.strip()
    assert marked.strip().lower().replace("“", "").replace("”", "")[:20] in (
        page.locator("blockquote.quote-text").inner_text().lower()
    )
    page.go_back()
    expect(page.locator("#hits-heading")).to_contain_text("for “airport”")
    assert _hits(page) == results
    assert page.locator("#q").input_value() == "airport"


def test_a_pushed_url_opened_afresh_shows_the_same_results(
    page: Page, browser: Browser, base: str
) -> None:
    page.goto(base + "/")
    page.locator("#q").fill("said")
    expect(page.locator("#hits-heading")).to_contain_text("for “said”")
    page.locator("a[data-facet=outlet]").first.click()
    expect(page.locator("#hits-heading")).to_be_focused()
    pushed = page.url
    shown = (_heading(page), _hits(page))
    fresh = browser.new_context().new_page()
    fresh.goto(pushed)
    assert (_heading(fresh), _hits(fresh)) == shown
    fresh.context.close()


def test_load_more_appends_the_next_page(page: Page, base: str) -> None:
    page.goto(base + "/")
    total = int(_heading(page).split()[0])
    assert total > 20
    page.locator("li.more a").click()
    expect(page.locator("#hit-list li.hit")).to_have_count(min(total, 40))
    assert len(set(_hits(page))) > 20


def test_stored_markup_renders_as_text(page: Page, base: str) -> None:
    page.goto(base + "/?q=script")
    hit = page.locator("#hit-list li.hit blockquote").first
    expect(hit).to_contain_text("<script>alert(1)</script>")
    hit.locator("a").click()
    page.wait_for_url(re.compile(r"/quotes/"))
    expect(page.locator("blockquote.quote-text")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator(".context mark")).to_contain_text("<script>alert(1)</script>")
    page.locator("a", has_text="A hostile page").first.click()
    expect(page.locator(".body")).to_contain_text("<script>alert(1)</script>")


def test_drill_down_links_lead_from_quote_to_speaker_event_and_place(page: Page, base: str) -> None:
    page.goto(base + "/?q=airport")
    page.locator("#hit-list li.hit blockquote a").first.click()
    page.locator("#speaker ~ .card a.title").click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#over-time ~ figure svg rect").first).to_be_attached()
    page.goto(base + "/?kind=events")
    page.locator("#hit-list li.hit a.title").first.click()
    page.wait_for_url(re.compile(r"/events/"))
    expect(page.locator("h2#participants")).to_be_visible()
    place = page.locator(".facts a[href^='/places/']")
    place.click()
    page.wait_for_url(re.compile(r"/places/"))
    expect(page.locator("h2#events")).to_contain_text("Events here")


TEXT_CENTRE = """([container, text]) => {
  const walker = document.createTreeWalker(document.querySelector(container), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    const box = range.getBoundingClientRect();
    return {x: box.x + box.width / 2, y: box.y + box.height / 2};
  }
}"""
"""The centre of the first piece of text ``text`` in the element ``container`` (a script for
``page.evaluate``), where a reader would click on it."""


def _write(page: Page, editor: str, text: str) -> None:
    """Replaces the text of a console editor as a reader would: select all, type."""
    page.locator(f"#{editor}-editor .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def test_the_console_completes_checks_and_runs_with_headers_and_history(
    page: Page, base: str
) -> None:
    page.goto(base + "/api")
    expect(page.locator("#query-editor")).to_be_visible()
    expect(page.locator("#query")).to_be_hidden()  # the form's field gave way to the editor

    # completion offers the schema's field names
    _write(page, "query", "{ stat")
    page.keyboard.press("Control+Space")
    options = page.locator(".cm-tooltip-autocomplete li")
    expect(options.filter(has_text=re.compile(r"^stats"))).to_have_count(1)
    page.keyboard.press("Escape")

    # validation as you type: a field the type lacks is marked
    _write(page, "query", "{ stats { articles nonsense } }")
    expect(page.locator("#query-editor .cm-lintRange-error")).to_have_count(1)
    page.locator("#query-editor .cm-lintRange-error").hover()
    expect(page.locator(".cm-tooltip-lint")).to_contain_text('Cannot query field "nonsense"')

    # Ctrl+Enter runs; the answer is the API's, with its status
    _write(
        page, "query", "query Q($n: Int!) { quotes(first: $n) { nodes { id } } stats { articles } }"
    )
    _write(page, "variables", '{"n": 2}')
    page.keyboard.press("Control+Enter")
    answer = page.locator("#console-answer")
    expect(answer.locator("pre")).to_contain_text('"articles": 8')
    expect(page.get_by_role("status")).to_contain_text("HTTP 200")
    assert len(json.loads(answer.locator("pre").inner_text())["data"]["quotes"]["nodes"]) == 2

    # the headers pane is sent as given: the API reads the token (and refuses this one)
    _write(page, "query", 'mutation { addActorAlias(actor: "QWN0b3I6MQ==", alias: "x") { name } }')
    _write(page, "variables", "")
    _write(page, "headers", '{"Authorization": "Bearer not-a-token"}')
    page.get_by_role("button", name="Run").click()
    expect(answer.locator("pre")).to_contain_text("the token is unknown or revoked")

    # Ctrl+click on a name opens its documentation, and so does Ctrl+I at the cursor
    where = page.evaluate(TEXT_CENTRE, ["#query-editor .cm-content", "addActorAlias"])
    page.keyboard.down("Control")
    page.mouse.click(where["x"], where["y"])
    page.keyboard.up("Control")
    page.wait_for_url(re.compile(r"#field-Mutation-addActorAlias$"))
    expect(page.locator("#field-Mutation-addActorAlias")).to_be_in_viewport()
    page.locator("#query-editor .cm-content").click()
    page.keyboard.press("Control+End")
    for _ in range(6):  # back over " } }" and into `name`, a field of Actor
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+I")
    page.wait_for_url(re.compile(r"#field-Actor-name$"))

    # the history survives a reload and reopens a run with its variables
    page.reload()
    entries = page.locator("#history-list li button")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("mutation")
    entries.nth(1).click()
    expect(page.locator("#variables-editor")).to_contain_text('{"n": 2}')
    # the history never keeps the headers, which hold tokens
    stored = page.evaluate("localStorage.getItem('archive.console.history')")
    assert "Bearer" not in stored
    assert "not-a-token" not in stored
    # an entry of another shape (an older version, a hand edit) is passed over, not fatal
    page.evaluate(
        "localStorage.setItem('archive.console.history', JSON.stringify("
        "[null, {query: 5}, {query: '{ stats { places } }', variables: 7}]))"
    )
    page.reload()
    expect(entries).to_have_count(1)
    _write(page, "query", "{ stats { sources } }")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#console-answer pre")).to_contain_text('"sources"')
    expect(entries).to_have_count(2)


def test_an_example_opens_in_the_console_and_runs(page: Page, base: str) -> None:
    page.goto(base + "/api")
    page.get_by_role("link", name="Open in the console").nth(1).click()
    expect(page.locator("#variables-editor")).to_contain_text("Aleppo")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#console-answer pre")).to_contain_text('"totalCount"')
    expect(page.get_by_role("status")).to_contain_text("HTTP 200")


def test_search_and_facets_work_from_the_keyboard(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "q":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("airport")
    page.keyboard.press("Enter")
    expect(page.locator("#hits-heading")).to_contain_text("for “airport”")
    facet = page.locator("a[data-facet=outlet]").first
    facet.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#hits-heading")).to_be_focused()
    assert "outlet=" in page.url


def test_each_page_has_one_h1_and_headings_in_order(page: Page, base: str) -> None:
    paths = ["/", "/?kind=events", "/timeline", "/api"]
    page.goto(base + "/?q=airport")
    paths.append(page.locator("#hit-list li.hit blockquote a").first.get_attribute("href") or "")
    for path in paths:
        page.goto(base + path)
        levels = page.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]))"
        )
        assert levels.count(1) == 1, path
        assert all(b - a <= 1 for a, b in pairwise(levels)), (path, levels)
        unlabelled = page.evaluate(
            "[...document.querySelectorAll('input:not([type=hidden]),textarea,select')]"
            ".filter(e => !e.labels || e.labels.length === 0).map(e => e.name)"
        )
        assert unlabelled == [], path


def _sign_in(page: Page, site: tuple[str, str], name: str, next: str, role: str = "editor") -> str:
    """Create a token ``name`` and sign in with it on the sign-in page, going to ``next``;
    the token."""
    base, url = site
    engine = db.sync_engine(url)
    try:
        token = create_token(engine, name, role=role)
    finally:
        engine.dispose()
    page.goto(f"{base}/signin?next={next}")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    return token


def test_an_editor_signs_in_fixes_a_speaker_and_signs_out(
    page: Page, site: tuple[str, str]
) -> None:
    base, url = site
    engine = db.sync_engine(url)
    try:
        token = create_token(engine, "browser-editor")
    finally:
        engine.dispose()
    answer = httpx.post(
        base + "/graphql",
        json={"query": '{ quotes(first: 1, search: "airport") { nodes { id } } }'},
    ).json()
    quote = answer["data"]["quotes"]["nodes"][0]["id"]

    page.goto(f"{base}/quotes/{quote}")
    expect(page.get_by_role("button", name="Set speaker")).to_have_count(0)
    page.get_by_role("link", name="Sign in to edit").click()
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/quotes/{quote}")
    expect(page.locator("header.site")).to_contain_text("browser-editor")

    speaker = page.get_by_label("Who said it")
    speaker.fill("")
    speaker.press_sequentially("jolan")
    # the names that contain what is typed arrive as the field's suggestions
    expect(page.locator("#speaker-names option")).to_have_count(1)
    speaker.fill("Abu Mohammed al-Jolani")
    page.get_by_role("button", name="Set speaker").click()
    expect(page.locator("h1")).to_contain_text("by Abu Mohammed al-Jolani")
    expect(page.locator(".checked")).to_have_text("checked by an editor")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in to edit")).to_be_visible()
    expect(page.get_by_role("button", name="Set speaker")).to_have_count(0)


def test_an_editor_works_through_three_review_items_in_place(
    page: Page, site: tuple[str, str]
) -> None:
    base, _ = site
    _sign_in(page, site, "browser-reviewer", "/review")
    expect(page).to_have_url(f"{base}/review")
    items = page.locator("li.review-item")
    before = items.count()
    assert before >= 3
    first_text = items.first.locator("blockquote").inner_text()
    page.evaluate("window.sameDocument = true")
    for button in ("Accept", "Reject", "Accept"):
        items.first.get_by_role("button", name=button).click()
        before -= 1
        expect(items).to_have_count(before)
    assert page.evaluate("window.sameDocument") is True  # in place: no page load
    page.reload()
    expect(page.locator("li.review-item blockquote").first).not_to_have_text(first_text)


def test_an_admin_merges_two_actors_after_a_preview(page: Page, site: tuple[str, str]) -> None:
    base, _ = site
    kept = httpx.post(
        base + "/graphql", json={"query": '{ actor(name: "HTS") { id name } }'}
    ).json()["data"]["actor"]
    token = _sign_in(page, site, "browser-admin", f"/actors/{kept['id']}", role="admin")
    created = httpx.post(
        base + "/graphql",
        json={"query": 'mutation { createActor(name: "Hay’at Tahrir", kind: ARMED_GROUP) { id } }'},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["data"]["createActor"]["id"]
    page.reload()
    page.get_by_label("Merge into this actor the one named").fill("Hay’at Tahrir")
    page.get_by_role("button", name="Preview the merge").click()
    expect(page.locator("h1")).to_contain_text(f"Merge Hay’at Tahrir into {kept['name']}")
    page.get_by_role("button", name="Merge").click()
    expect(page).to_have_url(f"{base}/actors/{kept['id']}")
    expect(page.get_by_role("region", name="Names")).to_contain_text("Hay’at Tahrir")
    gone = httpx.post(
        base + "/graphql",
        json={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": created}},
    ).json()["data"]["node"]
    assert gone is None


def _graph(base: str, query: str, **variables: object) -> dict[str, Any]:
    answer = httpx.post(base + "/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in answer, answer
    return answer["data"]  # type: ignore[no-any-return]


def test_an_editor_splits_an_actor_moves_a_place_deletes_an_event_and_the_fixes_last(
    page: Page, site: tuple[str, str], tmp_path: Path
) -> None:
    base, url = site
    _sign_in(page, site, "browser-fixer", "/")

    # split: one quote of an actor was said by someone else
    quote = _graph(
        base, "{ quotes(first: 1, where: {hasSpeaker: true}) { nodes { id speaker { id } } } }"
    )["quotes"]["nodes"][0]
    page.goto(f"{base}/actors/{quote['speaker']['id']}")
    page.locator(f'input[name="quote"][value="{quote["id"]}"]').check()
    page.get_by_label("Said by someone else, named").fill("Petra Browsersplit")
    page.get_by_role("button", name="Move the checked quotes to them").click()
    expect(page.locator("h1")).to_have_text("Petra Browsersplit")

    # move a place to the gazetteer's entry of the same name in another country
    valencia = _graph(base, '{ place(name: "Valencia") { id } }')["place"]["id"]
    page.goto(f"{base}/places/{valencia}")
    page.get_by_role("link", name="Correct where it is").click()
    page.locator("label", has_text="· VE ·").first.locator("input").check()
    page.get_by_role("button", name="Use this entry").click()
    expect(page.locator("p.meta").first).to_contain_text("VE")

    # delete an event that did not happen
    event = _graph(base, "{ events(first: 1) { nodes { id article { id } } } }")["events"]["nodes"][
        0
    ]
    page.goto(f"{base}/events/{event['id']}")
    page.get_by_role("button", name="Delete: no such event").click()
    expect(page).to_have_url(f"{base}/articles/{event['article']['id']}")

    result = run_cli("import", "--update", str(SAMPLES), database_url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    moved = _graph(
        base,
        "query($q: ID!, $e: ID!) { q: node(id: $q) { ... on Quote { speaker { name } } }"
        " e: node(id: $e) { id } }",
        q=quote["id"],
        e=event["id"],
    )
    assert moved == {"q": {"speaker": {"name": "Petra Browsersplit"}}, "e": None}
    assert (
        _graph(base, '{ place(name: "Valencia") { countryCode } }')["place"]["countryCode"] == "VE"
    )


def test_an_editor_corrects_an_affiliation_and_undoes_it_from_the_audit_log(
    page: Page, site: tuple[str, str]
) -> None:
    base, _ = site
    actor = _graph(base, '{ actor(name: "Rami Abdel Rahman") { id } }')["actor"]["id"]
    _sign_in(page, site, "browser-affiliations", f"/actors/{actor}")
    affiliations = page.get_by_role("region", name="Affiliations")
    expect(affiliations).to_contain_text("director, Syrian Observatory for Human Rights")
    affiliations.locator("summary", has_text="Correct").first.click()
    affiliations.get_by_label("Role").first.fill("founder")
    affiliations.get_by_label("From").first.fill("2006-05-01")
    affiliations.get_by_role("button", name="Save").first.click()
    expect(affiliations).to_contain_text("founder, Syrian Observatory for Human Rights")
    expect(affiliations).to_contain_text("(2006-05-01 – …)")
    expect(affiliations.locator(".checked")).to_have_count(1)

    page.goto(f"{base}/audit")
    newest = page.locator("li.card").first
    expect(newest).to_contain_text("updateAffiliation")
    newest.get_by_role("button", name="Undo").click()
    page.goto(f"{base}/actors/{actor}")
    affiliations = page.get_by_role("region", name="Affiliations")
    expect(affiliations).to_contain_text("director, Syrian Observatory for Human Rights")
    expect(affiliations.locator(".checked")).to_have_count(0)


def test_an_article_marks_quotes_around_names_and_inside_one_another(
    page: Page, site: tuple[str, str], tmp_path: Path
) -> None:
    base, url = site
    body = (
        "Mayor Lina Ostrova posted: “Brenmouth will rebuild the pier, as the council said: "
        "‘we stay’ and we will.”"
    )
    outer = "Brenmouth will rebuild the pier, as the council said: ‘we stay’ and we will."
    record = {
        "title": "Brenmouth rebuilds",
        "url": "https://coast.example/brenmouth-pier",
        "body": body,
        "quotes": [
            {
                "text": outer,
                "speaker": "Lina Ostrova",
                "start": body.index(outer),
                "end": body.index(outer) + len(outer),
            },
            {
                "text": "we stay",
                "speaker": "Brenmouth Council",
                "start": body.index("we stay"),
                "end": body.index("we stay") + len("we stay"),
            },
        ],
        "actors": [{"name": "Lina Ostrova", "kind": "person"}],
        "mentions": [
            {
                "kind": "actor",
                "name": "Lina Ostrova",
                "start": body.index("Lina"),
                "end": body.index("Lina") + len("Lina Ostrova"),
            },
            {
                "kind": "place",
                "name": "Brenmouth",
                "start": body.index("Brenmouth"),
                "end": body.index("Brenmouth") + len("Brenmouth"),
            },
        ],
        "places": [{"name": "Brenmouth", "lat": 50.1, "lon": -5.1, "country": "GB"}],
    }
    path = tmp_path / "brenmouth.json"
    path.write_text(json.dumps(record))
    assert run_cli("import", str(path), database_url=url, cwd=tmp_path).returncode == 0
    article = _graph(base, '{ article(url: "https://coast.example/brenmouth-pier") { id } }')
    page.goto(f"{base}/articles/{article['article']['id']}")
    text = page.locator(".body")
    # no link holds another: the quote goes on after the place named in it
    expect(text.locator("a a")).to_have_count(0)
    expect(text.locator("a.place.in-quote")).to_have_text("Brenmouth")
    quoted = "".join(text.locator("a.quote, a.in-quote").all_inner_texts())
    assert quoted == outer
    # the quote inside the other is shown, and opens its own page
    nested = text.locator("a.quote.nested")
    expect(nested).to_have_text("we stay")
    nested.click()
    expect(page.locator("h1")).to_contain_text("Brenmouth Council")


def test_a_refused_query_says_why_in_place_of_the_results(page: Page, base: str) -> None:
    # Chromium reports every 4xx answer to a script's request on the console; this one is
    # meant, and the page shows why.
    ALLOWED[page] = ["the server responded with a status of 400"]
    page.goto(base + "/")
    page.locator("#q").press_sequentially("airport", delay=30)
    expect(page.locator("#hits-heading")).to_contain_text("for “airport”")
    page.locator("#q").fill("-homs")
    refusal = page.locator("#results [role=alert]")
    expect(refusal).to_contain_text("only excludes words")
    expect(page.locator("#hit-list")).to_have_count(0)  # the previous results are gone
    expect(refusal.locator("code")).to_have_text("border -closure")


def test_back_and_forward_through_facets_are_clean(page: Page, base: str) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.goto(base + "/")
    page.locator("#q").press_sequentially("said", delay=30)
    expect(page.locator("#hits-heading")).to_contain_text("for “said”")
    first = _heading(page)
    page.locator("a[data-facet=outlet]").first.click()
    expect(page.locator("#hits-heading")).not_to_have_text(first)
    narrowed = _heading(page)
    page.locator("a[data-facet=speaker]").first.click()
    expect(page.locator("#hits-heading")).not_to_have_text(narrowed)
    for _ in range(2):
        page.go_back()
        page.wait_for_timeout(300)
        page.go_forward()
        page.wait_for_timeout(300)
        page.go_back()
    expect(page.locator("#hits-heading")).to_have_text(narrowed)
    assert violations == []


FETCH_STATS = """async (api) => {
  try {
    const answer = await fetch(api + "/graphql", {
      method: "POST",
      headers: {"content-type": "application/json"},
      body: JSON.stringify({query: "{ stats { quotes } }"}),
    });
    return (await answer.json()).data.stats.quotes;
  } catch (error) {
    return "refused";
  }
}"""


@contextmanager
def _tool_origin() -> Iterator[str]:
    """A plain page of a browser tool, served on another loopback origin; yields its URL."""

    class Tool(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>tool</title>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tool)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_tool_on_another_origin_queries_the_api_only_when_cors_allows_it(
    page: Page, site: tuple[str, str]
) -> None:
    closed, url = site
    with _tool_origin() as tool:
        page.goto(tool + "/")
        # Chromium reports the refused request on the console; that refusal is what is tested.
        ALLOWED[page] = ["CORS policy", "Failed to load resource"]
        assert page.evaluate(FETCH_STATS, closed) == "refused"
        with live_server(url, "--cors-origin", tool) as opened:
            quotes = page.evaluate(FETCH_STATS, opened)
    assert isinstance(quotes, int)
    assert quotes > 0


def test_a_search_downloads_and_the_download_imports_back(
    page: Page, base: str, tmp_path: Path
) -> None:
    page.goto(base + "/?kind=articles")
    with page.expect_download() as articles:
        page.locator(".export").get_by_role("link", name="JSONL").click()
    page.goto(base + "/")
    page.locator("#q").press_sequentially("said", delay=30)
    expect(page.locator("#hits-heading")).to_contain_text("for “said”")
    with page.expect_download() as quotes:
        page.locator(".export").get_by_role("link", name="CSV").click()
    assert quotes.value.suggested_filename == "archive-quotes.csv"
    files = [tmp_path / "articles.jsonl", tmp_path / "quotes.csv"]
    articles.value.save_as(files[0])
    quotes.value.save_as(files[1])
    rows = list(csv.DictReader(io.StringIO(files[1].read_text())))
    assert len(rows) == int(_heading(page).split()[0])
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    for path in files:
        result = run_cli("import", str(path), "--db", target, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    with live_server(target) as copy:
        texts = {
            q["text"]
            for q in _graph(copy, "{ quotes(first: 100) { nodes { text } } }")["quotes"]["nodes"]
        }
    assert {row["text"] for row in rows} <= texts


def test_a_chart_has_axes_and_redraws_per_week_over_a_range(page: Page, base: str) -> None:
    page.goto(base + "/timeline")
    chart = page.locator("figure.chart")
    expect(chart.locator("svg text.tick").first).to_be_visible()
    assert chart.locator("svg line.axis").count() >= 2
    chart.get_by_label("Per", exact=True).select_option("week")
    chart.get_by_label("from", exact=True).fill("2024-11-01")
    chart.get_by_label("to", exact=True).fill("2024-12-31")
    chart.get_by_role("button", name="Redraw").click()
    expect(page.locator("figure.chart svg title").first).to_contain_text("per week")
    assert "interval=week" in page.url
    chart = page.locator("figure.chart")
    chart.locator("summary", has_text="table").click()
    weeks = chart.locator("tbody th").all_inner_texts()
    assert weeks[0] == "28 Oct 2024"  # the week holding the 1st of November
    assert weeks[-1] == "30 Dec 2024"
    shown = sum(int(c) for c in chart.locator("tbody td").all_inner_texts())
    assert shown > 0


def test_a_point_on_the_map_opens_its_place(page: Page, base: str) -> None:
    page.goto(base + "/timeline")
    point = page.locator("figure.map a.point").first
    expect(point).to_be_visible()
    name = point.locator("title").text_content()
    point.click()
    expect(page).to_have_url(re.compile(r"/places/"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("figure.map a.point")).to_have_count(1)


SCREENSHOTS = Path(__file__).parent / "screenshots"
"""Where the page screenshots are written (kept out of git), to look at after a run."""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_main_pages_fit_a_desktop_and_a_phone(browser: Browser, base: str, width: int) -> None:
    found = _graph(
        base,
        "{ quotes(first: 1, where: {hasSpeaker: true}) { nodes { speaker { id } article { id } } }"
        " events(first: 1, where: {place: {within: {box: {south: -90, west: -180, north: 90,"
        " east: 180}}}}) { nodes { id } } }",
    )
    quote = found["quotes"]["nodes"][0]
    pages = {
        "search": "/?q=said",
        "actor": f"/actors/{quote['speaker']['id']}",
        "article": f"/articles/{quote['article']['id']}",
        "event": f"/events/{found['events']['nodes'][0]['id']}",
        "timeline": "/timeline",
        "api": "/api",
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for name, path in pages.items():
            page.goto(base + path)
            expect(page.locator("h1")).to_be_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{name} is {overflow}px wide at {width}px"
            shot = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        context.close()
