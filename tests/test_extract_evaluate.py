"""`archive evaluate`: scoring a folder of annotated articles, its reliability table, and
articles it cannot read."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

SCORER = Path(__file__).parent.parent.parent / "shared" / "eval" / "score_extraction.py"


def _gold(folder: Path, name: str, text: str, quotes: list[dict[str, object]]) -> None:
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.gold.json").write_text(json.dumps({"quotes": quotes}), encoding="utf-8")


def test_evaluate_names_an_article_it_cannot_read_and_scores_the_rest(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    _gold(
        gold,
        "harbour",
        "Harbour reopens\n\n“The harbour is open again,” said Nadia Perez, the harbour master.\n",
        [{"text": "The harbour is open again,", "speaker": "Nadia Perez", "direct": True}],
    )
    _gold(gold, "blank", "   \n\n", [{"text": "Nothing here", "speaker": None, "direct": True}])
    result = run_cli("evaluate", str(gold), "--scorer", str(SCORER), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "cannot read blank.txt: no text: the file is blank" in result.stderr
    assert "2 articles, 1 extracted" in result.stderr
    assert (tmp_path / "out" / "harbour.json").exists()
    assert not (tmp_path / "out" / "blank.json").exists()
    # the unreadable article's quote counts as missed: 1 of 2
    assert "quotes.direct.recall         0.500" in result.stdout
    table = result.stdout.split("== reliability")[1]
    assert "0.9 to 1.0        1          1.000" in table
