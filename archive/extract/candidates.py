"""Who may have said a quote: the noun phrases around it, and what the speaker model reads.

A direct quote's speaker is nearly always named in the quote's own sentence, the one before
or the one after (PolNeAR's training split: 99% of sources). Every noun phrase there, outside
quote marks, is a candidate: its head token, described by features of general English syntax
(its dependency relation, whether it is the subject of a speech verb and whether that verb
governs the quote, which side of the quote it stands on and how far, what kind of name or
pronoun it is) and by what the attribution rules chose (the rules become features, so the
model learns when to trust them). :mod:`archive.extract.models` scores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.extract.lexicon import (
    COLLECTIVES,
    DOCUMENT_NOUNS,
    INDEFINITE_SOURCES,
    KIN_NOUNS,
    OWN_ORGANIZATIONS,
    PRONOUNS_GROUP,
    PRONOUNS_PERSON,
    ROLE_NOUNS,
)
from archive.extract.speakers import SUBJECT_DEPS, speaks

CANDIDATE_POS = frozenset({"PROPN", "NOUN", "PRON"})
INNER_DEPS = frozenset({"compound", "amod", "det", "nummod", "punct", "case"})
"""Words inside a noun phrase: its head stands for them."""
MAX_CANDIDATES = 40


@dataclass
class Candidate:
    """A noun phrase that may be a quote's speaker: its head token and its features."""

    token: Any
    features: dict[str, float] = field(default_factory=dict)
    verb: Any = None
    """The speech verb it is the subject or agent of, if any: the cue."""


def bucket(n: int, limits: tuple[int, ...] = (1, 3, 6, 12, 25), beyond: str = "far") -> str:
    """A count as a feature value: the first of ``limits`` it does not exceed."""
    return next((str(limit) for limit in limits if n <= limit), beyond)


def _speech_verb(token: Any) -> tuple[Any, str] | None:
    """The speech verb ``token`` names the speaker of, and how: as its subject, its passive
    agent ("was told by X"), or after "according to"."""
    head = token.head
    if token.dep_ in SUBJECT_DEPS:
        verb = head
        while verb.dep_ == "conj" and verb.head.i != verb.i and not speaks(verb):
            verb = verb.head
        if speaks(verb):
            return verb, "subject"
        if verb.dep_ in ("xcomp", "ccomp") and speaks(verb.head):
            return verb.head, "subject"
        return None
    if token.dep_ == "pobj" and head.dep_ == "agent" and speaks(head.head):
        return head.head, "agent"
    if token.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according":
        return head.head, "according"
    if token.dep_ == "appos" and head.dep_ in SUBJECT_DEPS and speaks(head.head):
        return head.head, "appos"
    return None


def _path_to(verb: Any, quote_root: Any) -> list[str] | None:
    """The relations climbed from the quote's words up to ``verb`` (None when they do not
    depend on it within six steps)."""
    node = quote_root
    path: list[str] = []
    for _ in range(6):
        if node.i == verb.i:
            return path
        if node.head.i == node.i:
            return None
        path.append(node.dep_)
        node = node.head
    return None


def _clause_on(path: list[str]) -> str | None:
    """The kind of clause on a path from the quote up to a verb, when there is one: an
    adverbial clause ("As Reyes went on about “…”, Ruiz said") or a relative one is a scene
    of its own, and its subject the likelier speaker."""
    return next((dep for dep in path if dep in ("advcl", "relcl", "acl")), None)


LEXICAL_KINDS = (
    ("role_noun", ROLE_NOUNS, False),
    ("kin_noun", KIN_NOUNS, False),
    ("indefinite", INDEFINITE_SOURCES, False),
    ("document", DOCUMENT_NOUNS, True),
    ("collective", frozenset(COLLECTIVES), True),
    ("own_organization", OWN_ORGANIZATIONS, False),
)
"""Word lists a candidate's head may belong to: (feature, words, matched by lemma)."""


def _kind_of(token: Any) -> list[str]:
    lower, lemma = token.lower_, token.lemma_.lower()
    kinds = []
    if token.pos_ == "PRON":
        kinds.append(f"pron={lower}")
        if lower in PRONOUNS_PERSON:
            kinds.append("pron_person")
        elif lower in PRONOUNS_GROUP:
            kinds.append("pron_group")
    kinds += [
        name for name, words, by_lemma in LEXICAL_KINDS if (lemma if by_lemma else lower) in words
    ]
    if token.is_title and token.pos_ != "PRON":
        kinds.append("capitalised")
    if any(c.dep_ == "poss" for c in token.children):
        kinds.append("has_possessor")
    if any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in token.children):
        kinds.append("appos_person")
    return kinds


def speaker_candidates(
    doc: Any,
    quote: Any,
    quote_root: Any,
    in_quote: Any,
    region: tuple[int, int],
    rule_token: Any | None,
    rule_confidence: float,
    colon_before: bool,
    cue: Any = None,
) -> list[Candidate]:
    """The candidate speakers of a quote: ``quote`` is its span of tokens (marks included),
    ``region`` the character range to look in (the quote's sentences and one either side,
    within its paragraph), ``rule_token`` the head of the phrase the rules chose. For
    reported speech, ``quote`` is the cue's own token and ``cue`` that word."""
    start = doc.char_span(region[0], region[1], alignment_mode="expand")
    if start is None:
        return []
    quote_sents = {quote[0].sent.start, quote[-1].sent.start}
    first_sent, last_sent = min(quote_sents), max(quote_sents)
    # a cue set inside its content ("X, she said, will …") keeps its subject
    attributing = {t.i for t in cue.subtree} if cue is not None else set()
    found: list[Candidate] = []
    for token in start:
        if (
            token.pos_ not in CANDIDATE_POS
            or token.dep_ in INNER_DEPS
            or token.is_space
            or (quote.start <= token.i < quote.end and token.i not in attributing)
            or in_quote(token.idx)
        ):
            continue
        found.append(Candidate(token))
    before = sorted((c for c in found if c.token.i < quote.start), key=lambda c: -c.token.i)
    after = sorted((c for c in found if c.token.i >= quote.start), key=lambda c: c.token.i)
    for side, ordered in (("before", before), ("after", after)):
        for rank, candidate in enumerate(ordered[:MAX_CANDIDATES], start=1):
            token = candidate.token
            distance = quote.start - token.i if side == "before" else abs(token.i - quote.end) + 1
            sent = token.sent.start
            where = (
                "same"
                if first_sent <= sent <= last_sent
                else ("prev" if sent < first_sent else "next")
            )
            f = candidate.features
            f[f"side={side}"] = 1.0
            f[f"sent={where}"] = 1.0
            f[f"side|sent={side}|{where}"] = 1.0
            f[f"rank={side}{min(rank, 5)}"] = 1.0
            f[f"dist={side}{bucket(distance)}"] = 1.0
            f[f"dep={token.dep_}"] = 1.0
            f[f"pos={token.pos_}"] = 1.0
            f[f"ent={token.ent_type_ or '-'}"] = 1.0
            f[f"dep|side={token.dep_}|{side}"] = 1.0
            for kind in _kind_of(token):
                f[kind] = 1.0
            if token.dep_ == "poss":
                f[f"possessor_of_person={token.head.lower_ in ROLE_NOUNS | KIN_NOUNS}"] = 1.0
            said = _speech_verb(token)
            if said is not None:
                verb, how = said
                candidate.verb = verb
                path = _path_to(verb, quote_root)
                governs = path is not None
                if path is not None and (clause := _clause_on(path)) is not None:
                    f[f"quote_in_clause={clause}"] = 1.0
                f[f"speech={how}"] = 1.0
                f[f"speech|governs={how}|{governs}"] = 1.0
                f[f"speech|side|sent={how}|{side}|{where}"] = 1.0
                f[f"speech_lemma={verb.lemma_.lower()}"] = 1.0
                if verb.tag_ == "VBG":
                    f["speech_gerund"] = 1.0
                if any(c.dep_ == "mark" for c in verb.children):
                    f["speech_subordinate"] = 1.0
            elif token.dep_ in SUBJECT_DEPS:
                f[f"subject_of_other|sent={where}"] = 1.0
                if _path_to(token.head, quote_root) is not None:
                    f["subject_governs"] = 1.0
                    if any(c.dep_ == "mark" for c in token.head.children):
                        f["subject_governs_subordinate"] = 1.0
            if colon_before and side == "before" and rank <= 3:
                f[f"colon_before_rank={rank}"] = 1.0
            if cue is not None:
                _relate_to_cue(f, token, cue)
            if rule_token is not None and same_phrase(token, rule_token):
                f["rule"] = 1.0
                f[f"rule_confidence={round(rule_confidence, 1)}"] = 1.0
    _rank_among(found, quote, lambda c: c.verb is not None, "speech_rank")
    _rank_among(found, quote, lambda c: c.token.ent_type_ in NAMED, "name_rank")
    return [c for c in found if c.features]


NAMED = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _rank_among(found: list[Candidate], quote: Any, kind: Any, name: str) -> None:
    """Rank the candidates of one kind by distance to the quote: the nearest speech verb's
    subject is most often the speaker, the second rarely."""
    chosen = [c for c in found if c.features and kind(c)]
    chosen.sort(key=lambda c: min(abs(c.token.i - quote.start), abs(c.token.i - quote.end)))
    for rank, candidate in enumerate(chosen, start=1):
        candidate.features[f"{name}={min(rank, 3)}"] = 1.0
        if rank == 1 and len(chosen) == 1:
            candidate.features[f"{name}=only"] = 1.0


def same_phrase(token: Any, other: Any) -> bool:
    """Whether two tokens belong to one noun phrase headed by ``token``."""
    if token.i == other.i:
        return True
    node = other
    for _ in range(3):
        if node.dep_ not in INNER_DEPS or node.head.i == node.i:
            return False
        node = node.head
        if node.i == token.i:
            return True
    return False


def _relate_to_cue(f: dict[str, float], token: Any, cue: Any) -> None:
    """How a candidate stands to the cue of reported speech: its subject (or the subject of
    the verb the cue depends on), its passive agent, its possessor ("Reyes's claim"), the
    object of "according to"."""
    relation = "none"
    head = token.head
    if head.i == cue.i and token.dep_ in SUBJECT_DEPS:
        relation = "subject"
    elif token.dep_ in SUBJECT_DEPS and any(a.i == head.i for a in cue.ancestors):
        relation = "subject_above"
    elif token.dep_ == "pobj" and head.dep_ == "agent" and head.head.i == cue.i:
        relation = "agent"
    elif token.dep_ == "poss" and head.i == cue.i:
        relation = "possessor"
    elif token.dep_ == "pobj" and head.head.i == cue.i and cue.lower_ == "according":
        relation = "according"
    elif token.dep_ == "pobj" and head.head.i == cue.i and head.lower_ in ("by", "from"):
        relation = "by"
    elif token.dep_ == "dobj" and cue.dep_ == "xcomp" and cue.head.i == head.i:
        relation = "made_to"  # "forced Hale to admit": Hale admits
    f[f"cue_relation={relation}"] = 1.0
    f[f"cue_relation|pos={relation}|{cue.pos_}"] = 1.0
    side = "before" if token.i < cue.i else "after"
    f[f"cue_side={side}"] = 1.0
    f[f"cue_dist={side}{bucket(abs(token.i - cue.i))}"] = 1.0
