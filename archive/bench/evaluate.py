"""Extraction quality: run the pipeline over annotated articles and score it.

For every ``NAME.gold.json`` in a folder, the article is ``NAME.txt`` beside it (or the
``document`` the gold file names, relative to the folder or its parent); the pipeline's output,
exactly what ``archive extract --json`` prints, is written to ``OUT/NAME.json`` and the folder
is scored by the given scorer script (``score_extraction.py GOLD OUT``).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError
from archive.extract.output import extraction_json
from archive.extract.pipeline import Pipeline
from archive.importer.imports import read_article
from archive.settings import Settings

BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 1.0)
"""Edges of the confidence bins of the reliability table (the last bin holds 1.0)."""


@dataclass
class Bin:
    """Attributed quotes whose confidence lies in ``low``..``high``, and how many of them
    the gold gives the same speaker."""

    low: float
    high: float
    quotes: int = 0
    right: int = 0

    @property
    def share(self) -> float | None:
        return self.right / self.quotes if self.quotes else None


@dataclass
class Evaluation:
    articles: int
    seconds: float
    scorer_output: str
    scorer_status: int
    reliability: list[Bin] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """Articles the reader rejected, with its reason: they are scored as extracting nothing."""


def article_for(gold: Path) -> Path:
    stem = gold.name.removesuffix(".gold.json")
    beside = gold.with_name(stem + ".txt")
    if beside.exists():
        return beside
    document = str(json.loads(gold.read_text(encoding="utf-8")).get("document") or "")
    for base in (gold.parent, gold.parent.parent):
        if document and (base / document).exists():
            return base / document
    raise ArchiveError(f"no article found for {gold}", suggestion=f"put {stem}.txt beside it")


def evaluate(gold: Path, out: Path, scorer: Path, extra: list[str] | None = None) -> Evaluation:
    """Extract every annotated article of ``gold`` (a folder or one gold file) into ``out``."""
    golds = [gold] if gold.is_file() else sorted(gold.glob("*.gold.json"))
    if not golds:
        raise ArchiveError(f"no *.gold.json files in {gold}")
    out.mkdir(parents=True, exist_ok=True)
    pipeline = Pipeline()
    settings = Settings()
    started = time.perf_counter()
    unreadable: list[str] = []
    for path in golds:
        record = read_article(settings, article_for(path))
        if isinstance(record, str):
            unreadable.append(record)  # scored as extracting nothing: its gold counts as missed
            continue
        result = extraction_json(record, pipeline.extract(record))
        target = out / (path.name.removesuffix(".gold.json") + ".json")
        target.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
    seconds = time.perf_counter() - started
    system = out / (golds[0].name.removesuffix(".gold.json") + ".json") if gold.is_file() else out
    completed = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(system), *(extra or [])],
        capture_output=True,
        text=True,
        check=False,
    )
    return Evaluation(
        len(golds),
        seconds,
        completed.stdout + completed.stderr,
        completed.returncode,
        reliability(golds, out, scorer),
        unreadable,
    )


def _scorer_module(scorer: Path) -> Any | None:
    spec = importlib.util.spec_from_file_location("score_extraction", scorer)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    needed = ("overlap_f1", "speaker_matches", "Entities", "name_of")
    return module if all(hasattr(module, name) for name in needed) else None


def reliability(golds: list[Path], out: Path, scorer: Path) -> list[Bin]:
    """How often the speaker is right at each confidence: the system's quotes paired with
    the gold's as the scorer pairs them (greedy, token F1 at least 0.8), counted where the
    gold names a speaker. Empty when the scorer does not offer its matching functions."""
    score = _scorer_module(scorer)
    if score is None:
        return []
    bins = [Bin(low, high) for low, high in itertools.pairwise(BINS)]
    for path in golds:
        target = out / (path.name.removesuffix(".gold.json") + ".json")
        if not target.exists():
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        system = [q for q in json.loads(target.read_text(encoding="utf-8"))["quotes"] if q["text"]]
        actors = score.Entities(gold.get("actors") or [])
        used: set[int] = set()
        ordered = sorted(gold.get("quotes") or [], key=lambda q: not q.get("direct", True))
        for quote in ordered:
            best, best_j = 0.0, None
            for j, candidate in enumerate(system):
                if (
                    j not in used
                    and (f := score.overlap_f1(quote["text"], candidate["text"])) > best
                ):
                    best, best_j = f, j
            if best_j is None or best < 0.8:
                continue
            used.add(best_j)
            if quote.get("speaker") is None:
                continue
            found = system[best_j]
            right = score.speaker_matches(
                quote["speaker"],
                score.name_of(found.get("speaker")),
                actors,
                quote.get("speaker_match") == "surname",
                found.get("speaker_as_written"),
            )
            confidence = float(found.get("confidence") or 0.0)
            for b in bins:
                if b.low <= confidence < b.high or (b.high == 1.0 and confidence == 1.0):
                    b.quotes += 1
                    b.right += bool(right)
                    break
    return bins
