"""The extraction's building blocks: quote marks, layout, gazetteer, dates."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from archive.extract.event_dates import DateGuess, resolve_date
from archive.extract.gazetteer import gazetteer, skeleton
from archive.extract.layout import layout
from archive.extract.marks import find_quotes
from archive.extract.tolls import fatalities_in


def quotes(text: str, **options: bool) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text, 0, len(text), **options)]


def test_marks_in_every_style_and_apostrophes_are_not_marks() -> None:
    text = 'He said "it’s over," then «nous partons» and “we’re coming for you.” It’s Abdi’s view.'
    assert quotes(text) == ["it’s over,", "nous partons", "we’re coming for you."]


def test_nested_single_quotes_stay_inside_and_headline_single_quotes_count() -> None:
    assert quotes("“He called it ‘a disgrace,’ she said,” he recalled.") == [
        "He called it ‘a disgrace,’ she said,"
    ]
    assert quotes("Trump Is A ‘Disgusting Fraud.’", single_marks=True) == ["Disgusting Fraud."]


def test_a_curly_and_a_straight_mark_pair_when_a_text_mixes_them() -> None:
    """Copy-edited text mixes “ with " ("“no evidence" yet", ""work-related” emails"): a
    double quote closes at the first closing double mark of either style, while a straight
    pair opened inside a curly quote is nested in it, and a curly pair in a straight one."""
    text = (
        'there was “no evidence" yet that it was terrorism. Clinton’s "work-related” emails '
        "from her “personal messages.” "
        '“He said "no" to me,” she recalled. "It was “over,” he wrote," she said.'
    )
    assert quotes(text) == [
        "no evidence",
        "work-related",
        "personal messages.",
        'He said "no" to me,',
        "It was “over,” he wrote,",
    ]


def test_a_paragraph_of_stray_marks_of_both_styles_is_read_without_failing() -> None:
    """Marks that each open a pair inside the last ('“ "a “ "a …') nest one level at most."""
    text = '“ "a ' * 5000
    [span] = find_quotes(text, 0, len(text))
    assert (span.open_start, span.open_ended) == (0, True)


def test_quote_left_open_ends_at_the_paragraph() -> None:
    [span] = find_quotes("“The first part runs on", 0, 23)
    assert span.open_ended
    assert span.end == 23


def test_an_invitation_to_follow_the_author_is_boilerplate() -> None:
    text = (
        "Pence spoke on Sunday.\n"
        "Follow Pam Key on Twitter @pamkeyNEN.\n"
        '"Follow us on Facebook."\n'
        "Follow the money, he said."
    )
    assert [p.kind for p in layout(text).paragraphs] == [
        "body",
        "boilerplate",
        "boilerplate",
        "body",
    ]


def test_layout_marks_source_bio_and_post_with_its_date() -> None:
    text = (
        "Rebels entered the city.\n"
        "The commander declares victory. #Syria pic.twitter.com/x\n"
        "— Levant Monitor (@LevantMonitor) December 7, 2024\n"
        "Fighting continued.\n"
        "Source :Agence Levant\n"
        "Nadia Karam writes on conflict and displacement in the Middle East."
    )
    page = layout(text)
    assert [p.kind for p in page.paragraphs] == [
        "body",
        "post",
        "signature",
        "body",
        "boilerplate",
        "boilerplate",
    ]
    assert (page.source, page.post_author, page.post_handle) == (
        "Agence Levant",
        "Levant Monitor",
        "@LevantMonitor",
    )
    assert page.post_date == datetime(2024, 12, 7)


def test_first_person_bio_without_source_line_is_boilerplate() -> None:
    page = layout(
        "News text here.\nWith years in journalism, I bring a seasoned voice as a freelance editor."
    )
    assert [p.kind for p in page.paragraphs] == ["body", "boilerplate"]


def test_a_story_written_as_one_paragraph_keeps_its_text_before_the_bio() -> None:
    story = (
        "The harbour board met on Tuesday to decide the future of the old ferry pier. " * 10
        + "Mara Olsen is a freelance reporter based in Bergen."
    )
    page = layout(story)
    assert [p.kind for p in page.paragraphs] == ["body", "boilerplate"]
    assert page.paragraphs[1].text == "Mara Olsen is a freelance reporter based in Bergen."
    assert page.readable(10)
    assert not page.readable(story.index("Mara"))


@pytest.mark.parametrize(
    ("spelling", "name", "country"),
    [
        ("Deir Ezzor", "Deir ez-Zor", "SY"),
        ("Herak", "Al Ḩirāk", "SY"),
        ("Hasakah", "Al Ḩasakah", "SY"),
        ("Abu Kamal", "Ālbū Kamāl", "SY"),
        ("Homs", "Homs", "SY"),
    ],
)
def test_gazetteer_finds_transliterations_in_the_articles_country(
    spelling: str, name: str, country: str
) -> None:
    entry = gazetteer().resolve(spelling, {"SY": 3})
    assert entry is not None
    assert (entry.name, entry.country) == (name, country)


def test_gazetteer_spellings_of_one_town_share_an_id_and_context_decides_homonyms() -> None:
    places = gazetteer()
    sweida, suwayda = places.resolve("Sweida", {"SY": 1}), places.resolve("Suwayda", {"SY": 1})
    assert sweida is not None
    assert suwayda is not None
    assert sweida.geonames_id == suwayda.geonames_id
    valencia = places.resolve("Valencia", {"ES": 2})
    assert valencia is not None
    assert valencia.country == "ES"
    assert places.resolve("Nassib", {"SY": 1}) is None  # no false match on consonants alone
    assert skeleton("Dayr az Zawr") == skeleton("Deir Ezzor") == "drzr"


def test_countries_have_coordinates_and_capitals_name_their_state() -> None:
    jordan = gazetteer().country_named("Jordan")
    assert jordan is not None
    assert (jordan.country, round(jordan.lat), round(jordan.lon)) == ("JO", 32, 36)
    iran = gazetteer().country_of_capital("Tehran")
    assert iran is not None
    assert iran.name == "Iran"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("this afternoon", (date(2024, 12, 6), "day")),
        ("on Wednesday", (date(2024, 12, 4), "day")),
        ("within a week", (date(2024, 12, 6), "week")),
        ("in 2014", (date(2014, 1, 1), "year")),
        ("December 3, 2024", (date(2024, 12, 3), "day")),
        ("December 2", (date(2024, 12, 2), "day")),
        ("Dec. 2", (date(2024, 12, 2), "day")),
        ("two days ago", (date(2024, 12, 4), "day")),
        ("last week", (date(2024, 11, 29), "week")),
        ("next Monday", (date(2024, 12, 9), "day")),
        ("early Saturday", (date(2024, 11, 30), "day")),
        ("March 2023", (date(2023, 3, 1), "month")),
        ("later", (None, None)),
    ],
)
def test_relative_dates_resolve_against_publication(
    expression: str, expected: tuple[object, object]
) -> None:
    guess = resolve_date(expression, datetime(2024, 12, 6, 15, 0))
    assert (guess.value, guess.precision) == expected


def test_without_a_publication_date_only_dates_that_name_their_year_resolve() -> None:
    assert resolve_date("two days ago", None) == DateGuess(None, None)
    assert resolve_date("December 2", None) == DateGuess(None, None)
    assert resolve_date("December 3, 2024", None) == DateGuess(date(2024, 12, 3), "day")


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("At least three people were killed in clashes.", 3),
        ("The strike killed 12 civilians, medics said.", 12),
        ("More than 200 people were killed by the floods.", 200),
        ("Dozens of fighters were killed.", 12),
        ("More than two dozen people were killed overnight.", 24),
        ("A dozen soldiers were killed.", 12),
        ("Nobody was hurt.", None),
    ],
)
def test_fatalities(sentence: str, count: int | None) -> None:
    assert fatalities_in(sentence) == count
