"""Places: named in the text, recognised by spaCy or by the gazetteer, geocoded offline.

A place is kept when spaCy calls it a location, or when the gazetteer knows the name and the
text uses it as a place (after "in", "near", "towards", "city of"…), which catches the towns
the small model takes for people ("Homs") or languages ("Aleppo"). Among homonyms, the
countries the article is about win ("Valencia" in a Spanish story is in Spain).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.extract.actors import clean_name, is_group, is_known_body
from archive.extract.gazetteer import AREA_KINDS, Entry, Gazetteer, known
from archive.extract.gender import is_first_name
from archive.names import normalize_name
from archive.records import PlaceRecord

PLACE_LABELS = {"GPE", "LOC", "FAC"}
MISREAD_LABELS = {"PERSON", "ORG", "NORP", "LANGUAGE", "PRODUCT", "WORK_OF_ART", "LAW"}
"""Labels the small model gives to towns it does not know ("Homs" PERSON, "Aleppo" LANGUAGE or
NORP)."""
LOCATIVE = frozenset(
    "in near towards toward to from of at outside around into across inside".split()
)
QUALIFIER = re.compile(r",\s*(?P<area>[A-Z][A-Za-z]*\.?(?:\s?[A-Z][A-Za-z]*\.?)?)(?=[\s,;:)]|$)")
"""A comma and a capitalised name of one or two words after a place: its region or country."""
_NAME_WORDS = r"[A-Z][\w’'-]*(?:[ ]+(?:(?:al|el|ad|ar|as|ash|an|at|az|ez|ed|ibn|bin|de|del|la)[- ])?[A-Z][\w’'-]*){0,3}"
"""A place's name after "the village of": unlike a person's (:data:`actors.NAME_WORDS`) it
takes no dots, so the full stop after "the city of Homs." stays out of it."""
SETTLEMENT = re.compile(
    r"\b(?P<feature>village|town|city|hamlet|camp|neighbou?rhood|district|suburb|province|"
    rf"governorate|municipality|region|state|county|mayor) of (?P<name>{_NAME_WORDS})"
)
"""A place named by what it is: "the village of Kfar Zeitoun al-Gharbiya", "the town of X";
or by whom it has: "the mayor of X" (a town)."""
DATELINE = re.compile(
    r"(?P<place>(?P<town>[A-Z][A-Z .'-]{2,40})(?:, (?P<area>[A-Z][A-Za-z.]{1,8}))?)"
    r"(?: \([^()]{1,30}\))?(?:\s+[-—–]|\s*--)\s"
)
"""A dateline in capitals opening a paragraph ("BRUSSELS -", "WASHINGTON (AP) —",
"SPRINGFIELD, Ill. (AP) -"): the place, then the agency that filed it."""
KNOWN_AS = re.compile(
    r"\b(?P<feature>base|camp|prison|checkpoint|crossing|airport|airfield|outpost) "
    r"(?:known as|called|named) (?P<name>[A-Z][\w’'-]*(?:[ ]+(?:[A-Z][\w’'-]*|\d+)){0,3})"
)
"""A facility introduced by its name: "the army base known as Liwa 52", "a camp called
Rukban"; the name may end in a number."""
FEATURE = re.compile(
    r"\b(?:the\s+)?(?P<name>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})\s+(?P<feature>border crossing|crossing|province|governorate|district|region|(?:international )?airport|air base|base|refugee camp|camp)\b"
)


@dataclass
class FoundPlace:
    name: str
    entry: Entry | None
    kind: str | None
    aliases: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    near: bool = False
    """The entry only locates the place (a town's airport): its coordinates, not its name."""

    def record(self) -> PlaceRecord:
        entry = self.entry
        aliases = sorted(a for a in self.aliases if normalize_name(a) != normalize_name(self.name))
        if entry is None or self.near:
            return PlaceRecord(
                name=self.name,
                aliases=aliases,
                kind=self.kind,
                country=entry.country if entry else None,
                lat=entry.lat if entry else None,
                lon=entry.lon if entry else None,
            )
        if normalize_name(entry.name) != normalize_name(self.name):
            aliases.append(entry.name)
        return PlaceRecord(
            name=self.name,
            aliases=aliases,
            kind=entry.kind,
            country=entry.country,
            lat=entry.lat,
            lon=entry.lon,
            geonames_id=entry.geonames_id,
        )


class PlaceIndex:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.places: dict[str, FoundPlace] = {}
        self._by_id: dict[int, FoundPlace] = {}

    def add(
        self,
        text: str,
        start: int,
        end: int,
        entry: Entry | None,
        kind: str | None = None,
        *,
        near: bool = False,
    ) -> FoundPlace:
        """A mention of a place; ``near``: ``entry`` only locates it (an airport at the
        coordinates of its town), so it is a place of its own, not another spelling."""
        name = clean_name(text)
        key = normalize_name(name)
        place = self.places.get(key)
        if place is None and entry is not None and not near:
            place = self._by_id.get(entry.geonames_id)
        if place is None:
            place = FoundPlace(name, entry, kind, near=near)
            if entry is not None and not near:
                self._by_id[entry.geonames_id] = place
        self.places[key] = place
        place.aliases.add(name)
        if start >= 0:
            place.mentions.append((start, end, text))
        return place

    def resolve(self, text: str) -> FoundPlace | None:
        return self.places.get(normalize_name(clean_name(text)))

    def unique(self) -> list[FoundPlace]:
        """Each place once (it is indexed under every spelling)."""
        return list({id(p): p for p in self.places.values()}.values())

    def records(self) -> list[PlaceRecord]:
        return [p.record() for p in self.unique()]


def country_focus(doc: Any, gazetteer: Gazetteer) -> dict[str, int]:
    """The countries (ISO codes) and first-level regions (GeoNames codes: ``US.PA``) an
    article is about: those it names, and those of the places it names that can only be in
    one of them ("Paiporta" says Spain even where Spain is not named). A name that is a
    country's and a state's ("Georgia") counts for the state when the article names the
    state's country more than the other."""
    counts: Counter[str] = Counter()
    either: list[tuple[Entry, Entry]] = []
    named_people = _words_of_full_names(doc)
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "NORP", "LOC", "FAC", "PERSON", "ORG"):
            continue
        name = clean_name(ent.text)
        if name in named_people:
            continue
        entry = gazetteer.country_named(name)
        if (
            entry is not None
            and ent.label_ in ("GPE", "LOC")
            and (state := gazetteer.region_named(name))
        ):
            either.append((entry, state))
        elif entry is not None and ent.label_ in ("GPE", "NORP", "LOC"):
            counts[entry.country] += 1
        elif ent.label_ in ("GPE", "LOC", "FAC"):
            if (region := gazetteer.region_named(name)) is not None:
                counts[region.country] += 1
                counts[region.admin1] += 1
                continue
            found = gazetteer.candidates(name)
            countries = {c.country for c in found}
            if len(countries) == 1 and "" not in countries:
                counts[countries.pop()] += 1
                regions = {c.admin1 for c in found}
                if len(regions) == 1 and (admin1 := regions.pop()):
                    counts[admin1] += 1
    for country, state in either:
        if counts[state.country] > counts[country.country]:
            counts[state.country] += 1
            counts[state.admin1] += 1
        else:
            counts[country.country] += 1
    return dict(counts)


def _words_of_full_names(doc: Any) -> set[str]:
    """The words of the people's full names the article gives: "Yusufu" after "Mieraili
    Yusufu" is him, not a place, unless it is a town of the article's countries."""
    return {
        token.text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1 for token in ent
    }


def _written_after(text: str, end: int, gazetteer: Gazetteer) -> tuple[Entry, int, int] | None:
    """The region or country written after a place's name, with its offsets: "Lancaster, Pa.",
    "Paris, Texas", "Valencia, Spain"."""
    match = QUALIFIER.match(text, end)
    if match is None:
        return None
    written, end = match["area"], match.end("area")
    area = _area_written(written, gazetteer)
    if area is None:
        return None
    if written.endswith(".") and gazetteer.abbreviated(written) is None:
        end -= 1  # the full stop of the sentence
    return area, match.start("area"), end


def _area_written(written: str, gazetteer: Gazetteer) -> Entry | None:
    """The region or country a short name after a comma stands for: "Pa.", "Texas",
    "Spain." (the full stop of the sentence)."""
    area = gazetteer.abbreviated(written) if written.endswith(".") else None
    return area or gazetteer.area_named(written.removesuffix("."))


KNOWN_TOWN = 20_000
"""A town this populous is known by its name alone, where the article's country is."""
FACILITIES = frozenset({"air base", "base", "camp", "refugee camp"})
"""Features that are a place of their own near the town they are named after (with
airports); a border crossing goes by its town's name ("the Nassib crossing") and stays one of
its spellings."""
_FACILITY_NAME = re.compile(
    r"^(?P<town>.+?)\s+(?P<feature>(?:International )?Airport|Air ?Base|Air Field|Airfield|"
    r"(?:Refugee )?Camp)$"
)


def _facility(name: str, gazetteer: Gazetteer, focus: dict[str, int]) -> tuple[Entry, str] | None:
    """A facility named after a town ("Vancouver International Airport", "Zaatari Refugee
    Camp"): the town that locates it, and what it is."""
    match = _FACILITY_NAME.match(name)
    if match is None:
        return None
    town = gazetteer.resolve(match["town"], focus)
    if town is None or town.kind in AREA_KINDS:
        return None
    return town, match["feature"].lower()


def _named_after(
    ent: Any, gazetteer: Gazetteer, focus: dict[str, int]
) -> tuple[str, int, int, Entry] | None:
    """The town or region an organisation's name opens with, as a place mention, when the
    rest of the name is what it has there ("Gainesville Police Department", "Madison County
    Health Department", "Georgia Bureau of Investigation"); only a place of the article's
    countries, spelled as the gazetteer spells it."""
    words = [t for t in ent if not (t.i == ent.start and t.lower_ == "the")]
    for size in (3, 2, 1):
        if len(words) <= size or words[size].lower_ not in LOCAL_BODIES:
            continue
        first, last = words[0], words[size - 1]
        name = ent.doc.text[first.idx : last.idx + len(last)]
        entry = gazetteer.resolve(name, focus)
        if (
            entry is not None
            and entry.kind in ("city", "region", "district", "country")
            and entry.country in focus
            and gazetteer.spelled_alike(name, entry)
        ):
            return name, first.idx, last.idx + len(last), entry
    return None


LOCAL_BODIES = frozenset(
    """police sheriff sheriff's fire health school schools public city county state board
    council department bureau court courthouse hospital medical university college library
    airport chamber transit water""".split()
)
"""Words that, after a place's name, make a body of that place: "Gainesville Police"."""


def _people(name: str) -> bool:
    return name in known()["demonyms"] or is_group(name)


def find_places(
    doc: Any,
    text: str,
    inside: Callable[[int], bool],
    gazetteer: Gazetteer,
    focus: dict[str, int],
) -> PlaceIndex:
    """Places named in ``text`` where ``inside`` says the text is worth reading; ``focus``:
    the article's :func:`country_focus`."""
    index = PlaceIndex(gazetteer)
    named_people = _words_of_full_names(doc)
    for ent in doc.ents:
        if not inside(ent.start_char):
            continue
        name = clean_name(ent.text)
        if len(name) < 3 and name.upper() not in ("US", "UK"):
            continue
        if is_known_body(name):
            continue  # "ISIL's stronghold": a group the archive knows
        qualified = _written_after(text, ent.end_char, gazetteer)
        entry = gazetteer.resolve(name, focus, qualified[0] if qualified else None)
        if name in named_people and (entry is None or entry.country not in focus):
            continue  # "Rustam Bekmurzaev", then "Rustam" (a town in Pakistan) in Chechnya
        if ent.label_ in PLACE_LABELS:
            if entry is None and not name[:1].isupper():
                continue  # the model's guess on a common noun ("meth"), not a name
            if entry is None and (facility := _facility(name, gazetteer, focus)) is not None:
                town, feature = facility  # "Vancouver International Airport", by Vancouver
                index.add(ent.text, ent.start_char, ent.end_char, town, feature, near=True)
                continue
            # a place the gazetteer lacks (a village, a camp) or will not guess is still a
            # place: stored without coordinates
            index.add(
                ent.text, ent.start_char, ent.end_char, entry, "area" if entry is None else None
            )
            if qualified is not None:
                area, start, end = qualified
                index.add(text[start:end], start, end, area)
        elif (
            entry is not None
            and ent.label_ in MISREAD_LABELS
            and not name.isupper()
            # a nationality or a community is not the country or a town ("Syrian", "Druze")
            and not (ent.label_ == "NORP" and (entry.kind == "country" or _people(name)))
        ):
            alike = gazetteer.spelled_alike(name, entry)
            located = _used_as_place(doc, ent, entry, focus)
            known_here = entry.country in focus and (
                entry.population >= KNOWN_TOWN or entry.kind == "country"
            )
            # a surname shared with a town ("Wilson") is the person unless used as a place
            if located or (alike and known_here and ent.label_ != "PERSON"):
                index.add(ent.text, ent.start_char, ent.end_char, entry)
        elif ent.label_ in ("ORG", "FAC") and (named := _named_after(ent, gazetteer, focus)):
            index.add(*named)  # "the Gainesville Police Department" is in Gainesville
    for match in re.finditer(rf"(?m)^{DATELINE.pattern}", text):
        filed = match["town"].strip()
        if inside(match.start()) and index.resolve(filed) is None:
            # where the story was filed, which the model rarely reads in capitals
            within = _area_written(match["area"], gazetteer) if match["area"] else None
            entry = gazetteer.resolve(filed.title(), focus, within)
            if entry is not None:
                index.add(
                    filed.title(), match.start("town"), match.start("town") + len(filed), entry
                )
    for match in FEATURE.finditer(text):
        if not inside(match.start()):
            continue
        name = match["name"]
        if normalize_name(name) in ("the", "a"):
            continue
        entry = gazetteer.resolve(name, focus)
        if entry is not None and entry.kind == "country":
            continue
        feature = match["feature"]
        if feature in FACILITIES or feature.endswith("airport"):
            # "the Damascus airport" is at Damascus, not another name of it
            written = f"{name} {feature}"
            if index.resolve(written) is None:
                index.add(written, match.start("name"), match.end(), entry, feature, near=True)
            continue
        place = index.resolve(name) or index.add(
            name, match.start("name"), match.end("name"), entry, feature
        )
        place.aliases.add(f"{name} {feature}")
    for match in itertools.chain(SETTLEMENT.finditer(text), KNOWN_AS.finditer(text)):
        name = match["name"]
        if not inside(match.start()) or index.resolve(name) is not None:
            continue
        entry = gazetteer.resolve(name, focus)
        if entry is not None and entry.kind in ("country", "continent"):
            continue  # "the state of Israel", "the city of Europe's dreams"
        kind = "town" if match["feature"] == "mayor" else match["feature"]
        index.add(name, match.start("name"), match.end("name"), entry, kind)
    _propagate(index, text, inside)
    return index


def _propagate(index: PlaceIndex, text: str, inside: Callable[[int], bool]) -> None:
    """Every occurrence of a place's spelling is a mention, where the model saw it or not."""
    for place in index.unique():
        known = {(s, e) for s, e, _ in place.mentions}
        for alias in sorted(place.aliases, key=len, reverse=True):
            if len(alias) < 4 or not alias[0].isupper():
                continue
            for match in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
                span = (match.start(), match.end())
                overlaps = any(s < span[1] and span[0] < e for s, e in known)
                if inside(match.start()) and not overlaps:
                    known.add(span)
                    place.mentions.append((match.start(), match.end(), match.group()))


def _used_as_place(doc: Any, ent: Any, entry: Entry, focus: dict[str, int]) -> bool:
    """After a locative preposition: "in Homs", "towards Damascus", "the city of Homs"; after
    a bare "of", a name the model takes for a person is a place only in the article's
    countries ("the government of Valencia" in a Spanish story, not "the end of Bush's term"
    in one about Pakistan). Between an article and a common noun, a town of the article's
    countries (any, when it names none) spelled as its own name is where that thing is ("a
    Gainesville restaurant"), unless it is the surname of someone the article names ("the
    Clinton campaign")."""
    if ent.start == 0:
        return False
    before = doc[ent.start - 1].lower_
    if (
        before in ("a", "an", "the")
        and len(ent) == 1
        and ent.end < len(doc)
        and doc[ent.end].pos_ == "NOUN"
        and ent.root.dep_ == "compound"
    ):
        return (
            entry.kind == "city"
            and (entry.country in focus or not focus)
            and entry.population >= KNOWN_TOWN
            and normalize_name(entry.name) == normalize_name(ent.text)
            and not is_first_name(ent.text)
            and not any(
                e.label_ == "PERSON" and len(e) > 1 and ent.text in (t.text for t in e)
                for e in doc.ents
            )
        )
    if before not in LOCATIVE:
        return False
    return before != "of" or ent.label_ != "PERSON" or entry.country in focus
