"""Events that happened, once each, when the text says: background is not news, a date
belongs to the clause it is in, and "the attack" reports again an attack already told."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from archive.extract.pipeline import Pipeline
from archive.records import ArticleRecord, EventRecord

PUBLISHED = datetime(2024, 12, 6, 9, 0)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


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
