"""Places corrected by an editor: another gazetteer entry of the same name (a town in another
country), or coordinates set by hand. A place given an entry that another place already holds
is that place: it is merged into it (its events, mentions and spellings move)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import strawberry
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from archive.graphql.changes import audit_rows, authorize, one_row, returned, spelling_owner
from archive.graphql.context import Info
from archive.graphql.errors import BadUserInput
from archive.graphql.ids import pk_of
from archive.graphql.types import Place
from archive.names import normalize_name
from archive.tables import EVENTS, MENTIONS, PLACE_ALIASES, PLACES


@strawberry.type(description="A gazetteer entry a place could be.")
class PlaceCandidate:
    geonames_id: int = strawberry.field(description="Its GeoNames ID.")
    name: str = strawberry.field(description="Its name in GeoNames.")
    kind: str = strawberry.field(description="city, region, district, country or continent.")
    country_code: str = strawberry.field(description="ISO 3166 alpha-2 code of its country.")
    latitude: float = strawberry.field(description="Latitude, WGS84 degrees.")
    longitude: float = strawberry.field(description="Longitude, WGS84 degrees.")
    population: int = strawberry.field(description="Its population, when known (else 0).")


MAX_CANDIDATES = 20


def _entries(name: str) -> list[Any]:
    from archive.extract.gazetteer import gazetteer  # a few seconds the first time

    return gazetteer().candidates(name)


async def candidates(name: str) -> list[PlaceCandidate]:
    """The gazetteer's entries spelled ``name``, most populous first."""
    entries = await anyio.to_thread.run_sync(_entries, name)
    ranked = sorted(entries, key=lambda e: -e.population)[:MAX_CANDIDATES]
    return [
        PlaceCandidate(
            geonames_id=e.geonames_id,
            name=e.name,
            kind=e.kind,
            country_code=e.country,
            latitude=e.lat,
            longitude=e.lon,
            population=e.population,
        )
        for e in ranked
    ]


def _entry(geonames_id: int) -> Any:
    from archive.extract.gazetteer import gazetteer

    return gazetteer().entries.get(geonames_id)


async def _merge_into(connection: AsyncConnection, gone: int, kept: int) -> None:
    """Place ``gone`` is place ``kept``: its events, mentions and spellings move, it goes."""
    for table, column in (
        (EVENTS, "place_id"),
        (MENTIONS, "place_id"),
        (PLACE_ALIASES, "place_id"),
    ):
        await connection.execute(
            update(table).where(table.c[column] == gone).values(**{column: kept})
        )
    await connection.execute(delete(PLACES).where(PLACES.c.id == gone))


async def _spelled(connection: AsyncConnection, pk: int, name: str) -> None:
    """``name`` made a spelling of place ``pk``, unless it already spells a place."""
    key = normalize_name(name)
    if key and await spelling_owner(connection, PLACE_ALIASES, "place_id", name) is None:
        await connection.execute(
            insert(PLACE_ALIASES).values(place_id=pk, alias=name, normalized=key)
        )


def _located(
    latitude: float | None, longitude: float | None, country: str | None
) -> dict[str, Any]:
    if latitude is None or longitude is None:
        raise BadUserInput("give a latitude and a longitude, or a gazetteer entry (geonamesId)")
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise BadUserInput(f"{latitude}, {longitude} is no point on Earth (-90..90, -180..180)")
    values: dict[str, Any] = {"latitude": latitude, "longitude": longitude, "geonames_id": None}
    if country is not None:
        if country and (len(country) != 2 or not country.isalpha()):
            raise BadUserInput(f"{country[:10]!r} is no two-letter ISO country code")
        values["country_code"] = country.upper() or None
    return values


@strawberry.type
class PlaceCorrections:
    @strawberry.mutation(
        description="Correct where a place is: another gazetteer entry (`geonamesId`: a town of "
        "the same name in another country, say), or coordinates set by hand. A place given an "
        "entry another place holds is merged into that place."
    )
    async def update_place(
        self,
        info: Info,
        place: strawberry.ID,
        geonames_id: int | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        country_code: str | None = None,
    ) -> Place:
        who = await authorize(info)
        pk = pk_of(place, "Place")
        if geonames_id is not None:
            entry = await anyio.to_thread.run_sync(_entry, geonames_id)
            if entry is None:
                raise BadUserInput(f"the gazetteer has no entry {geonames_id}")
            values: dict[str, Any] = {
                "name": entry.name,
                "kind": entry.kind,
                "country_code": entry.country,
                "latitude": entry.lat,
                "longitude": entry.lon,
                "geonames_id": entry.geonames_id,
            }
        else:
            values = _located(latitude, longitude, country_code)
        async with info.context.database.transaction() as connection:
            before = await one_row(connection, PLACES, pk, "place")
            holder = None
            if geonames_id is not None:
                holder = (
                    await connection.execute(
                        select(PLACES.c.id).where(
                            PLACES.c.geonames_id == geonames_id, PLACES.c.id != pk
                        )
                    )
                ).scalar()
            if holder is not None:
                await _merge_into(connection, pk, holder)
            else:
                await connection.execute(update(PLACES).where(PLACES.c.id == pk).values(**values))
                if "name" in values:
                    await _spelled(connection, pk, values["name"])
            after = await one_row(connection, PLACES, holder or pk, "place")
            await audit_rows(connection, who, "updatePlace", "Place", pk, before, after)
        return await returned(info, Place.of(after))
