"""The search page's state, read from and written to the URL, and the query each kind of
search runs. Every piece of state is a query parameter, so a link reopens the same results."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from archive.graphql.errors import BadUserInput
from archive.graphql.ids import parse_global_id
from archive.names import normalize_name
from archive.vocab import CONFIDENT, EVENT_KINDS
from archive.web.graph import PageError, read

KINDS = ("quotes", "articles", "actors", "events", "places")
PAGE = 20
ACTOR_KINDS = ("PERSON", "ORGANIZATION", "STATE", "ARMED_GROUP", "GROUP", "MEDIA", "OTHER")


def is_event_kind(value: str) -> bool:
    """``value`` names an event kind as the API's enum does (``CLASH``, ``AIRSTRIKE``)."""
    return value == value.upper() and value.lower() in EVENT_KINDS


MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
# The filters a facet sets, each a query parameter holding one value.
FILTERS = ("speaker", "outlet", "speaker_kind", "actor_kind", "place", "month", "event_kind")


@dataclass(frozen=True)
class SearchState:
    """What the search page shows. ``filters`` maps a name of ``FILTERS`` to its value."""

    q: str = ""
    kind: str = "quotes"
    start: date | None = None
    end: date | None = None
    filters: dict[str, str] = field(default_factory=dict)
    after: str | None = None
    sure: bool = False
    """Only quotes and events an editor checked or extraction was confident of."""
    sort: str = ""
    """``newest``, ``oldest`` or ``relevance`` (with words); empty: the list's own order."""

    @classmethod
    def from_params(cls, params: Any) -> SearchState:
        """Read the state from query parameters; raises ``PageError`` (400) naming a bad one."""
        kind = params.get("kind") or "quotes"
        if kind not in KINDS:
            raise PageError(400, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        filters = {name: params[name] for name in FILTERS if params.get(name)}
        for name in ("speaker_kind", "actor_kind"):
            if name in filters and filters[name] not in ACTOR_KINDS:
                raise PageError(400, f"{name} must be one of {', '.join(ACTOR_KINDS)}")
        if "event_kind" in filters and not is_event_kind(filters["event_kind"]):
            raise PageError(400, f"event_kind {filters['event_kind'][:40]!r} is not a kind")
        if "month" in filters and not MONTH_PATTERN.match(filters["month"]):
            raise PageError(400, f"month must look like 2024-12, not {filters['month'][:20]!r}")
        return cls(
            q=(params.get("q") or "").strip()[:500],
            kind=kind,
            start=_day(params, "from"),
            end=_day(params, "to"),
            filters=filters,
            after=params.get("after") or None,
            sure=params.get("sure") == "1",
            sort=_sort(params.get("sort") or "", kind),
        )

    def params(self, **changes: Any) -> str:
        """The query string of this state with ``changes`` (a filter set to None is removed);
        the cursor is dropped unless given."""
        state = replace(self, after=changes.pop("after", None))
        filters = dict(state.filters)
        for name in FILTERS:
            if name in changes:
                value = changes.pop(name)
                if value is None:
                    filters.pop(name, None)
                else:
                    filters[name] = value
        state = replace(state, filters=filters, **changes)
        pairs: list[tuple[str, str]] = []
        if state.q:
            pairs.append(("q", state.q))
        if state.kind != "quotes":
            pairs.append(("kind", state.kind))
        if state.start:
            pairs.append(("from", state.start.isoformat()))
        if state.end:
            pairs.append(("to", state.end.isoformat()))
        pairs += [(name, filters[name]) for name in FILTERS if name in filters]
        if state.sure:
            pairs.append(("sure", "1"))
        if state.sort:
            pairs.append(("sort", state.sort))
        if state.after:
            pairs.append(("after", state.after))
        return urlencode(pairs)

    def url(self, **changes: Any) -> str:
        query = self.params(**changes)
        return "/?" + query if query else "/"

    def period(self) -> dict[str, str] | None:
        """The date range the state asks for (a month facet within from/to), as a DateRange."""
        start, end = self.start, self.end
        month = self.filters.get("month")
        if month:
            match = MONTH_PATTERN.match(month)
            assert match
            year, number = int(match[1]), int(match[2])
            if not 1 <= number <= 12 or year < 1:
                raise PageError(400, f"month {month!r} does not exist")
            first = date(year, number, 1)
            last = date(year, number, calendar.monthrange(year, number)[1])
            start = max(start, first) if start else first
            end = min(end, last) if end else last
        if start is None and end is None:
            return None
        period: dict[str, str] = {}
        if start:
            period["from"] = start.isoformat()
        if end:
            period["to"] = end.isoformat()
        return period


SORTS = {
    "quotes": ("newest", "oldest", "relevance"),
    "articles": ("newest", "oldest", "relevance"),
    "events": ("newest", "oldest"),
}
"""The orders a reader may pick, by kind of search."""


def _sort(value: str, kind: str) -> str:
    if value and value not in SORTS.get(kind, ()):
        allowed = ", ".join(SORTS.get(kind, ())) or "none"
        raise PageError(400, f"sort {value[:20]!r} is not an order of {kind} (one of: {allowed})")
    return value


def _day(params: Any, name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PageError(400, f"{name} must be a date like 2024-12-06, not {value[:20]!r}") from None


def _sure(state: SearchState) -> dict[str, Any] | None:
    """Checked by an editor (confidence 1) or extracted with ``CONFIDENT`` or more."""
    return {"confidence": {"gte": CONFIDENT}} if state.sure else None


def _id(value: str) -> dict[str, Any]:
    return {"id": {"eq": value}}


def _all(*conditions: dict[str, Any] | None) -> dict[str, Any] | None:
    present = [c for c in conditions if c]
    if not present:
        return None
    return present[0] if len(present) == 1 else {"and": present}


# ------------------------------------------------------------------------------ documents

QUOTES = """
query($first: Int!, $after: String, $where: QuoteFilter, $search: String, $facets: Boolean!,
      $order: QuoteOrder) {
  results: quotes(first: $first, after: $after, where: $where, search: $search, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { highlight node {
      id text direct speakerAsWritten confidence origin
      speaker { id name kind }
      article { id title published publishedPrecision source { id name } } } }
  }
  facets: quoteFacets(where: $where, search: $search) @include(if: $facets) {
    speaker: speakers(limit: 30) { id label count }
    speaker_kind: speakerKinds { label count }
    outlet: sources(limit: 30) { id label count }
    place: places(limit: 30) { id label count }
    month: timeline(interval: MONTH) { start count }
  }
}"""

ARTICLES = """
query($first: Int!, $after: String, $where: ArticleFilter, $search: String, $facets: Boolean!,
      $order: ArticleOrder) {
  results: articles(first: $first, after: $after, where: $where, search: $search, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { highlight node { id title published publishedPrecision source { id name } } }
  }
  facets: articleFacets(where: $where, search: $search) @include(if: $facets) {
    outlet: sources(limit: 30) { id label count }
    actor_kind: actorKinds { label count }
    place: places(limit: 30) { id label count }
    month: timeline(interval: MONTH) { start count }
  }
}"""

ACTORS = """
query($first: Int!, $after: String, $where: ActorFilter) {
  results: actors(first: $first, after: $after, where: $where) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name kind aliases affiliations { role organization { name } } } }
  }
}"""

EVENTS = """
query($first: Int!, $after: String, $where: EventFilter, $facets: Boolean!, $order: EventOrder) {
  results: events(first: $first, after: $after, where: $where, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id kind subKind date datePrecision fatalities evidence confidence origin
      place { id name latitude longitude }
      participants { role actor { id name } } } }
  }
  facets: eventFacets(where: $where) @include(if: $facets) {
    event_kind: kinds { label count }
    place: places(limit: 30) { id label count }
    month: timeline(interval: MONTH) { start count }
  }
}"""

PLACES = """
query($first: Int!, $after: String, $where: PlaceFilter) {
  results: places(first: $first, after: $after, where: $where) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name kind countryCode latitude longitude } }
  }
}"""


def query_for(state: SearchState) -> tuple[str, dict[str, Any]]:
    """The document and variables that answer ``state`` (facets only on the first page)."""
    variables: dict[str, Any] = {"first": PAGE, "after": state.after}
    if state.sort == "relevance" and not state.q:
        raise PageError(400, "sort by relevance needs words to search for")
    order = state.sort.upper() or None
    facets = state.after is None
    f = state.filters
    period = state.period()
    text = {"contains": state.q} if state.q else None
    if state.kind == "quotes":
        where = _all(
            {"speaker": _id(f["speaker"])} if "speaker" in f else None,
            {"speaker": {"kind": [f["speaker_kind"]]}} if "speaker_kind" in f else None,
            {"article": {"source": _id(f["outlet"])}} if "outlet" in f else None,
            {"article": {"mentionsPlace": _id(f["place"])}} if "place" in f else None,
            {"article": {"published": period}} if period else None,
            _sure(state),
        )
        chosen = {"where": where, "search": state.q or None, "facets": facets, "order": order}
        return QUOTES, variables | chosen
    if state.kind == "articles":
        where = _all(
            {"source": _id(f["outlet"])} if "outlet" in f else None,
            {"mentionsActor": {"kind": [f["actor_kind"]]}} if "actor_kind" in f else None,
            {"mentionsPlace": _id(f["place"])} if "place" in f else None,
            {"published": period} if period else None,
        )
        chosen = {"where": where, "search": state.q or None, "facets": facets, "order": order}
        return ARTICLES, variables | chosen
    if state.kind == "actors":
        where = _all(
            {"name": text} if text else None,
            {"kind": [f["actor_kind"]]} if "actor_kind" in f else None,
        )
        return ACTORS, variables | {"where": where}
    if state.kind == "events":
        where = _all(
            {"or": [{"participant": {"name": text}}, {"place": {"name": text}}]} if text else None,
            {"kind": [f["event_kind"]]} if "event_kind" in f else None,
            {"place": _id(f["place"])} if "place" in f else None,
            {"date": period} if period else None,
            _sure(state),
        )
        return EVENTS, variables | {"where": where, "facets": facets, "order": order}
    where = _all({"name": text} if text else None)
    return PLACES, variables | {"where": where}


# ------------------------------------------------------------------------------ names in URLs

NAMED = {"speaker": ("actor", "Actor"), "place": ("place", "Place")}
"""Filters a URL may give by name or slug (``speaker=abbas-araghchi``) instead of an ID."""


def slug(name: str) -> str:
    """A name as a URL writes it: its comparison key, words joined by dashes, which finds the
    record again through any of its spellings (``Abbas Araghchi`` -> ``abbas-araghchi``)."""
    return normalize_name(name).replace(" ", "-")


async def resolved(request: Any, state: SearchState) -> SearchState:
    """``state`` with the filters given by name or slug as the IDs the API takes; a 404
    when no record has that name."""
    filters = dict(state.filters)
    for name, (field_name, type_name) in NAMED.items():
        value = filters.get(name)
        if not value or _is_id(value, type_name):
            continue
        document = f"query($name: String!) {{ found: {field_name}(name: $name) {{ id }} }}"
        found = (await read(request, document, name=value))["found"]
        if found is None:
            raise PageError(404, f"no {field_name} is named {value[:100]!r}")
        filters[name] = found["id"]
    return replace(state, filters=filters)


def _is_id(value: str, type_name: str) -> bool:
    try:
        parse_global_id(value, type_name)
    except BadUserInput:
        return False
    return True
