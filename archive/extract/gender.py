"""Grammatical gender of a named person, so that "she said" does not go to the last man named.

Evidence, strongest first: an honorific written before a mention ("Mrs. Clinton", "Mr. Abdi"),
then the first name, looked up in the name lists the ``gender-guesser`` package ships (no
network). Unknown or androgynous names have no gender and agree with every pronoun.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

Gender = Literal["m", "f"]

_HONORIFIC = re.compile(r"\b(?P<title>Mr|Mrs|Ms|Miss|Mme|Mmes|Sir|Dame|Lady|Lord)\.?\s+$")
_HONORIFIC_GENDER: dict[str, Gender] = {
    "mr": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "mme": "f",
    "mmes": "f",
    "dame": "f",
    "lady": "f",
}
PRONOUN_GENDER: dict[str, Gender] = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}


@lru_cache(maxsize=1)
def _detector() -> Any:
    """The first-name lists (read once per process: about a second)."""
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def load_names() -> None:
    """Read the first-name lists now rather than at the first pronoun."""
    _detector()


@lru_cache(maxsize=4096)
def gender_of_first_name(name: str) -> Gender | None:
    """The gender a first name mostly has; None when the lists do not know it or it is mixed."""
    if not name.isalpha() or len(name) < 2:
        return None
    answer = _detector().get_gender(name)
    if answer in ("male", "mostly_male"):
        return "m"
    if answer in ("female", "mostly_female"):
        return "f"
    return None


@lru_cache(maxsize=4096)
def is_first_name(name: str) -> bool:
    """Whether the lists know ``name`` as a first name, of either gender or both."""
    return name.isalpha() and len(name) >= 2 and _detector().get_gender(name) != "unknown"


def gender_of_person(name: str, mention_starts: list[int], text: str) -> Gender | None:
    """The gender of the person called ``name``, mentioned at ``mention_starts`` in ``text``."""
    for start in mention_starts:
        if start <= 0:
            continue
        match = _HONORIFIC.search(text, max(0, start - 6), start)
        if match is not None:
            return _HONORIFIC_GENDER[match["title"].lower()]
    words = name.split()
    if len(words) < 2:
        return None
    return gender_of_first_name(words[0].strip(".,"))


def agrees(pronoun: str, gender: Gender | None) -> bool:
    """Whether a personal pronoun can refer to someone of ``gender`` (None agrees with all)."""
    wanted = PRONOUN_GENDER.get(pronoun.lower())
    return wanted is None or gender is None or gender == wanted
