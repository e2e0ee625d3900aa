"""Events: who did what to whom, where and when, from the sentences that say so.

A trigger verb (or noun, for "clashes") gives the kind; its subject gives actor1, its object
actor2 (or the place taken); "between X and Y" gives both sides of a clash. The place is the
one the sentence names nearest the trigger; the date comes from the sentence's own date
expression resolved against the publication date, or the publication week when it has none;
"at least three people were killed" gives the fatalities.
"""

from __future__ import annotations

import re
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
    "dozens": 24,
    "hundreds": 200,
}
FATALITIES = re.compile(
    r"\b(?:(?:at least|more than|over|some|about|nearly|almost)\s+)?(?P<n>\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds)\s+"
    r"(?:\w+\s+){0,2}?(?:people|civilians|soldiers|fighters|persons|members|protesters|children|men|women)?\s*(?:were|have been|had been|was)?\s*killed\b",
    re.I,
)
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
    match = FATALITIES.search(sentence)
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
        spans: list[tuple[int, int]],
        in_quote: Any,
    ) -> None:
        self.doc = doc
        self.actors = actors
        self.places = places
        self.published = published
        self.spans = spans
        self.in_quote = in_quote

    def _inside(self, char: int) -> bool:
        return any(s <= char < e for s, e in self.spans)

    def _actors_in(self, tokens: Any) -> list[Entity]:
        found: list[Entity] = []
        for token in tokens:
            if not token.ent_type_ and token.pos_ != "PROPN":
                continue
            for ent in self.doc.ents:
                if ent.start <= token.i < ent.end:
                    entity = self.actors.resolve(ent.text)
                    if entity is not None and entity not in found:
                        found.append(entity)
                    break
        return found

    def _place_in(self, tokens: Any) -> str | None:
        for token in tokens:
            for ent in self.doc.ents:
                if ent.start <= token.i < ent.end:
                    place = self.places.resolve(ent.text)
                    if place is not None:
                        return place.name
                    break
        return None

    def events(self) -> list[EventRecord]:
        found: list[EventRecord] = []
        for sent in self.doc.sents:
            if not self._inside(sent.start_char):
                continue
            for token in sent:
                kind = TRIGGERS.get(token.lemma_)
                if kind is None or token.pos_ not in ("VERB", "NOUN") or self.in_quote(token.idx):
                    continue
                event = self._event(token, kind, sent)
                if event is not None:
                    found.append(event)
        return found

    def _event(self, trigger: Any, kind: str, sent: Any) -> EventRecord | None:
        children = list(trigger.children)
        objects = [c for c in children if c.dep_ in ("dobj", "attr", "nsubjpass")]
        if kind == "border_closure" and not any(
            o.lemma_ in ("border", "crossing") for o in objects
        ):
            return None
        if trigger.lemma_ in ("take",):
            return None
        subjects = [c for c in children if c.dep_ == "nsubj"]
        node = trigger
        while (
            not subjects
            and node.dep_ in ("conj", "xcomp", "advcl", "pcomp", "ccomp")
            and node.head is not node
        ):
            node = node.head
            subjects = [c for c in node.children if c.dep_ == "nsubj"]
        actor1 = self._actors_in(t for s in subjects for t in s.subtree)
        targets = [t for o in objects for t in o.subtree]
        preps = [t for c in children if c.dep_ in ("prep", "advmod", "agent") for t in c.subtree]
        place = self._place_in(targets) or self._place_in(preps) or self._place_in(sent)
        actor2 = [a for a in self._actors_in(targets) if a not in actor1]
        if kind == "clash" and not actor2:
            between = [
                t for c in children if c.lower_ == "between" or c.dep_ == "prep" for t in c.subtree
            ]
            sides = self._actors_in(between)
            if len(sides) >= 2 and not actor1:
                actor1, actor2 = sides[:1], sides[1:2]
        if kind in ("withdrawal", "advance") and not actor1:
            return None
        if place is None and not actor1:
            return None
        if kind == "advance" and not any(t.lower_ in DIRECTIONAL for t in preps):
            return None
        date_tokens = [e for e in sent.ents if e.label_ in ("DATE", "TIME")]
        guess = DateGuess(None, None)
        for ent in date_tokens:
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
        return EventRecord(
            kind=kind,
            date=guess.value,
            date_precision=guess.precision,
            place=place,
            actors=participants,
            fatalities=fatalities_in(sent.text)
            if kind in ("clash", "attack", "airstrike", "shelling", "bombing")
            else None,
            evidence=sent.text,
            start=sent.start_char,
            end=sent.end_char,
            confidence=0.6 if actor1 and place else 0.4,
            origin="extracted",
        )
