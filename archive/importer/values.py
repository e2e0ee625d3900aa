"""Checked values of an input's fields: each parser takes what a JSON object or a CSV cell
holds and returns the value the archive stores, or raises ``FieldError`` naming the field."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from archive.dates import parse_date
from archive.names import clean_text


class FieldError(ValueError):
    """A record's field has the wrong shape; the message names the field."""


WIKIDATA_ID = re.compile(r"^Q[1-9]\d{0,30}$")


def as_wikidata_id(value: str | None) -> str | None:
    if value is not None and not WIKIDATA_ID.match(value):
        raise FieldError(f"field 'wikidata_id' is {value[:40]!r}; expected Q and a number (Q42)")
    return value


def first_of(data: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str | None, Any]:
    for name in names:
        value = data.get(name)
        if value not in (None, "", [], {}):
            return name, value
    return None, None


def as_text(value: Any, field: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise FieldError(f"field {field!r} should be text, not {type(value).__name__}")


def optional_text(data: Mapping[str, Any], field: str) -> str | None:
    value = data.get(field)
    return None if value in (None, "") else clean_text(as_text(value, field))


def as_string_list(value: Any, field: str) -> list[str]:
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
            names.append(clean_text(as_text(item, field)))
        return [name for name in names if name]
    raise FieldError(f"field {field!r} should be a list of names, not {type(value).__name__}")


def as_choice(
    value: Any, field: str, allowed: tuple[str, ...] | list[str], default: str | None
) -> str | None:
    if value in (None, ""):
        return default
    text = as_text(value, field).strip().lower().replace(" ", "_").replace("-", "_")
    if text not in allowed:
        raise FieldError(f"field {field!r} is {value!r}; expected one of {', '.join(allowed)}")
    return text


_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


def as_boolean(value: Any, field: str) -> bool:
    """A boolean, or its spelling in a CSV cell or a spreadsheet ("true", "FALSE", "1", "no")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise FieldError(f"field {field!r} should be true or false, not {value!r}")


# PostgreSQL's integer; SQLite would store more, but both backends must accept the same data.
INTEGER_RANGE = (-(2**31), 2**31 - 1)


def as_number(value: Any, field: str, kind: type[int] | type[float]) -> Any:
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


def as_offset(value: Any, field: str) -> int | None:
    number = as_number(value, field, int)
    if number is not None and number < 0:
        raise FieldError(f"field {field!r} is negative ({number})")
    return number  # type: ignore[no-any-return]


def as_confidence(value: Any) -> float:
    number = as_number(value, "confidence", float)
    if number is None:
        return 1.0
    if not 0 <= number <= 1:
        raise FieldError(f"field 'confidence' is {number}; expected a value from 0 to 1")
    return number  # type: ignore[no-any-return]


def as_day(value: Any, field: str) -> tuple[date | None, str | None]:
    try:
        parsed, precision = parse_date(value)
    except ValueError as exc:
        raise FieldError(f"field {field!r}: {exc}") from exc
    return (parsed.date() if parsed else None), ("day" if precision == "time" else precision)


def as_name(value: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, Mapping):
        value = value.get("name")
    return clean_text(as_text(value, field)) or None


def items_of(data: Mapping[str, Any], field: str) -> list[Mapping[str, Any]]:
    value = data.get(field) or []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise FieldError(f"field {field!r} should be a list of objects")
    return value
