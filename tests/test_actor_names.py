"""Actors named whole and merged on evidence the text gives: a second name it introduces,
a country's short forms; different bodies stay apart."""

from __future__ import annotations

import pytest

from archive.extract.actors import post_author_kind
from archive.extract.pipeline import Pipeline
from archive.records import ActorRecord
from tests.helpers import extract_body


def actors_of(pipeline: Pipeline, body: str) -> dict[str, ActorRecord]:
    extraction = extract_body(pipeline, body)
    return {actor.name: actor for actor in extraction.actors}


@pytest.mark.parametrize(
    "introduction",
    [
        "Karim Nassar, who now goes by Karim Haddad, ran the port authority.",
        "Karim Nassar, whose real name is Karim Haddad, ran the port authority.",
        "Karim Nassar (also known as Karim Haddad) ran the port authority.",
    ],
)
def test_a_second_name_the_text_gives_someone_is_one_person(
    pipeline: Pipeline, introduction: str
) -> None:
    found = actors_of(pipeline, f"{introduction} On Monday Karim Haddad resigned, aides said.")
    people = [a for a in found.values() if a.kind == "person"]
    assert len(people) == 1
    assert {"Karim Nassar", "Karim Haddad"} <= {people[0].name, *people[0].aliases}


def test_a_country_under_its_short_forms_is_one_state(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "Britain will send two ships, the UK defence ministry said. The United Kingdom has "
        "not yet said where they will sail.",
    )
    states = [a for a in found.values() if a.kind == "state"]
    assert len(states) == 1
    assert {"Britain", "UK"} <= {states[0].name, *states[0].aliases}


def test_bodies_named_for_a_place_are_kept_whole_and_apart(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "The UN Interim Force in Lebanon said its patrol was unharmed. The United Nations "
        "Mission in South Sudan reported shooting near Malakal, and the United Nations asked "
        "both sides for calm. South Sudan did not answer.",
    )
    assert "United Nations Mission in South Sudan" in found
    assert "UN Interim Force in Lebanon" in found
    assert found["South Sudan"].kind == "state"
    assert "South Sudan" not in found["United Nations Mission in South Sudan"].aliases
    assert "Mission" not in " ".join(found["United Nations"].aliases)


def test_a_country_where_something_happens_is_a_place_not_an_actor(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "Near Kobani, two strikes hit a depot used by militants in Syria. Turkey said on "
        "Sunday that it had not been told of the strikes.",
    )
    assert "Syria" not in found  # only where the strikes were
    assert found["Turkey"].kind == "state"  # it speaks
    assert not [name for name in found if name.startswith("Near")]


def test_an_embedded_post_by_a_politician_is_a_person(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "The mayor wrote on X:\n“We will rebuild every home on this street.”\n"
        "— Karen Bass (@KarenBassLA) December 6, 2024\nRepairs start on Monday, officials said.",
    )
    assert found["Karen Bass"].kind == "person"
    assert post_author_kind("Levant News Network") == "media"


@pytest.mark.parametrize("name", ["Jaish al-Fatah", "Liwa al-Tawhid", "Kataib Sayyid al-Shuhada"])
def test_a_transliterated_armed_group_is_one_armed_group(pipeline: Pipeline, name: str) -> None:
    found = actors_of(
        pipeline,
        f"Fighters of {name} stormed two checkpoints near the town of Maarat al-Numan, "
        "local residents told reporters on Tuesday.",
    )
    assert found[name].kind == "armed_group"
    assert not any(name.split()[0] == other or name.split()[-1] == other for other in found)


def test_a_body_named_by_its_head_noun_alone_is_that_body(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "The Lebanese Centre for Prison Studies published a report on Monday. Overcrowding "
        "has doubled since 2019, the Centre said in its report.",
    )
    centre = found["Lebanese Centre for Prison Studies"]
    assert centre.kind == "organization"
    assert "Centre" not in found


def test_a_name_the_model_starts_at_its_linking_word_is_taken_whole(
    pipeline: Pipeline,
) -> None:
    found = actors_of(
        pipeline,
        "Engineers Without Borders sent a team to rebuild the water station, its director "
        "said on Sunday.",
    )
    assert found["Engineers Without Borders"].kind == "organization"
    assert "Without Borders" not in found


def test_a_rank_before_a_name_is_the_persons_role_not_an_actor(pipeline: Pipeline) -> None:
    extraction = extract_body(
        pipeline,
        "“The bridge will reopen next week,” said Spc. Dana Whitfield, a spokeswoman. "
        "Maj. Omar Kessler and Navy Capt. Lena Brandt inspected it on Friday.",
    )
    found = {actor.name: actor for actor in extraction.actors}
    assert {"Dana Whitfield", "Omar Kessler", "Lena Brandt"} <= set(found)
    assert not {"Spc", "Maj", "Navy Capt", "Capt"} & set(found)
    assert [quote.speaker for quote in extraction.quotes] == ["Dana Whitfield"]
    assert ("Navy", "captain") in {
        (a.organization, a.role) for a in found["Lena Brandt"].affiliations
    }


def test_a_body_whose_name_ends_in_a_title_word_keeps_it(pipeline: Pipeline) -> None:
    found = actors_of(
        pipeline,
        "Auditors at the Department of Justice and the Office of the Mayor reviewed the "
        "contract on Monday.",
    )
    assert {"Department of Justice", "Office of the Mayor"} <= set(found)


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("Traffic resumed on the Homs-Hama highway on Sunday, drivers said.", "Homs-Hama"),
        ("Families fled to the Rukban camp, where aid workers said food was short.", "Rukban"),
        (
            "Gunfire hit the neighbourhood of Bab Tebbaneh on Monday, residents said.",
            "Bab Tebbaneh",
        ),
    ],
)
def test_roads_camps_and_neighbourhoods_are_places_not_actors(
    pipeline: Pipeline, body: str, place: str
) -> None:
    extraction = extract_body(pipeline, body)
    assert place in {p.name for p in extraction.places}
    assert not any(place in actor.name for actor in extraction.actors)


@pytest.mark.parametrize(
    ("body", "company"),
    [
        ("Qatar Airways said on Monday it would resume flights to Beirut.", "Qatar Airways"),
        ("The White House said on Tuesday that the president would visit Ohio.", "White House"),
    ],
)
def test_a_body_named_after_a_place_is_an_actor_not_a_place(
    pipeline: Pipeline, body: str, company: str
) -> None:
    extraction = extract_body(pipeline, body)
    assert company in {actor.name for actor in extraction.actors}
    assert company not in {p.name for p in extraction.places}
