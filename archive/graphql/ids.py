"""Opaque global IDs (``Quote:12``) and keyset cursors, both base64url text.

Decoding anything malformed, or an ID of another type than expected, is a user error.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Any

from archive.graphql.errors import BadUserInput

NODE_TYPES = (
    "Article",
    "Source",
    "Quote",
    "Actor",
    "Place",
    "Event",
    "Mention",
    "Affiliation",
    "AuditEntry",
)


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(value: str, what: str) -> str:
    try:
        padded = value + "=" * (-len(value) % 4)
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise BadUserInput(f"{value[:60]!r} is not a valid {what}") from None


def global_id(type_name: str, pk: int) -> str:
    return _encode(f"{type_name}:{pk}")


def parse_global_id(value: str, expected: str | tuple[str, ...] | None = None) -> tuple[str, int]:
    """(type name, primary key) of a global ID; ``expected`` limits the acceptable types."""
    type_name, _, pk = _decode(value, "ID").partition(":")
    if type_name not in NODE_TYPES or not pk.isdigit() or len(pk) > 18:
        raise BadUserInput(f"{value[:60]!r} is not a valid ID")
    allowed = (expected,) if isinstance(expected, str) else expected
    if allowed and type_name not in allowed:
        raise BadUserInput(
            f"{value[:60]!r} is the ID of a {type_name}, not of a {' or '.join(allowed)}"
        )
    return type_name, int(pk)


def pk_of(value: str, expected: str) -> int:
    return parse_global_id(value, expected)[1]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and "d" in value:
        return date.fromisoformat(value["d"])
    return value


def cursor(ordering: str, values: tuple[Any, ...]) -> str:
    return _encode(json.dumps([ordering, [_plain(v) for v in values]], separators=(",", ":")))


def parse_cursor(value: str, ordering: str, size: int) -> tuple[Any, ...]:
    """The sort values a cursor holds; it must come from a list in the same order."""
    text = _decode(value, "cursor")
    try:
        name, values = json.loads(text)
        decoded = tuple(_typed(v) for v in values)
    except (ValueError, TypeError, KeyError):
        raise BadUserInput(f"{value[:60]!r} is not a valid cursor") from None
    if name != ordering or len(decoded) != size:
        raise BadUserInput("the cursor comes from a list in another order; page from the start")
    if not all(isinstance(v, (int, float, str, date)) and not isinstance(v, bool) for v in decoded):
        raise BadUserInput(f"{value[:60]!r} is not a valid cursor")
    return decoded
