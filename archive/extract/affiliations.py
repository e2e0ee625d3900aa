"""Affiliations: the roles stated next to a person's name ("SDF chief Mazloum Abdi", "Ryan
Marouf, editor of Suwayda 24"), each with the organisation it belongs to, one per role."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from archive.extract.actors import ActorIndex, Entity, Mention, guess_kind, known_actor
from archive.extract.gazetteer import known
from archive.extract.lexicon import PARTY_TAG, ROLE_NOUNS, TITLE_ROLES
from archive.records import AffiliationRecord


def affiliations_from(doc: Any, person_spans: Iterable[Any], index: ActorIndex) -> None:
    """Roles stated next to a person's name: "SDF chief Mazloum Abdi", "Ryan Marouf, editor of
    Suwayda 24", "Hassan Abdul Ghani, commander of Hayat Tahrir al-Sham"."""
    for span in person_spans:
        person = index.resolve(span.text) or index.mentioned_at(span.start_char)
        if person is None or person.kind != "person":
            continue
        # before the name: [ORG] [role words] NAME
        role_words: list[str] = []
        organization: str | None = None
        place = False
        i = span.start - 1
        titled = False
        while i >= 0 and i >= span.start - 6:
            token = doc[i]
            title = TITLE_ROLES.get(token.lower_.rstrip("."))
            if title is not None and i == span.start - 1:
                # an abbreviated title is a role of its own, which only a place or an
                # organisation just before qualifies ("New Jersey Gov. Chris Christie")
                role_words, titled = [title], True
            elif not titled and (
                token.lower_ in ROLE_NOUNS
                or (token.pos_ in ("NOUN", "ADJ") and token.is_lower and role_words)
            ):
                role_words.insert(0, token.lower_)
            elif token.ent_type_ in ("ORG", "NORP", "GPE") and role_words:
                start = i
                while start > 0 and doc[start].ent_iob_ == "I":
                    start -= 1
                organization = doc[
                    token.left_edge.i if token.ent_iob_ == "B" else start : i + 1
                ].text
                place = token.ent_type_ == "GPE"
                break
            else:
                break
            i -= 1
        stated = [(role_words, organization, place)] if role_words else []
        # after the name: NAME, [a|the] role of|with|at ORG
        after = doc[span.end : min(len(doc), span.end + 12)].text
        if match := _ROLE_AFTER.match(after):
            stated.append((match[1].split(), match[2], False))
        for words, org, in_place in stated:
            _add_affiliation(
                person,
                AffiliationRecord(
                    organization=_organization(org, index, in_place), role=" ".join(words)
                ),
            )


_ROLE_AFTER = re.compile(
    r"^,\s+(?:an?\s+|the\s+)?((?:[a-z-]+\s+){0,3}?(?:"
    + "|".join(sorted(ROLE_NOUNS))
    + r"))\b(?:\s+(?:of|with|at|for)\s+(?:the\s+)?([A-Z][\w’'.-]*(?:\s+(?:[A-Z0-9][\w’'.-]*|al-\w+|of|for|the))*))?"
)


def _organization(name: str | None, index: ActorIndex, place: bool = False) -> str | None:
    """The canonical name of the organisation a role belongs to; a demonym is its state, a
    party's adjective the party; a town or province (``place``: the model tagged it one) is
    no organisation ("Indiana Gov. X" is a governor, of no actor)."""
    if not name or PARTY_TAG.match(name):
        return None
    name = known()["demonyms"].get(name, name)  # "Syrian President X": the state
    entity = index.resolve(name)
    if entity is not None:
        return entity.name
    party = known_actor(f"{name} Party")
    if party is not None:  # "Democratic Sen. X": the Democratic Party
        name = str(party["name"])
    country = index.gazetteer.country_named(name)
    if party is None and country is None and (place or index.gazetteer.candidates(name)):
        return None
    kind = "state" if country else guess_kind(name)
    entity = index.resolve(name) or index.add(Mention(name, -1, -1, kind))
    return entity.name if entity is not None else None


def _add_affiliation(person: Entity, new: AffiliationRecord) -> None:
    """Keep one affiliation per role: one naming its organisation wins over one that does not."""
    head = (new.role or "").split()[-1:]
    for index, old in enumerate(person.affiliations):
        if (old.role or "").split()[-1:] != head:
            continue
        if old.organization is None and new.organization is not None:
            person.affiliations[index] = new
        if old.organization in (None, new.organization) or new.organization is None:
            return
    person.affiliations.append(new)
