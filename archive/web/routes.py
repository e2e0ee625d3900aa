"""Page routes. Each view reads through the GraphQL schema in process (``graph``) and renders a
Jinja2 template; an htmx request gets the partial the page includes, any other request (a
link, a reload, a history restore, JavaScript off) the whole page."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from archive.graphql.http import RETRY_AFTER_SECONDS
from archive.middleware import SECURITY_HEADERS
from archive.web.charts import Chart, interval_of, range_of, time_chart
from archive.web.graph import PageError, node, read
from archive.web.maps import Point, world_map
from archive.web.markup import (
    Span,
    certainty,
    highlighted_in_paragraph,
    marked,
)
from archive.web.search import SearchState, is_event_kind, query_for, resolved


def is_partial(request: Request) -> bool:
    """htmx asked for a fragment: not a boosted link, not a history restore."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(request: Request, page: str, partial: str | None, context: dict[str, Any]) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    name = partial if partial and is_partial(request) else page
    response = templates.TemplateResponse(request, name, context)
    response.headers["Vary"] = "HX-Request"
    return response


def places_map(places: list[dict[str, Any] | None], kind: str = "place") -> dict[str, Any] | None:
    """A map of the ``places`` (API records with id, name, latitude, longitude) that have
    coordinates, each linking to its page."""
    points = [
        Point(p["latitude"], p["longitude"], p["name"], f"/places/{p['id']}", kind)
        for p in places
        if p and p.get("latitude") is not None and p.get("longitude") is not None
    ]
    return world_map(points)


# ------------------------------------------------------------------------------ search


async def search(request: Request) -> Response:
    state = SearchState.from_params(request.query_params)
    partial = is_partial(request)
    # The address of these results is the shortest that reopens them: a form's empty
    # fields (from=&to=) are left out, after a redirect or in the URL htmx pushes.
    canonical = state.url(after=state.after)
    if not partial and any(not value for _, value in request.query_params.multi_items()):
        return RedirectResponse(canonical, status_code=303)
    document, variables = query_for(await resolved(request, state))
    data = await read(request, document, **variables)
    # The counts in the heading belong to the whole page; a fragment (each keystroke) skips them.
    stats = None if partial else (await read(request, STATS))["stats"]
    hits = [edge["node"] for edge in data["results"]["edges"]]
    found_at = {
        "events": lambda: places_map([h["place"] for h in hits], "event"),
        "places": lambda: places_map(hits),
    }
    context = {
        "state": state,
        "results": data["results"],
        "facets": data.get("facets"),
        "stats": stats,
        "map": found_at[state.kind]() if state.kind in found_at else None,
    }
    fragment = "_more.html" if partial and state.after is not None else "_results.html"
    response = render(request, "search.html", fragment, context)
    if partial and state.after is None:
        response.headers["HX-Push-Url"] = canonical
    return response


STATS = "{ stats { articles quotes actors places events } }"


# ------------------------------------------------------------------------------ records

QUOTE_FIELDS = """
  id text direct startChar endChar cue confidence origin speakerAsWritten
  speaker {
    id name kind description aliases
    affiliations { role validFrom validTo organization { id name } }
    quotes(first: 6) { nodes { id text article { title published } } }
  }
  article {
    id title body url published publishedPrecision source { id name }
    events { id kind subKind date datePrecision place { id name } evidence }
  }
"""


async def quote(request: Request) -> Response:
    record = await node(request, "Quote", request.path_params["id"], QUOTE_FIELDS)
    body = record["article"]["body"]
    start, end = record["startChar"], record["endChar"]
    if start is not None and end is not None and 0 <= start < end <= len(body):
        context_html = highlighted_in_paragraph(body, start, end)
    else:
        context_html = None
    others = []
    if record["speaker"]:
        others = [q for q in record["speaker"]["quotes"]["nodes"] if q["id"] != record["id"]][:5]
    return render(
        request,
        "quote.html",
        None,
        {"quote": record, "context_html": context_html, "others": others},
    )


ACTOR_FIELDS = """
  id name kind description wikidataId aliases
  affiliations { id role validFrom validTo origin organization { id name } article { id title } }
  quotes(first: 20) { totalCount nodes { id text article { id title published } } }
  events(first: 20) { totalCount nodes {
    id kind date datePrecision place { id name latitude longitude }
    participants { role actor { id } } } }
"""

ACTOR_AROUND = """
query($actor: ID!) {
  together: articleFacets(where: {mentionsActor: {id: {eq: $actor}}}) { actors(limit: 11) { id label count } }
  quoted: quoteFacets(where: {speaker: {id: {eq: $actor}}}) { timeline(interval: DAY) { start count } }
  acting: eventFacets(where: {participant: {id: {eq: $actor}}}) { timeline(interval: DAY) { start count } }
}"""


async def actor(request: Request) -> Response:
    record = await node(request, "Actor", request.path_params["id"], ACTOR_FIELDS)
    around = await read(request, ACTOR_AROUND, actor=record["id"])
    together = [a for a in around["together"]["actors"] if a["id"] != record["id"]][:10]
    for event in record["events"]["nodes"]:
        event["roles"] = sorted(
            {p["role"] for p in event["participants"] if p["actor"]["id"] == record["id"]}
        )
    series = {"quotes": around["quoted"]["timeline"], "events": around["acting"]["timeline"]}
    chart, picked = _chart(request, series)
    context = {
        "actor": record,
        "together": together,
        "chart": chart,
        "picked": picked,
        "map": places_map([e["place"] for e in record["events"]["nodes"]], "event"),
    }
    return render(request, "actor.html", None, context)


def _chart(
    request: Request, series: dict[str, list[dict[str, Any]]]
) -> tuple[Chart, dict[str, str]]:
    """The chart of a page's daily ``series`` as the reader asked it (``interval``, ``from``,
    ``to``), and what was asked, for the form that redraws it."""
    params = request.query_params
    interval = interval_of(params)
    start, end = range_of(params)
    picked = {k: params[k] for k in ("interval", "from", "to") if params.get(k)}
    return time_chart(series, interval, start, end), picked


ARTICLE_FIELDS = """
  id title body url published publishedPrecision language authors source { id name domain }
  quotes { id startChar endChar speaker { name } speakerAsWritten confidence origin }
  mentions { startChar endChar actor { id name } place { id name } }
  events { id kind subKind date datePrecision place { id name } fatalities evidence
           participants { role actor { id name } } }
"""


async def article(request: Request) -> Response:
    record = await node(request, "Article", request.path_params["id"], ARTICLE_FIELDS)
    quotes = [
        Span(
            q["startChar"],
            q["endChar"],
            f"/quotes/{q['id']}",
            f"quote {certainty(q)}".strip(),
            (q["speaker"] or {}).get("name") or q["speakerAsWritten"] or "unknown speaker",
        )
        for q in record["quotes"]
        if q["startChar"] is not None and q["endChar"] is not None
    ]
    names = []
    for m in record["mentions"]:
        if m["startChar"] is None or m["endChar"] is None:
            continue
        if m["actor"]:
            names.append(Span(m["startChar"], m["endChar"], f"/actors/{m['actor']['id']}", "actor"))
        elif m["place"]:
            names.append(Span(m["startChar"], m["endChar"], f"/places/{m['place']['id']}", "place"))
    body_html = marked(record["body"], quotes, names)
    return render(request, "article.html", None, {"article": record, "body_html": body_html})


EVENT_FIELDS = """
  id kind subKind acledEventType acledSubEventType date datePrecision fatalities evidence
  startChar endChar confidence origin
  place { id name kind countryCode latitude longitude
          events(first: 11) { nodes { id kind date datePrecision } } }
  participants { role actor { id name kind } }
  article { id title published source { name } }
"""


async def event(request: Request) -> Response:
    record = await node(request, "Event", request.path_params["id"], EVENT_FIELDS)
    nearby = []
    if record["place"]:
        nearby = [e for e in record["place"]["events"]["nodes"] if e["id"] != record["id"]][:10]
    context = {"event": record, "nearby": nearby, "map": places_map([record["place"]], "event")}
    return render(request, "event.html", None, context)


PLACE_FIELDS = """
  id name kind countryCode latitude longitude geonamesId aliases
  events(first: 20) { totalCount nodes { id kind date datePrecision participants { actor { id name } } } }
"""

PLACE_AROUND = """
query($place: ID!) {
  quotes(first: 20, where: {article: {mentionsPlace: {id: {eq: $place}}}}) {
    totalCount nodes { id text speaker { id name } speakerAsWritten article { id title published } } }
  quoted: quoteFacets(where: {article: {mentionsPlace: {id: {eq: $place}}}}) { timeline(interval: DAY) { start count } }
  happened: eventFacets(where: {place: {id: {eq: $place}}}) { timeline(interval: DAY) { start count } }
}"""


async def place(request: Request) -> Response:
    record = await node(request, "Place", request.path_params["id"], PLACE_FIELDS)
    around = await read(request, PLACE_AROUND, place=record["id"])
    series = {"quotes": around["quoted"]["timeline"], "events": around["happened"]["timeline"]}
    chart, picked = _chart(request, series)
    context = {
        "place": record,
        "quotes": around["quotes"],
        "chart": chart,
        "picked": picked,
        "map": places_map([record]),
    }
    return render(request, "place.html", None, context)


# ------------------------------------------------------------------------------ timeline

TIMELINE = """
query($where: EventFilter, $after: String) {
  events(first: 50, where: $where, after: $after, orderBy: OLDEST) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind date datePrecision fatalities place { id name latitude longitude }
            participants { role actor { id name } } }
  }
  facets: eventFacets(where: $where) {
    timeline(interval: DAY) { start count }
    kinds { label count }
    places { id label count }
    actors { id label count }
  }
}"""


async def timeline(request: Request) -> Response:
    params = request.query_params
    conditions: list[dict[str, Any]] = []
    if params.get("actor"):
        conditions.append({"participant": {"id": {"eq": params["actor"]}}})
    if params.get("place"):
        conditions.append({"place": {"id": {"eq": params["place"]}}})
    if params.get("event_kind"):
        kind = params["event_kind"]
        if not is_event_kind(kind):
            raise PageError(400, f"event_kind {kind[:40]!r} is not a kind")
        conditions.append({"kind": [kind]})
    where = {"and": conditions} if conditions else None
    data = await read(request, TIMELINE, where=where, after=params.get("after") or None)
    chart, picked = _chart(request, {"events": data["facets"]["timeline"]})
    filters = {k: params[k] for k in ("actor", "place", "event_kind") if params.get(k)}
    context = {
        "events": data["events"],
        "facets": data["facets"],
        "chart": chart,
        "picked": picked,
        "filters": filters,
        "map": places_map([e["place"] for e in data["events"]["nodes"]], "event"),
    }
    return render(request, "timeline.html", "_timeline.html", context)


# ------------------------------------------------------------------------------ errors


async def page_error(request: Request, exc: Exception) -> Response:
    """A page for a ``PageError`` or an HTTP error, with its status and message."""
    if isinstance(exc, PageError):
        status, message = exc.status, exc.message
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, exc.detail
    else:
        raise exc
    templates: Jinja2Templates = request.app.state.templates
    headers = dict(getattr(exc, "headers", None) or {})  # a 405's Allow
    headers["Vary"] = "HX-Request"
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # An htmx request swaps the message in place of what it asked for (base.html's
    # responseHandling swaps a 4xx), so the reader sees why instead of stale results.
    return templates.TemplateResponse(
        request,
        "_error.html" if is_partial(request) else "error.html",
        {"status": status, "message": message},
        status_code=status,
        headers=headers,
    )


async def server_error(request: Request, exc: Exception) -> Response:
    """The page for an unexpected failure: no detail of it, and the security headers, which
    the middleware cannot add here (Starlette answers a 500 outside every middleware, then
    raises the error again for the server to log)."""
    response = PlainTextResponse("500: Unexpected error.", status_code=500)
    response.headers.update(SECURITY_HEADERS)
    return response


routes = [
    Route("/", search, name="home"),
    Route("/quotes/{id}", quote, name="quote"),
    Route("/actors/{id}", actor, name="actor"),
    Route("/articles/{id}", article, name="article"),
    Route("/events/{id}", event, name="event"),
    Route("/places/{id}", place, name="place"),
    Route("/timeline", timeline, name="timeline"),
]
