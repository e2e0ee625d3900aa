"""Extraction quality: run the pipeline over annotated articles and score it.

For every ``NAME.gold.json`` in a folder, the article is ``NAME.txt`` beside it (or the
``document`` the gold file names, relative to the folder or its parent); the pipeline's output,
exactly what ``archive extract --json`` prints, is written to ``OUT/NAME.json`` and the folder
is scored by the given scorer script (``score_extraction.py GOLD OUT``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError
from archive.extract.output import extraction_json
from archive.extract.pipeline import Pipeline
from archive.importer.readers import Reader
from archive.records import ArticleRecord, Located


@dataclass
class Evaluation:
    articles: int
    seconds: float
    scorer_output: str
    scorer_status: int


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
    reader = Reader(5_000_000)
    started = time.perf_counter()
    for path in golds:
        items = list(reader.read([str(article_for(path))]))
        record = next(
            i.record
            for i in items
            if isinstance(i, Located) and isinstance(i.record, ArticleRecord)
        )
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
        len(golds), seconds, completed.stdout + completed.stderr, completed.returncode
    )
