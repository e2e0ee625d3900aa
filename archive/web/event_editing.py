"""An event corrected by an editor where it is seen: its kind, date and precision, place and
fatalities, and who took part in which role."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from archive.vocab import DATE_PRECISIONS, EVENT_KINDS, PARTICIPANT_ROLES
from archive.web import sessions
from archive.web.editing import choice
from archive.web.graph import PageError, change

UPDATE = """mutation($id: ID!, $kind: EventKind, $date: Date, $precision: DatePrecision,
                     $place: String, $fatalities: Int) {
  updateEvent(event: $id, kind: $kind, date: $date, datePrecision: $precision, place: $place,
              fatalities: $fatalities) { id }
}"""
SET_PARTICIPANT = """mutation($id: ID!, $actor: String!, $role: ParticipantRole!) {
  setEventParticipant(event: $id, actor: $actor, role: $role) { id }
}"""
REMOVE_PARTICIPANT = """mutation($id: ID!, $actor: ID!) {
  removeEventParticipant(event: $id, actor: $actor) { id }
}"""


def _back(event: str) -> Response:
    return RedirectResponse(f"/events/{event}", status_code=303)


async def edit(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    event = request.path_params["id"]
    fatalities = str(form.get("fatalities", "")).strip()
    if fatalities and not fatalities.isdigit():
        raise PageError(400, "Fatalities are a whole number.")
    await change(
        request,
        editor,
        UPDATE,
        id=event,
        kind=choice(str(form.get("kind", "")), EVENT_KINDS, "kind of event"),
        date=str(form.get("date", "")).strip() or None,
        precision=choice(str(form.get("date_precision", "")), DATE_PRECISIONS, "precision"),
        place=str(form.get("place", "")),
        fatalities=int(fatalities) if fatalities else None,
    )
    return _back(event)


async def set_participant(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    event = request.path_params["id"]
    actor = " ".join(str(form.get("actor", "")).split())
    if not actor:
        raise PageError(400, "Name the actor who took part.")
    role = choice(str(form.get("role", "actor1")), PARTICIPANT_ROLES, "role")
    await change(request, editor, SET_PARTICIPANT, id=event, actor=actor, role=role)
    return _back(event)


async def remove_participant(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    event = request.path_params["id"]
    actor = str(form.get("actor", ""))
    await change(request, editor, REMOVE_PARTICIPANT, id=event, actor=actor)
    return _back(event)


routes = [
    Route("/events/{id}/edit", edit, methods=["POST"], name="event_edit"),
    Route("/events/{id}/participants", set_participant, methods=["POST"], name="event_participant"),
    Route(
        "/events/{id}/participants/remove",
        remove_participant,
        methods=["POST"],
        name="event_participant_remove",
    ),
]
