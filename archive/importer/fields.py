"""Records from the dictionaries of JSON, JSONL and CSV inputs.

Scraper exports name the same thing many ways; the first field present in each tuple below
wins. Unrecognised fields are kept in ``Article.raw`` so nothing in the input is dropped.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.dates import parse_date
from archive.names import clean_text
from archive.records import (
    ActorRecord,
    AffiliationRecord,
    ArticleRecord,
    AttachedEvent,
    AttachedQuote,
    EventRecord,
    Extraction,
    MentionRecord,
    ParticipantRecord,
    PlaceRecord,
    QuoteRecord,
    Record,
)
from archive.text import value_problem
from archive.vocab import ACTOR_KINDS, DATE_PRECISIONS, EVENT_KINDS, ORIGINS, PARTICIPANT_ROLES

TITLE_FIELDS = ("title", "headline", "name")
BODY_FIELDS = ("maintext", "body", "text", "content", "article", "full_text", "raw_text")
URL_FIELDS = ("url", "link", "canonical_url", "permalink", "href")
DATE_FIELDS = (
    "date_publish",
    "published",
    "published_at",
    "publish_date",
    "date_published",
    "datePublished",
    "pubdate",
    "date",
    "created_at",
)
SOURCE_FIELDS = ("source", "outlet", "publisher", "site_name", "sitename", "source_name")
DOMAIN_FIELDS = ("source_domain", "domain", "hostname")
AUTHOR_FIELDS = ("authors", "author", "byline", "creator")
LANGUAGE_FIELDS = ("language", "lang", "locale")
ANNOTATION_FIELDS = ("quotes", "actors", "places", "events", "mentions")
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.I)

RECORD_TYPES = ("article", "actor", "place", "quote", "event")


class FieldError(ValueError):
    """A record's field has the wrong shape; the message names the field."""


def content_hash(body: str) -> str:
    """SHA-256 of the text with Unicode, case and whitespace folded: the article's identity."""
    folded = " ".join(unicodedata.normalize("NFKC", body).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


MAX_URL_CHARS = 2048  # the column's length, which PostgreSQL enforces and SQLite does not
WIKIDATA_ID = re.compile(r"^Q[1-9]\d{0,30}$")


def _wikidata_id(value: str | None) -> str | None:
    if value is not None and not WIKIDATA_ID.match(value):
        raise FieldError(f"field 'wikidata_id' is {value[:40]!r}; expected Q and a number (Q42)")
    return value


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise FieldError(f"url {url!r} is not an absolute URL")
    if parts.scheme.lower() not in ("http", "https"):
        # the pages link to it: a javascript: or data: address would be a script to run
        raise FieldError(f"url {url[:80]!r} is not an http(s) address")
    if len(url) > MAX_URL_CHARS:
        raise FieldError(f"url is longer than {MAX_URL_CHARS} characters ({len(url)})")
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMETERS.match(k)
        ]
    )
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _first(data: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str | None, Any]:
    for name in names:
        value = data.get(name)
        if value not in (None, "", [], {}):
            return name, value
    return None, None


def _text(value: Any, field: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise FieldError(f"field {field!r} should be text, not {type(value).__name__}")


def _optional_text(data: Mapping[str, Any], field: str) -> str | None:
    value = data.get(field)
    return None if value in (None, "") else clean_text(_text(value, field))


def _string_list(value: Any, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [
            clean_text(part) for part in re.split(r"\s*(?:;|\band\b|,)\s*", value) if part.strip()
        ]
    if isinstance(value, list):
        names = []
        for item in value:
            if isinstance(item, Mapping):
                item = item.get("name")
            names.append(clean_text(_text(item, field)))
        return [name for name in names if name]
    raise FieldError(f"field {field!r} should be a list of names, not {type(value).__name__}")


def _choice(
    value: Any, field: str, allowed: tuple[str, ...] | list[str], default: str | None
) -> str | None:
    if value in (None, ""):
        return default
    text = _text(value, field).strip().lower().replace(" ", "_").replace("-", "_")
    if text not in allowed:
        raise FieldError(f"field {field!r} is {value!r}; expected one of {', '.join(allowed)}")
    return text


_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


def _boolean(value: Any, field: str) -> bool:
    """A boolean, or its spelling in a CSV cell or a spreadsheet ("true", "FALSE", "1", "no")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise FieldError(f"field {field!r} should be true or false, not {value!r}")


# PostgreSQL's integer; SQLite would store more, but both backends must accept the same data.
INTEGER_RANGE = (-(2**31), 2**31 - 1)


def _number(value: Any, field: str, kind: type[int] | type[float]) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(f"field {field!r} should be a number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(f"field {field!r} should be a finite number, not {value!r}")
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise FieldError(f"field {field!r} should be a number, not {value!r}") from exc
    if isinstance(number, float) and not math.isfinite(number):
        raise FieldError(f"field {field!r} should be a finite number, not {value!r}")
    low, high = INTEGER_RANGE
    if isinstance(number, int) and not low <= number <= high:
        raise FieldError(
            f"field {field!r} is {number}, outside the range the archive stores ({low} to {high})"
        )
    return number


def _offset(value: Any, field: str) -> int | None:
    number = _number(value, field, int)
    if number is not None and number < 0:
        raise FieldError(f"field {field!r} is negative ({number})")
    return number  # type: ignore[no-any-return]


def _confidence(value: Any) -> float:
    number = _number(value, "confidence", float)
    if number is None:
        return 1.0
    if not 0 <= number <= 1:
        raise FieldError(f"field 'confidence' is {number}; expected a value from 0 to 1")
    return number  # type: ignore[no-any-return]


def _day(value: Any, field: str) -> tuple[date | None, str | None]:
    try:
        parsed, precision = parse_date(value)
    except ValueError as exc:
        raise FieldError(f"field {field!r}: {exc}") from exc
    return (parsed.date() if parsed else None), ("day" if precision == "time" else precision)


def _name(value: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, Mapping):
        value = value.get("name")
    return clean_text(_text(value, field)) or None


def _items(data: Mapping[str, Any], field: str) -> list[Mapping[str, Any]]:
    value = data.get(field) or []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise FieldError(f"field {field!r} should be a list of objects")
    return value


# ---------------------------------------------------------------------------- annotations


def actor_from(data: Mapping[str, Any]) -> ActorRecord:
    name = _name(data.get("name"), "actors.name")
    if not name:
        raise FieldError("an actor has no 'name'")
    affiliations = []
    for item in _items(data, "affiliations"):
        valid_from, _ = _day(item.get("valid_from"), "valid_from")
        valid_to, _ = _day(item.get("valid_to"), "valid_to")
        affiliations.append(
            AffiliationRecord(
                organization=_name(item.get("organization"), "affiliations.organization"),
                role=_optional_text(item, "role"),
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return ActorRecord(
        name=name,
        kind=_choice(data.get("kind"), "kind", ACTOR_KINDS, "other") or "other",
        aliases=_string_list(data.get("aliases"), "aliases"),
        description=_optional_text(data, "description"),
        wikidata_id=_wikidata_id(_optional_text(data, "wikidata_id")),
        affiliations=affiliations,
    )


def place_from(data: Mapping[str, Any]) -> PlaceRecord:
    name = _name(data.get("name"), "places.name")
    if not name:
        raise FieldError("a place has no 'name'")
    lat = _number(data.get("lat", data.get("latitude")), "lat", float)
    lon = _number(data.get("lon", data.get("longitude")), "lon", float)
    if lat is not None and not -90 <= lat <= 90:
        raise FieldError(f"field 'lat' is {lat}; expected -90 to 90")
    if lon is not None and not -180 <= lon <= 180:
        raise FieldError(f"field 'lon' is {lon}; expected -180 to 180")
    country = _optional_text(data, "country") or _optional_text(data, "country_code")
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise FieldError(f"field 'country' is {country!r}; expected a two-letter ISO code")
    return PlaceRecord(
        name=name,
        aliases=_string_list(data.get("aliases"), "aliases"),
        kind=_optional_text(data, "kind"),
        country=country.upper() if country else None,
        lat=lat,
        lon=lon,
        geonames_id=_number(data.get("geonames_id"), "geonames_id", int),
    )


def quote_from(data: Mapping[str, Any], default_origin: str) -> QuoteRecord:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FieldError("a quote has no 'text'")
    direct = _boolean(data.get("direct", True), "direct")
    return QuoteRecord(
        text=text,
        direct=direct,
        speaker=_name(data.get("speaker"), "speaker"),
        speaker_as_written=_optional_text(data, "speaker_as_written"),
        cue=_optional_text(data, "cue"),
        start=_offset(data.get("start"), "start"),
        end=_offset(data.get("end"), "end"),
        confidence=_confidence(data.get("confidence")),
        origin=_choice(data.get("origin"), "origin", ORIGINS, default_origin) or default_origin,
    )


def event_from(data: Mapping[str, Any], default_origin: str) -> EventRecord:
    kind = _choice(data.get("kind"), "kind", list(EVENT_KINDS), None)
    if kind is None:
        raise FieldError("an event has no 'kind'")
    day, precision = _day(data.get("date"), "date")
    participants = []
    for item in data.get("actors") or []:
        if isinstance(item, Mapping):
            name = _name(item.get("name"), "actors.name")
            role = _choice(item.get("role"), "role", PARTICIPANT_ROLES, "actor1") or "actor1"
        else:
            name, role = _name(item, "actors"), "actor1"
        if name:
            participants.append(ParticipantRecord(name=name, role=role))
    fatalities = _number(data.get("fatalities"), "fatalities", int)
    if fatalities is not None and fatalities < 0:
        raise FieldError(f"field 'fatalities' is negative ({fatalities})")
    return EventRecord(
        kind=kind,
        sub_kind=_optional_text(data, "sub_kind"),
        date=day,
        date_precision=_choice(
            data.get("date_precision"), "date_precision", DATE_PRECISIONS, precision
        ),
        place=_name(data.get("place"), "place"),
        actors=participants,
        fatalities=fatalities,
        evidence=data.get("evidence") if isinstance(data.get("evidence"), str) else None,
        start=_offset(data.get("start"), "start"),
        end=_offset(data.get("end"), "end"),
        confidence=_confidence(data.get("confidence")),
        origin=_choice(data.get("origin"), "origin", ORIGINS, default_origin) or default_origin,
    )


def mention_from(data: Mapping[str, Any]) -> MentionRecord:
    kind = _choice(data.get("kind"), "kind", ("actor", "place"), None)
    name = _name(data.get("name"), "name")
    start, end = _offset(data.get("start"), "start"), _offset(data.get("end"), "end")
    if kind is None or name is None:
        raise FieldError("a mention needs 'kind' and 'name'")
    return MentionRecord(
        kind=kind, name=name, text=_optional_text(data, "text") or name, start=start, end=end
    )


def annotations_from(data: Mapping[str, Any]) -> Extraction | None:
    """The quotes, actors, places, events and mentions a record carries, or None if it has none."""
    if not any(field in data for field in ANNOTATION_FIELDS):
        return None
    return Extraction(
        quotes=[quote_from(item, "imported") for item in _items(data, "quotes")],
        actors=[actor_from(item) for item in _items(data, "actors")],
        places=[place_from(item) for item in _items(data, "places")],
        events=[event_from(item, "imported") for item in _items(data, "events")],
        mentions=[mention_from(item) for item in _items(data, "mentions")],
    )


# ---------------------------------------------------------------------------- articles


def _storable(data: Mapping[str, Any]) -> None:
    """Raise FieldError for text no database can take, or values nested too deep: refused
    here, both backends refuse the same records."""
    if problem := value_problem(dict(data)):
        raise FieldError(problem)


def article_from(data: Mapping[str, Any], max_body_chars: int) -> ArticleRecord:
    """An article from a scraper's or the archive's own record; raises FieldError."""
    _storable(data)
    body_field, body = _first(data, BODY_FIELDS)
    if body is None:
        raise FieldError(f"no article text: none of the fields {', '.join(BODY_FIELDS)} is set")
    body = _text(body, body_field or "body")
    if not body.strip():
        raise FieldError(f"field {body_field!r} is blank")
    if len(body) > max_body_chars:
        raise FieldError(
            f"field {body_field!r} holds {len(body):,} characters, over the limit of {max_body_chars:,}"
        )
    title_field, title = _first(data, TITLE_FIELDS)
    title = clean_text(_text(title, title_field or "title")) if title is not None else ""
    if not title:
        title = clean_text(body.strip().splitlines()[0])[:200]

    url_field, url = _first(data, URL_FIELDS)
    url = normalize_url(_text(url, url_field or "url")) if url is not None else None

    date_field, published_value = _first(data, DATE_FIELDS)
    try:
        published, precision = parse_date(published_value)
    except ValueError as exc:
        raise FieldError(f"field {date_field!r}: {exc}") from exc
    precision = _choice(
        data.get("published_precision"), "published_precision", DATE_PRECISIONS, precision
    )

    source_field, source = _first(data, SOURCE_FIELDS)
    domain_field, domain = _first(data, DOMAIN_FIELDS)
    if isinstance(source, Mapping):
        domain = domain or source.get("domain")
        source = source.get("name") or source.get("title")
    source_name = clean_text(_text(source, source_field or "source")) if source else None
    source_domain = clean_text(_text(domain, domain_field or "domain")).lower() if domain else None
    source_domain = (source_domain or domain_of(url) or "").removeprefix("www.") or None
    if source_name is None:
        source_name = source_domain

    author_field, authors = _first(data, AUTHOR_FIELDS)
    _, language = _first(data, LANGUAGE_FIELDS)

    used = {
        body_field,
        title_field,
        url_field,
        date_field,
        source_field,
        domain_field,
        author_field,
    }
    used |= (
        set(LANGUAGE_FIELDS)
        | set(ANNOTATION_FIELDS)
        | {"record", "published_precision", "content_hash"}
    )
    raw = {key: _jsonable(value) for key, value in data.items() if key not in used}
    if published_value is not None and date_field:
        raw.setdefault(date_field, _jsonable(published_value))
    annotations = annotations_from(data)
    if annotations is not None:
        _check_offsets(annotations, body)
    return ArticleRecord(
        title=title,
        body=body,
        url=url,
        published=published,
        published_precision=precision if published else None,
        language=clean_text(_text(language, "language")).lower()[:16] if language else None,
        authors=_string_list(authors, author_field or "authors"),
        source_name=source_name,
        source_domain=source_domain,
        raw=raw,
        annotations=annotations,
        content_hash=content_hash(body),
    )


def _check_offsets(annotations: Extraction, body: str) -> None:
    """Offsets must point at the text they claim, or every highlight built on them is wrong."""
    spans: list[tuple[str, int | None, int | None, str | None]] = [
        *((f"quote {n}", q.start, q.end, q.text) for n, q in enumerate(annotations.quotes, 1)),
        *((f"event {n}", e.start, e.end, e.evidence) for n, e in enumerate(annotations.events, 1)),
        *((f"mention {n}", m.start, m.end, m.text) for n, m in enumerate(annotations.mentions, 1)),
    ]
    for label, start, end, text in spans:
        if start is None:
            continue
        if end is None or end < start or end > len(body):
            raise FieldError(f"{label}: offsets {start}..{end} fall outside the article's text")
        if text is not None and body[start:end] != text:
            raise FieldError(
                f"{label}: the text at {start}..{end} is {body[start:end][:60]!r}, not {text[:60]!r}"
            )


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def record_from(data: Any, max_body_chars: int) -> Record:
    """Any record of an import file: an article (the default) or, with ``"record"`` set by
    ``archive export``, an actor, a place, or a quote or event attached to an article."""
    if not isinstance(data, Mapping):
        raise FieldError(f"expected a JSON object, found {type(data).__name__}")
    kind = data.get("record", "article")
    if kind not in RECORD_TYPES:
        raise FieldError(f"field 'record' is {kind!r}; expected one of {', '.join(RECORD_TYPES)}")
    if kind == "article":
        return article_from(data, max_body_chars)
    _storable(data)
    if kind == "actor":
        return actor_from(data)
    if kind == "place":
        return place_from(data)
    article_url = data.get("article_url")
    article_hash = data.get("article_hash")
    if not article_url and not article_hash:
        raise FieldError(
            f"a {kind} record needs 'article_url' or 'article_hash' to find its article"
        )
    url = normalize_url(_text(article_url, "article_url")) if article_url else None
    if kind == "quote":
        speaker = data.get("speaker")
        return AttachedQuote(
            article_url=url,
            article_hash=article_hash,
            quote=quote_from(data, "imported"),
            speaker=actor_from(speaker) if isinstance(speaker, Mapping) else None,
        )
    event = event_from(data, "imported")
    actors = [
        actor_from(item)
        for item in data.get("actors") or []
        if isinstance(item, Mapping) and "kind" in item
    ]
    place = data.get("place")
    return AttachedEvent(
        article_url=url,
        article_hash=article_hash,
        event=event,
        actors=actors,
        place=place_from(place) if isinstance(place, Mapping) else None,
    )
