"""Titles of works and nicknames in quote marks: a show, a film, a book, a nickname is named,
not quoted.

News style puts the titles of broadcasts and works between quote marks (“on CBS's “Face the
Nation,””, “her documentary “13th.””), where a quote finder reads them as things said. A quoted
span is a title when it is written as one (capitalised words, short) and its context names a
work: a work noun just before or after it (“documentary”, “episode of”, “radio program”),
“on” a broadcast where someone spoke, or a media outlet's possessive (“NBC's”). Once seen in
such a context, the same words are a title wherever else the article quotes them
("DuVernay's “13th”").

A nickname inside a name (“Rep. Robert C. "Bobby" Scott”, “Marcia "Cia" Price”) is one or
two capitalised words between the name's own.

Epithets and slogans are quotes even when capitalised ("called her “Crooked Hillary”",
"Trump's “Peace Through Strength”"): their context is a person, not a work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from archive.extract.marks import QuoteSpan

MAX_TITLE_WORDS = 8
SMALL_WORDS = frozenset(
    "a an the and or nor but of in on at to for with by from as vs up it is".split()
)
WORK_NOUNS = (
    r"show|program|programme|broadcast|episode|series|podcast|documentary|film|movie|book|"
    r"memoir|novel|album|song|column|segment|special|newsletter|titled|entitled|headlined"
)
WORK_BEFORE = re.compile(rf"\b(?:{WORK_NOUNS})(?:\s+of)?\s*[,:]?\s*$", re.I)
ON_AIR = re.compile(
    r"(?:^|\n\s*|[.!?][\"”’)]?\s+|\b(?:appear\w*|interview\w*|speaking|spoke|said|says|told|tells|"
    r"comments?)\b[^.!?]{0,40}?\s)on\s*$",
    re.I,
)
"""“On” a broadcast: opening the sentence, or after who spoke there ("told MSNBC on")."""
WORK_AFTER = re.compile(
    rf"^[,.]?\s*(?:(?:radio|television|tv|talk|news|morning|late-night)\s+)?(?:{WORK_NOUNS})\b",
    re.I,
)
POSSESSOR = re.compile(r"(?P<owner>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})\s*['’]s\s*$")
CONTEXT_CHARS = 60


def is_title_case(text: str) -> bool:
    """Short, and every word but the small ones capitalised (or a number: “13th”)."""
    words = re.findall(r"[\w’'-]+", text)
    if not words or len(words) > MAX_TITLE_WORDS:
        return False
    return all(
        w[0].isupper() or w[0].isdigit() or (i > 0 and w.lower() in SMALL_WORDS)
        for i, w in enumerate(words)
    )


def _key(text: str) -> str:
    return " ".join(re.findall(r"[\w’'-]+", text.lower()))


def work_titles(text: str, spans: Iterable[QuoteSpan], is_media: Callable[[str], bool]) -> set[str]:
    """The texts (folded) of the quoted spans in ``text`` that are titles of works;
    ``is_media`` tells whether a name is a media outlet's."""
    titles = set()
    for span in spans:
        inner = text[span.start : span.end]
        if not is_title_case(inner):
            continue
        before = text[max(0, span.open_start - CONTEXT_CHARS) : span.open_start]
        after = text[span.close_end : span.close_end + CONTEXT_CHARS]
        owner = POSSESSOR.search(before)
        if (
            WORK_BEFORE.search(before)
            or ON_AIR.search(before)
            or WORK_AFTER.match(after)
            or (owner is not None and is_media(owner["owner"]))
        ):
            titles.add(_key(inner))
    return titles


def is_work_title(text: str, titles: set[str]) -> bool:
    """Whether a quoted text is one of the article's ``titles`` (see :func:`work_titles`)."""
    return _key(text) in titles


NAME_BEFORE = re.compile(r"\b[A-Z][\w’'.-]*\s*$")
NAME_AFTER = re.compile(r"^\s*[A-Z][\w’'-]+")


def is_nickname(text: str, span: QuoteSpan) -> bool:
    """Whether the quoted span is a nickname set inside a person's name."""
    inner = text[span.start : span.end]
    words = inner.split()
    return (
        1 <= len(words) <= 2
        and is_title_case(inner)
        and inner[-1:].isalpha()
        and bool(NAME_BEFORE.search(text[max(0, span.open_start - 30) : span.open_start]))
        and bool(NAME_AFTER.match(text[span.close_end : span.close_end + 30]))
    )
