"""The extraction pipeline on whole articles: the project's samples, the hand-annotated seed
article and PolNeAR (scored by the shared scorer), and inputs meant to break it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from archive.extract.pipeline import MINED_CHARS, Pipeline, mined_length
from archive.importer.readers import Reader
from archive.records import ArticleRecord, Extraction, Located
from tests.conftest import SAMPLES, run_cli

SHARED = Path(__file__).parent.parent.parent / "shared"
SEED = SHARED / "seeds" / "000_06df92578aa3feb5.txt"
SCORER = SHARED / "eval" / "score_extraction.py"


def article(path: Path) -> ArticleRecord:
    [item] = list(Reader(5_000_000).read([str(path)]))
    assert isinstance(item, Located)
    assert isinstance(item.record, ArticleRecord)
    return item.record


def extract(pipeline: Pipeline, name: str) -> Extraction:
    return pipeline.extract(article(SAMPLES / name))


def speakers(extraction: Extraction) -> dict[str, str | None]:
    return {q.text: q.speaker for q in extraction.quotes if q.direct}


def test_headline_quote_pronoun_and_description_resolve_to_the_named_commander(
    pipeline: Pipeline,
) -> None:
    result = extract(pipeline, "01_homs-before-nightfall.txt")
    found = speakers(result)
    assert (
        found["Our brothers are already at the gates of the city,"] == "Hassan Abdul Ghani"
    )  # "the commander … says"
    assert (
        found["Nobody who lays down his weapon will be harmed,"] == "Hassan Abdul Ghani"
    )  # "he adds"
    assert found["no longer has the forces to hold central Syria."] == "Rami Abdel Rahman"
    post = [q for q in result.quotes if q.cue == "posted"]
    assert [q.speaker for q in post] == ["Levant Monitor"]
    assert post[0].text.startswith(
        "Hassan Abdul Ghani says rebel units have entered the outskirts of Homs"
    )
    assert post[0].text.endswith("#Syria #Homs")
    # the words the post quotes are the commander's
    assert found["Nobody who lays down his weapon will be harmed."] == "Hassan Abdul Ghani"


def test_embedded_post_dates_an_undated_article(pipeline: Pipeline) -> None:
    record = article(SAMPLES / "01_homs-before-nightfall.txt")
    assert record.published is None
    result = pipeline.extract(record)
    assert (result.published, result.published_precision) == (datetime(2024, 12, 7), "day")


def test_acronyms_surnames_roles_and_transliterations_merge(pipeline: Pipeline) -> None:
    result = extract(pipeline, "03_sdf-deir-ezzor.md")
    actors = {a.name: a for a in result.actors}
    assert "SDF" in actors["Syrian Democratic Forces"].aliases
    assert [(a.organization, a.role) for a in actors["Mazloum Abdi"].affiliations] == [
        ("Syrian Democratic Forces", "chief")
    ]
    assert [(a.organization, a.role) for a in actors["Ryan Marouf"].affiliations] == [
        (None, "activist"),
        ("Suwayda 24", "editor"),
    ]
    assert actors["Suwayda 24"].kind == "media"
    assert (
        speakers(result)["The people of Sweida decided to take their fate into their own hands,"]
        == "Ryan Marouf"
    )
    places = {p.name: p for p in result.places}
    assert places["Suwayda"].geonames_id is not None
    assert "Sweida" not in places  # the quote's spelling is not a second town
    assert places["Deir ez-Zor"].country == "SY"


def test_places_are_geocoded_in_the_articles_country(pipeline: Pipeline) -> None:
    result = extract(pipeline, "04_valencia-flood-protest.txt")
    valencia = next(p for p in result.places if p.name == "Valencia")
    assert (valencia.country, round(valencia.lat or 0), round(valencia.lon or 0)) == ("ES", 39, 0)


def test_boilerplate_is_not_mined(pipeline: Pipeline) -> None:
    result = extract(pipeline, "01_homs-before-nightfall.txt")
    bio = "Nadia Karam writes on conflict"
    record = article(SAMPLES / "01_homs-before-nightfall.txt")
    bio_start = record.body.index(bio)
    assert all((q.start or 0) < bio_start for q in result.quotes)
    assert all((e.start or 0) < bio_start for e in result.events)
    assert "Agence Levant" in {a.name for a in result.actors}  # the Source line names the outlet


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Source :Skai",
        "“An opening mark that never closes, and ‘another one",
        "قال أحمد الشرع إن “السوريين سيعودون” — Ahmed al-Sharaa said “Syria is for all.”",
        "word " * 60_000,
    ],
    ids=["empty", "a label only", "marks never closed", "two scripts", "60,000 words"],
)
def test_bad_input_gives_a_result_not_a_crash(pipeline: Pipeline, body: str) -> None:
    result = pipeline.extract(ArticleRecord(title="t", body=body))
    for quote in result.quotes:
        assert quote.start is None or body[quote.start : quote.end] == quote.text


@pytest.mark.slow
def test_a_huge_body_is_mined_up_to_a_bound_at_a_sentence_break(pipeline: Pipeline) -> None:
    """2 MB of one paragraph: the first ``MINED_CHARS`` characters, cut after a full stop, are
    mined (a bounded time and memory), and the result says how much was read."""
    sentence = 'Rebels captured the town of Rastan in Syria on Friday. "We will win," he said. '
    body = sentence * (2_000_000 // len(sentence))
    cut = mined_length(body)
    assert MINED_CHARS // 2 < cut <= MINED_CHARS
    assert body[cut - 1] == "."
    result = pipeline.extract(ArticleRecord(title="Huge", body=body))
    assert result.mined_chars == cut
    assert all(q.end is not None and q.end <= cut for q in result.quotes)
    assert len([q for q in result.quotes if q.direct]) == body[:cut].count('"We will win,"')
    assert [(e.kind, e.place) for e in result.events] == [("capture", "Rastan")]


def test_offsets_point_at_the_text(pipeline: Pipeline) -> None:
    record = article(SAMPLES / "02_damascus-transition.txt")
    result = pipeline.extract(record)
    assert result.quotes
    for quote in result.quotes:
        if quote.start is not None:
            assert record.body[quote.start : quote.end] == quote.text
    for event in result.events:
        assert record.body[event.start : event.end] == event.evidence
    for mention in result.mentions:
        assert record.body[mention.start : mention.end] == mention.text


def _score(gold: Path, system: Path, *minimums: str) -> subprocess.CompletedProcess[str]:
    args = [arg for spec in minimums for arg in ("--min", spec)]
    return subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(system), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_seed_article_meets_its_targets(tmp_path: Path) -> None:
    extracted = run_cli("extract", "--json", str(SEED))
    assert extracted.returncode == 0, extracted.stderr
    output = tmp_path / "seed.json"
    output.write_text(extracted.stdout)
    gold = SHARED / "gold" / "000_06df92578aa3feb5.gold.json"
    scored = _score(
        gold,
        output,
        "quotes.direct.recall=1.0",
        "speakers.accuracy=1.0",
        "quotes.indirect.recall=0.8",
        "actors.f1=0.9",
        "places.f1=0.9",
        "events.recall=0.7",
    )
    assert scored.returncode == 0, scored.stdout
    assert "actors.duplicates            0" in scored.stdout
    result = json.loads(extracted.stdout)
    assert result["article"]["published"] == "2024-12-06"
    assert set(result) >= {"article", "quotes", "actors", "places", "events"}


@pytest.mark.slow
def test_polnear_direct_quotes(tmp_path: Path) -> None:
    gold = SHARED / "gold" / "polnear-dev"
    result = run_cli(
        "evaluate",
        str(gold),
        "--scorer",
        str(SCORER),
        "--out",
        str(tmp_path),
        "--min",
        "quotes.direct.f1=0.9",
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr


def test_transcript_turns_signatures_and_inverted_attributions(pipeline: Pipeline) -> None:
    body = (
        "Partial transcript as follows:\n"
        "WALLACE: Will she be there tomorrow night?\n"
        "“We will achieve justice in this case,” Tulsa police Chief Chuck Jordan said Monday.\n"
        "“Maybe we can build a wall around the problem.” ― Steve Quinlan\n"
        "“He represents our greatest shame.”― Sonya Herridge\n"
        "“Does anybody know what the platform is?” Graham asked. “Neither do I.”"
    )
    result = pipeline.extract(ArticleRecord(title="Voices", body=body))
    assert [(q.text, q.speaker, q.cue) for q in result.quotes if q.direct] == [
        ("Will she be there tomorrow night?", "Wallace", "transcript"),
        ("We will achieve justice in this case,", "Chuck Jordan", "said"),
        ("Maybe we can build a wall around the problem.", "Steve Quinlan", "signed"),
        ("He represents our greatest shame.", "Sonya Herridge", "signed"),
        ("Does anybody know what the platform is?", "Graham", "asked"),
        ("Neither do I.", "Graham", "asked"),
    ]


def test_partial_quotes_belong_to_the_owner_of_the_claim_or_the_subject(pipeline: Pipeline) -> None:
    body = (
        "Politifact checked Donald Trump’s claim that there have been “thousands of shootings” in Chicago.\n"
        "In recent weeks, Reid has gone after Trump as a “spoiled brat.”"
    )
    result = pipeline.extract(ArticleRecord(title="Checks", body=body))
    assert [(q.text, q.speaker) for q in result.quotes if q.direct] == [
        ("thousands of shootings", "Donald Trump"),
        ("spoiled brat.", "Reid"),
    ]


def test_events_read_passives_pronouns_and_skip_what_has_not_happened(pipeline: Pipeline) -> None:
    body = (
        "The Syrian city of Deir Ezzor has changed hands. On Tuesday it was captured by the Islamic State.\n"
        "Taking Homs would cut the supply routes.\n"
        "The SDF will defend itself if attacked."
    )
    record = ArticleRecord(
        title="Events", body=body, published=datetime(2024, 12, 6), published_precision="day"
    )
    events = pipeline.extract(record).events
    assert [
        (e.kind, e.place, [a.name for a in e.actors], e.date, e.date_precision) for e in events
    ] == [
        ("capture", "Deir Ezzor", ["Islamic State"], date(2024, 12, 3), "day"),
    ]


def test_pronouns_agree_in_gender_and_relative_clauses_name_their_antecedent(
    pipeline: Pipeline,
) -> None:
    body = (
        "Brian Fallon, the campaign’s press secretary, spoke first. Then Jennifer Palmieri "
        "took the stage. Donald Trump listened.\n"
        "“Why won’t he release his tax returns?” she said.\n"
        "Mr. Quinn, who said “we are not done,” left early.\n"
        "When asked about taxes ― as was true for years ― Trump boasted, “That makes me smart.”"
    )
    result = pipeline.extract(ArticleRecord(title="Pronouns", body=body))
    assert [(q.text, q.speaker) for q in result.quotes if q.direct] == [
        ("Why won’t he release his tax returns?", "Jennifer Palmieri"),
        ("we are not done,", "Quinn"),
        ("That makes me smart.", "Donald Trump"),
    ]


def test_a_quote_ending_its_sentence_is_not_attributed_by_the_next_sentence(
    pipeline: Pipeline,
) -> None:
    body = (
        "Canada branded the junta an “illegitimate regime.” Germany insisted that the junta "
        "“release the prisoners.” The European Union said it was “deeply concerned.”\n"
        "In June, Senator Maria Lopez dismissed the plan as “a gift to lobbyists” — a charge "
        "the White House denied.\n"
        "“This is in their heads,” said Robert Hale, speaking of Clinton’s health.\n"
        "All he has is money, “the root of all evil.” ― Ana Ruiz"
    )
    result = pipeline.extract(ArticleRecord(title="Reactions", body=body))
    assert [(q.text, q.speaker) for q in result.quotes if q.direct] == [
        ("illegitimate regime.", "Canada"),
        ("release the prisoners.", "Germany"),
        ("deeply concerned.", "European Union"),
        ("a gift to lobbyists", "Maria Lopez"),
        ("This is in their heads,", "Robert Hale"),
        ("the root of all evil.", "Ana Ruiz"),
    ]


def test_a_signature_after_a_no_break_space_names_the_speaker(pipeline: Pipeline) -> None:
    """Web pages often put a no-break space between a quote and the dash of its signature."""
    body = (
        "Readers sent us their thoughts.\n\n"
        "“He is ignorant of our culture and lives.”\u00a0― Ana Ruiz\u00a0\n"
        "“I’m so tired of this campaign. How did we get this low?”\u00a0— Maria Lopez\n"
    )
    result = pipeline.extract(ArticleRecord(title="Readers on the campaign", body=body))
    assert [(q.speaker, q.cue) for q in result.quotes] == [
        ("Ana Ruiz", "signed"),
        ("Maria Lopez", "signed"),
    ]


def test_a_run_in_heading_in_capitals_is_not_the_speaker(pipeline: Pipeline) -> None:
    body = (
        "Saving for college starts early.\n\n"
        "THE BORROWING Back when he wrote his first book, Mr. Tom Reyes said that he "
        "considered debt a last resort.\n\n"
        "NATO said that the exercise would go ahead."
    )
    result = pipeline.extract(ArticleRecord(title="College", body=body))
    assert [(q.text, q.speaker) for q in result.quotes] == [
        ("he considered debt a last resort", "Tom Reyes"),
        ("the exercise would go ahead", "NATO"),
    ]


def test_someones_aide_or_relative_is_not_that_person(pipeline: Pipeline) -> None:
    """A description with a possessor ("Lopez's former strategist") names someone other than
    the possessor: the name set beside it, or nobody the article names for sure."""
    body = (
        "David Reyes on Wednesday called on Tom Hale to apologize to Maria Lopez.\n\n"
        "“That was outrageous,” Lopez's former campaign strategist said in an interview.\n\n"
        "“We have to show that we have her back!” Lopez's niece, Ana Ruiz, shouted to the "
        "crowd."
    )
    result = pipeline.extract(ArticleRecord(title="Apology", body=body))
    assert [(q.text, q.speaker, q.speaker_as_written) for q in result.quotes if q.direct] == [
        ("That was outrageous,", None, "Lopez's former campaign strategist"),
        ("We have to show that we have her back!", "Ana Ruiz", "Lopez's niece"),
    ]


def test_a_writing_speaks_for_its_author(pipeline: Pipeline) -> None:
    body = (
        "According to a new report by Politico, Democratic party insiders are worried about "
        "turnout.\n"
        "Ivana Trump's brief said that the claims were false.\n"
        "In 1995, a Reuters article hailed him as “the comeback kid.”"
    )
    result = pipeline.extract(ArticleRecord(title="Writings", body=body))
    assert [(q.text, q.speaker) for q in result.quotes] == [
        ("the comeback kid.", "Reuters"),
        ("Democratic party insiders are worried about turnout", "Politico"),
        ("the claims were false", "Ivana Trump"),
    ]
    assert {"Politico", "Democratic Party"} <= {a.name for a in result.actors}


def test_a_speech_or_writing_speaks_for_who_delivered_or_wrote_it(pipeline: Pipeline) -> None:
    body = (
        "Senator Maria Lopez spoke in Denver on Monday.\n"
        "The tax would fall on short-term trades, according to a speech Ms. Lopez delivered "
        "at the university in July.\n"
        "A memo that Governor Tom Reyes wrote in May said that the plan was too costly."
    )
    result = pipeline.extract(ArticleRecord(title="Speeches", body=body))
    assert [(q.text, q.speaker) for q in result.quotes] == [
        ("The tax would fall on short-term trades", "Maria Lopez"),
        ("the plan was too costly", "Tom Reyes"),
    ]


def test_a_recording_of_someone_speaking_quotes_that_person(pipeline: Pipeline) -> None:
    body = (
        "The campaign released a new ad on Monday.\n"
        "The ad uses footage of Maria Lopez asking, “Why are we not ahead?”\n"
        "A second video shows Tom Reyes saying, “We will win this state.”"
    )
    result = pipeline.extract(ArticleRecord(title="Ads", body=body))
    assert [(q.text, q.speaker, q.cue) for q in result.quotes if q.direct] == [
        ("Why are we not ahead?", "Maria Lopez", "asking"),
        ("We will win this state.", "Tom Reyes", "saying"),
    ]


def test_a_headline_quote_is_spoken_by_the_headlines_subject(pipeline: Pipeline) -> None:
    record = ArticleRecord(
        title="Bill Clinton calls Obamacare ‘crazy system’ during campaign stop",
        body="Former President Bill Clinton spoke in Flint on Tuesday.",
    )
    [quote] = pipeline.extract(record).quotes
    assert (quote.text, quote.speaker, quote.cue) == ("crazy system", "Bill Clinton", "calls")


def test_a_quoted_phrase_belongs_to_the_clause_that_holds_it(pipeline: Pipeline) -> None:
    """The subject of the nearest speech verb a phrase depends on, else of the clause it is
    in; a writing with no author passes the words to whoever cites it."""
    body = (
        "Governor Maria Lopez praised the mayor in her annual address for helping develop "
        "“new and bold ideas.”\n"
        "Tom Reyes wrote in the morning hours that Hale was “a fraud” and urged voters to "
        "“look closely” at him.\n"
        "Senator Ana Ruiz said the council would work with other members to take “firm steps” "
        "in response.\n"
        "Judge Tom Hale said in a letter that the advertisement “wrongly” suggests that the "
        "city backs the plan.\n"
        "Even Spain, the largest donor, said it was “firmly opposed” to the plan and warned "
        "Italy to stop."
    )
    result = pipeline.extract(ArticleRecord(title="Phrases", body=body))
    assert [(q.text, q.speaker) for q in result.quotes if q.direct] == [
        ("new and bold ideas.", "Maria Lopez"),
        ("a fraud", "Tom Reyes"),
        ("look closely", "Tom Reyes"),
        ("firm steps", "Ana Ruiz"),
        ("wrongly", "Tom Hale"),
        ("firmly opposed", "Spain"),
    ]


def test_who_is_made_to_speak_who_is_spoken_of_and_who_put_it(pipeline: Pipeline) -> None:
    """ "forced X to admit" makes X speak; "he was called to" does not make him a speaker;
    "as X put it" cites X; a name set off at the end of a description names its speaker."""
    body = (
        "Senator Maria Lopez forced Tom Hale, who was under questioning, to admit that no "
        "executive was fired.\n"
        "“Subpoenas are not optional,” Chairman Tom Reyes said after Hale failed to appear at "
        "the hearing he was called to. “Mr. Hale is a key witness.”\n"
        "The rule is a “lawful source of income,” as The Daily Ledger put it in an editorial.\n"
        "His former partner at Acme, Lawrence Cole, called him a master at deals. “He always "
        "found a way.”"
    )
    result = pipeline.extract(ArticleRecord(title="Control", body=body))
    assert [(q.text, q.speaker) for q in result.quotes] == [
        ("Subpoenas are not optional,", "Tom Reyes"),
        ("Mr. Hale is a key witness.", "Tom Reyes"),
        ("lawful source of income,", "Daily Ledger"),
        ("He always found a way.", "Lawrence Cole"),
        ("no executive was fired", "Tom Hale"),
        ("him a master at deals", "Lawrence Cole"),
    ]


def test_a_persons_campaign_or_administration_is_an_organisation(pipeline: Pipeline) -> None:
    body = (
        "Maria Lopez and Tom Reyes debated. The Lopez campaign says the ad will air on Monday. "
        "Reyes’s campaign said that his plan would cut taxes."
    )
    result = pipeline.extract(ArticleRecord(title="Campaigns", body=body))
    assert [(q.speaker, q.speaker_as_written) for q in result.quotes] == [
        ("Maria Lopez campaign", "The Lopez campaign"),
        ("Tom Reyes campaign", "Reyes’s campaign"),
    ]
    campaigns = {a.name: (a.kind, a.aliases) for a in result.actors if "campaign" in a.name}
    assert campaigns == {
        "Maria Lopez campaign": ("organization", ["Lopez campaign"]),
        "Tom Reyes campaign": ("organization", ["Reyes campaign"]),
    }


def test_speech_the_parse_leaves_loose_is_still_attributed(pipeline: Pipeline) -> None:
    """A quote's own verb with its subject outside the marks, a finite verb the parse left
    without a subject, a speech verb beyond "said", and a writing named by who filed it."""
    body = (
        "Maria Lopez and Tom Reyes met voters. Lopez spoke first. After saying her knee was "
        "“so swollen I could barely walk,” she was “rushed … off to the hospital” for tests.\n"
        'When the bills came due, Lopez and Reyes call them "small change" and describe '
        "them as nothing.\n"
        "“Why is this not proof?” Senator Tom Hale demanded.\n"
        "According to a civil complaint filed by the federal Securities and Exchange "
        'Commission, the developers ran a "massive scheme" for years.'
    )
    result = pipeline.extract(ArticleRecord(title="Loose", body=body))
    assert [(q.text, q.speaker) for q in result.quotes if q.direct] == [
        ("so swollen I could barely walk,", "Maria Lopez"),
        ("rushed … off to the hospital", "Maria Lopez"),
        ("small change", "Maria Lopez"),
        ("Why is this not proof?", "Tom Hale"),
        ("massive scheme", "Securities and Exchange Commission"),
    ]


def test_headline_capitals_do_not_make_names(pipeline: Pipeline) -> None:
    """Title case glues words to names: a headline's entity counts only as the body spells
    it, and a name opening the headline speaks what follows its colon."""
    body = "Senator Maria Lopez questioned bankers on Tuesday. Lopez spoke for an hour."
    result = pipeline.extract(
        ArticleRecord(title="Maria Lopez Grills Acme Chief: ‘You Should Resign.’", body=body)
    )
    assert [(q.text, q.speaker) for q in result.quotes] == [("You Should Resign.", "Maria Lopez")]
    assert [a.name for a in result.actors] == ["Maria Lopez"]
    result = pipeline.extract(ArticleRecord(title="Derelict Lopez Fails The Bankers", body=body))
    assert [a.name for a in result.actors] == ["Maria Lopez"]


def test_a_role_description_names_who_holds_that_role(pipeline: Pipeline) -> None:
    """ "The Democratic nominee" is the Democratic one even when the Republican spoke last,
    and a description may come before the name it stands for."""
    body = (
        "Republican nominee Tom Reyes and Democratic nominee Maria Lopez met in Denver. Reyes "
        "spoke last. The Democratic nominee says the plan would fail.\n"
        "Judge Tom Hale spoke in the morning. The state attorney general said that the charity "
        "was not registered. Eric Lund, the attorney general, gave no details."
    )
    result = pipeline.extract(ArticleRecord(title="Roles", body=body))
    assert [(q.speaker, q.speaker_as_written) for q in result.quotes] == [
        ("Maria Lopez", "The Democratic nominee"),
        ("Eric Lund", "The state attorney general"),
    ]


def test_a_description_names_the_main_actor_not_one_in_an_aside(pipeline: Pipeline) -> None:
    """A description no role repeats is who the story is about: the subject of the main
    clause before it, not someone acting in a subordinate clause after that."""
    body = (
        "Maria Lopez spoke in Denver on Friday.\n"
        "She was speaking hours after Tom Reyes posted a flurry of messages about the vote.\n"
        "The Colorado governor said the media were to blame for focusing on “one message.”"
    )
    result = pipeline.extract(ArticleRecord(title="Asides", body=body))
    assert [(q.speaker, q.speaker_as_written) for q in result.quotes if q.direct] == [
        ("Maria Lopez", "The Colorado governor"),
    ]
    assert "Maria Lopez" not in {q.speaker for q in result.quotes if not q.direct}


def test_people_who_share_a_surname_stay_apart_and_the_surname_is_the_subjects(
    pipeline: Pipeline,
) -> None:
    """ "Tom Lopez" is not "Maria Lopez"; "Lopez" alone is the one the story is about (named
    first, as often as the other), and, pages later, the one whose full name was just read."""
    filler = "The council met again on Tuesday and the week after, and said nothing new. " * 16
    body = (
        "Maria Lopez visited Denver on Friday.\n"
        "She was joined by her husband, former governor Tom Lopez, who stood beside her.\n"
        "Lopez said the trip was “a promise kept.”\n"
        "Luis Reyes, a council member, was not there.\n"
        f"{filler}\n"
        "Homeland Security Secretary Ana Reyes says hackers targeted the grid.\n"
        "Reyes told reporters on Friday that “no one was hurt.”"
    )
    result = pipeline.extract(ArticleRecord(title="Families", body=body))
    people = {a.name for a in result.actors if a.kind == "person"}
    assert {"Maria Lopez", "Tom Lopez", "Luis Reyes", "Ana Reyes"} <= people
    assert speakers(result) == {"a promise kept.": "Maria Lopez", "no one was hurt.": "Ana Reyes"}


def test_a_given_name_alone_is_the_person_it_begins(pipeline: Pipeline) -> None:
    """ "Hillary" after "Hillary Clinton" is her, and "his wife, Heidi" is the "Heidi Cruz"
    named later: one actor each."""
    body = (
        "Hillary Clinton spoke in Ohio. Supporters chanted for Hillary as she left.\n"
        "Ted Cruz said Trump had attacked his wife, Heidi. Trump later mocked Heidi Cruz."
    )
    result = pipeline.extract(ArticleRecord(title="Names", body=body))
    people = {a.name: set(a.aliases) for a in result.actors if a.kind == "person"}
    assert people == {
        "Hillary Clinton": {"Hillary"},
        "Ted Cruz": set(),
        "Trump": set(),
        "Heidi Cruz": {"Heidi"},
    }


def test_titles_of_works_are_not_quotes(pipeline: Pipeline) -> None:
    """A show, a documentary or a network's programme between quote marks is named, not said
    (and its trailing comma does not make the next name its speaker); the same title quoted
    again elsewhere is still a title; an epithet is a quote."""
    body = (
        'In an interview on CBS\'s "Face the Nation," Maria Lopez said the city needs calm.\n'
        'Tom Reyes told NBC\'s "Nightly News" that he would run. Her new documentary "13th." '
        'explores the prisons. Critics praised Lopez\'s "13th" as bold.\n'
        'Reyes called the plan "A Disgrace" on Monday. Lopez doubled down on "Peace Through '
        'Strength." On "Meet the Press," Reyes said he would win.'
    )
    result = pipeline.extract(ArticleRecord(title="Interviews", body=body))
    direct = {q.text: q.speaker for q in result.quotes if q.direct}
    assert direct == {"A Disgrace": "Tom Reyes", "Peace Through Strength.": "Maria Lopez"}


def test_a_nickname_inside_a_name_and_a_stage_direction_are_not_quotes(
    pipeline: Pipeline,
) -> None:
    body = (
        'Rep. Robert C. "Bobby" Scott threw open his yard. His niece, Marcia "Cia" Price, '
        'cheered. "It is our time," Scott said. Trump called him "Little Marco" on Monday.\n'
        '"(CROSSTALK.)"'
    )
    result = pipeline.extract(ArticleRecord(title="Cookout", body=body))
    assert speakers(result) == {"It is our time,": "Robert C. Scott", "Little Marco": "Trump"}


def test_a_dateline_and_a_lawmakers_party_tag_are_not_actors(pipeline: Pipeline) -> None:
    """ "NEWPORT NEWS, Va. -" is where the story was filed and "(D-Newport News)" a party and
    district; the agency in a dateline is an actor."""
    body = (
        "NEWPORT NEWS, Va. - Rep. Gwen Moore (D-Wis.) spoke at a cookout on Monday.\n"
        "WASHINGTON (AP) — Senators met on Tuesday, and Sen. Mike Lee (R-Utah) left early."
    )
    result = pipeline.extract(ArticleRecord(title="Cookout", body=body))
    assert {a.name for a in result.actors} == {"Gwen Moore", "Mike Lee", "Associated Press"}


def test_a_quote_after_a_sentence_about_someone_is_theirs(pipeline: Pipeline) -> None:
    """A quote that opens a sentence right after one whose subject is a person is that
    person's, whatever the verb; a subject that is not a person speaks nothing."""
    body = (
        "Maria Lopez identified exhaustion with bigotry as a reason to vote. "
        '"The younger people are sick and tired of discrimination."\n'
        'The storm flooded the valley overnight. "It was like a river."'
    )
    result = pipeline.extract(ArticleRecord(title="Voters", body=body))
    assert speakers(result) == {
        "The younger people are sick and tired of discrimination.": "Maria Lopez",
        "It was like a river.": None,
    }


def test_a_word_the_tagger_glues_before_a_first_name_is_not_the_name(pipeline: Pipeline) -> None:
    """ "Miss Universe Alicia Machado" is Alicia Machado once the text also writes her name
    alone; a name only ever written in full keeps all its words."""
    body = (
        "Former Miss Universe Alicia Machado spoke on Friday. Trump attacked Alicia Machado "
        "again.\nEthiopian Prime Minister Abiy Ahmed Ali spoke in Addis Ababa."
    )
    result = pipeline.extract(ArticleRecord(title="Names", body=body))
    people = {a.name for a in result.actors if a.kind == "person"}
    assert people == {"Alicia Machado", "Trump", "Abiy Ahmed Ali"}


def test_an_entity_run_over_a_possessive_is_its_owner_and_the_person_it_names(
    pipeline: Pipeline,
) -> None:
    """ "Green Party’s Jill Stein" is the party and the person, "Obama’s 2008" is Obama; an
    organisation's name that holds a possessive stays whole."""
    body = (
        "Green Party’s Jill Stein spoke on Monday. Barack Obama won in 2008.\n"
        "Obama’s 2008 campaign was different, according to Johns Hopkins University’s School "
        "of Advanced International Studies."
    )
    result = pipeline.extract(ArticleRecord(title="Names", body=body))
    actors = {a.name: a.kind for a in result.actors}
    assert actors == {
        "Green Party": "organization",
        "Jill Stein": "person",
        "Barack Obama": "person",
        "Johns Hopkins University’s School of Advanced International Studies": "organization",
    }


def test_titles_parties_and_organisations_of_many_words_are_affiliations(
    pipeline: Pipeline,
) -> None:
    """An abbreviated title is a role ("Gov." a governor), a party's adjective is the party,
    an organisation keeps all its words ("Wells Fargo", not "Fargo"), and a state or town
    before a title is no organisation."""
    body = (
        "New Jersey Gov. Chris Christie spoke in Trenton. Democratic Sen. Claire McCaskill "
        "waved. Wells Fargo CEO John Stumpf testified. Syrian President Bashar al-Assad fled."
    )
    result = pipeline.extract(ArticleRecord(title="Roles", body=body))
    roles = {
        a.name: [(f.organization, f.role) for f in a.affiliations]
        for a in result.actors
        if a.kind == "person"
    }
    assert roles == {
        "Chris Christie": [(None, "governor")],
        "Claire McCaskill": [("Democratic Party", "senator")],
        "John Stumpf": [("Wells Fargo", "ceo")],
        "Bashar al-Assad": [("Syria", "president")],
    }
    assert {a.name for a in result.actors if a.kind != "person"} == {
        "Democratic Party",
        "Wells Fargo",
        "Syria",
    }


def test_the_armies_of_two_koreas_are_two_actors(pipeline: Pipeline) -> None:
    body = "North Korean troops fired at South Korean soldiers near the border on Friday."
    result = pipeline.extract(ArticleRecord(title="Border", body=body))
    assert {(a.name, tuple(a.aliases)) for a in result.actors} >= {
        ("North Korean army", ("North Korean troops",)),
        ("South Korean army", ("South Korean soldiers",)),
    }


def test_a_surname_the_model_did_not_tag_still_names_the_person(pipeline: Pipeline) -> None:
    """ "Ham made it clear" is Norman Ham although the model tagged only his full name: the
    "he" who speaks next is Ham, not the candidate named in between."""
    body = (
        "Retired Air Force Gen. Norman Ham is speaking out about why he believes Republican "
        "nominee Donald Trump has the best plan for the military.\n"
        "In an interview with a radio host, Ham made it clear he had major misgivings about "
        "the armed forces under President Barack Obama.\n"
        "“Now that I don’t have to be politically correct anymore,” he told the host, “it was "
        "demoralizing to work for Obama.”"
    )
    result = pipeline.extract(ArticleRecord(title="Interview", body=body))
    assert set(speakers(result).values()) == {"Norman Ham"}
    ham = next(a for a in result.mentions if a.text == "Ham")
    assert (ham.name, body[ham.start : ham.end]) == ("Norman Ham", "Ham")


def test_armed_collectives_are_actors_named_as_acled_names_them(pipeline: Pipeline) -> None:
    """ "Druze militias" is one actor (not the Druze as well), "Iraqi fighters" are Iraqi
    militias, and in an article about Syria "anti-government fighters" are Syrian rebels and
    "security forces" Syria's."""
    body = (
        "At least two people were killed in clashes between Druze militias and security "
        "forces in the town of Sweida. Later, anti-government fighters took control of the "
        "central police station in Sweida. Iraqi fighters withdrew from Albu Kamal."
    )
    result = pipeline.extract(ArticleRecord(title="South", body=body))
    assert {(a.name, a.kind, tuple(a.aliases)) for a in result.actors} == {
        ("Druze militias", "armed_group", ()),
        ("Syrian security forces", "organization", ("security forces",)),
        ("Syrian rebels", "armed_group", ("anti-government fighters",)),
        ("Iraqi militias", "armed_group", ("Iraqi fighters",)),
    }
    assert [(e.kind, e.place, [(a.name, a.role) for a in e.actors]) for e in result.events] == [
        ("clash", "Sweida", [("Druze militias", "actor1"), ("Syrian security forces", "actor2")]),
        ("capture", "Sweida", [("Syrian rebels", "actor1")]),
        ("withdrawal", "Albu Kamal", [("Iraqi militias", "actor1")]),
    ]


def test_an_event_reported_twice_is_one_event_and_its_toll_is_the_clash(pipeline: Pipeline) -> None:
    """A headline and the body report one clash; "killed in clashes" is the clash's toll, not
    an attack of its own; a strike dated "since 2016" happened this week."""
    body = (
        "Druze militias and security forces clash in Sweida\n"
        "At least three people were killed in clashes between Druze militias and security "
        "forces in the southern Syrian town of Sweida, witnesses said.\n"
        "Russian warplanes struck the city of Aleppo for the first time since 2016. At least "
        "16 civilians were killed in the strikes on Aleppo."
    )
    record = ArticleRecord(
        title="South", body=body, published=datetime(2024, 12, 6), published_precision="day"
    )
    events = pipeline.extract(record).events
    assert [
        (e.kind, e.place, [a.name for a in e.actors], e.fatalities, e.date) for e in events
    ] == [
        ("clash", "Sweida", ["Druze militias", "Syrian security forces"], 3, date(2024, 12, 6)),
        ("airstrike", "Aleppo", ["Russian army"], 16, date(2024, 12, 6)),
    ]
    assert events[0].evidence is not None
    assert events[0].evidence.startswith("At least three")


def test_what_did_not_happen_is_no_event(pipeline: Pipeline) -> None:
    """Denied, intended, habitual, hypothetical, natural: none of these is an event."""
    body = (
        "The SDF has not clashed with HTS in Aleppo.\n"
        "The rebels are very close to taking control of the city of Homs.\n"
        "The battle for Hama will be a crucial test.\n"
        "Government forces withdrew from the town of Rastan in Syria without a fight.\n"
        "Its fighters have clashed in the past with the army in Deir Ezzor.\n"
        "Ankara called for an end to attacks on Idlib.\n"
        "The floods that killed more than 200 people hit Valencia."
    )
    events = pipeline.extract(ArticleRecord(title="None", body=body)).events
    assert [(e.kind, e.place) for e in events] == [("withdrawal", "Rastan")]


def test_whose_forces_are_the_commanders_organisation(pipeline: Pipeline) -> None:
    """ "His fighters", "Abdi, whose forces" are the forces of the organisation their
    commander belongs to; a march of people is a protest, not an advance."""
    body = (
        "Hassan Abdul Ghani, commander of Hayat Tahrir al-Sham, said his fighters are heading "
        "towards Damascus.\n"
        "SDF chief Mazloum Abdi spoke in Hasakah. Abdi, whose forces clashed with the Syrian "
        "army in Raqqa on Friday, said he was surprised.\n"
        "Tens of thousands of people marched through the centre of Damascus on Saturday."
    )
    events = pipeline.extract(ArticleRecord(title="Forces", body=body)).events
    assert [(e.kind, e.place, [a.name for a in e.actors]) for e in events] == [
        ("advance", "Damascus", ["Hayat Tahrir al-Sham"]),
        ("clash", "Raqqa", ["Syrian Democratic Forces", "Syrian army"]),
        ("protest", "Damascus", []),
    ]


def test_pronouns_for_groups_marks_outside_the_words_and_evaluative_speech(
    pipeline: Pipeline,
) -> None:
    """ "they" is the organisation that was the subject just before; a quote's marks and full
    stop hanging from the outer verb do not hide the verb its words depend on; a speech verb
    in a "when" clause after the quote is not its attribution; "blasted" reports speech."""
    body = (
        "Maria Lopez spoke. Her remarks have led the Spanish journalist Tom Hale to fear a "
        "“Lopez-Reyes Pact.”\n"
        "Maria Lopez and Tom Reyes debated. The Lopez campaign is seeking to contrast her "
        "approach with what they call Reyes’s “selfish message.”\n"
        "Donald Trump and Hillary Clinton debated. The new ad ends with footage of Trump saying "
        "in the debate, “That makes me smart,” when Clinton criticized him for his taxes.\n"
        "Democrats blasted the panel for failing to make clear that the immunity was only "
        "“partial,” meaning little."
    )
    result = pipeline.extract(ArticleRecord(title="Groups", body=body))
    assert [(q.text, q.speaker) for q in result.quotes if q.direct] == [
        ("Lopez-Reyes Pact.", "Tom Hale"),
        ("selfish message.", "Maria Lopez campaign"),
        ("That makes me smart,", "Donald Trump"),
        ("partial,", "Democratic Party"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "WIRE DESK: Officials in Homs said the road was closed, according to SAMI HADDAD.",
        "NOTE: The ministry in Amman said on Monday that talks would resume.",
    ],
    ids=["capitals", "label"],
)
def test_every_mention_is_the_text_at_its_offsets(pipeline: Pipeline, body: str) -> None:
    """What an export writes must import back: its check compares a mention with the body."""
    result = pipeline.extract(ArticleRecord(title="t", body=body))
    located = [m for m in result.mentions if m.start is not None]
    assert located
    assert [body[m.start : m.end] for m in located] == [m.text for m in located]
