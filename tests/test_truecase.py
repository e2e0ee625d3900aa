"""Wire copy in capitals is read in mixed case: the parser and the name recogniser see names
as names, and what the archive stores still points at the text as written."""

from __future__ import annotations

from archive.extract.pipeline import Pipeline
from archive.extract.truecase import Casing, dictionary_word, is_shouting, learn_casing
from archive.records import ArticleRecord

WIRE = (
    "MEDELLIN, 3 MAR 91 (WIRE) -- GUNMEN KILLED JUDGE MARIA RUIZ OUTSIDE HER HOUSE IN "
    "MEDELLIN TODAY, THE NATIONAL POLICE SAID. THE POLICE BLAMED THE REVOLUTIONARY FRONT OF "
    "THE NORTH (RFN) FOR THE ATTACK, THE THIRD ON A JUDGE THIS YEAR. THE RFN DENIED IT.\n"
)


def test_text_in_capitals_is_told_from_headlines_and_acronyms() -> None:
    assert is_shouting(WIRE)
    assert not is_shouting("The FBI and NATO said on Monday that the talks would resume soon.")
    assert not is_shouting("BREAKING NEWS")  # too short to tell


def test_a_learned_table_gives_each_word_its_usual_form() -> None:
    table = learn_casing(
        [
            "Officials at NASA said the launch was delayed. Later, NASA said the crew was fine.",
            "The mayor of Springfield met McDonald and the NASA team. Then McDonald said the "
            "team left.",
        ]
    )
    assert {"the", "said", "team"} <= set(table["lower"])
    assert table["other"]["nasa"] == "NASA"
    assert table["other"]["mcdonald"] == "McDonald"
    assert "officials" not in table["lower"]  # seen only opening a sentence


def test_restoring_case_keeps_the_length_and_reads_unknown_words_as_names() -> None:
    casing = Casing(
        {"lower": ["the", "in", "of", "said", "today"], "title": [], "other": {}},
        is_word=dictionary_word(frozenset({"gunman", "kill", "judge", "house", "attack"})),
    )
    text = "GUNMEN KILLED THE JUDGE IN OROZCO TODAY, J. DOE SAID OF THE FRL (FRL) ATTACK."
    restored = casing.restore(text)
    assert len(restored) == len(text)
    assert (
        restored == "Gunmen killed the judge in Orozco today, J. Doe said of the FRL (FRL) attack."
    )


def test_an_article_in_capitals_yields_its_names_and_points_at_its_text(
    pipeline: Pipeline,
) -> None:
    extraction = pipeline.extract(ArticleRecord(title="", body=WIRE))
    people = {a.name for a in extraction.actors if a.kind == "person"}
    assert "Maria Ruiz" in people
    places = {p.name: p for p in extraction.places}
    assert places["Medellin"].country == "CO"
    # no word in capitals became an actor of its own ("GUNMEN", "TODAY")
    assert not {"Gunmen", "Today", "House"} & {a.name for a in extraction.actors}
    for mention in extraction.mentions:
        assert mention.start is not None
        assert WIRE[mention.start : mention.end] == mention.text
        assert mention.text.isupper() or not mention.text.isalpha()
