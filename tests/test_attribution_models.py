"""The learned attribution models: their weights' format, the standoff reader that training
reads, and the training command on a handful of articles written for the test."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.extract import models
from archive.extract.models import LinearModel, shipped
from archive.extract.models.standoff import covers, read_attributions
from tests.conftest import run_cli


def test_linear_model_scores_features_and_maps_through_its_calibration() -> None:
    model = LinearModel(
        "toy",
        {"dep=nsubj": 2.0, "side=after": -1.0},
        0.5,
        ((0.2, 0.6, 0.9), (0.1, 0.5, 0.95)),
        {},
    )
    assert model.raw({"dep=nsubj": 1.0}) == pytest.approx(1 / (1 + math.exp(-2.5)))
    assert model.raw({"unknown": 1.0}) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert model.calibrated(0.1) == 0.1  # below the table: its first value
    assert model.calibrated(0.4) == pytest.approx(0.3)  # halfway between 0.2 and 0.6
    assert model.calibrated(0.99) == 0.95
    assert LinearModel.from_json(json.loads(json.dumps(model.to_json()))) == model


def test_shipped_models_load_offline_with_their_figures() -> None:
    loaded = shipped()
    for model in (loaded.speakers, loaded.reported, loaded.sources):
        assert len(model.weights) > 100
        assert "polnear-train" in model.meta["trained_on"]
        xs, ys = model.calibration
        assert list(xs) == sorted(xs)
        assert list(ys) == sorted(ys)
    # the ranking models beat the rules they take as a feature, on held-out folds
    assert loaded.speakers.meta["held_out_accuracy"] > loaded.speakers.meta["rules_accuracy"]
    assert loaded.sources.meta["held_out_accuracy"] > loaded.sources.meta["rules_accuracy"]
    size = sum(p.stat().st_size for p in Path(models.__file__).parent.glob("*.json"))
    assert size < 4_000_000


def test_missing_weights_name_the_model_and_the_fix() -> None:
    with pytest.raises(ArchiveError, match="the nowhere model's weights cannot be read") as info:
        models.load("nowhere")
    assert "archive train" in str(info.value.suggestion)


def test_standoff_reads_discontinuous_spans_sourceless_attributions_and_wrapped_text(
    tmp_path: Path,
) -> None:
    ann = tmp_path / "a.ann"
    ann.write_text(
        "T1\tSource 0 4\tLena\n"
        "T2\tCue 5 9\tsaid\n"
        "T3\tContent 10 20;25 30\tthe words\nwrapped onto a second line\n"
        "T4\tAttribution 5 9\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
        "T5\tAttribution-no-source 40 44\tseen\n"
        "T6\tContent 45 50\tthing\n"
        "E2\tAttribution-no-source:T5 Cue:T5 Content:T6\n"
        "#1\tAnnotatorNotes T1\ta note\n",
        encoding="utf-8",
    )
    first, second = read_attributions(ann)
    assert first.source == ((0, 4),)
    assert first.content == ((10, 20), (25, 30))
    assert second.source == ()
    assert second.cue == ((40, 44),)
    assert covers(first.content, 26, 28)
    assert not covers(first.content, 21, 24)


def test_standoff_names_the_line_it_cannot_read(tmp_path: Path) -> None:
    ann = tmp_path / "bad.ann"
    ann.write_text("T1\tSource 0 4\tLena\nT2\tCue five 9\tsaid\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match=r"bad\.ann:2: cannot read this standoff line"):
        read_attributions(ann)


PEOPLE = [
    ("Amal Haddad", "the port authority"),
    ("Viktor Lund", "the rail union"),
    ("Nadia Perez", "the water board"),
    ("Tomas Berg", "the city council"),
    ("Grace Mwangi", "the farmers' cooperative"),
    ("Oskar Nilsen", "the hospital trust"),
    ("Ruth Adeyemi", "the school board"),
    ("Pavel Novak", "the transport ministry"),
]


def _article(folder: Path, number: int) -> None:
    """A short article and its attributions (Source, Cue, Content), offsets found in it."""
    name, body = PEOPLE[number]
    other, other_body = PEOPLE[(number + 3) % len(PEOPLE)]
    surname = name.split()[1]
    paragraphs = [
        f"“We will finish the work before winter,” said {name}, who leads {body}.",
        f"{other} told reporters that the budget for {other_body} had run out.",
        f"“The money is simply not there,” {other.split()[1]} said.",
        f"According to {body}, the repairs will take three months.",
        f"{surname} warned that delays would cost the region dearly.",
    ]
    text = f"Work on {body} goes on\n\n" + "\n\n".join(paragraphs) + "\n"
    attributions = [
        (name, "said", "We will finish the work before winter,"),
        (other, "told", f"the budget for {other_body} had run out"),
        (other.split()[1], "said", "The money is simply not there,"),
        (body, "According to", "the repairs will take three months"),
        (surname, "warned", "delays would cost the region dearly"),
    ]
    lines = []
    for n, (source, cue, content) in enumerate(attributions):
        paragraph = text.index(paragraphs[n])
        spans = []
        for kind, words in (("Source", source), ("Cue", cue), ("Content", content)):
            start = text.index(words, paragraph)
            spans.append(f"T{3 * n + len(spans) + 1}")
            lines.append(f"{spans[-1]}\t{kind} {start} {start + len(words)}\t{words}")
        lines.append(
            f"E{n + 1}\tAttribution:{spans[1]} Source:{spans[0]} Cue:{spans[1]} Content:{spans[2]}"
        )
    (folder / f"article{number:02}.txt").write_text(text, encoding="utf-8")
    (folder / f"article{number:02}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_train_command_learns_from_annotated_articles_the_same_weights_twice(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(len(PEOPLE)):
        _article(corpus, number)
    runs = []
    for attempt in ("first", "second"):
        out = tmp_path / attempt
        result = run_cli("train", str(corpus), "--out", str(out), "--seed", "3")
        assert result.returncode == 0, result.stderr
        assert "trained on 8 articles with seed 3" in result.stderr
        runs.append({p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.json"))})
    assert list(runs[0]) == ["casing.json", "reported.json", "sources.json", "speakers.json"]
    assert runs[0] == runs[1]  # seeded and deterministic
    casing = json.loads(runs[0]["casing.json"])
    assert {"the", "said"} <= set(casing["lower"])
    speakers = LinearModel.from_json(json.loads(runs[0]["speakers.json"]))
    assert speakers.meta["decisions"] == 16  # two direct quotes an article
    assert speakers.meta["seed"] == 3
    assert speakers.meta["trained_on"] == "corpus (8 articles)"
    reported = LinearModel.from_json(json.loads(runs[0]["reported.json"]))
    assert reported.meta["answerable"] >= 16


def test_train_command_refuses_a_folder_without_annotations(tmp_path: Path) -> None:
    (tmp_path / "lonely.txt").write_text("Nothing annotated.\n", encoding="utf-8")
    result = run_cli("train", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode != 0
    assert "no annotated articles (NAME.ann beside NAME.txt)" in result.stderr
    assert not (tmp_path / "out").exists()
