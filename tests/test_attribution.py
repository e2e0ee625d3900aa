"""Attribution with the shipped models, on sentences written for these tests: who speaks a
direct quote, what reported speech says and who it is from, and how sure the archive is."""

from __future__ import annotations

import pytest

from archive.extract.pipeline import Pipeline
from archive.records import ArticleRecord, QuoteRecord


def quotes(pipeline: Pipeline, body: str) -> list[QuoteRecord]:
    return pipeline.extract(ArticleRecord(title="Report", body=body)).quotes


DIRECT = [
    pytest.param(
        "“We will reopen the crossing next week,” said Amal Haddad, a spokeswoman for the "
        "border authority.",
        "We will reopen the crossing next week,",
        "Amal Haddad",
        "Amal Haddad",
        id="inverted-with-apposition",
    ),
    pytest.param(
        "Viktor Lund, 70, told the court: “I never signed that letter.”",
        "I never signed that letter.",
        "Viktor Lund",
        "Viktor Lund",
        id="age-after-the-name",
    ),
    pytest.param(
        "Viktor Lund was not in court on Tuesday.\n\n“It was a mistake,” Lund's son said "
        "outside the building.",
        "It was a mistake,",
        None,
        "Lund's son",
        id="a-possessor-is-not-the-speaker",
    ),
    pytest.param(
        "The mayor of Lakeside, Ingrid Sol, spoke on Monday. “The river is still rising,” the "
        "mayor said.",
        "The river is still rising,",
        "Ingrid Sol",
        "the mayor",
        id="a-description-the-article-supports",
    ),
]


@pytest.mark.parametrize(("body", "text", "speaker", "as_written"), DIRECT)
def test_direct_quote_speaker(
    pipeline: Pipeline, body: str, text: str, speaker: str | None, as_written: str
) -> None:
    [quote] = [q for q in quotes(pipeline, body) if q.direct]
    assert (quote.text, quote.speaker, quote.speaker_as_written) == (text, speaker, as_written)
    assert body[quote.start : quote.end] == quote.text


REPORTED = [
    pytest.param(
        "Nadia Perez said that the factory would close in March.",
        "the factory would close in March",
        "Nadia Perez",
        "said",
        id="said-that",
    ),
    pytest.param(
        "According to the harbour authority, three ships were turned away overnight.",
        "three ships were turned away overnight",
        "the harbour authority",
        "according to",
        id="according-to",
    ),
    pytest.param(
        "KYIV (Reuters) — Olena Marchenko said the talks had failed.",
        "the talks had failed",
        "Olena Marchenko",
        "said",
        id="dateline-is-not-the-speaker",
    ),
    pytest.param(
        "Grace Mwangi called for an independent inquiry into the fire.",
        "an independent inquiry into the fire",
        "Grace Mwangi",
        "called",
        id="called-for",
    ),
]


@pytest.mark.parametrize(("body", "text", "as_written", "cue"), REPORTED)
def test_reported_speech_content_source_and_cue(
    pipeline: Pipeline, body: str, text: str, as_written: str, cue: str
) -> None:
    [quote] = [q for q in quotes(pipeline, body) if not q.direct]
    assert (quote.text, quote.speaker_as_written, quote.cue) == (text, as_written, cue)
    assert body[quote.start : quote.end] == quote.text
    assert 0.0 < quote.confidence < 1.0


def test_a_named_source_of_reported_speech_is_an_actor(pipeline: Pipeline) -> None:
    [quote] = quotes(pipeline, "Tomas Berg warned that the dam could fail within a year.")
    assert (quote.speaker, quote.direct) == ("Tomas Berg", False)


def test_an_organisation_speaks_as_the_actor_it_is_named_as(pipeline: Pipeline) -> None:
    body = (
        "The Ministry of Water closed two wells near Oakridge on Friday.\n\n"
        "The Ministry of Water said the wells would stay closed until the tests were done."
    )
    reported = [q for q in quotes(pipeline, body) if not q.direct]
    assert [(q.speaker, q.text) for q in reported] == [
        ("Ministry of Water", "the wells would stay closed until the tests were done")
    ]


def test_words_that_report_nothing_are_not_reported_speech(pipeline: Pipeline) -> None:
    body = (
        "The river rose two metres overnight and flooded the lower town.\n\n"
        "Volunteers carried sandbags to the bridge before dawn."
    )
    assert quotes(pipeline, body) == []


def test_confidence_ranks_a_clear_attribution_above_a_guess(pipeline: Pipeline) -> None:
    clear = quotes(pipeline, "“The dam is safe,” said Ruth Adeyemi, the chief engineer.")
    guess = quotes(
        pipeline,
        "Ruth Adeyemi met Pavel Novak and Oskar Nilsen at the dam.\n\n“It is safe.”",
    )
    assert clear[0].confidence >= 0.9
    assert [q.confidence for q in guess if q.direct] == [pytest.approx(guess[0].confidence)]
    assert guess[0].confidence < clear[0].confidence


def test_a_surname_that_is_a_country_is_the_person_when_the_article_names_them(
    pipeline: Pipeline,
) -> None:
    body = (
        "Sara Jordan, a lawyer for the families, filed the appeal on Monday.\n\n"
        "“We will not give up,” Jordan said."
    )
    [quote] = [q for q in quotes(pipeline, body) if q.direct]
    assert (quote.speaker, quote.speaker_as_written) == ("Sara Jordan", "Jordan")
    [state] = quotes(pipeline, "Jordan said it would close the Jaber crossing on Sunday.")
    assert state.speaker == "Jordan"


def test_a_headline_that_reports_two_claims_quotes_no_one(pipeline: Pipeline) -> None:
    result = pipeline.extract(
        ArticleRecord(
            title="Mayor says bridge is safe, engineer says it is not",
            body="The bridge over the Lune was inspected on Monday.",
        )
    )
    assert [q for q in result.quotes if q.direct] == []
    quoted = pipeline.extract(
        ArticleRecord(
            title="Bridge will hold through the winter, chief engineer says",
            body="The bridge over the Lune was inspected on Monday.",
        )
    )
    assert [(q.text, q.speaker_as_written) for q in quoted.quotes if q.direct] == [
        ("Bridge will hold through the winter", "chief engineer")
    ]
