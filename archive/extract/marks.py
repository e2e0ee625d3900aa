"""Direct quotes found by their quote marks, in every common style.

``“…”``, ``«…»``, ``„…“`` and straight ``"…"`` open and close quotes; ``‘…’`` counts only
inside a headline (where it is the house style for quotes) and is otherwise left to its
surrounding double quote. An apostrophe is never a quote mark: a straight ``"`` opens only at
the start of a word and closes only at the end of one. A quote left open at the end of a
paragraph ends there (``open_ended``); the next paragraph, if it opens with a mark, continues it.
"""

from __future__ import annotations

from dataclasses import dataclass

PAIRS = {"“": "”", "«": "»", "„": "“", "‹": "›"}


@dataclass
class QuoteSpan:
    start: int
    """Offset of the first character inside the marks."""
    end: int
    """Offset after the last character inside the marks."""
    open_start: int
    """Offset of the opening mark."""
    close_end: int
    """Offset after the closing mark (the paragraph end when the quote is left open)."""
    open_ended: bool = False


def _opening_straight(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:;,/") and not after.isspace()


def _closing_straight(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or not after.isalnum())


def _closing(text: str, j: int, end: int, close: str, nesting: bool = True) -> int:
    """Where the quote whose inside starts at ``j`` closes (``end`` when it does not). A
    double quote, curly or straight, closes at the first closing double mark of either
    style: copy-edited text mixes them ("“no evidence" yet"); a straight pair opened inside
    a curly quote is nested in it (“He said "no" to me”), and a curly pair in a straight one.
    Nesting goes one level deep, and stops being tried once a nested pair has not closed, so
    that a long paragraph of stray marks is read in one pass."""
    double = close in ('"', "”")
    while j < end:
        ch = text[j]
        opens_other = (close == "”" and ch == '"' and _opening_straight(text, j)) or (
            close == '"' and ch == "“"
        )
        if nesting and opens_other:
            nested = _closing(text, j + 1, end, '"' if ch == '"' else "”", nesting=False)
            if nested < end:
                j = nested + 1
                continue
            nesting = False  # no closing mark is left after it
        if double and ch in ('"', "”"):
            if ch == "”" or _closing_straight(text, j):
                return j
        # a closing ’ followed by a letter is an apostrophe (“don’t”), not a mark
        elif ch == close and (close != "’" or j + 1 >= end or not text[j + 1].isalpha()):
            return j
        j += 1
    return end


def find_quotes(text: str, start: int, end: int, *, single_marks: bool = False) -> list[QuoteSpan]:
    """Quote spans inside ``text[start:end]`` (one paragraph), with offsets into ``text``."""
    spans: list[QuoteSpan] = []
    i = start
    while i < end:
        ch = text[i]
        close: str | None = None
        if ch in PAIRS:
            close = PAIRS[ch]
        elif ch == '"' and _opening_straight(text, i):
            close = '"'
        elif single_marks and ch == "‘":
            close = "’"
        if close is None:
            i += 1
            continue
        j = _closing(text, i + 1, end, close)
        inner_start, inner_end = i + 1, min(j, end)
        while inner_start < inner_end and text[inner_start].isspace():
            inner_start += 1
        while inner_end > inner_start and text[inner_end - 1].isspace():
            inner_end -= 1
        if inner_end > inner_start:
            spans.append(QuoteSpan(inner_start, inner_end, i, min(j + 1, end), open_ended=j >= end))
        i = j + 1
    return spans
