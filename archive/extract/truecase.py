"""Case restored to text written in capitals (old agency wires sent "GUERRILLAS ATTACKED THE
POWER STATION IN USULUTAN"), before the parser reads it: the parser and the name recogniser
take every capitalised word for a name.

A casing table learned from news written in mixed case (``archive train`` writes it beside the
attribution models) gives each known word the form it usually takes inside a sentence: "the"
lower, "FBI" upper, "McCain" mixed; a word it does not know is a name, in title case. A
sentence's first word takes a capital. The text keeps its length, so offsets into it are
offsets into the original.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

SHOUTING_SHARE = 0.8
"""A text whose letters are at least this share capitals is written in capitals."""
MIN_LETTERS = 80
MIN_COUNT = 2
"""A word seen fewer times than this inside sentences is left out of the table."""
_ACRONYM = re.compile(r"[B-DF-HJ-NP-TV-XZ]{3,}")
"""Capitals without a vowel are letters read one by one: "FMLN", "PCN"."""
_DEFINED = re.compile(r"\(([A-Z]{2,6})\)")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|--\s*|\]\s*|\n\s*)[\"“‘(\[]*$")


def is_shouting(text: str) -> bool:
    """Whether ``text`` is written in capitals (enough letters, nearly all of them capitals)."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return False
    return sum(c.isupper() for c in letters) >= SHOUTING_SHARE * len(letters)


def _starts_sentence(text: str, start: int) -> bool:
    return _SENTENCE_START.search(text[max(0, start - 6) : start]) is not None


def learn_casing(texts: Iterable[str]) -> dict[str, Any]:
    """The casing table of ``texts`` (news in mixed case): every word seen at least
    ``MIN_COUNT`` times inside sentences, listed by its usual form there: a form of its own
    ("FBI", "McCain"), title case if never written in lower case ("January"), else lower
    case (the House and a house: "house" is a word). Plain JSON: word lists, no text."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        if is_shouting(text):
            continue
        for match in _WORD.finditer(text):
            if not _starts_sentence(text, match.start()):
                forms[match.group().lower()][match.group()] += 1
    lower: list[str] = []
    title: list[str] = []
    other: dict[str, str] = {}
    for word, seen in forms.items():
        if sum(seen.values()) < MIN_COUNT:
            continue
        form, _ = max(seen.items(), key=lambda item: (item[1], item[0]))
        if form == word:
            lower.append(word)
        elif form != word.capitalize():
            other[word] = form
        elif not seen[word]:
            title.append(word)
        else:
            lower.append(word)  # "house": the House, the White House, and a house
    return {"lower": sorted(lower), "title": sorted(title), "other": dict(sorted(other.items()))}


def _never(word: str) -> bool:
    return False


class Casing:
    """A casing table: which words are lower case, and which take a form of their own; for
    words it has not seen, ``is_name`` (a place or a first name: title case) then ``is_word``
    (a word of the language's dictionary: lower case)."""

    def __init__(
        self,
        table: dict[str, Any],
        is_name: Callable[[str], bool] = _never,
        is_word: Callable[[str], bool] = _never,
    ) -> None:
        self.lower: frozenset[str] = frozenset(table.get("lower") or [])
        self.title: frozenset[str] = frozenset(table.get("title") or [])
        self.other: dict[str, str] = dict(table.get("other") or {})
        self.is_name = is_name
        self.is_word = is_word

    def form(self, word: str, first: bool) -> str:
        key = word.lower()
        if key in self.other and len(self.other[key]) == len(word):
            return self.other[key]
        if len(word) == 1:
            return word.upper() if first or key != "a" else key
        if first:
            return key.capitalize()
        if key in self.lower:
            return key
        if key in self.title or self.is_name(key) or not self.is_word(key):
            return key.capitalize()
        return key

    def restore(self, text: str) -> str:
        """``text`` with each word in its usual case; the same length as ``text``."""
        parts: list[str] = []
        last = 0
        # a word alone in brackets defines an acronym ("(ELN)"), in capitals wherever it is
        acronyms = set(_DEFINED.findall(text))
        for match in _WORD.finditer(text):
            word = match.group()
            if len(word) == 1 and text[match.end() : match.end() + 1] == ".":
                form = word.upper()  # an initial or an abbreviation: "U.S.", "J. Smith"
            elif word in acronyms or _ACRONYM.fullmatch(word):
                form = word
            else:
                form = self.form(word, _starts_sentence(text, match.start()))
            parts += [text[last : match.start()], form]
            last = match.end()
        parts.append(text[last:])
        restored = "".join(parts)
        return restored if len(restored) == len(text) else text


@lru_cache(maxsize=1)
def shipped_table() -> dict[str, Any]:
    """The casing table shipped with the package (``models/casing.json``)."""
    source = resources.files("archive.extract.models") / "casing.json"
    return json.loads(source.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def dictionary_word(base_forms: Collection[str]) -> Callable[[str], bool]:
    """Whether a word is an inflection of one of ``base_forms`` (a lemmatizer's index):
    "kidnapped" of "kidnap", "guerrillas" of "guerrilla", "wounded" of "wound"."""

    def known(word: str) -> bool:
        if word in base_forms:
            return True
        for suffix, replacement in _INFLECTIONS:
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[: -len(suffix)] + replacement
                if stem in base_forms or (stem[-1:] == stem[-2:-1] and stem[:-1] in base_forms):
                    return True
        return False

    return known


_INFLECTIONS = (
    ("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
    ("ing", "e"), ("ly", ""), ("er", ""), ("est", ""),
)  # fmt: skip
