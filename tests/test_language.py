"""Each article's language is detected and stored; the English pipeline mines English only,
and articles in other languages are kept, searchable, and counted as not extracted."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from archive.app import create_app
from archive.extract.language import detect_language, normalize_language
from archive.extract.pipeline import Pipeline
from archive.records import ArticleRecord
from archive.settings import Settings
from tests.conftest import run_cli
from tests.server import serve_app

SPANISH = (
    "La alcaldesa de Villanueva anunció el martes que el mercado municipal abrirá de nuevo "
    "en primavera. «Los vecinos llevan dos años esperando», dijo durante una visita al barrio, "
    "donde los comerciantes pidieron más ayudas para las obras."
)
ENGLISH = (
    "The mayor of Riverton said on Tuesday that the covered market would reopen in the spring. "
    '"People have waited two years for this," Mayor Ellen Cartwright told reporters during a '
    "visit to the neighbourhood, where traders asked for more help with the works."
)
GERMAN = (
    "Der Stadtrat von Lindenau hat am Dienstag beschlossen, die alte Markthalle im Frühjahr "
    "wieder zu öffnen. Die Händler forderten mehr Unterstützung für die Bauarbeiten."
)


def test_the_language_of_a_text_is_detected() -> None:
    assert detect_language(SPANISH) == "es"
    assert detect_language(ENGLISH) == "en"
    assert detect_language(GERMAN) == "de"
    # wire copy in capitals is still English
    assert detect_language(ENGLISH.upper()) == "en"


def test_a_text_too_short_to_tell_has_no_language() -> None:
    assert detect_language("Valencia") is None
    assert detect_language("12 345 — 678") is None


@pytest.mark.parametrize(
    ("declared", "stored"),
    [("en-US", "en"), ("EN", "en"), ("es_ES", "es"), ("English", "en"), ("", None), ("??", None)],
)
def test_a_declared_language_is_stored_as_its_primary_subtag(
    declared: str, stored: str | None
) -> None:
    assert normalize_language(declared) == stored


def test_the_english_pipeline_does_not_mine_other_languages(pipeline: Pipeline) -> None:
    spanish = pipeline.extract(ArticleRecord(title="Reabre el mercado", body=SPANISH))
    assert spanish.language == "es"
    assert (spanish.actors, spanish.places, spanish.quotes, spanish.events) == ([], [], [], [])
    english = pipeline.extract(ArticleRecord(title="Market reopens", body=ENGLISH))
    assert english.language == "en"
    assert "Ellen Cartwright" in {a.name for a in english.actors}


def test_a_batch_mixing_languages_keeps_its_order(pipeline: Pipeline) -> None:
    articles = [
        ArticleRecord(title="Reabre el mercado", body=SPANISH),
        ArticleRecord(title="Market reopens", body=ENGLISH),
        ArticleRecord(title="Markthalle", body=GERMAN),
    ]
    results = pipeline.extract_many(articles)
    assert [getattr(r, "language", None) for r in results] == ["es", "en", "de"]
    assert [bool(getattr(r, "actors", None)) for r in results] == [False, True, False]


def test_a_declared_language_wins_over_detection(pipeline: Pipeline) -> None:
    declared = pipeline.extract(ArticleRecord(title="Market", body=ENGLISH, language="fr-FR"))
    assert declared.language == "fr"
    assert declared.actors == []


def test_import_stores_every_language_and_reports_what_it_did_not_mine(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "mercado.txt").write_text(f"Reabre el mercado\n\n{SPANISH}\n", encoding="utf-8")
    (folder / "market.txt").write_text(f"Market reopens\n\n{ENGLISH}\n", encoding="utf-8")
    result = run_cli("import", str(folder), database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "not extracted (es)" in result.stdout
    exported = run_cli("export", "--what", "articles", database_url=database_url).stdout
    languages = {a["title"]: a["language"] for a in map(json.loads, exported.splitlines())}
    assert languages == {"Reabre el mercado": "es", "Market reopens": "en"}

    query = '{ articles(search: "comerciantes") { edges { node { title language } } } }'
    with serve_app(create_app(Settings(database_url=database_url))) as base:
        answer = httpx.post(f"{base}/graphql", json={"query": query}, timeout=30).json()
    nodes = [edge["node"] for edge in answer["data"]["articles"]["edges"]]
    assert nodes == [{"title": "Reabre el mercado", "language": "es"}]
