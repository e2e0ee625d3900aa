"""Quotes in a headline: a headline that is itself a quotation, with quotation marks or as
"…, the commander says", and who speaks it (a name or description after the quote, the
subject of the verb the quote depends on, or the name that opens a headline before a colon)."""

from __future__ import annotations

import re
from typing import Any

from archive.extract.actors import ActorIndex, Entity, clean_name
from archive.extract.lexicon import ROLE_NOUNS
from archive.extract.marks import QuoteSpan, find_quotes
from archive.extract.speakers import SUBJECT_DEPS, TRIM
from archive.records import QuoteRecord

TITLE_CUES = "says|said|tells|told|warns|declares|adds|claims"
TITLE_ATTRIBUTION = re.compile(
    rf"^(?P<quote>.{{12,}}?),\s+(?P<who>[^,“”\"]{{3,90}}?)\s+(?P<cue>{TITLE_CUES})\b",
)
TITLE_CUE = re.compile(rf"\b(?:{TITLE_CUES}|say)\b")


def title_quotes(title: str, doc: Any, actors: ActorIndex) -> list[QuoteRecord]:
    """A headline that is itself a quotation: with marks, or "…, the commander says"; ``doc``
    is the headline's parse, whose subject speaks a quote inside the headline ("Clinton calls
    Obamacare ‘crazy system’")."""
    spans = find_quotes(title, 0, len(title), single_marks=True)
    match = TITLE_ATTRIBUTION.match(title)
    if match and TITLE_CUE.search(match["quote"]):
        match = None  # "X says A, Y says B": two claims reported, neither quoted
    who = match["who"] if match else None
    cue = match["cue"] if match else None
    if not spans and match:
        text = match["quote"].strip(TRIM)
        spans = [QuoteSpan(title.index(text), title.index(text) + len(text), 0, len(text))]
    found = []
    for span in spans:
        speaker = _describe(who, actors) if who else None
        as_written, verb = clean_name(who) if who else None, cue
        if speaker is None and who is None:
            subject = _headline_subject(doc, span)
            if subject is not None:
                as_written, verb = subject.text, subject.head.lower_
                speaker = actors.resolve(_name_of(subject))
        if speaker is None and who is None and title[: span.open_start].rstrip().endswith(":"):
            # "Elizabeth Warren Hammers Wells Fargo CEO: ‘You Should Be Investigated’": the
            # name that opens the headline speaks what follows its colon
            opening = next((e for e in doc.ents if e.start_char == 0), None)
            words = opening.text.split() if opening is not None else []
            for n in range(len(words), 0, -1):  # "Maria Lopez Grills …": the name, not the verb
                speaker = actors.resolve(" ".join(words[:n]))
                if speaker is not None:
                    as_written, verb = " ".join(words[:n]), None
                    break
        found.append(
            QuoteRecord(
                text=title[span.start : span.end],
                direct=True,
                speaker=speaker.name if speaker else None,
                speaker_as_written=as_written,
                cue=verb,
                confidence=0.6 if speaker else 0.4,
                origin="extracted",
            )
        )
    return found


def _headline_subject(doc: Any, span: QuoteSpan) -> Any | None:
    """The subject of the verb a headline's quote depends on, if it is a name."""
    quote = doc.char_span(span.open_start, span.close_end, alignment_mode="expand")
    if quote is None:
        return None
    node = quote.root
    inside = range(quote.start, quote.end)
    while node.head.i != node.i and (node.pos_ != "VERB" or node.i in inside):
        node = node.head
    if node.pos_ != "VERB":
        return None
    return next((c for c in node.children if c.dep_ in SUBJECT_DEPS and c.pos_ == "PROPN"), None)


def _name_of(token: Any) -> str:
    """The proper name a token heads, with its compounds ("Bill Clinton")."""
    return " ".join(t.text for t in token.subtree if t.pos_ == "PROPN" and t.i <= token.i)


def _describe(description: str, actors: ActorIndex) -> Entity | None:
    """The person a headline's description names: by name, else by the role it gives."""
    words = {w.strip(TRIM).lower() for w in description.split()}
    roles = words & ROLE_NOUNS
    entity = actors.resolve(description)
    if entity is not None and (entity.kind == "person" or not roles):
        return entity
    persons = [e for e in actors.entities if e.kind == "person" and e.mentions]
    for person in persons:
        if any(a.role and set(a.role.split()) & roles for a in person.affiliations):
            return person
    return persons[0] if roles and persons else None
