"""Records from the dictionaries of JSON, JSONL and CSV inputs.

Scraper exports name the same thing many ways; the first field present in each tuple below
wins. Unrecognised fields are kept in ``Article.raw`` so nothing in the input is dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.dates import parse_date
from archive.importer.annotations import (
    ANNOTATION_FIELDS,
    actor_from,
    annotations_from,
    event_from,
    place_from,
    quote_from,
)
from archive.importer.values import (
    FieldError,
    as_choice,
    as_string_list,
    as_text,
    first_of,
)
from archive.names import clean_text
from archive.records import (
    ArticleRecord,
    AttachedEvent,
    AttachedQuote,
    Extraction,
    Record,
)
from archive.text import value_problem
from archive.vocab import DATE_PRECISIONS

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
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.I)

RECORD_TYPES = ("article", "actor", "place", "quote", "event")


def content_hash(body: str) -> str:
    """SHA-256 of the text with Unicode, case and whitespace folded: the article's identity."""
    folded = " ".join(unicodedata.normalize("NFKC", body).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


MAX_URL_CHARS = 2048  # the column's length, which PostgreSQL enforces and SQLite does not


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


def _storable(data: Mapping[str, Any]) -> None:
    """Raise FieldError for text no database can take, or values nested too deep: refused
    here, both backends refuse the same records."""
    if problem := value_problem(dict(data)):
        raise FieldError(problem)


def article_from(data: Mapping[str, Any], max_body_chars: int) -> ArticleRecord:
    """An article from a scraper's or the archive's own record; raises FieldError."""
    _storable(data)
    body_field, body = first_of(data, BODY_FIELDS)
    if body is None:
        raise FieldError(f"no article text: none of the fields {', '.join(BODY_FIELDS)} is set")
    body = as_text(body, body_field or "body")
    if not body.strip():
        raise FieldError(f"field {body_field!r} is blank")
    if len(body) > max_body_chars:
        raise FieldError(
            f"field {body_field!r} holds {len(body):,} characters, over the limit of {max_body_chars:,}"
        )
    title_field, title = first_of(data, TITLE_FIELDS)
    title = clean_text(as_text(title, title_field or "title")) if title is not None else ""
    if not title:
        title = clean_text(body.strip().splitlines()[0])[:200]

    url_field, url = first_of(data, URL_FIELDS)
    url = normalize_url(as_text(url, url_field or "url")) if url is not None else None

    date_field, published_value = first_of(data, DATE_FIELDS)
    try:
        published, precision = parse_date(published_value)
    except ValueError as exc:
        raise FieldError(f"field {date_field!r}: {exc}") from exc
    precision = as_choice(
        data.get("published_precision"), "published_precision", DATE_PRECISIONS, precision
    )

    source_field, source = first_of(data, SOURCE_FIELDS)
    domain_field, domain = first_of(data, DOMAIN_FIELDS)
    if isinstance(source, Mapping):
        domain = domain or source.get("domain")
        source = source.get("name") or source.get("title")
    source_name = clean_text(as_text(source, source_field or "source")) if source else None
    source_domain = (
        clean_text(as_text(domain, domain_field or "domain")).lower() if domain else None
    )
    source_domain = (source_domain or domain_of(url) or "").removeprefix("www.") or None
    if source_name is None:
        source_name = source_domain

    author_field, authors = first_of(data, AUTHOR_FIELDS)
    _, language = first_of(data, LANGUAGE_FIELDS)

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
        language=clean_text(as_text(language, "language")).lower()[:16] if language else None,
        authors=as_string_list(authors, author_field or "authors"),
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
    url = normalize_url(as_text(article_url, "article_url")) if article_url else None
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
