"""The language an article is written in, and whether the extraction pipeline can read it.

Detection is offline: py3langid's model (97 languages, character n-grams, naive Bayes) ships
inside its wheel and classifies an article in about two milliseconds. A language given by the
input file wins over detection; a text too short or too mixed to decide gets no language (and
is mined, since most of the archive is English).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

EXTRACTED = frozenset({"en"})
"""Languages the extraction pipeline is written and trained for."""
MIN_CONFIDENCE = 0.8
"""Below this probability the detector is not trusted (short or mixed texts)."""
MIN_LETTERS = 40
"""Fewer letters than this is too little text to tell a language by."""
SAMPLE_CHARS = 4000
"""The detector reads this much of the body: more text no longer changes its answer."""
_LETTER = re.compile(r"[^\W\d_]")
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_NAMES = {"english": "en", "spanish": "es", "french": "fr", "german": "de", "arabic": "ar"}


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalize_language(value: str | None) -> str | None:
    """A language as the archive stores it: the primary subtag of a BCP 47 tag, lower case
    ("en-US" and "EN" are "en"); a few names in English are understood ("English")."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if (named := _NAMES.get(value.lower())) is not None:
        return named
    match = _TAG.match(value)
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when the text is too short or the
    detector is unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    # case carries no language, and wire copy in capitals reads as noise to the n-grams
    code, probability = _identifier().classify(sample.lower())
    return str(code) if probability >= MIN_CONFIDENCE else None


def article_language(title: str, body: str, declared: str | None) -> str | None:
    """The article's language: the one its file declares, else the one its text is in."""
    return normalize_language(declared) or detect_language(f"{title}\n{body}")


def extracted(language: str | None) -> bool:
    """Whether the pipeline mines an article in ``language`` (unknown: yes)."""
    return language is None or language in EXTRACTED
