"""The Jinja2 environment of the pages: autoescape on for every template, undefined names are
errors, and the few filters and helpers the templates use."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from archive.vocab import ACTOR_KINDS, EVENT_KINDS, PARTICIPANT_ROLES
from archive.web.markup import certainty
from archive.web.search import SORTS, slug
from archive.web.sessions import shown


def code_spans(message: str) -> Markup:
    """A message with its `backticked` parts as ``<code>``, everything escaped."""
    parts = str(message).split("`")
    if len(parts) % 2 == 0:  # an odd backtick: leave it as written
        return Markup(escape(message))
    return Markup(
        "".join(
            f"<code>{escape(part)}</code>" if i % 2 else str(escape(part))
            for i, part in enumerate(parts)
        )
    )


IRREGULAR = {"person": "people", "body": "bodies", "entry": "entries", "death": "deaths"}


def counted(count: Any, noun: str) -> str:
    """``count`` of ``noun``, in words a reader expects: "1 quote", "1,204 quotes"."""
    number = int(count or 0)
    plural = IRREGULAR.get(noun, noun if noun.endswith("s") else noun + "s")
    return f"{number:,} {noun if number == 1 else plural}"


def when(value: str | None, precision: str | None = None) -> str:
    """An ISO date or time from the API in words, as precise as it is known: "2024",
    "Dec 2024", "6 Dec 2024", "6 Dec 2024, 10:05 UTC" (the archive keeps times in UTC)."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    known = (precision or ("time" if "T" in value else "day")).lower()
    if known == "year":
        return f"{parsed.year}"
    if known == "month":
        return f"{parsed:%b} {parsed.year}"
    day = f"{parsed.day} {parsed:%b} {parsed.year}"
    return f"{day}, {parsed:%H:%M} UTC" if known == "time" else day


def words(value: object) -> str:
    """An enum value as words: ``ARMED_GROUP`` → ``armed group``."""
    return str(value or "").replace("_", " ").lower()


def url_params(current: dict[str, str], **changes: str | None) -> str:
    """A query string: ``current`` with ``changes`` (None removes a parameter)."""
    merged = {**current, **changes}
    return urlencode({k: v for k, v in merged.items() if v is not None})


def facet_label(facets: dict[str, Any], name: str, value: str) -> str:
    """How an active filter reads: the label its facet gives the value, else the value."""
    for item in facets.get(name) or []:
        label = str(item.get("label", ""))
        if value in (item.get("id"), label.upper(), slug(label)):
            return words(item["label"]) if name.endswith("kind") else str(item["label"])
    return value


def templates(folder: Path) -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,  # every template, whatever its file name
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["when"] = when
    environment.filters["code_spans"] = code_spans
    environment.filters["counted"] = counted
    environment.filters["slug"] = slug
    environment.filters["words"] = words
    environment.globals["url_params"] = url_params
    environment.globals["facet_label"] = facet_label
    environment.globals["sorts"] = SORTS
    environment.globals["certainty"] = certainty
    environment.globals["actor_kinds"] = ACTOR_KINDS
    environment.globals["event_kinds"] = tuple(EVENT_KINDS)
    environment.globals["participant_roles"] = PARTICIPANT_ROLES
    return Jinja2Templates(env=environment, context_processors=[shown])
