"""The annotations a record may carry (an export of the archive, another tool's output): its
quotes, actors, places, events and mentions, checked and turned into the records extraction
would produce."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from archive.importer.values import (
    FieldError,
    as_boolean,
    as_choice,
    as_confidence,
    as_day,
    as_name,
    as_number,
    as_offset,
    as_string_list,
    as_wikidata_id,
    items_of,
    optional_text,
)
from archive.records import (
    ActorRecord,
    AffiliationRecord,
    EventRecord,
    Extraction,
    MentionRecord,
    ParticipantRecord,
    PlaceRecord,
    QuoteRecord,
)
from archive.vocab import ACTOR_KINDS, DATE_PRECISIONS, EVENT_KINDS, ORIGINS, PARTICIPANT_ROLES

ANNOTATION_FIELDS = ("quotes", "actors", "places", "events", "mentions")


def actor_from(data: Mapping[str, Any]) -> ActorRecord:
    name = as_name(data.get("name"), "actors.name")
    if not name:
        raise FieldError("an actor has no 'name'")
    affiliations = []
    for item in items_of(data, "affiliations"):
        valid_from, _ = as_day(item.get("valid_from"), "valid_from")
        valid_to, _ = as_day(item.get("valid_to"), "valid_to")
        affiliations.append(
            AffiliationRecord(
                organization=as_name(item.get("organization"), "affiliations.organization"),
                role=optional_text(item, "role"),
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return ActorRecord(
        name=name,
        kind=as_choice(data.get("kind"), "kind", ACTOR_KINDS, "other") or "other",
        aliases=as_string_list(data.get("aliases"), "aliases"),
        description=optional_text(data, "description"),
        wikidata_id=as_wikidata_id(optional_text(data, "wikidata_id")),
        affiliations=affiliations,
    )


def place_from(data: Mapping[str, Any]) -> PlaceRecord:
    name = as_name(data.get("name"), "places.name")
    if not name:
        raise FieldError("a place has no 'name'")
    lat = as_number(data.get("lat", data.get("latitude")), "lat", float)
    lon = as_number(data.get("lon", data.get("longitude")), "lon", float)
    if lat is not None and not -90 <= lat <= 90:
        raise FieldError(f"field 'lat' is {lat}; expected -90 to 90")
    if lon is not None and not -180 <= lon <= 180:
        raise FieldError(f"field 'lon' is {lon}; expected -180 to 180")
    country = optional_text(data, "country") or optional_text(data, "country_code")
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise FieldError(f"field 'country' is {country!r}; expected a two-letter ISO code")
    return PlaceRecord(
        name=name,
        aliases=as_string_list(data.get("aliases"), "aliases"),
        kind=optional_text(data, "kind"),
        country=country.upper() if country else None,
        lat=lat,
        lon=lon,
        geonames_id=as_number(data.get("geonames_id"), "geonames_id", int),
    )


def quote_from(data: Mapping[str, Any], default_origin: str) -> QuoteRecord:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FieldError("a quote has no 'text'")
    direct = as_boolean(data.get("direct", True), "direct")
    return QuoteRecord(
        text=text,
        direct=direct,
        speaker=as_name(data.get("speaker"), "speaker"),
        speaker_as_written=optional_text(data, "speaker_as_written"),
        cue=optional_text(data, "cue"),
        start=as_offset(data.get("start"), "start"),
        end=as_offset(data.get("end"), "end"),
        confidence=as_confidence(data.get("confidence")),
        origin=as_choice(data.get("origin"), "origin", ORIGINS, default_origin) or default_origin,
    )


def event_from(data: Mapping[str, Any], default_origin: str) -> EventRecord:
    kind = as_choice(data.get("kind"), "kind", list(EVENT_KINDS), None)
    if kind is None:
        raise FieldError("an event has no 'kind'")
    day, precision = as_day(data.get("date"), "date")
    participants = []
    for item in data.get("actors") or []:
        if isinstance(item, Mapping):
            name = as_name(item.get("name"), "actors.name")
            role = as_choice(item.get("role"), "role", PARTICIPANT_ROLES, "actor1") or "actor1"
        else:
            name, role = as_name(item, "actors"), "actor1"
        if name:
            participants.append(ParticipantRecord(name=name, role=role))
    fatalities = as_number(data.get("fatalities"), "fatalities", int)
    if fatalities is not None and fatalities < 0:
        raise FieldError(f"field 'fatalities' is negative ({fatalities})")
    return EventRecord(
        kind=kind,
        sub_kind=optional_text(data, "sub_kind"),
        date=day,
        date_precision=as_choice(
            data.get("date_precision"), "date_precision", DATE_PRECISIONS, precision
        ),
        place=as_name(data.get("place"), "place"),
        actors=participants,
        fatalities=fatalities,
        evidence=data.get("evidence") if isinstance(data.get("evidence"), str) else None,
        start=as_offset(data.get("start"), "start"),
        end=as_offset(data.get("end"), "end"),
        confidence=as_confidence(data.get("confidence")),
        origin=as_choice(data.get("origin"), "origin", ORIGINS, default_origin) or default_origin,
    )


def mention_from(data: Mapping[str, Any]) -> MentionRecord:
    kind = as_choice(data.get("kind"), "kind", ("actor", "place"), None)
    name = as_name(data.get("name"), "name")
    start, end = as_offset(data.get("start"), "start"), as_offset(data.get("end"), "end")
    if kind is None or name is None:
        raise FieldError("a mention needs 'kind' and 'name'")
    return MentionRecord(
        kind=kind, name=name, text=optional_text(data, "text") or name, start=start, end=end
    )


def annotations_from(data: Mapping[str, Any]) -> Extraction | None:
    """The quotes, actors, places, events and mentions a record carries, or None if it has none."""
    if not any(field in data for field in ANNOTATION_FIELDS):
        return None
    return Extraction(
        quotes=[quote_from(item, "imported") for item in items_of(data, "quotes")],
        actors=[actor_from(item) for item in items_of(data, "actors")],
        places=[place_from(item) for item in items_of(data, "places")],
        events=[event_from(item, "imported") for item in items_of(data, "events")],
        mentions=[mention_from(item) for item in items_of(data, "mentions")],
    )


# ---------------------------------------------------------------------------- articles
