"""Actors: who is named in an article, one record per real entity, with its kind (the roles
stated next to a name are :mod:`archive.extract.affiliations`).

Mentions come from spaCy's named entities, corrected by rules: a name the gazetteer knows as a
town is a place, not a person; a country is a state; a capital used as an agent
("Tehran-backed") is its state. Mentions are then merged into entities: by normal form, by an
acronym defined in the text ("Syrian Democratic Forces (SDF)") or matching initials, by a
surname or shorter form of a longer name ("Abdi" -> "Mazloum Abdi"), and by the project's list
of widely reported actors and their spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from archive.extract.gazetteer import Gazetteer, known
from archive.extract.gender import gender_of_first_name, is_first_name
from archive.extract.lexicon import (
    ARMED_NAME_OPENERS,
    ARMED_WORDS,
    MEDIA_WORDS,
    PARTY_TAG,
    PERSON_TITLES,
    TITLE_ROLES,
)
from archive.names import normalize_name
from archive.records import ActorRecord, AffiliationRecord

ACTOR_LABELS = {
    "PERSON",
    "ORG",
    "NORP",
    "GPE",
    "FAC",
    "LOC",
    "LANGUAGE",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "EVENT",
}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9.&-]{1,9}$")
_CONNECTORS = frozenset(
    """al el of the and for de la le du der bin ibn van von da di del dos das den ter abu ben
    ould""".split()
)


@dataclass
class Mention:
    text: str
    start: int
    end: int
    kind: str
    """A provisional actor kind (see archive.vocab.ACTOR_KINDS)."""
    in_quote: bool = False


@dataclass
class Entity:
    name: str
    kind: str
    mentions: list[Mention] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    """normal form -> spelling, for every spelling seen or known."""
    affiliations: list[AffiliationRecord] = field(default_factory=list)
    known: bool = False

    def add_alias(self, spelling: str) -> None:
        key = normalize_name(spelling)
        if key and key not in self.aliases:
            self.aliases[key] = spelling

    def record(self) -> ActorRecord:
        aliases = [s for k, s in self.aliases.items() if k != normalize_name(self.name)]
        return ActorRecord(
            name=self.name, kind=self.kind, aliases=aliases, affiliations=self.affiliations
        )


_OPENING_PREPOSITIONS = frozenset(
    "Near In Outside Inside Across Around Along Throughout Within".split()
)
"""Prepositions that open a sentence before a name and are never part of one."""


@lru_cache(maxsize=65_536)
def clean_name(text: str) -> str:
    """Drop a leading article, a possessive, titles and stray punctuation from an entity's text."""
    text = re.sub(r"\s*\([^()]*$", "", text.strip())  # a parenthesis the span cut open
    text = re.sub(r"[’']s$", "", text).strip(" ,.;:“”\"'()―—–-")
    text = re.sub(r"^(?:the|The)\s+", "", text)
    # a nickname inside the name (Robert C. "Bobby" Scott), or where the model cut it
    text = re.sub(r"\s+[\"“][A-Z][\w’'-]*(?:[\"”]\s+|$)", " ", text).strip()
    text = re.sub(r"^\S+-(?:backed|led|allied|funded|supported|sponsored)\s+", "", text)
    words = text.split()
    if len(words) > 1 and words[0] in _OPENING_PREPOSITIONS and words[1][:1].isupper():
        words = words[1:]  # "Near Palmyra, one strike …": the sentence's first word
    while len(words) > 2 and normalize_name(words[0]).replace(" ", "") in PERSON_TITLES:
        words = words[1:]
    # a lowercase word the tagger took in ("federal Securities and Exchange Commission"),
    # but not a particle of the name ("bin Laden", "van Gogh")
    while (
        len(words) > 1
        and words[0].isalpha()
        and words[0].islower()
        and words[0] not in _CONNECTORS
        and words[1][:1].isupper()
    ):
        words = words[1:]
    return " ".join(words)


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w]
    return "".join(w[0] for w in words if w.lower() not in _CONNECTORS and w[0].isalpha()).upper()


RECENT_CHARS = 1000
"""How far back a full name is still what its surname alone means, when others share it."""


class ActorIndex:
    """Merges mentions into entities; ``resolve`` maps any spelling to its entity."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.entities: list[Entity] = []
        self._by_key: dict[str, Entity] = {}
        self._known = _known_index()

    # ---------------------------------------------------------------- building

    def add(self, mention: Mention) -> Entity | None:
        name = clean_name(mention.text)
        if not name or not any(ch.isalpha() for ch in name):
            return None
        if all(word.lower().rstrip(".") in TITLE_ROLES for word in name.split()):
            return None  # "Spc.", "Maj. Gen.": a title cut off the name it goes with
        entity = self._find(name, mention.kind, mention.start)
        if entity is None:
            entity = self._create(name, mention.kind)
        elif (
            entity.kind == "person"
            and not mention.in_quote
            and mention.start >= 0
            and len(name.split()) > len(entity.name.split())
            and not _stray_word_before(name, entity.name)
        ):
            # the fullest spelling of a person's name in the body is the canonical one (a
            # headline's capitals glue words to names: "Derelict Obama and Clinton Fail")
            entity.name = name
        elif entity.kind == "person" and _stray_word_before(entity.name, name):
            entity.name = name
        elif entity.kind == "person" and entity.name.isupper() and not name.isupper():
            entity.name = name  # "Wallace" rather than a transcript's "WALLACE"
        entity.mentions.append(mention)
        self._remember(entity, name)
        return entity

    def add_spelling(self, canonical: str, kind: str, mention: Mention) -> Entity | None:
        """A mention known to name ``canonical`` although spelled otherwise ("government forces")."""
        entity = self.resolve(canonical) or self.add(Mention(canonical, -1, -1, kind))
        if entity is not None:
            entity.mentions.append(mention)
            self._remember(entity, clean_name(mention.text))
        return entity

    def cover(self, entity: Entity, start: int, end: int) -> None:
        """``entity`` is what the text from ``start`` to ``end`` names: other entities' mentions
        inside it were only parts of its name ("Druze" in "Druze militias")."""
        for other in self.entities:
            if other is not entity:
                other.mentions = [
                    m for m in other.mentions if not (start <= m.start and m.end <= end)
                ]

    def define_acronym(self, long_form: str, acronym: str) -> None:
        """``Syrian Democratic Forces (SDF)``: both spellings are one entity."""
        entity = self.resolve(long_form) or self.add(
            Mention(long_form, -1, -1, guess_kind(long_form))
        )
        if entity is not None:
            self._remember(entity, acronym)

    def define_alias(self, name: str, alias: str, kind: str) -> None:
        """ "X, who now goes by Y", "X, also known as Y": both names are one actor."""
        named, aliased = self.resolve(name), self.resolve(alias)
        if named is None and aliased is not None:
            self._remember(aliased, clean_name(name))  # the second name is known already
            return
        entity = named or self.add(Mention(name, -1, -1, kind))
        if entity is not None and aliased in (None, entity):
            self._remember(entity, clean_name(alias))

    def _create(self, name: str, kind: str) -> Entity:
        known_entry = self._known.get(normalize_name(name))
        if known_entry is not None:
            entity = Entity(known_entry["name"], known_entry["kind"], known=True)
            for alias in known_entry["aliases"]:
                self._remember(entity, alias)
            self._remember(entity, known_entry["name"])
        else:
            country = self.gazetteer.country_named(name) if kind == "state" else None
            entity = Entity(country.name if country else name, kind)
            if country is not None:
                self._remember(entity, country.name)
        self.entities.append(entity)
        return entity

    def _remember(self, entity: Entity, spelling: str) -> None:
        entity.add_alias(spelling)
        key = normalize_name(spelling)
        if key:
            self._by_key.setdefault(key, entity)

    def _find(self, name: str, kind: str, at: int = -1) -> Entity | None:
        key = normalize_name(name)
        if key in self._by_key:
            return self._by_key[key]
        known_entry = self._known.get(key)
        if known_entry is not None:
            entity = self._by_key.get(normalize_name(known_entry["name"]))
            if entity is not None:
                return entity
        return self._matching(name, key, kind, at)

    def mentioned_at(self, char: int) -> Entity | None:
        """The entity whose mention starts at offset ``char``, if any."""
        return next((e for e in self.entities for m in e.mentions if m.start == char), None)

    def resolve(self, spelling: str, at: int = -1) -> Entity | None:
        """The entity a spelling names, if any; ``at``: where the text writes it (a surname
        two people share is the one named last before it)."""
        name = clean_name(spelling)
        key = normalize_name(name)
        if key in self._by_key:
            return self._by_key[key]
        return self._matching(name, key, None, at)

    def _matching(self, name: str, key: str, kind: str | None, at: int = -1) -> Entity | None:
        """The entity a new spelling at offset ``at`` names (``kind``: the mention's, None to
        take each entity's own): the latest one it matches, except that a surname several
        people share ("Clinton" after "Hillary Clinton" and "Bill Clinton") is the one named
        in the last few paragraphs, else the one the article names most, the first named of
        those named as often: the story's subject, not a relative named in passing."""
        words = key.split()
        found = [
            entity
            for entity in reversed(self.entities)
            if _same_entity(name, key, words, kind or entity.kind, entity)
        ]
        if not found and kind == "person" and len(words) == 1:
            # a given name alone ("Hillary", "LeBron") is the one person it begins, when it
            # ends no one's name
            found = [e for e in reversed(self.entities) if e.kind == "person" and _given(words, e)]
        elif (
            not found
            and kind == "person"
            and len(words) >= 2
            and gender_of_first_name(name.split()[0])
        ):
            # and a full name joins the given name that came first ("his wife, Heidi", then
            # "Heidi Cruz")
            found = [
                e
                for e in reversed(self.entities)
                if e.kind == "person" and set(e.aliases) == {words[0]}
            ]
        if not found and len(words) == 1 and kind in ("person", "organization"):
            # "the Centre said" after "the Lebanese Centre for Prison Studies": a body met
            # before, named by its head noun alone, when no other body has that head
            bodies = [e for e in self.entities if head_noun(e.name) == key and e.kind in BODIES]
            found = bodies if len(bodies) == 1 and not is_first_name(name) else []
        people = [entity for entity in found if entity.kind == "person"]
        if len(people) > 1:
            near = [
                entity
                for entity in people
                if any(0 <= at - m.start < RECENT_CHARS for m in entity.mentions)
            ]
            return max(reversed(near or people), key=lambda entity: len(entity.mentions))
        return found[0] if found else None

    def records(self) -> list[ActorRecord]:
        return [entity.record() for entity in self.entities if entity.mentions or entity.known]


NAME_WORDS = (
    r"(?:(?:al|el|ad|ar|as|ash|an|at|az|ez|ed)-)?[A-Z][\w’'.-]*"
    r"(?: (?:(?:bin|ibn|de|del|da|du|van|von|la|le) )?(?:(?:al|el|ad|ar|as|ash|an|at|az|ez|ed)-)?[A-Z][\w’'.-]*){0,4}"
)
"""A name as news writes it: capitalised words, with the particles and Arabic articles
inside it ("Abu Mohammad al-Julani", "Ibn Saud", "Ursula von der Leyen" up to "der")."""
ALIAS_DEFINITION = re.compile(
    rf"(?P<name>{NAME_WORDS}),? \(?(?P<relative>who (?:now )?goes by|whose real name is|"
    r"(?:who is |who was )?(?:also |better |formerly |widely |popularly )?known as|a\.k\.a\.?|aka|"
    r"born|n[ée]e)(?: (?:his|her|their) (?:real |birth |given |legal |new )?name,?)? "
    rf"(?P<alias>{NAME_WORDS})"
)
"""A second name the text gives someone: "X, who now goes by Y", "X, whose real name is Y",
"X (also known as Y)"."""


def _stray_word_before(longer: str, name: str) -> bool:
    """Whether ``longer`` is ``name`` (a first name and more) after a word the tagger took in
    ("Miss Universe Alicia Machado", "Crooked Hillary Clinton"): one that no list of first
    names knows. Both spellings must be the text's: a name written only in full ("Abiy Ahmed
    Ali") keeps all its words."""
    words, extra = name.split(), longer.split()
    return (
        len(words) >= 2
        and len(extra) == len(words) + 1
        and extra[1:] == words
        and extra[0].isalpha()
        and not is_first_name(extra[0])
        and gender_of_first_name(words[0]) is not None
    )


def _given(words: list[str], entity: Entity) -> bool:
    """Whether ``words`` (one) are the first name of one of the person's full spellings."""
    return any(len(a.split()) >= 2 and a.split()[0] == words[0] for a in entity.aliases)


def _other_person(words: list[str], alias_words: list[str]) -> bool:
    """Two full names with one surname and different first names (an initial agrees with
    the name it abbreviates: "H. Clinton" may be "Hillary Clinton"; a name that ends
    another is part of it: "Suu Kyi", "de Blasio")."""
    if len(alias_words) < 2 or words[-1] != alias_words[-1]:
        return False
    shorter, longer = sorted((words, alias_words), key=len)
    if longer[-len(shorter) :] == shorter:
        return False
    first, other = words[0], alias_words[0]
    return not (first.startswith(other) or other.startswith(first))


def _same_entity(name: str, key: str, words: list[str], kind: str, entity: Entity) -> bool:
    if entity.kind == "person" and (kind == "person" or (kind != "state" and len(words) <= 2)):
        # "Abdi", "Abdul Ghani", "al-Assad" refer back to the full name seen before, and a
        # full name met after its surname ("Assad", then "Bashar al-Assad") joins it
        # but a full name is not another's with a different first name ("Bill Clinton" is
        # not "Hillary Clinton", though both are "Clinton")
        if len(words) >= 2 and any(_other_person(words, a.split()) for a in entity.aliases):
            return False
        for alias_key in entity.aliases:
            alias_words = alias_key.split()
            shorter, longer = sorted((words, alias_words), key=len)
            suffix = len(shorter) < len(longer) and longer[-len(shorter) :] == shorter
            if suffix and (kind == "person" or shorter is words):
                return True
        return False
    if entity.kind == "person":
        return False
    if _ACRONYM.match(name) and any(
        initials(s) == name.replace(".", "") for s in entity.aliases.values()
    ):
        return True
    # a state named inside a body's name is not that body ("the UN Mission in South Sudan")
    if len(words) >= 2 and (kind == "state") == (entity.kind == "state"):
        for alias_key in entity.aliases:
            if _part_of_another_body(key, alias_key) or _part_of_another_body(alias_key, key):
                continue
            if f" {key} " in f" {alias_key} " or (
                f" {alias_key} " in f" {key} " and len(alias_key.split()) >= 2
            ):
                return True
    return False


INSTITUTIONS = frozenset(
    "force forces mission office commission committee council court tribunal agency fund "
    "programme program organization organisation institute bureau authority".split()
)
"""Heads of institutional names that go on with what they are for or where: "the UN Interim
Force in Lebanon", "the United Nations Mission in South Sudan"."""
_BODY_WORDS = INSTITUTIONS | {"envoy"}


def _part_of_another_body(short: str, long: str) -> bool:
    """ "united nations" opening "united nations mission in south sudan": the longer name is a
    body of its own, named after the shorter one, not another spelling of it."""
    rest = long[len(short) :].split() if long.startswith(f"{short} ") else []
    return bool(set(rest) & _BODY_WORDS)


def guess_kind(name: str) -> str:
    words = set(normalize_name(name).split())
    if armed_by_name(name):
        return "armed_group"
    if words & MEDIA_WORDS or re.search(r"\b\d{1,3}$", name) or name.startswith("@"):
        return "media"
    if words & ARMED_WORDS:
        return "armed_group"
    return "organization"


def armed_by_name(name: str) -> bool:
    """A name that opens with the transliterated word for an armed body ("Jaish al-Fatah",
    the army of conquest; "Liwa al-Quds", the Jerusalem brigade; "Kataib Hezbollah")."""
    words = normalize_name(name).split()
    return len(words) >= 2 and words[0].replace("'", "") in ARMED_NAME_OPENERS


BODIES = frozenset({"organization", "armed_group", "media"})
_LINKS = frozenset({"for", "of", "on", "in", "against", "without"})


def head_noun(name: str) -> str:
    """The word a multi-word body's name is headed by, normalized: "Centre" in "Lebanese
    Centre for Prison Studies" (the last word before its first linking word); empty for
    a one-word name."""
    words = normalize_name(name).split()
    if len(words) < 2:
        return ""
    linked = next((i for i, w in enumerate(words) if w in _LINKS), len(words))
    return words[linked - 1] if linked >= 2 else ""


@lru_cache(maxsize=1)
def _groups() -> frozenset[str]:
    return frozenset(normalize_name(g) for g in known()["groups"])


def is_group(name: str) -> bool:
    """A community the archive knows as a collective actor ("Druze", "Kurds", "Kurd")."""
    key = normalize_name(name)
    return key in _groups() or f"{key}s" in _groups()


@lru_cache(maxsize=1)
def _known_index() -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for entry in known()["actors"]:
        for spelling in [entry["name"], *entry["aliases"]]:
            index.setdefault(normalize_name(spelling), entry)
    return index


def known_actor(name: str) -> dict[str, Any] | None:
    """The entry of the project's list of widely reported actors that ``name`` spells."""
    return _known_index().get(normalize_name(name))


def is_known_body(name: str) -> bool:
    """An organisation, armed group or outlet the archive knows by this name ("ISIL",
    "Daesh", "Peshmerga"): an actor, never a place."""
    entry = known_actor(name)
    return entry is not None and entry["kind"] != "state"


def post_author_kind(name: str) -> str:
    """An embedded post's author: a person when the name opens with a first name
    ("Karen Bass"), else an outlet's account."""
    words = clean_name(name).split()
    return "person" if len(words) >= 2 and is_first_name(words[0]) else "media"


def kind_of_entity(label: str, text: str, gazetteer: Gazetteer) -> str | None:
    """The actor kind for a spaCy entity, or None when it is not an actor (a town, a date)."""
    name = clean_name(text)
    if PARTY_TAG.match(name):
        return None
    key = normalize_name(name)
    known_entry = _known_index().get(key)
    if known_entry is not None:
        return str(known_entry["kind"])
    if is_group(name):
        return "group"
    country = gazetteer.country_named(name)
    if country is None and (name in known()["demonyms"] or not any(c.isupper() for c in name)):
        return None  # an adjective ("Syrian") or a common noun phrase ("the jihadist group")
    if label in ("ORG", "PERSON", "NORP") and armed_by_name(name):
        return "armed_group"  # "Jaish al-Izza", which the model takes for a person
    if label in ("ORG", "PERSON", "NORP") and (
        re.search(r"\s\d{1,3}$", name) or name.startswith("@")
    ):
        return "media"  # "Suwayda 24", "@PakistaniIndex"
    if label in ("GPE", "LOC", "FAC"):
        return "state" if gazetteer.country_named(name) else None
    if gazetteer.country_named(name) and label in ("PERSON", "ORG", "NORP"):
        return "state"
    if label == "NORP":
        return "group" if key in _groups() or key.endswith("s") else None
    if label == "PERSON":
        return "person" if len(key) > 1 else None
    if label == "ORG":
        return guess_kind(name)
    return None
