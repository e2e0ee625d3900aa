"""Events that happened, once each, when the text says: background is not news, a date
belongs to the clause it is in, and "the attack" reports again an attack already told."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from archive.extract.pipeline import Pipeline
from archive.records import ArticleRecord, EventRecord

PUBLISHED = datetime(2024, 12, 6, 9, 0)


def events_of(pipeline: Pipeline, body: str) -> list[EventRecord]:
    article = ArticleRecord(title="", body=body, published=PUBLISHED)
    return pipeline.extract(article).events


def test_a_date_in_a_relative_clause_does_not_date_the_event(pipeline: Pipeline) -> None:
    [protest] = events_of(
        pipeline,
        "Dairy farmers who signed a supply contract in 2018 protested outside the agriculture "
        "ministry in Madrid on Friday.",
    )
    assert (protest.kind, protest.place, protest.date) == ("protest", "Madrid", date(2024, 12, 6))


def test_a_life_story_is_background_not_an_event(pipeline: Pipeline) -> None:
    found = events_of(
        pipeline,
        "Omar Haddad joined the militia after moving to Mosul in 2003. On Tuesday, militia "
        "fighters captured the village of Tell Kaif, residents said.",
    )
    assert [(e.kind, e.date) for e in found] == [("capture", date(2024, 12, 3))]


def test_the_attack_told_again_is_one_event(pipeline: Pipeline) -> None:
    found = events_of(
        pipeline,
        "Gunmen attacked a police checkpoint in Kirkuk on Monday, killing four officers. "
        "Officials in Baghdad condemned the attack and promised an inquiry.",
    )
    assert [(e.kind, e.place) for e in found] == [("attack", "Kirkuk")]
    assert found[0].fatalities == 4


@pytest.mark.parametrize(
    ("body", "kind", "doer"),
    [
        (
            "Masked men kidnapped the mayor of Tarrazu on Monday. Police blamed the Northern "
            "Liberation Front for the kidnapping.",
            "abduction",
            "Northern Liberation Front",
        ),
        (
            "A car bomb exploded outside the customs office in Tarrazu on Monday. Officials "
            "attributed the bombing to the Northern Liberation Front.",
            "bombing",
            "Northern Liberation Front",
        ),
        (
            "Gunmen shot dead a trade unionist in Tarrazu on Monday. The Northern Liberation "
            "Front claimed responsibility for the killing.",
            "attack",
            "Northern Liberation Front",
        ),
    ],
)
def test_whom_a_later_sentence_blames_did_it(
    pipeline: Pipeline, body: str, kind: str, doer: str
) -> None:
    [event] = events_of(pipeline, body)
    assert (event.kind, event.place) == (kind, "Tarrazu")
    assert [a.name for a in event.actors if a.role == "actor1"] == [doer]


def test_artillery_strikes_are_shelling(pipeline: Pipeline) -> None:
    [event] = events_of(pipeline, "Army artillery strikes hit the village of Kafr Nabl on Sunday.")
    assert event.kind == "shelling"


def test_events_spoken_of_in_general_are_not_events(pipeline: Pipeline) -> None:
    found = events_of(
        pipeline,
        "In the hill districts of Tarrazu, kidnappings are commonplace and the region sees "
        "frequent attacks on traders. On Monday, gunmen killed two drivers in Tarrazu.",
    )
    assert [(e.kind, e.place) for e in found] == [("attack", "Tarrazu")]
    assert found[0].date == date(2024, 12, 2)


def test_a_call_to_fight_is_not_a_fight(pipeline: Pipeline) -> None:
    found = events_of(
        pipeline,
        "Addressing a crowd of farmers outside the cathedral in Cuenca on Sunday, the union "
        "leader urged them to fight the new water tax and called on drivers to attack "
        "customs posts.",
    )
    assert found == []


def test_a_group_condemning_attacks_reports_no_attack(pipeline: Pipeline) -> None:
    found = events_of(
        pipeline,
        "The Committee to Protect Journalists, which is based in New York, condemned "
        "assaults on reporters in Honduras and denounced attacks on community radio "
        "stations.",
    )
    assert found == []


def test_a_ceasefire_is_not_violence(pipeline: Pipeline) -> None:
    found = events_of(
        pipeline,
        "A ceasefire between the army and the rebels took effect in Idlib on Thursday, and "
        "the truce held overnight.",
    )
    assert found == []


@pytest.mark.parametrize(
    ("noun", "kind"), [("Heavy shelling", "shelling"), ("An airstrike", "airstrike")]
)
def test_a_strike_named_by_its_noun_is_an_event(pipeline: Pipeline, noun: str, kind: str) -> None:
    found = events_of(
        pipeline, f"{noun} hit the village of Kafr Nabl in Idlib province on Monday, killing four."
    )
    assert [(e.kind, e.place, e.fatalities) for e in found] == [(kind, "Kafr Nabl", 4)]
