"""Who speaks: the subject of a speech verb, and whom a name, a pronoun or a description
in that place refers to.

A name is its actor; a pronoun ("he adds") or a role description ("the head of the jihadist
group says") refers to the person last named as a subject or speaker whose gender and role
agree with it; "they" and "it" to the organisation that was a subject just before; a writing
or a recording speaks for its author or the person it shows; an anonymous source ("two
witnesses said") is kept as written, with no actor.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from archive.extract.actors import ActorIndex, Entity, Mention, kind_of_entity
from archive.extract.gender import Gender, agrees, gender_of_person
from archive.extract.lexicon import (
    COLLECTIVES,
    DOCUMENT_NOUNS,
    INDEFINITE_SOURCES,
    OWN_ORGANIZATIONS,
    PARTY_TAG,
    PERSON_NOUNS,
    PRONOUNS_GROUP,
    PRONOUNS_PERSON,
    ROLE_NOUNS,
    SPEECH_LEMMAS,
)
from archive.records import AffiliationRecord

SUBJECT_DEPS = ("nsubj", "nsubjpass")
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
NAMING_PREPOSITIONS = frozenset({"of", "for", "at", "from"})
"""Prepositions that belong to a description ("a lawyer for the group", "the head of X");
others set the scene ("Reyes on Wednesday", "a source in the room")."""
TRIM = " \t,.;:—–-“”\"'‘’"
"""What trims a phrase down to its words."""


@dataclass
class Speaker:
    """Who said something: their actor (None for an unnamed source), the words that name them
    there, the verb that cues the words, and how sure the rules are."""

    entity: Entity | None
    as_written: str | None
    cue: str | None
    confidence: float
    token: Any = None
    """The token the speaker was read from (the head of the phrase that names them)."""


class Speakers:
    """Resolves speakers in one parsed article body. ``in_quote`` tells what is quoted (a
    subject inside a quote is not a speaker outside it)."""

    def __init__(
        self, doc: Any, text: str, actors: ActorIndex, in_quote: Callable[[int], bool]
    ) -> None:
        self.doc = doc
        self.text = text
        self.actors = actors
        self.in_quote = in_quote
        self._speakers: list[tuple[int, Entity]] = []
        self._genders: dict[int, Gender | None] = {}

    def remember(self, at: int, person: Entity) -> None:
        """``person`` spoke at offset ``at``: the last speaker is what a later "he" refers to."""
        self._speakers.append((at, person))

    @cached_property
    def _persons(self) -> list[tuple[int, Entity]]:
        """Where people are named outside quotes, in order. Read once the actors are known,
        which is after the finder has told the pipeline what is quoted."""
        return sorted(
            (
                (m.start, entity)
                for entity in self.actors.entities
                if entity.kind == "person"
                for m in entity.mentions
                if m.start >= 0 and not m.in_quote
            ),
            key=lambda pair: pair[0],
        )

    @cached_property
    def _subjects(self) -> dict[int, bool]:
        """Where a person named is a subject, and whether of a main clause's verb."""
        found = {}
        for start, _ in self._persons:
            subject = self._subject_at(start)
            if subject is not None:
                verb = subject.head
                while verb.dep_ == "conj" and verb.head.i != verb.i:
                    verb = verb.head
                found[start] = verb.dep_ == "ROOT"
        return found

    def _subject_at(self, char: int) -> Any | None:
        """The subject token a name starting at ``char`` is (or is a compound of), if any."""
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        if span is None:
            return None
        token = span[0]
        if token.dep_ in SUBJECT_DEPS:
            return token
        return token.head if token.head.dep_ in SUBJECT_DEPS else None

    def _gender(self, entity: Entity) -> Gender | None:
        if id(entity) not in self._genders:
            starts = [m.start for m in entity.mentions if m.start >= 0]
            self._genders[id(entity)] = gender_of_person(entity.name, starts, self.text)
        return self._genders[id(entity)]

    def _namesake(self, entity: Entity, at: int) -> Entity:
        """A state whose name is the surname of a person the article names ("Sara Jordan …
        “…,” Jordan said"): the person speaks, the last so named before ``at`` (or after)."""
        if entity.kind != "state":
            return entity
        named = [
            (start, person)
            for start, person in self._persons
            if person.name.split()[-1] == entity.name and person.name != entity.name
        ]
        if not named:
            return entity
        before = [person for start, person in named if start < at]
        return before[-1] if before else named[0][1]

    def person_before(self, char: int, pronoun: str = "", main: bool = False) -> Entity | None:
        """The person a pronoun or a description most likely refers to: the last one who spoke
        or acted as a subject in the preceding text, else the last one named; a gendered
        pronoun skips the people whose gender it does not agree with. ``main``: only a main
        clause's subject counts as acting (a description names who the story is about, not
        who acts in an aside: "Pence spoke hours after Trump tweeted. The governor said")."""

        def fits(entity: Entity) -> bool:
            return agrees(pronoun, self._gender(entity))

        i = bisect_left(self._persons, char, key=lambda pair: pair[0])
        named = [pair for pair in self._persons[:i] if fits(pair[1])]
        window = [pair for pair in named if char - pair[0] < 1500]
        speakers = [
            (pos, e) for pos, e in self._speakers if pos < char and char - pos < 1500 and fits(e)
        ]
        acting = [
            pair
            for pair in window
            if pair[0] in self._subjects and (self._subjects[pair[0]] or not main)
        ]
        candidates = acting + speakers
        if candidates:
            return max(candidates, key=lambda pair: pair[0])[1]
        return named[-1][1] if named else None

    def _person_described(self, description: str, at: int) -> Entity | None:
        """The person a role description refers to ("the state attorney general"): of those
        the article names, the one whose role (and organisation) it repeats most fully, the
        nearest before it if several do; else the last person who spoke or acted."""
        words = {w.strip(TRIM).lower() for w in description.split()}
        names = {w.strip(TRIM).lower() for w in description.split()[1:] if w[:1].isupper()}
        i = bisect_left(self._persons, at, key=lambda pair: pair[0])
        best, best_score = None, 0
        # the nearest before first, then those the article names only later ("The state
        # attorney general is confirming … Eric Schneiderman, the attorney general, said")
        for _, person in [*reversed(self._persons[:i]), *self._persons[i:]]:
            score = max((_role_match(a, words, names) for a in person.affiliations), default=0)
            if score > best_score:
                best, best_score = person, score
        return best if best is not None else self.person_before(at, main=True)

    def of_subject(self, subject: Any, at: int, verb: Any = None) -> Speaker | None:
        """Who a subject token refers to; None when the subject is not a speaker at all.
        ``verb``: the speech verb it is the subject of (its cue), when not its head."""
        found = self._of_subject(subject, at, verb)
        if found is not None and found.token is None:
            found.token = subject
        return found

    def _of_subject(self, subject: Any, at: int, verb: Any = None) -> Speaker | None:
        verb = subject.head if verb is None else verb
        cue = verb.lower_ if verb is not None else None
        phrase_text = phrase_of(subject)
        lower = subject.lower_
        if subject.pos_ == "PRON" or lower in PRONOUNS_PERSON | PRONOUNS_GROUP:
            if lower in PRONOUNS_PERSON:
                person = self.person_before(at, lower)
                return Speaker(person, subject.text, cue, 0.8 if person else 0.3)
            if lower in ("they", "it"):
                group = self._group_before(subject)
                return Speaker(group, subject.text, cue, 0.7 if group else 0.3)
            return Speaker(None, phrase_text, cue, 0.3)  # "some of the operatives"
        entity = self.entity_at(subject)
        if entity is not None:
            return Speaker(entity, phrase_text, cue, 0.95)
        if subject.text[:1].isupper():
            # a name the model did not tag this time, but the article has already named
            name = " ".join(t.text for t in subject.subtree if t.dep_ == "compound" or t == subject)
            entity = self.actors.resolve(name)
            if entity is not None:
                return Speaker(entity, phrase_text, cue, 0.85)
        for child in subject.children:
            if child.dep_ != "appos":
                continue
            found = self.entity_at(child)
            if found is None and child.pos_ == "PROPN" and lower in PERSON_NOUNS:
                found = self._person_named_by(child)  # "his niece, Ana Ruiz," untagged
            if found is not None:
                return Speaker(found, phrase_text, cue, 0.9)
        if subject.pos_ == "NOUN" and (named := self._closing_name(subject)) is not None:
            return Speaker(named, phrase_text, cue, 0.85)
        if lower in OWN_ORGANIZATIONS:
            # the name before it, whatever the tagger made of it ("The Lopez campaign")
            owner = self.doc[subject.i - 1] if subject.i > 0 else None
            if owner is not None and owner.lower_ in ("’s", "'s") and owner.i > 0:
                owner = self.doc[owner.i - 1]
            found = (
                self.actors.resolve(f"{owner.text} {lower}")
                if owner is not None and owner.is_title
                else None
            )
            if found is not None:
                return Speaker(found, phrase_text, cue, 0.85)
        if subject.lemma_.lower() in DOCUMENT_NOUNS and (author := self._author_of(subject)):
            return Speaker(author, phrase_text, cue, 0.7)
        collective = COLLECTIVES.get(subject.lemma_.lower()) or next(
            (
                COLLECTIVES[c.lemma_.lower()]
                for c in subject.children
                if c.dep_ == "compound" and c.lemma_.lower() in COLLECTIVES
            ),
            None,
        )
        if collective is not None and not any(c.like_num for c in subject.children):
            name, kind = collective
            return Speaker(self.actors.add(Mention(name, -1, -1, kind)), phrase_text, cue, 0.6)
        if subject.pos_ in ("NOUN", "PROPN") and lower not in INDEFINITE_SOURCES:
            determiner = next(
                (c.lower_ for c in subject.children if c.dep_ in ("det", "poss")), None
            )
            if lower in ROLE_NOUNS and determiner in ("the", "its", None):
                person = self._person_described(phrase_text, at)
                return Speaker(person, phrase_text, cue, 0.7 if person else 0.3)
            if lower in PERSON_NOUNS and determiner is not None:
                # "Lopez's former strategist", "his lawyer": someone other than the possessor,
                # rarely the last person named, so left unnamed rather than guessed
                return Speaker(None, phrase_text, cue, 0.4)
            if subject.pos_ == "PROPN":
                name = " ".join(
                    t.text for t in subject.subtree if t.pos_ == "PROPN" or t.dep_ == "compound"
                )
                entity = self.actors.resolve(name or subject.text) or self.actors.add(
                    # a name pieced together from the parse has no single place in the text
                    Mention(name or subject.text, -1, -1, "organization")
                )
                return Speaker(entity, phrase_text, cue, 0.6)
        # an organisation named by what it is ("the ministry said"), when the article's
        # actors already include it under those words
        entity = self.actors.resolve(phrase_text) if phrase_text else None
        return Speaker(entity, phrase_text, cue, 0.6 if entity is not None else 0.5)

    def _group_before(self, pronoun: Any) -> Entity | None:
        """What "they" or "it" refers to: the nearest organisation, group or state that is a
        subject before it in its sentence or the one before ("Clinton’s campaign is seeking
        to contrast her approach with what they call …")."""
        sentence = pronoun.sent
        start = sentence.start
        if start > 0:
            start = self.doc[start - 1].sent.start
        for token in reversed(self.doc[start : pronoun.i]):
            if token.dep_ not in SUBJECT_DEPS or token.pos_ == "PRON" or self.in_quote(token.idx):
                continue
            found = self.of_subject(token, token.idx)
            if found is not None and found.entity is not None:
                return found.entity if found.entity.kind != "person" else None
        return None

    def _closing_name(self, subject: Any) -> Entity | None:
        """The person a description names in a comma-set apposition that closes it, wherever
        the parse attached the name ("His former partner at Lenox, Lawrence Cummings,")."""
        end = subject.right_edge.i
        for token in subject.subtree:
            if token.dep_ != "appos" or token.ent_type_ != "PERSON" or token.head == subject:
                continue
            rest = self.doc[token.right_edge.i + 1 : end + 1]
            comma = self.doc[token.left_edge.i - 1] if token.left_edge.i > 0 else None
            if comma is not None and comma.text == "," and all(t.is_punct for t in rest):
                return self.entity_at(token)
        return None

    def _person_named_by(self, token: Any) -> Entity | None:
        """The person a proper noun and the compounds before it name ("Ana Ruiz")."""
        start = min([token.i, *(c.i for c in token.children if c.dep_ == "compound")])
        name = self.doc[start : token.i + 1]
        if PARTY_TAG.match(name.text):
            return None
        return self.actors.resolve(name.text) or self.actors.add(
            Mention(name.text, name.start_char, name.end_char, "person")
        )

    def _author_of(self, document: Any) -> Entity | None:
        """Who a writing or a speech speaks for: its owner ("Ivana Trump's brief"), the name
        before it ("a Reuters survey", "a Times article"), after "by"/"from" ("a report by
        Politico", "a complaint filed by the SEC"), or the subject of a clause on it ("a speech
        Ms. Lopez delivered", "a memo that Governor Reyes wrote")."""
        for child in document.children:
            if child.dep_ in ("poss", "compound") and child.pos_ == "PROPN":
                found = self.entity_at(child)
            elif child.dep_ == "prep" and child.lower_ in ("by", "from"):
                found = next((self.entity_at(o) for o in child.children if o.dep_ == "pobj"), None)
            elif child.dep_ == "acl":
                found = next(
                    (
                        self.entity_at(o)
                        for by in child.children
                        if by.dep_ == "agent"
                        for o in by.children
                        if o.dep_ == "pobj"
                    ),
                    None,
                )
            elif child.dep_ == "relcl":
                found = next((self.entity_at(s) for s in child.children if s.dep_ == "nsubj"), None)
            else:
                continue
            if found is not None:
                return found
        return None

    def entity_at(self, token: Any) -> Entity | None:
        """The actor of the named entity ``token`` is part of, added if new; a person rather
        than the state that is their surname."""
        if not token.ent_type_:
            return None
        # the entity's extent from the token's IOB tags: reading ``doc.ents`` builds every
        # entity of the article, which on a long text costs more than the parse
        start, end = token.i, token.i + 1
        while token.doc[start].ent_iob_ == "I" and start > 0:
            start -= 1
        while end < len(token.doc) and token.doc[end].ent_iob_ == "I":
            end += 1
        ent = token.doc[start:end]
        entity = self.actors.resolve(ent.text)
        if entity is None:
            kind = kind_of_entity(token.ent_type_, ent.text, self.actors.gazetteer)
            if kind is None:
                return None
            entity = self.actors.add(Mention(ent.text, ent.start_char, ent.end_char, kind))
        return self._namesake(entity, token.idx) if entity is not None else None

    def subject_of(self, verb: Any) -> Any | None:
        """Who does what ``verb`` says: its subject, climbing from a verb that has none to the
        verb it depends on; the object of a verb that makes someone speak ("forced Stumpf to
        admit"); none for a speech verb in the passive ("he was called to testify"), whose
        speaker is its agent when it names one."""
        node = verb
        for _ in range(3):
            subjects = [
                c for c in node.children if c.dep_ in SUBJECT_DEPS and not self.in_quote(c.idx)
            ]
            if subjects:
                if subjects[0].lower_ in RELATIVE_PRONOUNS and node.dep_ == "relcl":
                    return node.head  # "an architect who said": the architect said it
                if subjects[0].dep_ == "nsubjpass" and speaks(node):
                    return next(
                        (
                            o
                            for c in node.children
                            if c.dep_ == "agent"
                            for o in c.children
                            if o.dep_ == "pobj"
                        ),
                        None,
                    )
                return subjects[0]
            if node.dep_ == "acl" and node.head.pos_ in ("PROPN", "NOUN"):
                return node.head  # "footage of Hillary Clinton asking, “…”"
            if node is verb and node.dep_ == "xcomp" and node.tag_ == "VBG":
                shown = self._shown_speaking(node)
                if shown is not None:
                    return shown
            if node.dep_ == "xcomp" and (
                made := next(
                    (c for c in node.head.children if c.dep_ == "dobj" and c.i < node.i), None
                )
            ):
                return made
            if node.dep_ in ("conj", "xcomp", "advcl") and node.head.i != node.i:
                node = node.head
            elif node.dep_ == "pcomp" and node.head.dep_ == "prep" and node.tag_ == "VBG":
                node = node.head.head  # "Since announcing that …, Biden": Biden announced
            else:
                break
        if verb.tag_ in ("VBD", "VBZ", "VBP") and verb.i > 0:
            # a finite verb the parse left without a subject ("…, Obama and Clinton call
            # them “lone wolves”"): the name just before it
            before = self.doc[verb.i - 1]
            if before.pos_ in ("PROPN", "PRON") and not self.in_quote(before.idx):
                while before.dep_ == "conj" and before.head.pos_ == "PROPN":
                    before = before.head
                return before
        return None

    @staticmethod
    def _shown_speaking(verb: Any) -> Any | None:
        """Who a recording shows speaking: the object before "saying"/"asking" ("a video shows
        Tom Reyes saying"), or whom that object is of ("uses footage of Maria Lopez asking");
        the subject of "shows" or "uses" is not the speaker."""
        shown = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
        if shown is None:
            return None
        of = [
            o
            for c in shown.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for o in c.children
            if o.dep_ == "pobj" and o.pos_ == "PROPN"
        ]
        return of[0] if of else shown


def _role_match(affiliation: AffiliationRecord, words: set[str], names: set[str]) -> int:
    """How fully a description repeats an affiliation: the words of its role when all are
    there, and one more when its organisation's are too; 0 when the role is not, or when the
    description names another organisation ("the Democratic nominee" is not the Republican
    one). ``names``: the description's capitalised words."""
    role = set((affiliation.role or "").lower().split())
    if not role or not role <= words:
        return 0
    organization = set((affiliation.organization or "").lower().split())
    if organization and names and not names & organization:
        return 0
    return len(role) + (1 if organization and organization <= words else 0)


def speaks(token: Any) -> bool:
    """A verb that reports words: a speech verb, or "put it" citing them ("as the memo put
    it")."""
    if token.lemma_ in SPEECH_LEMMAS:
        return True
    return token.lemma_ == "put" and {("as", "mark"), ("it", "dobj")} <= {
        (c.lower_, c.dep_) for c in token.children
    }


def phrase_of(token: Any) -> str:
    """The words that name who ``token`` is, as written: its noun phrase, without what a
    comma, a dash or a parenthesis sets off on either side (an apposition, a relative
    clause, a fronted "Of Carson,") and without a clause that qualifies it."""
    doc = token.doc
    start, end = token.left_edge.i, token.right_edge.i + 1
    for t in doc[token.i + 1 : end]:
        if (
            t.text in (",", "—", "–", "(", ";", ":")
            or t.dep_ in ("relcl", "acl", "appos")
            or (t.dep_ == "prep" and t.head.i == token.i and t.lower_ not in NAMING_PREPOSITIONS)
            or t.ent_type_ in ("DATE", "TIME")
        ):
            end = t.i
            break
    for t in reversed(doc[start : token.i]):
        if t.text in (",", "—", "–", ")", ";", ":"):
            start = t.i + 1
            break
    return str(doc[start:end].text).strip(TRIM)
