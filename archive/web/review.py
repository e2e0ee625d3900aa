"""The review queue: what extraction was least sure of (below ``CONFIDENT``), for an editor
to accept, fix or reject in place: the least confident first, and among quotes of about the
same confidence, those of the most-quoted speakers first. Readers may look; only a signed-in editor sees the
buttons. Quotes and events each have their list, narrowed to one outlet if asked."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.vocab import CONFIDENT
from archive.web.graph import PageError, read
from archive.web.routes import render

PAGE = 20

QUOTES = """
query($where: QuoteFilter!, $events: EventFilter!, $after: String) {
  items: quotes(first: 20, after: $after, where: $where, orderBy: REVIEW) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id text direct confidence speakerAsWritten speaker { id name }
            article { id title source { name } } }
  }
  other: events(first: 0, where: $events) { totalCount }
  sources(first: 100) { nodes { name } }
}"""
EVENTS = """
query($where: EventFilter!, $quotes: QuoteFilter!, $after: String) {
  items: events(first: 20, after: $after, where: $where, orderBy: LEAST_CONFIDENT) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind date datePrecision confidence evidence place { id name }
            participants { role actor { id name } } article { id title source { name } } }
  }
  other: quotes(first: 0, where: $quotes) { totalCount }
  sources(first: 100) { nodes { name } }
}"""


def _unsure(outlet: str | None) -> dict[str, Any]:
    where: dict[str, Any] = {"origin": ["EXTRACTED"], "confidence": {"lt": CONFIDENT}}
    if outlet:
        where["article"] = {"source": {"name": {"eq": outlet}}}
    return where


async def review(request: Request) -> Response:
    kind = request.query_params.get("kind") or "quotes"
    if kind not in ("quotes", "events"):
        raise PageError(400, f"kind is {kind!r}; review quotes or events")
    outlet = request.query_params.get("outlet") or None
    after = request.query_params.get("after") or None
    where = _unsure(outlet)
    if kind == "quotes":
        data = await read(request, QUOTES, where=where, events=where, after=after)
    else:
        data = await read(request, EVENTS, where=where, quotes=where, after=after)
    counts = {kind: data["items"]["totalCount"]}
    counts["events" if kind == "quotes" else "quotes"] = data["other"]["totalCount"]
    context = {
        "kind": kind,
        "outlet": outlet,
        "items": data["items"],
        "counts": counts,
        "outlets": sorted(s["name"] for s in data["sources"]["nodes"]),
        "confident": CONFIDENT,
        "here": str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
    }
    return render(request, "review.html", None, context)


routes = [Route("/review", review, name="review")]
