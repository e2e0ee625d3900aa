"""Faster stand-ins for two of the English pipeline's rule components, with the same output.

The small English pipeline spends a fifth of its time in two rule components that redo the
same work for every token: the attribute ruler (179 Matcher patterns, mapping tags to parts
of speech and fixing some lemmas) and the rule lemmatizer. Their result for a token depends
only on a few of its attributes, so it is computed once per distinct set of those attributes
and looked up afterwards. Patterns that span several tokens still go through a Matcher.
Both stand-ins wrap the loaded components and read their patterns and tables: the output is
the original's, token for token (checked by the test suite on whole articles).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy

_TOKEN_KEYS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})
Words = tuple[str, str, str, bool]
"""A token's tag, lower form, dependency and whether it is a space: what the one-token
patterns of the attribute ruler read."""
Tests = list[Callable[[Words], bool]]


class CachedAttributeRuler:
    """The loaded ``attribute_ruler``'s matches, looked up by (tag, lower form, dependency,
    space) for its one-token patterns; its other patterns are matched as it does."""

    def __init__(self, ruler: Any) -> None:
        from spacy.matcher import Matcher
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self._attrs = ruler.attrs
        self._indices = ruler.indices
        self._strings = ruler.vocab.strings
        # one-token patterns, indexed by the tag or the lower form they require when they
        # require one, so that a token new to the cache is tested against a handful
        self._by_tag: dict[str, list[tuple[int, Tests]]] = {}
        self._by_lower: dict[str, list[tuple[int, Tests]]] = {}
        self._anywhere: list[tuple[int, Tests]] = []
        self._multi = Matcher(ruler.vocab)
        for attr_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                if len(pattern) > 1 or not set(pattern[0]) <= _TOKEN_KEYS:
                    self._multi.add(str(attr_id), [pattern])
                    continue
                spec = pattern[0]
                tested = (attr_id, [_test(k, v) for k, v in spec.items()])
                if isinstance(spec.get("TAG"), str):
                    self._by_tag.setdefault(spec["TAG"], []).append(tested)
                elif isinstance(spec.get("LOWER"), str):
                    self._by_lower.setdefault(spec["LOWER"], []).append(tested)
                else:
                    self._anywhere.append(tested)
        # (tag, lower, dep, is_space) as hashes -> the ids of the one-token patterns matching
        # it, and the attributes they set merged in the ruler's order (each one overwrites)
        self._cache: dict[tuple[int, int, int, bool], tuple[tuple[int, ...], dict[int, Any]]] = {}

    def _matching(self, token: Any) -> tuple[tuple[int, ...], dict[int, Any]]:
        key = (token.tag, token.lower, token.dep, token.is_space)
        found = self._cache.get(key)
        if found is None:
            words = (token.tag_, token.lower_, token.dep_, token.is_space)
            candidates = (
                self._by_tag.get(words[0], []) + self._by_lower.get(words[1], []) + self._anywhere
            )
            ids = tuple(
                sorted({a for a, tests in candidates if all(test(words) for test in tests)})
            )
            merged: dict[int, Any] = {}
            for attr_id in ids:
                merged.update(self._attrs[attr_id])
            found = self._cache[key] = (ids, merged)
        return found

    def __call__(self, doc: Any) -> Any:
        multi = self._multi(doc, allow_missing=True, as_spans=False)
        if not multi:
            for token in doc:
                attrs = self._matching(token)[1]
                if attrs:
                    self._set(token, attrs)
            return doc
        # a pattern over several tokens may set a token a one-token pattern sets too: apply
        # every match in the ruler's order (by pattern id), as the ruler does
        matches = [
            (attr_id, token.i, token.i + 1) for token in doc for attr_id in self._matching(token)[0]
        ]
        matches += [(int(self._strings[m_id]), start, end) for m_id, start, end in multi]
        matches.sort()
        for attr_id, start, end in matches:
            self._set(doc[start:end][self._indices[attr_id]], self._attrs[attr_id])
        return doc


def _test(key: str, value: Any) -> Callable[[Words], bool]:
    """A Matcher token condition (``"VBZ"``, ``{"IN": […]}``, ``{"NOT_IN": […]}``,
    ``{"REGEX": …}``) on the (tag, lower, dep, is_space) of a token."""
    at = ("TAG", "LOWER", "DEP", "IS_SPACE").index(key)
    if isinstance(value, dict):
        [(operator, operand)] = value.items()
        if operator == "IN":
            members = frozenset(operand)
            return lambda token: token[at] in members
        if operator == "NOT_IN":
            excluded = frozenset(operand)
            return lambda token: token[at] not in excluded
        if operator == "REGEX":
            pattern = re.compile(operand)
            return lambda token: bool(pattern.search(str(token[at])))
        raise ValueError(f"unsupported Matcher operator {operator!r} in the attribute ruler")
    return lambda token: token[at] == value


class CachedLemmatizer:
    """The loaded rule ``lemmatizer``, its lemma looked up by (form, part of speech,
    morphology), which is all its rules read."""

    def __init__(self, lemmatizer: Any) -> None:
        self._lemmatizer = lemmatizer
        self._overwrite = lemmatizer.overwrite
        self._cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        strings = doc.vocab.strings
        # the attributes of every token at once: reading them token by token (a morphology
        # object each) costs more than the lemmatizing
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma == 0 or self._overwrite:
                key = (orth, pos, morph)
                lemma = self._cache.get(key)
                if lemma is None:
                    lemma = strings.add(self._lemmatizer.lemmatize(doc[i])[0])
                    self._cache[key] = lemma
            lemmas.append(lemma)
        if lemmas:
            doc.from_array([LEMMA], numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1))
        return doc
