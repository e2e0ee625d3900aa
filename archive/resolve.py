"""Resolving names to rows across the whole archive, inside a caller's transaction.

Every spelling of an actor or place met anywhere in the archive lands on one row: a name is
looked up by its normal form in the alias tables, a place first by its gazetteer id, and what
is not found is created with all its spellings as aliases. Outlets are found by name. The ids
found are cached for as long as the transaction lasts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update

from archive.bulk import insert_ids, insert_rows
from archive.names import normalize_name
from archive.records import ActorRecord, ArticleRecord, PlaceRecord
from archive.tables import ACTOR_ALIASES, ACTORS, PLACE_ALIASES, PLACES, SOURCES, chunks


@dataclass
class _Entities:
    """Name resolution for one kind (actors or places): normal form -> row id."""

    table: Table
    alias_table: Table
    key: str
    ids: dict[str, int] = field(default_factory=dict)


class Names:
    """The rows that outlets', actors' and places' names stand for, in one open transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sources: dict[str, int] = {}
        self.actors = _Entities(ACTORS, ACTOR_ALIASES, "actor_id")
        self.places = _Entities(PLACES, PLACE_ALIASES, "place_id")

    def _load_aliases(self, entities: _Entities, names: Iterable[str]) -> None:
        wanted = sorted({n for n in names if n and n not in entities.ids})
        alias = entities.alias_table
        for chunk in chunks(wanted):
            query = select(alias.c.normalized, alias.c[entities.key]).where(
                alias.c.normalized.in_(chunk)
            )
            for normalized, entity_id in self.connection.execute(query):
                entities.ids[normalized] = entity_id

    # ---------------------------------------------------------------- sources

    def source_ids(self, records: Iterable[ArticleRecord]) -> None:
        """Create the sources the records name that the archive lacks."""
        wanted: dict[str, str | None] = {}
        for record in records:
            if record.source_name and record.source_name not in self.sources:
                wanted.setdefault(record.source_name, record.source_domain)
        if not wanted:
            return
        names = sorted(wanted)
        domains = sorted({d for d in wanted.values() if d})
        for chunk in chunks(names):
            rows = self.connection.execute(
                select(SOURCES.c.id, SOURCES.c.name).where(SOURCES.c.name.in_(chunk))
            )
            self.sources.update({name: source_id for source_id, name in rows})
        taken_domains: set[str] = set()
        for chunk in chunks(domains):
            rows = self.connection.execute(
                select(SOURCES.c.domain).where(SOURCES.c.domain.in_(chunk))
            )
            taken_domains.update(domain for (domain,) in rows)
        missing: list[dict[str, str | None]] = []
        for name in names:
            if name in self.sources:
                continue
            domain = wanted[name]
            if domain in taken_domains:
                domain = None  # the domain already belongs to an outlet spelled another way
            if domain:
                taken_domains.add(domain)
            missing.append({"name": name, "domain": domain})
        if missing:
            source_ids = insert_ids(self.connection, SOURCES, missing)
            for values, source_id in zip(missing, source_ids, strict=True):
                self.sources[str(values["name"])] = source_id

    # ---------------------------------------------------------------- entities

    def actor_ids(self, records: Sequence[ActorRecord]) -> dict[str, int]:
        """Resolve or create each actor; returns normal form of every name and alias -> id."""
        return self._entity_ids(self.actors, records, self._actor_row, self._actor_fill)

    def place_ids(self, records: Sequence[PlaceRecord]) -> dict[str, int]:
        """Resolve or create each place, by gazetteer id first, then by any of its names."""
        by_geonames = [r.geonames_id for r in records if r.geonames_id is not None]
        for chunk in chunks(sorted(set(by_geonames))):
            rows = self.connection.execute(
                select(PLACES.c.geonames_id, PLACES.c.id).where(PLACES.c.geonames_id.in_(chunk))
            )
            for geonames_id, place_id in rows:
                self.places.ids[f"geonames:{geonames_id}"] = place_id
        return self._entity_ids(self.places, records, self._place_row, None)

    def _entity_ids(
        self, entities: _Entities, records: Sequence[Any], row_of: Any, fill: Any
    ) -> dict[str, int]:
        """Resolve records to rows in order, so that a record can name an entity an earlier
        record of the same batch created. New rows are written together at the end: until
        then they have provisional ids -1, -2, …"""
        names_of_records = [names_of(record) for record in records]
        self._load_aliases(entities, (n for names in names_of_records for n in names))
        new_rows: list[dict[str, Any]] = []
        provisional: list[str] = []
        new_aliases: list[dict[str, Any]] = []
        known: list[tuple[int, Any]] = []
        for record, names in zip(records, names_of_records, strict=True):
            if not names:
                continue
            geonames = getattr(record, "geonames_id", None)
            key = f"geonames:{geonames}" if geonames is not None else None
            entity_id = entities.ids.get(key) if key else None
            if entity_id is None:
                entity_id = next(
                    (entities.ids[n] for n in _resolving(record, names) if n in entities.ids), None
                )
            if entity_id is None:
                new_rows.append(row_of(record))
                entity_id = -len(new_rows)
            elif fill is not None:
                known.append((entity_id, record))
            if key:
                entities.ids[key] = entity_id
                provisional.append(key)
            spellings = [record.name, *record.aliases]
            for spelling, normalized in zip(spellings, _normal_forms(spellings), strict=True):
                if normalized and normalized not in entities.ids:
                    entities.ids[normalized] = entity_id
                    provisional.append(normalized)
                    new_aliases.append(
                        {entities.key: entity_id, "alias": spelling[:300], "normalized": normalized}
                    )
        if new_rows:
            created = insert_ids(self.connection, entities.table, new_rows)

            def real(entity_id: int) -> int:
                return created[-entity_id - 1] if entity_id < 0 else entity_id

            for name in provisional:
                entities.ids[name] = real(entities.ids[name])
            for alias in new_aliases:
                alias[entities.key] = real(alias[entities.key])
            known = [(real(entity_id), record) for entity_id, record in known]
        if new_aliases:
            insert_rows(self.connection, entities.alias_table, new_aliases)
        if known:
            fill(known)
        return entities.ids

    @staticmethod
    def _actor_row(record: ActorRecord) -> dict[str, Any]:
        return {
            "name": record.name[:300],
            "kind": record.kind,
            "description": record.description,
            "wikidata_id": record.wikidata_id,
            "external_ids": {},
        }

    def _actor_fill(self, known: list[tuple[int, ActorRecord]]) -> None:
        """Give stored actors what new records know and they lack: a kind, a description.

        One ``executemany`` per column for the whole batch: an actor named in every article
        would otherwise cost two statements per article.
        """
        kinds: dict[int, str] = {}
        descriptions: dict[int, str] = {}
        for actor_id, record in known:
            if record.kind != "other":
                kinds.setdefault(actor_id, record.kind)
            if record.description:
                descriptions.setdefault(actor_id, record.description)
        for column, values, lacking in (
            ("kind", kinds, ACTORS.c.kind == "other"),
            ("description", descriptions, ACTORS.c.description.is_(None)),
        ):
            if values:
                self.connection.execute(
                    update(ACTORS)
                    .where(ACTORS.c.id == bindparam("target"), lacking)
                    .values({column: bindparam("value")}),
                    [{"target": key, "value": value} for key, value in sorted(values.items())],
                )

    @staticmethod
    def _place_row(record: PlaceRecord) -> dict[str, Any]:
        return {
            "name": record.name[:300],
            "kind": record.kind,
            "country_code": record.country,
            "latitude": record.lat,
            "longitude": record.lon,
            "geonames_id": record.geonames_id,
        }


def _normal_forms(spellings: Iterable[str]) -> list[str]:
    return [normalize_name(spelling)[:300] for spelling in spellings]


def names_of(record: ActorRecord | PlaceRecord) -> list[str]:
    return [n for n in _normal_forms([record.name, *record.aliases]) if n]


def _resolving(record: ActorRecord | PlaceRecord, names: list[str]) -> list[str]:
    """Which of a record's names find it among the stored ones. A person named in full is
    found by full names only: the surname or given name an article also used ("Clinton",
    "Hillary") is shared by others across the archive (a new "Bill Clinton" is not the stored
    "Hillary Clinton"), though it finds a person an article names by nothing else."""
    if getattr(record, "kind", None) == "person" and any(" " in name for name in names):
        return [name for name in names if " " in name]
    return names
