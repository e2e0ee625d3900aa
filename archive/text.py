"""Text every backend can take, checked the same way for both: no NUL character (U+0000),
which PostgreSQL refuses and SQLite compares only up to, and no lone surrogate (half of a
UTF-16 pair, which JSON can spell as ``\\ud800``), which neither can encode as UTF-8; and values
(objects and lists) nested at most ``MAX_NESTING`` deep, walked without recursion."""

from __future__ import annotations

import re
from typing import Any

MAX_NESTING = 64  # objects and lists inside one another: 32 levels of `and: [...]`
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why a backend cannot take ``text``, or None."""
    found = _BAD_TEXT.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "text may not contain NUL characters (\\u0000)"
    return (
        f"text may not contain a lone surrogate (\\u{ord(found.group()):04x}): send valid Unicode"
    )


def value_problem(value: Any) -> str | None:
    """The first reason a backend cannot take the decoded JSON ``value``, or None: a value
    nested too deep, else the first text (in the order the walk meets them) it cannot take."""
    texts: list[str] = []
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            texts.append(item)
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth >= MAX_NESTING:
            return f"values may nest at most {MAX_NESTING} objects and lists deep"
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        for child in children:
            # texts are most of a record: gathered here, searched below in one pass
            if type(child) is str:
                texts.append(child)
            elif isinstance(child, (str, dict, list)):
                pending.append((child, depth + 1))
    if _BAD_TEXT.search("".join(texts)) is None:
        return None
    return next(problem for text in texts if (problem := text_problem(text)))
