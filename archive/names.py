"""Normal forms of names, so that spellings of one entity meet in the alias tables.

``normalize_name`` is the unique key of ``actor_aliases`` and ``place_aliases``: two spellings
with the same normal form are the same alias. It folds case, accents, apostrophes, hyphens and a
leading article, nothing that could merge two different entities.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
# Letters that Unicode does not decompose into a base letter plus a mark.
_UNDECOMPOSABLE = str.maketrans(
    {"đ": "d", "ð": "d", "ł": "l", "ø": "o", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+")
_POSSESSIVE = re.compile(r"'s$")
_PUNCTUATION = re.compile(r"[^\w@' ]+")
_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """``Đà Nẵng`` -> ``Da Nang``: drop combining marks after canonical decomposition."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The comparison key of a name: ``The Wall-Street Journal’s`` -> ``wall street journal``."""
    text = strip_accents(unicodedata.normalize("NFKC", name)).translate(_APOSTROPHES)
    text = text.casefold().translate(_UNDECOMPOSABLE).strip()
    text = _LEADING_ARTICLE.sub("", text)
    text = _POSSESSIVE.sub("", text)
    text = _PUNCTUATION.sub(" ", text.replace("-", " "))
    return _SPACES.sub(" ", text).strip()


def clean_text(text: str) -> str:
    """Collapse runs of whitespace inside a short field (a title, a name) and trim it."""
    return _SPACES.sub(" ", text).strip()


def affiliation_words(actor: str, organization: str | None, role: str | None) -> str:
    """How ``rejections`` keeps an affiliation an editor removed from an article: the actor's
    and the organisation's names as comparison keys (any spelling finds them again, after a
    rename or a merge too) and the role as written, tab-separated."""
    return "\t".join((normalize_name(actor), normalize_name(organization or ""), role or ""))
