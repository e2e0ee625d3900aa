"""Events: who did what to whom, where and when, from the sentences that say so.

A trigger verb (or noun, for "clashes") gives the kind; its subject gives actor1, its object
actor2 (or the place taken); "between X and Y" gives both sides of a clash. The place is the
one the sentence names nearest the trigger; the date comes from the sentence's own date
expression resolved against the publication date, or the publication week when it has none;
"at least three people were killed" gives the fatalities.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from archive.extract.actors import ActorIndex, Entity
from archive.extract.places import PlaceIndex
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
    "demonstrate": "protest",
    "protest": "protest",
    "rally": "protest",
    "arrest": "arrest",
    "detain": "arrest",
    "close": "border_closure",
    "shut": "border_closure",
    "kill": "attack",
}
MODIFIER_SUFFIXES = frozenset({"backed", "led", "allied", "funded", "supported", "sponsored"})
ASIDES = frozenset({"relcl", "acl", "appos", "advcl", "parataxis"})
DIRECTIONAL = frozenset({"towards", "toward", "on", "into", "to"})
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
}
FATALITIES = re.compile(
    r"\b(?:(?:at least|more than|over|some|about|nearly|almost)\s+)?(?P<n>\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds)\s+"
    r"(?:\w+\s+){0,2}?(?:people|civilians|soldiers|fighters|persons|members|protesters|children|men|women)?\s*(?:were|have been|had been|was)?\s*killed\b",
    re.I,
)
FATALITIES_ACTIVE = re.compile(
    r"\b(?:killed|killing|kills)\s+(?:(?:at least|more than|over|some|about|nearly|almost)\s+)?(?P<n>\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds)\b",
    re.I,
)
"""Vague counts follow ACLED's practice: "dozens" is 12, "hundreds" 100."""
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass
class DateGuess:
    value: date | None
    precision: str | None


def resolve_date(expression: str, published: datetime | None) -> DateGuess:
    """A date expression of a sentence, resolved against the publication date."""
    text = expression.lower()
    if year := re.search(r"\b(1[89]\d\d|20\d\d)\b", text):
        if not re.search(
            r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\b",
            text,
        ):
            return DateGuess(date(int(year[1]), 1, 1), "year")
        from archive.dates import parse_date

        try:
            value, precision = parse_date(expression)
        except ValueError:
            return DateGuess(date(int(year[1]), 1, 1), "year")
        return DateGuess(
            value.date() if value else None, "day" if precision == "time" else precision
        )
    if published is None:
        return DateGuess(None, None)
    day = published.date()
    if re.search(r"\b(today|tonight|this (?:morning|afternoon|evening))\b", text):
        return DateGuess(day, "day")
    if "yesterday" in text or "last night" in text:
        return DateGuess(day - timedelta(days=1), "day")
    for number, name in enumerate(WEEKDAYS):
        if name in text:
            back = (day.weekday() - number) % 7
            return DateGuess(day - timedelta(days=back), "day")
    if re.search(r"\b(?:within|in|over|past|last) (?:a|the|one) week\b|\bthis week\b", text):
        return DateGuess(day, "week")
    if re.search(r"\bthis month\b|\blast month\b", text):
        return DateGuess(day, "month")
    return DateGuess(None, None)


def fatalities_in(sentence: str) -> int | None:
    match = FATALITIES.search(sentence) or FATALITIES_ACTIVE.search(sentence)
    if not match:
        return None
    raw = match["n"].lower().replace(",", "")
    return int(raw) if raw.isdigit() else NUMBERS.get(raw)


class EventFinder:
    def __init__(
        self,
        doc: Any,
        actors: ActorIndex,
        places: PlaceIndex,
        published: datetime | None,
        readable: Callable[[int], bool],
        in_quote: Any,
    ) -> None:
        self.doc = doc
        self.actors = actors
        self.places = places
        self.published = published
        self.readable = readable
        self.in_quote = in_quote
        # every stretch of text that names an actor, from the model's entities and the rules'
        self._actor_at: dict[int, Entity] = {}
        for entity in actors.entities:
            for mention in entity.mentions:
                if mention.start >= 0:
                    for char in range(mention.start, mention.end):
                        self._actor_at.setdefault(char, entity)
        text = doc.text
        self._place_mentions = sorted(
            (start, place.name)
            for place in places.unique()
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
            if entity is not None and entity not in found:
                found.append(entity)
        return found

    def _places_in(self, tokens: Any, near: Any, *, partners: bool = False) -> list[str]:
        """Places named in ``tokens``, nearest to ``near`` first. A place named as a modifier
        ("Tehran-backed") or as the far side of something ("the crossing with Iraq") is not
        where the event happens, unless ``partners`` (a border closure is with a neighbour)."""
        names: list[str] = []
        for token in sorted(tokens, key=lambda t: abs(t.i - near.i)):
            if not (token.ent_type_ or token.pos_ == "PROPN") or self._modifier(token):
                continue
            if not partners and token.dep_ == "pobj" and token.head.lower_ == "with":
                continue
            for ent in self.doc.ents:
                if ent.start <= token.i < ent.end:
                    place = self.places.resolve(ent.text)
                    if place is not None and place.name not in names:
                        names.append(place.name)
                    break
        return names

    def _place_before(self, char: int, limit: int = 600) -> str | None:
        """The last place named shortly before ``char``: "the city’s largest prison"."""
        earlier = [
            (start, name) for start, name in self._place_mentions if char - limit <= start < char
        ]
        return earlier[-1][1] if earlier else None

    def events(self) -> list[EventRecord]:
        found: list[EventRecord] = []
        seen: set[tuple[str, str | None, int | None]] = set()
        for sent in self.doc.sents:
            if not self.readable(sent.start_char):
                continue
            for token in sent:
                kind = TRIGGERS.get(token.lemma_)
                if token.lemma_ in ("take", "gain", "seize") and any(
                    c.dep_ == "dobj" and c.lemma_ == "control" for c in token.children
                ):
                    kind = "capture"
                if kind is None or token.pos_ not in ("VERB", "NOUN") or self.in_quote(token.idx):
                    continue
                if _unrealised(token):
                    continue
                for event in self._events(token, kind, sent):
                    key = (event.kind, event.place, event.start)
                    if key not in seen:
                        seen.add(key)
                        found.append(event)
        return found

    def _subjects(self, trigger: Any) -> list[Any]:
        node = trigger
        for _ in range(4):
            subjects = [c for c in node.children if c.dep_ == "nsubj"]
            if subjects:
                return subjects + [c for s in subjects for c in s.conjuncts]
            if node.dep_ == "relcl":
                return [node.head]
            if (
                node.dep_ not in ("conj", "xcomp", "advcl", "pcomp", "ccomp", "prep")
                or node.head is node
            ):
                break
            node = node.head
        return []

    def _events(self, trigger: Any, kind: str, sent: Any) -> list[EventRecord]:
        children = list(trigger.children)
        objects = [c for c in children if c.dep_ in ("dobj", "attr", "nsubjpass")]
        if kind == "border_closure" and not any(
            o.lemma_ in ("border", "crossing") for o in objects
        ):
            return []
        subjects = self._subjects(trigger)
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
        guess = DateGuess(None, None)
        for ent in (e for e in sent.ents if e.label_ in ("DATE", "TIME")):
            guess = resolve_date(ent.text, self.published)
            if guess.value is not None:
                break
        if guess.value is None and self.published is not None:
            guess = DateGuess(self.published.date(), "week")
        participants = [ParticipantRecord(a.name, "actor1") for a in actor1]
        participants += [
            ParticipantRecord(a.name, "actor2")
            for a in actor2
            if a.kind != "state" or kind == "clash"
        ]
        violent = kind in ("clash", "attack", "airstrike", "shelling", "bombing")
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


HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "will", "should", "can", "must"})


def _unrealised(trigger: Any) -> bool:
    """What may, would or could happen, or happens only "if", is not an event yet:
    "taking Homs would cut supply routes", "will defend itself if attacked"."""
    node = trigger
    for _ in range(3):
        for child in node.children:
            if child.dep_ == "aux" and child.lower_ in HYPOTHETICAL_AUX:
                return True
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return True
        if node.dep_ not in ("csubj", "xcomp", "pcomp", "advcl") or node.head is node:
            return False
        node = node.head
    return False
