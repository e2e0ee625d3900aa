"""The pages' changes: signing in and out, and the corrections an editor makes where an error
is seen. Each is a plain form (it works without JavaScript) that posts, carries the session's
form token, runs the API's mutation in process for the signed-in editor (so the change is
audited under their token's name, as through the API), and sends the editor back to the
page it came from (303)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from archive.vocab import ACTOR_KINDS
from archive.web import sessions
from archive.web.graph import PageError, change, read
from archive.web.routes import is_partial

SET_SPEAKER = """mutation($quote: ID!, $speaker: ID) {
  setQuoteSpeaker(quote: $quote, speaker: $speaker) { id }
}"""
CREATE_ACTOR = """mutation($name: String!, $kind: ActorKind!) {
  createActor(name: $name, kind: $kind) { id }
}"""
UPDATE_QUOTE = """mutation($id: ID!, $text: String, $direct: Boolean) {
  updateQuote(quote: $id, text: $text, direct: $direct) { id }
}"""
DELETE_QUOTE = "mutation($id: ID!) { deleteQuote(quote: $id) { id } }"
DELETE_EVENT = "mutation($id: ID!) { deleteEvent(event: $id) { id } }"
CONFIRM_QUOTE = "mutation($id: ID!) { confirmQuote(quote: $id) { id } }"
CONFIRM_EVENT = "mutation($id: ID!) { confirmEvent(event: $id) { id } }"
ACTOR_NAMED = "query($name: String!) { actor(name: $name) { id } }"
SUGGESTIONS = """query($name: String!) {
  actors(first: 10, where: {name: {contains: $name}}) { nodes { id name kind } }
}"""


def choice(value: str, allowed: Iterable[str], what: str) -> str | None:
    """A form's choice among ``allowed`` (the archive's vocabulary) as the API's enum names
    it; None when nothing was chosen, a 400 for anything else."""
    if not value:
        return None
    if value not in allowed:
        raise PageError(400, f"Unknown {what} {value[:40]!r}.")
    return value.upper()


async def sign_in_page(request: Request) -> Response:
    token = sessions.sign_in_form_token(request)
    context = {"next": _next(request), "form_token": token}
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(request, "signin.html", context)
    sessions.remember_sign_in_form(request, response, token)
    return response


def _next(request: Request) -> str:
    return sessions.back_to(request.query_params.get("next"))


async def sign_in(request: Request) -> Response:
    form = await sessions.form_of(request)
    sessions.check_sign_in_form(request, form)
    token = str(form.get("token", ""))
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    response = RedirectResponse(sessions.back_to(str(form.get("next", ""))), status_code=303)
    if not token.strip() and not (name.strip() and password):
        raise PageError(400, "Give an API token, or your name and password, to sign in.")
    tried = sessions.Attempts(request)
    await tried.check()
    try:
        if token.strip():
            await sessions.sign_in(request, token, response)
        else:
            await sessions.sign_in_with_password(request, name, password, response)
    except PageError as error:
        if error.status == 401:
            await tried.failed()
        raise
    await tried.succeeded()
    return response


async def sign_out(request: Request) -> Response:
    form, _ = await sessions.changing(request)
    response = RedirectResponse(sessions.back_to(str(form.get("next", ""))), status_code=303)
    await sessions.sign_out(request, response)
    return response


async def set_speaker(request: Request) -> Response:
    """Set a quote's speaker to the actor a name spells (created with ``kind`` when none
    does), or clear it (``clear``)."""
    form, editor = await sessions.changing(request)
    quote = request.path_params["id"]
    speaker: str | None = None
    if "clear" not in form:
        name = " ".join(str(form.get("speaker", "")).split())
        if not name:
            raise PageError(400, "Name the speaker, or clear it.")
        found = (await read(request, ACTOR_NAMED, name=name))["actor"]
        if found is not None:
            speaker = found["id"]
        else:
            kind = choice(str(form.get("kind", "person")), ACTOR_KINDS, "kind of actor")
            created = await change(request, editor, CREATE_ACTOR, name=name, kind=kind)
            speaker = created["createActor"]["id"]
    await change(request, editor, SET_SPEAKER, quote=quote, speaker=speaker)
    return RedirectResponse(f"/quotes/{quote}", status_code=303)


async def quote_words(request: Request) -> Response:
    """Correct a quote's words, and whether it is direct speech."""
    form, editor = await sessions.changing(request)
    quote = request.path_params["id"]
    text = str(form.get("text", ""))
    await change(request, editor, UPDATE_QUOTE, id=quote, text=text, direct="direct" in form)
    return RedirectResponse(f"/quotes/{quote}", status_code=303)


async def delete_quote(request: Request) -> Response:
    """Delete a quote that is no quote; back to its article."""
    return await _deleted(request, DELETE_QUOTE, "deleteQuote")


async def delete_event(request: Request) -> Response:
    """Delete an event that did not happen as extracted; back to its article."""
    return await _deleted(request, DELETE_EVENT, "deleteEvent")


async def _deleted(request: Request, document: str, field: str) -> Response:
    form, editor = await sessions.changing(request)
    article = (await change(request, editor, document, id=request.path_params["id"]))[field]
    return _done(request, form, f"/articles/{article['id']}")


async def confirm_quote(request: Request) -> Response:
    """Mark a quote and its speaker as checked: right as extracted."""
    return await _confirmed(request, CONFIRM_QUOTE, "/quotes")


async def confirm_event(request: Request) -> Response:
    """Mark an event as checked: it happened as extracted."""
    return await _confirmed(request, CONFIRM_EVENT, "/events")


async def _confirmed(request: Request, document: str, pages: str) -> Response:
    form, editor = await sessions.changing(request)
    await change(request, editor, document, id=request.path_params["id"])
    return _done(request, form, f"{pages}/{request.path_params['id']}")


def _done(request: Request, form: FormData, default: str) -> Response:
    """After a change: the page the form names (``next``), else ``default``; to htmx, which
    replaces the item it acted on (a row of the review queue), nothing."""
    if is_partial(request):
        return Response("", media_type="text/html")
    return RedirectResponse(sessions.back_to(str(form.get("next", "")), default), status_code=303)


async def actor_suggestions(request: Request) -> Response:
    """The actors whose names contain what is typed, as ``<option>``s of a datalist."""
    name = request.query_params.get("speaker", "").strip()
    actors = []
    if len(name) >= 2:
        actors = (await read(request, SUGGESTIONS, name=name[:100]))["actors"]["nodes"]
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "_suggestions.html", {"actors": actors})


routes = [
    Route("/signin", sign_in_page, methods=["GET"], name="signin"),
    Route("/signin", sign_in, methods=["POST"]),
    Route("/signout", sign_out, methods=["POST"], name="signout"),
    Route("/quotes/{id}/speaker", set_speaker, methods=["POST"], name="quote_speaker"),
    Route("/quotes/{id}/words", quote_words, methods=["POST"], name="quote_words"),
    Route("/quotes/{id}/delete", delete_quote, methods=["POST"], name="quote_delete"),
    Route("/events/{id}/delete", delete_event, methods=["POST"], name="event_delete"),
    Route("/events/{id}/confirm", confirm_event, methods=["POST"], name="event_confirm"),
    Route("/quotes/{id}/confirm", confirm_quote, methods=["POST"], name="quote_confirm"),
    Route("/actors/suggest", actor_suggestions, name="actor_suggestions"),
]
