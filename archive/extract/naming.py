"""Actors named by the shape of the words rather than found by the model: a state's armed
forces and collectives as ACLED codes them, a person's campaign or administration, widely
reported groups the model misses or splits, names whose form gives them away (a linked name,
a transliterated armed group's), and a person the model tagged elsewhere but not there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from archive.extract.actors import ActorIndex, Mention, guess_kind, is_group
from archive.extract.gazetteer import Gazetteer, known
from archive.extract.lexicon import ARMED_NAME_OPENERS, OWN_ORGANIZATIONS

ARMY = re.compile(
    r"\b(?P<who>(?:(?:North|South|East|West) )?[A-Z][a-z]+)(?:[’']s)? (?:army|military|armed forces|air force|navy|troops|"
    r"soldiers|forces|warplanes|jets|aircraft|drones)\b"
    r"(?!\s+(?:bases?|sources?|officials?|spokesm[ae]n|command|intelligence|equipment|vehicles?|aid)\b)"
)
GOVERNMENT_FORCES = re.compile(
    r"\b(?:[Gg]overnment|[Rr]egime|[Pp]ro-government) (?:forces|troops|soldiers)\b"
)
OWN_ORGANIZATION = re.compile(
    rf"\b(?P<name>[A-Z][\w-]+(?:[’'](?!s\b)\w+)?)(?:[’']s)? (?P<noun>{'|'.join(sorted(OWN_ORGANIZATIONS))})\b"
)
"""A person's campaign or administration ("the Clinton campaign", "Obama's administration")."""
ARMED_COLLECTIVES = {
    "militia": "militias",
    "militias": "militias",
    "fighters": "militias",
    "rebels": "rebels",
    "rebel fighters": "rebels",
    "insurgents": "rebels",
    "ex-rebels": "rebels",
    "anti-government fighters": "rebels",
    "opposition fighters": "rebels",
    "security forces": "security forces",
}
"""Spellings of collective armed actors, and the word ACLED-style names use for each."""
QUALIFIED_ARMED = re.compile(
    r"\b(?P<who>[A-Z][a-z]+) (?P<what>militias?|fighters|rebels|insurgents|security forces)\b"
)
UNQUALIFIED_ARMED = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        sorted((k for k, v in ARMED_COLLECTIVES.items() if v != "militias"), key=len, reverse=True)
    )
    + r")\b",
    re.I,
)
"""Rebels and security forces named without a country: the article's country's."""
BACKED = re.compile(r"\b(?P<name>[A-Z][a-z]+)-(?:backed|led|allied|funded|supported|sponsored)\b")


class StateNames:
    """Which state a word names (a demonym, the country's name, its capital), and the word
    that names a state's forces."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._demonyms: Mapping[str, str] = known()["demonyms"]
        # the most specific demonym names a country's forces ("South Korean", not "Korean")
        self._demonym_of = {
            country: demonym
            for demonym, country in sorted(self._demonyms.items(), key=lambda d: len(d[0]))
            if demonym[0].isupper() and demonym.replace(" ", "").isalpha()
        }

    def named(self, word: str) -> str | None:
        """The name of the state ``word`` names, or None."""
        country = self._demonyms.get(word)
        if country:
            return str(country)
        entry = self.gazetteer.country_named(word) or self.gazetteer.country_of_capital(word)
        return entry.name if entry else None

    def is_demonym(self, word: str) -> bool:
        return word in self._demonyms

    def demonym(self, country: str) -> str:
        return str(self._demonym_of.get(country, country))


def backed_states(text: str, actors: ActorIndex, states: StateNames) -> None:
    """A state named in a compound ("Iranian-backed", "Saudi-led"): it acts."""
    for match in BACKED.finditer(text):
        state = states.named(match["name"])
        if state:
            actors.add(Mention(state, match.start(), match.start() + len(match["name"]), "state"))


def known_actors(text: str, readable: Callable[[int], bool], actors: ActorIndex) -> None:
    """Widely reported actors the model misses or splits ("the Islamic State")."""
    for match in _known_pattern().finditer(text):
        if readable(match.start()):
            actors.add(Mention(match.group(), match.start(), match.end(), "organization"))


def own_organizations(text: str, readable: Callable[[int], bool], actors: ActorIndex) -> None:
    """A person's campaign or administration is an organisation of its own, named after
    the person's full name and found by the spelling the text uses."""
    for match in OWN_ORGANIZATION.finditer(text):
        person = actors.resolve(match["name"])
        if person is None or person.kind != "person" or not readable(match.start()):
            continue
        actors.add_spelling(
            f"{person.name} {match['noun']}",
            "organization",
            Mention(f"{match['name']} {match['noun']}", match.start(), match.end(), "organization"),
        )


def armed_actors(
    text: str,
    readable: Callable[[int], bool],
    actors: ActorIndex,
    home: str | None,
    states: StateNames,
) -> None:
    """Armed actors named by what they are, as ACLED codes them: a state's armed forces by
    demonym ("the Syrian army", "Syria’s military", "Russian warplanes") or, in an article
    about one country, as "government forces"; militias by nationality or community
    ("Druze militias", "Iraqi fighters"); and, unqualified in an article about one country,
    that country's ("rebels", "anti-government fighters" are Syrian rebels; "security
    forces" Syria's)."""
    for match in ARMY.finditer(text):
        country = states.named(match["who"])
        if country and readable(match.start()):
            _add_collective(actors, f"{states.demonym(country)} army", match, "organization")
    if home is not None:
        for match in GOVERNMENT_FORCES.finditer(text):
            if readable(match.start()):
                name = f"{states.demonym(home)} army"
                _add_collective(actors, name, match, "organization")
    qualified: set[int] = set()
    for match in QUALIFIED_ARMED.finditer(text):
        who = match["who"]
        if not readable(match.start()) or not (states.named(who) or is_group(who)):
            continue
        qualified.add(match.start("what"))
        name = f"{who} {ARMED_COLLECTIVES[match['what'].lower()]}"
        _add_collective(actors, name, match, _collective_kind(name))
    if home is None:
        return
    for match in UNQUALIFIED_ARMED.finditer(text):
        if match.start() in qualified or not readable(match.start()):
            continue
        name = f"{states.demonym(home)} {ARMED_COLLECTIVES[match.group().lower()]}"
        _add_collective(actors, name, match, _collective_kind(name))


def _add_collective(actors: ActorIndex, name: str, match: re.Match[str], kind: str) -> None:
    entity = actors.add_spelling(
        name, kind, Mention(match.group(), match.start(), match.end(), kind)
    )
    if entity is not None:
        actors.cover(entity, match.start(), match.end())


def untagged_people(
    ents: Sequence[Any],
    text: str,
    readable: Callable[[int], bool],
    actors: ActorIndex,
    in_quote: Callable[[int], bool],
) -> None:
    """Where the text names a person the model tagged elsewhere (``ents``) but not there
    ("Oz’s advice earned him", after "Mehmet Oz" was tagged): a mention too, so that a pronoun after it can
    mean that person. A spelling inside another entity, or beside another capitalised word
    (part of a longer name), is not one."""
    people = [e for e in actors.entities if e.kind == "person"]
    spellings = {
        spelling
        for entity in people
        for spelling in [entity.name, entity.name.split()[-1], *entity.aliases.values()]
        if len(spelling) >= 2 and all(w[:1].isupper() for w in spelling.split())
    }
    if not spellings:
        return
    alternatives = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w’'-])(?:{alternatives})(?![\w-])(?!\s+[A-Z])")
    taken = sorted((e.start_char, e.end_char) for e in ents)
    starts = [start for start, _ in taken]
    for match in pattern.finditer(text):
        at = bisect_right(starts, match.start()) - 1
        if at >= 0 and taken[at][0] <= match.start() < taken[at][1]:
            continue
        if not readable(match.start()) or re.search(
            r"[A-Z][\w.]*\s+$", text[max(0, match.start() - 30) : match.start()]
        ):
            continue
        entity = actors.resolve(match.group(), match.start())
        if entity is not None and entity.kind == "person":
            entity.mentions.append(
                Mention(
                    match.group(), match.start(), match.end(), "person", in_quote(match.start())
                )
            )


@lru_cache(maxsize=1)
def _known_pattern() -> re.Pattern[str]:
    spellings = {
        spelling
        for entry in known()["actors"]
        for spelling in [entry["name"], *entry["aliases"]]
        if len(spelling) >= 3 and spelling[0].isupper()
    }
    alternatives = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _collective_kind(name: str) -> str:
    return "organization" if name.endswith("security forces") else "armed_group"


LINKED_NAME = re.compile(
    r"(?<![\w-])(?!(?:The|A|An)\s)(?:[A-Z][a-z]+\s+){1,3}(?:Without|Against|Beyond)"
    r"(?:\s+[A-Z][a-z]+){1,3}"
)
"""A name whose words a capitalised preposition links ("Doctors Without Borders", "Mothers
Against Drunk Driving"): a preposition is capitalised only inside a name, and the model
often misses the name or starts it at the preposition."""


_NAME_WORD = r"(?:[A-Z][\w'’]*|[a-z]{1,3}-[A-Z][\w'’]*)(?:-[\w'’]+)*"
ARMED_NAME = re.compile(
    r"\b(?:"
    + "|".join(sorted(opener.title() for opener in ARMED_NAME_OPENERS))
    + rf")(?:\s+{_NAME_WORD}){{1,4}}"
)
"""A transliterated armed group's name, which the model often misses or cuts: "Liwa
al-Tawhid", "Kataib Sayyid al-Shuhada"."""


def patterned_names(text: str, readable: Callable[[int], bool], actors: ActorIndex) -> None:
    """The names the patterns above find, each taken whole: what the model saw inside one
    ("Without Borders", "Tawhid") was only part of it."""
    for pattern in (LINKED_NAME, ARMED_NAME):
        for match in pattern.finditer(text):
            if readable(match.start()):
                name = match.group()
                entity = actors.add(Mention(name, match.start(), match.end(), guess_kind(name)))
                if entity is not None:
                    actors.cover(entity, match.start(), match.end())
