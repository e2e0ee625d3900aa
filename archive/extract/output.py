"""The JSON form of an extraction: what ``archive extract --json`` prints and import reads."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from archive.dates import format_date
from archive.records import ArticleRecord, Extraction
from archive.vocab import EVENT_KINDS


def extraction_json(article: ArticleRecord, extraction: Extraction) -> dict[str, Any]:
    published = article.published or extraction.published
    precision = article.published_precision if article.published else extraction.published_precision
    events = []
    for event in extraction.events:
        row = asdict(event)
        row["date"] = format_date(event.date, event.date_precision)
        row["acled_event_type"] = EVENT_KINDS[event.kind].acled_event_type
        row["acled_sub_event_type"] = EVENT_KINDS[event.kind].acled_sub_event_type
        events.append(row)
    actors = []
    for actor in extraction.actors:
        row = asdict(actor)
        row["affiliations"] = [
            {
                **asdict(a),
                "valid_from": format_date(a.valid_from, "day"),
                "valid_to": format_date(a.valid_to, "day"),
            }
            for a in actor.affiliations
        ]
        actors.append(row)
    return {
        "article": {
            "title": article.title,
            "published": format_date(published, precision),
            "published_precision": precision if published else None,
            "source": article.source_name,
            "url": article.url,
            "chars": len(article.body),
            "mined_chars": extraction.mined_chars,
            "language": extraction.language or article.language,
        },
        "quotes": [asdict(q) for q in extraction.quotes],
        "actors": actors,
        "places": [asdict(p) for p in extraction.places],
        "events": events,
        "mentions": [asdict(m) for m in extraction.mentions],
    }
