"""Fatalities from the number phrases of a sentence: "at least three people were killed" is
3, "more than two dozen" 24, "dozens" 12 and "hundreds" 100 (as ACLED counts vague figures)."""

from __future__ import annotations

import re

NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "dozens": 12,
    "hundreds": 100,
    "a dozen": 12,
    "a hundred": 100,
}
MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000}
COUNT = (
    r"(?P<n>\d[\d,]*|a dozen|a hundred|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens"
    r"|hundreds)(?:\s+(?P<times>dozen|hundred|thousand))?"
)
"""A number of people: digits or words, times a dozen, a hundred or a thousand ("two dozen")."""
FATALITIES = re.compile(
    r"\b(?:(?:at least|more than|over|some|about|nearly|almost)\s+)?" + COUNT + r"\s+"
    r"(?:\w+\s+){0,2}?(?:people|civilians|soldiers|fighters|persons|members|protesters|children|men|women)?\s*(?:were|have been|had been|was)?\s*killed\b",
    re.I,
)
FATALITIES_ACTIVE = re.compile(
    r"\b(?:killed|killing|kills)\s+(?:(?:at least|more than|over|some|about|nearly|almost)\s+)?"
    + COUNT
    + r"\b",
    re.I,
)
"""Vague counts follow ACLED's practice: "dozens" is 12, "hundreds" 100."""


def fatalities_in(sentence: str) -> int | None:
    """How many died, by the first number phrase of ``sentence`` that says so."""
    match = FATALITIES.search(sentence) or FATALITIES_ACTIVE.search(sentence)
    if not match:
        return None
    raw = match["n"].lower().replace(",", "")
    count = int(raw) if raw.isdigit() else NUMBERS.get(raw)
    if count is None:
        return None
    return count * MULTIPLIERS[match["times"].lower()] if match["times"] else count
