"""The audit log for editors: every change, newest first, who made it and what it changed,
and an undo for each change that can be taken back (see ``graphql.undo``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from archive.graphql.undo import UNDOABLE
from archive.web import sessions
from archive.web.graph import PageError, change

LOG = """query($after: String) {
  auditLog(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id at who action targetType targetId before after }
  }
}"""
UNDO = "mutation($entry: ID!) { undoChange(entry: $entry) }"
PAGES = {
    "Quote": "quotes",
    "Actor": "actors",
    "Event": "events",
    "Place": "places",
    "Article": "articles",
}


def _changed(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """The fields whose value differs between two records of the log, with both values."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    hidden = ("id", "updated_at", "undo")  # "undo": the rows a merge moved, for its undo
    keys = [k for k in after if k not in hidden and before.get(k) != after.get(k)]
    return [(k, before.get(k), after.get(k)) for k in keys]


async def log(request: Request) -> Response:
    session = await sessions.current(request)
    if session is None:
        raise PageError(403, "Sign in to read the audit log.")
    data = await change(request, session.editor, LOG, after=request.query_params.get("after"))
    entries = [
        entry
        | {
            "changed": _changed(entry["before"], entry["after"]),
            "page": PAGES.get(entry["targetType"]),
            "undoable": entry["action"] in UNDOABLE
            and (entry["action"] != "mergeActors" or session.editor.role == "admin"),
        }
        for entry in data["auditLog"]["nodes"]
    ]
    templates: Jinja2Templates = request.app.state.templates
    context = {"entries": entries, "page_info": data["auditLog"]["pageInfo"]}
    return templates.TemplateResponse(request, "audit.html", context)


async def undo(request: Request) -> Response:
    _, editor = await sessions.changing(request)
    await change(request, editor, UNDO, entry=request.path_params["id"])
    return RedirectResponse("/audit", status_code=303)


routes = [
    Route("/audit", log, name="audit"),
    Route("/audit/{id}/undo", undo, methods=["POST"], name="audit_undo"),
]
