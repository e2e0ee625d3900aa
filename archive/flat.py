"""Records as flat rows for a spreadsheet or a GIS, and back.

An export's records nest (a quote's speaker is an actor, an event's place has coordinates);
a CSV cell should hold one plain value. :func:`flat` spreads each nested value over columns
of its own (``speaker``, ``speaker_kind``; ``place``, ``lat``, ``lon``), joins lists of names
with ``"; "``, and adds the article's date and outlet to quotes and events; :func:`nested`
turns such a row back into the record ``archive import`` reads. An article's own quotes and
events stay JSON in its row: export quotes and events for them as rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archive.vocab import PARTICIPANT_ROLES

SEPARATOR = "; "

ACTOR_COLUMNS = ["record", "name", "kind", "aliases", "description", "wikidata_id"]
PLACE_COLUMNS = ["record", "name", "aliases", "kind", "country", "lat", "lon", "geonames_id"]
ARTICLE_KEYS = ["article_url", "article_hash", "article_title", "published", "outlet"]
QUOTE_COLUMNS = [
    "record",
    *ARTICLE_KEYS,
    "text",
    "start",
    "end",
    "direct",
    "speaker",
    "speaker_kind",
    "speaker_wikidata_id",
    "speaker_aliases",
    "speaker_as_written",
    "cue",
    "confidence",
    "origin",
]
EVENT_COLUMNS = [
    "record",
    *ARTICLE_KEYS,
    "kind",
    "sub_kind",
    "acled_event_type",
    "acled_sub_event_type",
    "date",
    "date_precision",
    "place",
    "country",
    "lat",
    "lon",
    "geonames_id",
    *PARTICIPANT_ROLES,
    "fatalities",
    "evidence",
    "start",
    "end",
    "confidence",
    "origin",
]
COLUMNS = {
    "actors": ACTOR_COLUMNS,
    "places": PLACE_COLUMNS,
    "quotes": QUOTE_COLUMNS,
    "events": EVENT_COLUMNS,
}
"""The header of each kind's flat CSV (articles keep their own, see ``export``)."""


def _joined(names: Any) -> str:
    return SEPARATOR.join(str(name) for name in names or [])


def _split(cell: Any) -> list[str]:
    if isinstance(cell, list):
        return cell
    return [part.strip() for part in str(cell or "").split(";") if part.strip()]


def flat(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` (as ``export_records`` makes it) as one row of plain values."""
    row = dict(record)
    if "aliases" in row:
        row["aliases"] = _joined(row["aliases"])
    kind = row.get("record")
    if kind == "quote":
        speaker = row.pop("speaker", None) or {}
        row["speaker"] = speaker.get("name")
        row["speaker_kind"] = speaker.get("kind")
        row["speaker_wikidata_id"] = speaker.get("wikidata_id")
        row["speaker_aliases"] = _joined(speaker.get("aliases"))
    elif kind == "event":
        place = row.pop("place", None) or {}
        row["place"] = place.get("name")
        for column in ("country", "lat", "lon", "geonames_id"):
            row[column] = place.get(column)
        for role in PARTICIPANT_ROLES:
            row[role] = _joined(a["name"] for a in row["actors"] if a["role"] == role)
        row.pop("actors")
    return row


def nested(row: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row (see :func:`flat`) back as the record ``archive import`` reads; a row that
    is not flat (a JSON cell where a name stands) is returned as it is."""
    record = {key: value for key, value in row.items() if value not in (None, "")}
    kind = record.get("record")
    if kind in ("actor", "place") and "aliases" in record:
        record["aliases"] = _split(record["aliases"])
    if kind == "quote" and isinstance(record.get("speaker"), str) and "speaker_kind" in record:
        record["speaker"] = {
            "name": record.pop("speaker"),
            "kind": record.pop("speaker_kind"),
            "wikidata_id": record.pop("speaker_wikidata_id", None),
            "aliases": _split(record.pop("speaker_aliases", "")),
        }
    if kind == "event" and any(role in row for role in PARTICIPANT_ROLES):
        record["actors"] = [
            {"name": name, "role": role}
            for role in PARTICIPANT_ROLES
            for name in _split(record.pop(role, ""))
        ]
        if isinstance(record.get("place"), str) and "lat" in record:
            record["place"] = {
                "name": record.pop("place"),
                "country": record.pop("country", None),
                "lat": record.pop("lat"),
                "lon": record.pop("lon", None),
                "geonames_id": record.pop("geonames_id", None),
            }
    for column in ("published", "outlet"):  # the article's, for reading: its record has them
        if kind in ("quote", "event"):
            record.pop(column, None)
    return record
