"""Reported speech: a cue (a verb of saying, thinking or stance, or "according to"), the
content it reports, and who it is from.

Every verb outside quote marks is a possible cue, and each of its dependents that can carry
content (a clause, an object, a prepositional object, the sentence around an inserted "he
said") is a possible content. The pair is described by features of general syntax and the
cue's lemma, and scored by the ``reported`` model learned from PolNeAR's training split
(:mod:`archive.extract.models`): it knows that "say", "argue" or "call for" report words and
that "walk" or "win" do not, and which dependent holds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.extract.candidates import bucket
from archive.extract.lexicon import REPORT_LEMMAS, SPEECH_LEMMAS
from archive.extract.speakers import SUBJECT_DEPS

CONTENT_DEPS = frozenset(
    {"ccomp", "dobj", "xcomp", "advcl", "nsubjpass", "acomp", "oprd", "attr", "dative"}
)
"""Dependents of a cue whose words may be what it reports."""
PREPOSITION_DEPS = frozenset({"pobj", "pcomp"})
NON_CUES = frozenset({"be", "have", "do", "get", "go", "come", "take", "give", "make"})
"""Verbs too light to carry an attribution on their own (their lemma is still a feature of
the clause they govern)."""
NOUN_CONTENT_DEPS = frozenset({"acl", "ccomp"})
NOUN_PREPOSITIONS = frozenset({"of", "about", "on", "against", "for", "over"})
"""What a noun cue reports: "the claim that …", "his criticism of …", "a warning about …"."""
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "dobj"})
MIN_TOKENS = 2
MAX_CONTENT_TOKENS = 80


@dataclass
class Content:
    """A possible reported content of ``cue``: tokens ``start``..``end`` (exclusive)."""

    cue: Any
    start: int
    end: int
    how: str
    features: dict[str, float] = field(default_factory=dict)

    def bounds(self, doc: Any) -> tuple[int, int]:
        """Character offsets of the content, its leading "that" and edge punctuation cut."""
        tokens = list(doc[self.start : self.end])
        while tokens and (tokens[0].lower_ == "that" or tokens[0].is_punct or tokens[0].is_space):
            tokens = tokens[1:]
        while tokens and (
            tokens[-1].is_space or (tokens[-1].is_punct and tokens[-1].text not in ')”"’')
        ):
            tokens = tokens[:-1]
        if not tokens:
            return doc[self.start].idx, doc[self.start].idx
        return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def is_cue(token: Any, in_quote: Callable[[int], bool]) -> bool:
    """Whether a token may cue reported speech at all."""
    if in_quote(token.idx):
        return False
    if token.lower_ == "according":
        return True
    if token.pos_ == "NOUN":
        return True  # "the claim that …", "criticism of …"
    return token.pos_ == "VERB" and token.lemma_.lower() not in NON_CUES


def contents(token: Any, quoted: Callable[[int, int], int]) -> list[Content]:
    """The possible contents of cue ``token``, each with its features; ``quoted(start, end)``
    counts the tokens in quote marks among tokens ``start``..``end``."""
    doc = token.doc
    found: list[Content] = []
    if token.lower_ == "according":
        phrase = {t.i for t in token.subtree}
        sent = token.sent
        rest = [t.i for t in sent if t.i not in phrase]
        if rest:
            found.append(_around(token, rest, "according"))
    elif token.pos_ == "NOUN":
        for child in token.children:
            if child.dep_ in NOUN_CONTENT_DEPS:
                found.append(
                    Content(token, child.left_edge.i, child.right_edge.i + 1, f"noun_{child.dep_}")
                )
            elif child.dep_ == "prep" and child.lower_ in NOUN_PREPOSITIONS:
                for obj in child.children:
                    if obj.dep_ in PREPOSITION_DEPS:
                        found.append(
                            Content(
                                token, obj.left_edge.i, obj.right_edge.i + 1, f"noun_{child.lower_}"
                            )
                        )
    else:
        for child in token.children:
            if child.dep_ in CONTENT_DEPS:
                found.append(Content(token, child.left_edge.i, child.right_edge.i + 1, child.dep_))
                end = _sentence_end(token)
                if child.dep_ in CLAUSE_DEPS and child.i > token.i and end > child.right_edge.i + 1:
                    # a clause the parse cut short ("said that X and that Y")
                    found.append(Content(token, child.left_edge.i, end, f"{child.dep_}_to_end"))
            elif child.dep_ == "prep":
                for obj in child.children:
                    if obj.dep_ in PREPOSITION_DEPS:
                        found.append(
                            Content(
                                token,
                                obj.left_edge.i,
                                obj.right_edge.i + 1,
                                f"prep_{child.lower_}",
                            )
                        )
        if token.head.i != token.i and token.dep_ not in ("conj", "xcomp", "relcl", "amod"):
            # an inserted "he said": the sentence around it is the content
            own = {t.i for t in token.subtree}
            rest = [t.i for t in token.sent if t.i not in own]
            if rest:
                found.append(_around(token, rest, f"around_{token.dep_}"))
    kept = []
    for content in found:
        size = content.end - content.start
        if size < MIN_TOKENS or size > MAX_CONTENT_TOKENS:
            continue
        inside = quoted(content.start, content.end)
        if inside * 2 > size:
            continue  # the words are a direct quote, found by their marks
        _describe(content, doc[content.start : content.end], inside)
        kept.append(content)
    return kept


def _sentence_end(token: Any) -> int:
    """The index after the last word of ``token``'s sentence (its final stop left out)."""
    end: int = token.sent.end
    while end > token.i + 1 and (token.doc[end - 1].is_punct or token.doc[end - 1].is_space):
        end -= 1
    return end


INSERTION = 6
"""The longest attribution set inside its content ("X, he told reporters, will …")."""


def _around(cue: Any, rest: list[int], how: str) -> Content:
    """The sentence around a cue (``rest``: its token indices): all of it when the cue's words
    are a short insertion, else the longest unbroken run."""
    if rest[-1] - rest[0] + 1 - len(rest) <= INSERTION:
        return Content(cue, rest[0], rest[-1] + 1, how)
    runs: list[list[int]] = [[rest[0]]]
    for i in rest[1:]:
        if i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    run = max(runs, key=len)
    return Content(cue, run[0], run[-1] + 1, how)


def _size(n: int) -> str:
    return bucket(n, (2, 4, 8, 16, 32), "long")


def _describe(content: Content, tokens: Any, quoted: int) -> None:
    cue = content.cue
    lemma = cue.lemma_.lower()
    head = tokens.root
    f = content.features
    f[f"how={content.how}"] = 1.0
    f[f"lemma={lemma}"] = 1.0
    f[f"lemma|how={lemma}|{content.how}"] = 1.0
    f[f"tag={cue.tag_}"] = 1.0
    f[f"pos={cue.pos_}"] = 1.0
    f[f"cue_dep={cue.dep_}"] = 1.0
    f[f"size={_size(len(tokens))}"] = 1.0
    f[f"how|size={content.how}|{_size(len(tokens))}"] = 1.0
    f[f"head_pos={head.pos_}"] = 1.0
    f[f"how|head_pos={content.how}|{head.pos_}"] = 1.0
    f[f"side={'after' if content.start > cue.i else 'before'}"] = 1.0
    if lemma in SPEECH_LEMMAS:
        f["speech_lemma"] = 1.0
        f[f"speech|how={content.how}"] = 1.0
    if lemma in REPORT_LEMMAS:
        f["report_lemma"] = 1.0
    if tokens[0].lower_ in ("that", "whether", "if", "how", "why", "what"):
        f[f"opens={tokens[0].lower_}"] = 1.0
    if any(t.dep_ in SUBJECT_DEPS for t in head.children):
        f["clause"] = 1.0
    if quoted:
        f["partly_quoted"] = 1.0
    if any(c.dep_ == "neg" for c in cue.children):
        f["negated"] = 1.0
    subject = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None:
        f["no_subject"] = 1.0
    else:
        f[f"subject_pos={subject.pos_}"] = 1.0
        f[f"subject_ent={subject.ent_type_ or '-'}"] = 1.0
        f[f"lemma|subject_ent={lemma}|{subject.ent_type_ or subject.pos_}"] = 1.0
    if any(c.dep_ == "agent" for c in cue.children):
        f["agent"] = 1.0
    for particle in (c for c in cue.children if c.dep_ == "prt"):
        f[f"particle={lemma}_{particle.lower_}"] = 1.0
