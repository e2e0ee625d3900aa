"""Where a place is, corrected by an editor: the gazetteer's other entries of its name (a
town of the same name in another country), or coordinates set by hand."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from archive.web import sessions
from archive.web.graph import PageError, change, node, read

FIELDS = "id name kind countryCode latitude longitude geonamesId aliases"
CANDIDATES = """query($name: String!) {
  placeCandidates(name: $name) {
    geonamesId name kind countryCode latitude longitude population
  }
}"""
MOVE = "mutation($id: ID!, $entry: Int!) { updatePlace(place: $id, geonamesId: $entry) { id } }"
LOCATE = """mutation($id: ID!, $lat: Float!, $lon: Float!, $country: String) {
  updatePlace(place: $id, latitude: $lat, longitude: $lon, countryCode: $country) { id }
}"""


async def where(request: Request) -> Response:
    """The place, the gazetteer's entries of its name, and the forms that choose one or set
    coordinates; for editors only."""
    if await sessions.current(request) is None:
        raise PageError(403, "Sign in to correct where a place is.")
    place = await node(request, "Place", request.path_params["id"], FIELDS)
    found = (await read(request, CANDIDATES, name=place["name"]))["placeCandidates"]
    templates: Jinja2Templates = request.app.state.templates
    context = {"place": place, "candidates": found}
    return templates.TemplateResponse(request, "place_where.html", context)


async def move(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    try:
        entry = int(str(form.get("geonames_id", "")))
    except ValueError:
        raise PageError(400, "Choose one of the gazetteer's entries.") from None
    moved = await change(request, editor, MOVE, id=request.path_params["id"], entry=entry)
    # a place given another place's entry is merged into it: go to the one that stays
    return RedirectResponse(f"/places/{moved['updatePlace']['id']}", status_code=303)


async def locate(request: Request) -> Response:
    form, editor = await sessions.changing(request)
    try:
        lat, lon = float(str(form.get("latitude"))), float(str(form.get("longitude")))
    except ValueError:
        raise PageError(400, "Give the latitude and the longitude as numbers.") from None
    country = str(form.get("country_code", "")).strip() or None
    place = request.path_params["id"]
    await change(request, editor, LOCATE, id=place, lat=lat, lon=lon, country=country)
    return RedirectResponse(f"/places/{place}", status_code=303)


routes = [
    Route("/places/{id}/where", where, name="place_where"),
    Route("/places/{id}/entry", move, methods=["POST"], name="place_entry"),
    Route("/places/{id}/location", locate, methods=["POST"], name="place_location"),
]
