"""An actor corrected where it is seen: its name, kind, description and Wikidata ID, its
spellings, its affiliations (role, organisation, from and to), and (admins) another actor merged into it after a preview of what moves. Each is a
plain form carrying the session's form token; each runs the API's mutation for the editor."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from archive.vocab import ACTOR_KINDS
from archive.web import sessions
from archive.web.editing import choice
from archive.web.graph import PageError, change, node, read

UPDATE = """mutation($id: ID!, $name: String, $kind: ActorKind, $description: String,
                     $wikidata: String) {
  updateActor(actor: $id, name: $name, kind: $kind, description: $description,
              wikidataId: $wikidata) { id }
}"""
ADD_ALIAS = (
    "mutation($id: ID!, $alias: String!) { addActorAlias(actor: $id, alias: $alias) { id } }"
)
REMOVE_ALIAS = """mutation($id: ID!, $alias: String!) {
  removeActorAlias(actor: $id, alias: $alias) { id }
}"""
SPLIT = """mutation($id: ID!, $name: String!, $kind: ActorKind!, $quotes: [ID!]!) {
  splitActor(actor: $id, name: $name, kind: $kind, quotes: $quotes) { id }
}"""
ADD_AFFILIATION = """mutation($id: ID!, $organization: String, $role: String, $from: Date,
                              $to: Date) {
  addAffiliation(actor: $id, organization: $organization, role: $role, validFrom: $from,
                 validTo: $to) { id }
}"""
UPDATE_AFFILIATION = """mutation($id: ID!, $organization: String, $role: String, $from: Date,
                                 $to: Date) {
  updateAffiliation(affiliation: $id, organization: $organization, role: $role,
                    validFrom: $from, validTo: $to) { id }
}"""
DELETE_AFFILIATION = "mutation($id: ID!) { deleteAffiliation(affiliation: $id) { id } }"
MERGE = "mutation($into: ID!, $from: ID!) { mergeActors(into: $into, from: $from) { id } }"
NAMED = "query($name: String!) { actor(name: $name) { id } }"
WHAT_MOVES = """
  id name kind aliases
  quotes(first: 0) { totalCount }
  events(first: 0) { totalCount }
  affiliations { role }
"""
MENTIONED = """query($id: ID!) {
  articleFacets(where: {mentionsActor: {id: {eq: $id}}}) { count }
}"""


def _back(actor: str) -> Response:
    return RedirectResponse(f"/actors/{actor}", status_code=303)


async def edit(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    actor = request.path_params["id"]
    kind = choice(str(form.get("kind", "")), ACTOR_KINDS, "kind of actor")
    await change(
        request,
        editor,
        UPDATE,
        id=actor,
        name=str(form.get("name", "")).strip() or None,
        kind=kind,
        description=str(form.get("description", "")),
        wikidata=str(form.get("wikidata_id", "")),
    )
    return _back(actor)


async def add_alias(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    actor = request.path_params["id"]
    alias = str(form.get("alias", "")).strip()
    if not alias:
        raise PageError(400, "Write the spelling to add.")
    await change(request, editor, ADD_ALIAS, id=actor, alias=alias)
    return _back(actor)


async def remove_alias(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    actor = request.path_params["id"]
    await change(request, editor, REMOVE_ALIAS, id=actor, alias=str(form.get("alias", "")))
    return _back(actor)


async def split(request: Request) -> Response:
    """Move the checked quotes to a new actor: they were said by someone else."""
    form, editor = await sessions.changing(request)
    quotes = [str(q) for q in form.getlist("quote")]
    if not quotes:
        raise PageError(400, "Check the quotes someone else said.")
    kind = choice(str(form.get("kind", "person")), ACTOR_KINDS, "kind of actor")
    name = str(form.get("name", ""))
    actor = request.path_params["id"]
    made = await change(request, editor, SPLIT, id=actor, name=name, kind=kind, quotes=quotes)
    return _back(made["splitActor"]["id"])


def _affiliation(form: Any) -> dict[str, str | None]:
    """The fields of an affiliation form, an empty field as null (it clears the value)."""
    fields = {
        "organization": "organization",
        "role": "role",
        "from": "valid_from",
        "to": "valid_to",
    }
    return {key: str(form.get(name, "")).strip() or None for key, name in fields.items()}


async def add_affiliation(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    actor = request.path_params["id"]
    await change(request, editor, ADD_AFFILIATION, id=actor, **_affiliation(form))
    return _back(actor)


async def edit_affiliation(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    fields = _affiliation(form)
    made = await change(request, editor, UPDATE_AFFILIATION, id=request.path_params["id"], **fields)
    return _back(made["updateAffiliation"]["id"])


async def delete_affiliation(request: Request) -> Response:
    _, editor = await sessions.changing(request)
    made = await change(request, editor, DELETE_AFFILIATION, id=request.path_params["id"])
    return _back(made["deleteAffiliation"]["id"])


async def _what_moves(request: Request, actor: str) -> dict[str, Any]:
    record = await node(request, "Actor", actor, WHAT_MOVES)
    mentioned = (await read(request, MENTIONED, id=actor))["articleFacets"]["count"]
    return record | {"articles": mentioned}


async def merge_preview(request: Request) -> Response:
    """What merging the actor named ``from`` into this one moves; the button that does it."""
    session = await sessions.current(request)
    if session is None or session.editor.role != "admin":
        raise PageError(403, "Only an admin can merge actors.")
    into = request.path_params["id"]
    name = request.query_params.get("from", "").strip()
    found = (await read(request, NAMED, name=name))["actor"] if name else None
    if found is None:
        raise PageError(404, f"No actor is named {name[:100]!r}.")
    if found["id"] == into:
        raise PageError(400, "An actor cannot be merged into itself.")
    context = {
        "into": await _what_moves(request, into),
        "gone": await _what_moves(request, found["id"]),
    }
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "merge.html", context)


async def merge(request: Request) -> Response:
    form, editor = await sessions.changing(request, role="admin")
    into = request.path_params["id"]
    await change(request, editor, MERGE, into=into, **{"from": str(form.get("from", ""))})
    return _back(into)


routes = [
    Route("/actors/{id}/edit", edit, methods=["POST"], name="actor_edit"),
    Route("/actors/{id}/aliases", add_alias, methods=["POST"], name="actor_alias_add"),
    Route("/actors/{id}/aliases/remove", remove_alias, methods=["POST"], name="actor_alias_remove"),
    Route("/actors/{id}/split", split, methods=["POST"], name="actor_split"),
    Route("/actors/{id}/affiliations", add_affiliation, methods=["POST"], name="affiliation_add"),
    Route("/affiliations/{id}/edit", edit_affiliation, methods=["POST"], name="affiliation_edit"),
    Route(
        "/affiliations/{id}/delete", delete_affiliation, methods=["POST"], name="affiliation_delete"
    ),
    Route("/actors/{id}/merge", merge_preview, methods=["GET"], name="actor_merge_preview"),
    Route("/actors/{id}/merge", merge, methods=["POST"], name="actor_merge"),
]
