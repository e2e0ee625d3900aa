"""Events: who did what to whom, where and when, from the sentences that say so.

A trigger verb (or noun, for "clashes") gives the kind; its subject gives actor1, its object
actor2 (or the place taken); "between X and Y" gives both sides of a clash. The place is the
one the sentence names nearest the trigger; the date comes from the sentence's own date
expression resolved against the publication date, or the publication week when it has none;
"at least three people were killed" gives the fatalities.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Callable
from datetime import datetime
from typing import Any

from archive.extract.actors import ActorIndex, Entity
from archive.extract.event_dates import DateGuess, resolve_date
from archive.extract.event_reports import merge_into
from archive.extract.lexicon import ARMED_WORDS
from archive.extract.places import PlaceIndex
from archive.extract.quotes import QuoteFinder
from archive.extract.realis import generic, unrealised
from archive.extract.speakers import RELATIVE_PRONOUNS
from archive.extract.tolls import fatalities_in
from archive.records import EventRecord, ParticipantRecord

TRIGGERS: dict[str, str] = {
    "capture": "capture",
    "seize": "capture",
    "overrun": "capture",
    "recapture": "recapture",
    "retake": "recapture",
    "regain": "recapture",
    "withdraw": "withdrawal",
    "retreat": "withdrawal",
    "advance": "advance",
    "head": "advance",
    "move": "advance",
    "march": "advance",
    "push": "advance",
    "enter": "capture",
    "clash": "clash",
    "fight": "clash",
    "battle": "clash",
    "attack": "attack",
    "strike": "airstrike",
    "bomb": "bombing",
    "shell": "shelling",
    "shelling": "shelling",
    "bombardment": "shelling",
    "airstrike": "airstrike",
    "demonstrate": "protest",
    "protest": "protest",
    "rally": "protest",
    "arrest": "arrest",
    "detain": "arrest",
    "close": "border_closure",
    "shut": "border_closure",
    "kill": "attack",
    "murder": "attack",
    "assassinate": "attack",
    "assassination": "attack",
    "shoot": "attack",
    "ambush": "attack",
    "massacre": "attack",
    "kidnap": "abduction",
    "kidnapping": "abduction",
    "abduct": "abduction",
    "abduction": "abduction",
    "explode": "bombing",
    "explosion": "bombing",
    "blast": "bombing",
    "detonate": "bombing",
    "bombing": "bombing",
}
HEAVY_WEAPONS = frozenset("artillery rocket missile mortar tank howitzer".split())
"""What makes a strike shelling rather than an airstrike."""
BLAME_VERBS = frozenset("blame attribute claim accuse".split())
"""Verbs that name who did it: "police blamed X for the attack", "X claimed responsibility"."""
VIOLENT = frozenset({"clash", "attack", "airstrike", "shelling", "bombing"})
PERPETRATED = (VIOLENT | {"abduction"}) - {"clash"}
"""Events done by one side to another, whose doer a later sentence may name."""
CIVILIANS = frozenset(
    """people thousand hundred dozen protester protestor demonstrator resident crowd
    supporter student worker woman citizen family teacher voter farmer""".split()
)
"""Who marches in a protest rather than an advance."""
NATURAL_HAZARDS = frozenset(
    """flood floods flooding storm hurricane cyclone typhoon tornado earthquake quake
    tsunami landslide mudslide avalanche wildfire fire heatwave drought disease virus
    epidemic outbreak accident crash rain rains""".split()
)
"""What kills without being political violence, which ACLED does not code."""
MODIFIER_SUFFIXES = frozenset({"backed", "led", "allied", "funded", "supported", "sponsored"})
ASIDES = frozenset({"relcl", "acl", "appos", "advcl", "parataxis"})
DIRECTIONAL = frozenset({"towards", "toward", "on", "into", "to"})


class EventFinder:
    def __init__(
        self,
        doc: Any,
        actors: ActorIndex,
        places: PlaceIndex,
        published: datetime | None,
        readable: Callable[[int], bool],
        quotes: QuoteFinder,
    ) -> None:
        """``quotes`` knows what is quoted (not mined for events) and whom a pronoun refers
        to ("his fighters")."""
        self.doc = doc
        self.actors = actors
        self.places = places
        self.published = published
        self.readable = readable
        self.in_quote = quotes.in_quote
        self._person_before = quotes.speakers.person_before
        # every stretch of text that names an actor, from the model's entities and the rules'
        self._actor_at: dict[int, Entity] = {}
        for entity in actors.entities:
            for mention in entity.mentions:
                if mention.start >= 0:
                    for char in range(mention.start, mention.end):
                        self._actor_at.setdefault(char, entity)
        # read once: ``Span.ents`` reads every entity of the document on each call
        self._dates = [e for e in doc.ents if e.label_ in ("DATE", "TIME")]
        # every stretch of text that names a place, wherever the model saw an entity or not
        self._place_at: dict[int, tuple[str, int]] = {}
        for place in places.unique():
            for start, end, _ in place.mentions:
                span = doc.char_span(start, end, alignment_mode="expand")
                root = span.root.i if span is not None else -1
                for char in range(start, end):
                    self._place_at.setdefault(char, (place.name, root))
        text = doc.text
        # where a sentence that names no place happens: the last town or region named before
        # it (a country is too wide to stand for "the city’s prison")
        self._place_mentions = sorted(
            (start, place.name)
            for place in places.unique()
            if place.entry is None or place.entry.kind != "country"
            for start, end, _ in place.mentions
            if not re.match(r"-(?:" + "|".join(MODIFIER_SUFFIXES) + r")\b", text[end : end + 12])
        )

    def _modifier(self, token: Any) -> bool:
        """ "US-backed", "Tehran-led": a name used to describe something else."""
        following = self.doc[token.i + 1 : token.i + 3]
        return (
            len(following) == 2
            and following[0].text == "-"
            and following[1].lower_ in MODIFIER_SUFFIXES
        )

    def _actors_in(self, tokens: Any) -> list[Entity]:
        found: list[Entity] = []
        tokens = list(tokens)
        for token in tokens:
            if self._modifier(token):
                continue  # a backer named in passing, not a participant
            if token.dep_ == "poss" and token.head in tokens and token.head.idx in self._actor_at:
                continue  # "Syria’s Kurds" are the Kurds
            entity = self._actor_at.get(token.idx)
            if entity is None and token.ent_type_:
                entity = self.actors.resolve(token.text)
            if entity is None and ARMED_WORDS & {token.lower_, token.lemma_.lower()}:
                entity = self._commanded_by(token)
            if entity is not None and entity not in found:
                found.append(entity)
        return found

    def _commanded_by(self, troops: Any) -> Entity | None:
        """Whose forces "his fighters" or "Abdi, whose forces" are: the organisation the
        commander belongs to, else the commander."""
        owner = next((c for c in troops.children if c.dep_ == "poss"), None)
        if owner is None:
            return None
        if owner.lower_ == "whose" and troops.head.dep_ == "relcl":
            owner = troops.head.head
        if owner.lower_ in ("his", "her"):
            commander = self._person_before(owner.idx, owner.lower_)
        else:
            commander = self._actor_at.get(owner.idx) or (
                self.actors.resolve(owner.text) if owner.pos_ == "PROPN" else None
            )
        if commander is None or commander.kind != "person":
            return commander
        for affiliation in commander.affiliations:
            if affiliation.organization and (
                organization := self.actors.resolve(affiliation.organization)
            ):
                return organization
        return commander

    def _places_in(self, tokens: Any, near: Any, *, partners: bool = False) -> list[str]:
        """Where an event named near ``tokens`` happens: the place nearest to ``near``, and
        the places coordinated with it ("the towns of Rastan and Talbiseh"); a place that only
        situates it ("a base in Daraa province, near the city of Herak") is not another event.
        A place named as a modifier ("Tehran-backed") or as the far side of something ("the
        crossing with Iraq") is not where the event happens, unless ``partners`` (a border
        closure is with a neighbour)."""
        names: list[str] = []
        first: Any = None
        for token in sorted(tokens, key=lambda t: abs(t.i - near.i)):
            if token.idx not in self._place_at or self._modifier(token):
                continue
            if not partners and token.dep_ == "pobj" and token.head.lower_ == "with":
                continue
            name, root = self._place_at[token.idx]
            if name in names:
                continue
            if first is None or root in {c.i for c in first.conjuncts}:
                first = first if first is not None else self.doc[root]
                names.append(name)
        return names

    def _place_before(self, char: int, limit: int = 600) -> str | None:
        """The last place named shortly before ``char``: "the city’s largest prison"."""
        earlier = [
            (start, name) for start, name in self._place_mentions if char - limit <= start < char
        ]
        return earlier[-1][1] if earlier else None

    def events(self) -> list[EventRecord]:
        """Every event the readable sentences report, each once: a sentence's killing is the
        clash or strike it names, and an event the article reports again (its headline, then
        its body) is one event with the participants of both."""
        found: list[EventRecord] = []
        for sent in self.doc.sents:
            if not self.readable(sent.start_char):
                continue
            triggered: list[tuple[Any, EventRecord]] = []
            for token in sent:
                kind = self._kind(token)
                if kind is not None:
                    triggered += [(token, event) for event in self._events(token, kind, sent)]
            specific = any(e.kind in VIOLENT and t.lemma_ != "kill" for t, e in triggered)
            for token, event in triggered:
                if specific and token.lemma_ == "kill":
                    continue  # "killed in clashes": the clash is the event
                if found and self._mentioned_again(token):
                    continue  # "the attack", "Saturday's bombing": one reported before
                merge_into(found, event, self.published)
            self._blame(sent, found)
        return found

    def _blame(self, sent: Any, found: list[EventRecord]) -> None:
        """ "Police blamed the Popular Front for the attack", "the bombing was attributed to
        X", "X claimed responsibility": the last event without a doer gets X as actor1."""
        for token in sent:
            if token.lemma_ not in BLAME_VERBS or token.pos_ != "VERB":
                continue
            if token.lemma_ == "claim" and not any(
                c.lemma_ == "responsibility" for c in token.children
            ):
                continue
            if token.lemma_ in ("blame", "accuse"):
                named = [t for c in token.children if c.dep_ == "dobj" for t in c.subtree]
            elif token.lemma_ == "attribute":
                named = [
                    t
                    for c in token.children
                    if c.dep_ == "prep" and c.lower_ == "to"
                    for t in c.subtree
                ]
            else:
                named = [t for c in token.children if c.dep_ == "nsubj" for t in c.subtree]
            doers = [a for a in self._actors_in(named) if a.kind not in ("person", "state")]
            undone = [
                e
                for e in found
                if e.kind in PERPETRATED and not any(a.role == "actor1" for a in e.actors)
            ]
            if doers and undone and (undone[-1].start or 0) >= sent.start_char - 1500:
                undone[-1].actors.insert(0, ParticipantRecord(doers[0].name, "actor1"))
            return

    def _mentioned_again(self, trigger: Any) -> bool:
        """A noun that points back at an event ("the attack", "this week's bombing") without
        saying where it happened: the article reports that event again."""
        if trigger.pos_ != "NOUN":
            return False
        definite = any(
            c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in ANAPHORIC_DETERMINERS)
            for c in trigger.children
        )
        placed = any(t.idx in self._place_at for t in trigger.subtree if t is not trigger)
        return definite and not placed

    def _kind(self, token: Any) -> str | None:
        """The kind of event a token triggers, if it triggers one."""
        kind = TRIGGERS.get(token.lemma_)
        if token.lemma_ in ("take", "gain", "seize") and any(
            c.dep_ == "dobj" and c.lemma_ == "control" for c in token.children
        ):
            kind = "capture"
        if kind is None or token.pos_ not in ("VERB", "NOUN") or self.in_quote(token.idx):
            return None
        if token.pos_ == "NOUN" and token.dep_ == "compound":
            return None  # "the protest organisers"
        if generic(token):
            return None  # "kidnappings are commonplace", "Dagestan sees frequent attacks"
        if unrealised(token):
            return None
        if kind == "airstrike" and any(c.lemma_.lower() in HEAVY_WEAPONS for c in token.children):
            return "shelling"  # "artillery strikes"
        if (
            kind == "advance"
            and token.lemma_ in ("march", "rally")
            and any(t.lemma_.lower() in CIVILIANS for s in self._subjects(token) for t in s.subtree)
        ):
            return "protest"  # "tens of thousands of people marched through Valencia"
        return kind

    def _subjects(self, trigger: Any) -> list[Any]:
        """Who does what ``trigger`` says: its subject and the subject's conjuncts, the noun a
        relative clause is on, or the subject of the verb it depends on."""
        before = self.doc[trigger.i - 1] if trigger.i > 0 else None
        if (
            before is not None
            and trigger.tag_ in ("VBD", "VBZ", "VBP")
            and before.pos_ in ("NOUN", "PROPN")
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children)
        ):
            return [before]  # a finite verb the parse left without its subject: "militias withdrew"
        node = trigger
        for _ in range(4):
            subjects = [c for c in node.children if c.dep_ == "nsubj"]
            if subjects and node.dep_ == "relcl" and subjects[0].lower_ in RELATIVE_PRONOUNS:
                return [node.head]  # "the floods that killed": the floods
            if subjects:
                return subjects + [c for s in subjects for c in s.conjuncts]
            if node.dep_ == "relcl":
                return [node.head]
            if any(c.dep_ == "nsubjpass" for c in node.children):
                return []  # the passive: its agent, if any, is the actor
            # what someone says happened ("officials said that …") is not done by the speaker
            if node.dep_ not in ("conj", "xcomp", "advcl", "pcomp", "prep") or node.head is node:
                break
            node = node.head
        return []

    def _date_of(self, trigger: Any, sent: Any) -> DateGuess:
        """When ``trigger`` happened: the date of its sentence that depends on it, else the
        nearest one outside another clause ("who signed a deal in 2018 protested on Friday"
        is Friday's protest)."""
        first = bisect_left(self._dates, sent.start, key=lambda e: e.start)
        candidates = []
        for ent in itertools.takewhile(lambda e: e.end <= sent.end, self._dates[first:]):
            if ent.start > 0 and self.doc[ent.start - 1].lower_ in ("since", "until"):
                continue  # "for the first time since 2016" is not when it happened
            governor = _clause_of(ent.root)
            own = governor == trigger or ent.root.head == trigger  # "on Friday", "Friday's"
            elsewhere = governor not in (trigger, _clause_of(trigger))
            candidates.append((not own, elsewhere, abs(ent.root.i - trigger.i), ent))
        for *_, ent in sorted(candidates, key=lambda c: c[:3]):
            guess = resolve_date(ent.text, self.published)
            if guess.value is not None:
                return guess
        return DateGuess(None, None)

    def _events(self, trigger: Any, kind: str, sent: Any) -> list[EventRecord]:
        children = list(trigger.children)
        objects = [c for c in children if c.dep_ in ("dobj", "attr", "nsubjpass")]
        if kind == "border_closure" and not any(
            o.lemma_ in ("border", "crossing") for o in objects
        ):
            return []
        subjects = self._subjects(trigger)
        if kind in VIOLENT and any(s.lemma_.lower() in NATURAL_HAZARDS for s in subjects):
            return []  # "the floods that killed 200 people"
        leaders = [t for s in subjects for t in _led_by(s)]
        # the head of the subject must name the actor: "the al-Qaeda offshoot" is not al-Qaeda
        actor1 = self._actors_in(leaders) or self._actors_in(subjects)
        if not actor1 and subjects and subjects[0].pos_ == "NOUN":
            actor1 = self._actors_in(t for token in sent for t in _led_by(token))
        if not actor1:  # the passive: "it was captured by the Islamic State"
            agents = [t for c in children if c.dep_ == "agent" for t in c.subtree]
            actor1 = self._actors_in(agents)
        targets = [t for o in objects for t in o.subtree]
        prep_heads = [c for c in children if c.dep_ in ("prep", "advmod", "agent")]
        if kind == "advance":  # where forces head, not where they come from
            prep_heads = [c for c in prep_heads if c.lower_ in DIRECTIONAL]
        preps = [t for c in prep_heads for t in c.subtree]
        partners = kind == "border_closure"
        places = self._places_in(targets, trigger, partners=partners) or self._places_in(
            preps, trigger, partners=partners
        )
        if not places and any(o.lower_ in ("it", "them") for o in objects):
            before = self._place_before(trigger.idx)  # "recaptured it in 2017"
            places = [before] if before else []
        if not places:
            before = self._place_before(sent.start_char)
            places = self._places_in(list(sent), trigger)[:1] or ([before] if before else [])
        where: list[str | None] = [*places] or [None]
        actor2 = [a for a in self._actors_in(targets) if a not in actor1]
        if kind == "clash" and not actor2:  # "clashed with the Syrian army"
            opponents = [
                t
                for c in children
                if c.dep_ == "prep" and c.lower_ in ("with", "against")
                for t in c.subtree
            ]
            actor2 = [a for a in self._actors_in(opponents) if a not in actor1]
        if kind == "clash" and not actor2 and not actor1:
            between = [t for c in children if c.dep_ == "prep" for t in c.subtree]
            sides = self._actors_in(between)
            actor1, actor2 = sides[:1], sides[1:2]
        if kind in ("withdrawal", "advance") and not actor1:
            return []
        if not places and not actor1:
            return []
        if kind == "advance" and not any(t.lower_ in DIRECTIONAL for t in preps):
            return []
        guess = self._date_of(trigger, sent)
        if guess.value is None and self.published is not None:
            guess = DateGuess(self.published.date(), "week")
        if _background(guess, self.published):
            return []  # "joined the group after moving to Iraq in 2003": history, not news
        participants = [ParticipantRecord(a.name, "actor1") for a in actor1]
        participants += [
            ParticipantRecord(a.name, "actor2")
            for a in actor2
            if a.kind != "state" or kind == "clash"
        ]
        violent = kind in VIOLENT
        return [
            EventRecord(
                kind=kind,
                date=guess.value,
                date_precision=guess.precision,
                place=place,
                actors=participants,
                fatalities=fatalities_in(sent.text) if violent else None,
                evidence=sent.text,
                start=sent.start_char,
                end=sent.end_char,
                confidence=0.6 if actor1 and place else 0.4,
                origin="extracted",
            )
            for place in where
        ]


ANAPHORIC_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
BACKGROUND_DAYS = 365
"""An event dated this long before the article's publication is its background."""


def _background(guess: DateGuess, published: datetime | None) -> bool:
    if guess.value is None or published is None:
        return False
    return (published.date() - guess.value).days > BACKGROUND_DAYS


def _clause_of(token: Any) -> Any:
    """The verb (or the trigger noun's verb) whose clause ``token`` is in."""
    node = token
    while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
        node = node.head
    return node


def _core(token: Any) -> list[Any]:
    """A phrase without its asides: "the group, which is based in Britain," is the group."""
    tokens = [token]
    for child in token.children:
        if child.dep_ not in ASIDES:
            tokens.extend(_core(child))
    return tokens


def _led_by(token: Any) -> list[Any]:
    """ "Rebels led by HTS": the group that leads is the actor."""
    for child in token.children:
        if child.dep_ == "acl" and child.lemma_ in ("lead", "command", "head"):
            for agent in child.children:
                if agent.dep_ == "agent":
                    return [t for obj in agent.children for t in obj.subtree]
    return []
