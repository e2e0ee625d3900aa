"""The `archive` command as users run it: a real child process on a real database."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES, SAMPLES, run_cli
from tests.helpers import counts_at
from tests.server import live_server


def test_init_creates_then_reports_schema_current(empty_database_url: str) -> None:
    first = run_cli("init", "--db", empty_database_url)
    second = run_cli("init", "--db", empty_database_url)
    assert first.returncode == 0, first.stderr
    assert "schema created -> revision" in first.stdout
    assert "schema already at revision" in second.stdout


def test_import_jsonl_with_bad_third_line(database_url: str, tmp_path: Path) -> None:
    result = run_cli(
        "import", str(FIXTURES / "five.jsonl"), database_url=database_url, cwd=tmp_path
    )
    assert result.returncode == 1
    assert f"rejected {FIXTURES / 'five.jsonl'}:3: invalid JSON" in result.stderr
    assert counts_at(database_url)["articles"] == 4
    [reject] = [
        json.loads(line) for line in (tmp_path / "archive-rejects.jsonl").read_text().splitlines()
    ]
    assert reject["location"] == f"{FIXTURES / 'five.jsonl'}:3"
    assert reject["record"].startswith('{"title": "Broken record"')


def test_reject_report_prints_locations_as_they_are(tmp_path: Path) -> None:
    lines = [json.dumps({"title": f"T{i}", "body": f"Body {i}."}) for i in range(1, 101)]
    lines[99] = '{"title": "cut'
    path = tmp_path / "hundred.jsonl"
    path.write_text("\n".join(lines) + "\n")
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    result = run_cli("import", "--no-extract", str(path), database_url=url, cwd=tmp_path)
    assert result.returncode == 1
    # ":100:" is an emoji code to rich, which printed the location as "hundred.jsonl💯"
    assert f"rejected {path}:100: invalid JSON" in result.stderr


def test_import_mixed_folder_reports_skips_and_exits_zero(
    database_url: str, tmp_path: Path
) -> None:
    result = run_cli("import", str(FIXTURES / "mixed"), database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stderr
    assert "c.png: unsupported file type '.png'" in result.stderr
    assert counts_at(database_url)["articles"] == 3
    assert not (tmp_path / "archive-rejects.jsonl").exists()


def test_bad_inputs_are_named_and_the_rest_lands(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9\nLe caf\xe9 a rouvert.".encode("latin-1"))
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "binary.json").write_bytes(b"\x00\x01\x02\x03")
    result = run_cli(
        "import",
        str(tmp_path / "latin1.txt"),
        str(tmp_path / "empty.jsonl"),
        str(tmp_path / "binary.json"),
        str(tmp_path / "missing.txt"),
        str(SAMPLES / "05_amman-wire.jsonl"),
        database_url=database_url,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    stderr = " ".join(result.stderr.split())
    assert "latin1.txt: not valid UTF-8 (byte 0xe9 at offset 3)" in stderr
    assert "empty.jsonl: empty file" in stderr
    assert "binary.json: binary file, not text" in stderr
    assert "missing.txt: no such file or folder" in stderr
    assert counts_at(database_url)["articles"] == 2


def test_strict_import_writes_nothing(database_url: str, tmp_path: Path) -> None:
    result = run_cli(
        "import",
        "--strict",
        str(SAMPLES),
        str(FIXTURES / "five.jsonl"),
        database_url=database_url,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "--strict: nothing was written" in result.stderr
    assert counts_at(database_url)["articles"] == 0


@pytest.mark.slow
def test_export_then_import_reproducescounts_at(database_url: str, tmp_path: Path) -> None:
    assert (
        run_cli(
            "import",
            str(SAMPLES),
            str(FIXTURES / "annotated.jsonl"),
            database_url=database_url,
            cwd=tmp_path,
        ).returncode
        == 0
    )
    exported = run_cli("export", "--what", "articles", database_url=database_url)
    assert exported.returncode == 0, exported.stderr
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    reimport = run_cli(
        "import", "-", "--db", target, input_bytes=exported.stdout.encode(), cwd=tmp_path
    )
    assert reimport.returncode == 0, reimport.stderr
    assert counts_at(target) == counts_at(database_url)
    again = run_cli("export", "--what", "articles", "--db", target)
    assert [_without_import_time(line) for line in again.stdout.splitlines()] == [
        _without_import_time(line) for line in exported.stdout.splitlines()
    ]


def _without_import_time(line: str) -> dict[str, object]:
    record: dict[str, object] = json.loads(line)
    record.pop("imported_at")
    return record


def _exports(url: str, fmt: str) -> dict[str, list[Any]]:
    """Every kind's export, without the import times that differ by design, in a stable order."""
    exports: dict[str, list[Any]] = {}
    for what in ("articles", "actors", "places", "quotes", "events"):
        result = run_cli("export", "--what", what, "--format", fmt, database_url=url)
        assert result.returncode == 0, result.stderr
        if fmt == "jsonl":
            records = [json.loads(line) for line in result.stdout.splitlines()]
        else:
            records = list(csv.DictReader(io.StringIO(result.stdout)))
        for record in records:
            record.pop("imported_at", None)
        # the same records; ids, and so the order of actors and places, may differ
        exports[what] = sorted(records, key=lambda r: json.dumps(r, sort_keys=True))
    return exports


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_every_kind_exports_in_a_form_import_reads_back(
    database_url: str, tmp_path: Path, fmt: str
) -> None:
    run_cli("import", str(FIXTURES / "annotated.jsonl"), database_url=database_url, cwd=tmp_path)
    (tmp_path / "capitals.txt").write_text(
        "Talks in Amman\nURL: https://wire.example/amman/7\nDATE: 2024-12-06\n\n"
        "WIRE DESK: Officials in Amman said on Friday that talks with SAMI HADDAD would resume.\n"
    )
    run_cli("import", str(tmp_path / "capitals.txt"), database_url=database_url, cwd=tmp_path)
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    for what in ("articles", "actors", "places", "quotes", "events"):
        exported = run_cli("export", "--what", what, "--format", fmt, database_url=database_url)
        assert exported.returncode == 0, exported.stderr
        assert exported.stdout.strip()
        (tmp_path / f"{what}.{fmt}").write_text(exported.stdout)
        result = run_cli("import", str(tmp_path / f"{what}.{fmt}"), "--db", target, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert counts_at(target) == counts_at(database_url)
    assert _exports(target, fmt) == _exports(database_url, fmt)


def test_quote_export_into_archive_without_its_article_is_rejected(
    database_url: str, tmp_path: Path
) -> None:
    run_cli("import", str(FIXTURES / "annotated.jsonl"), database_url=database_url, cwd=tmp_path)
    quotes = run_cli("export", "--what", "quotes", database_url=database_url)
    target = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run_cli(
        "import", "-", "--db", target, input_bytes=quotes.stdout.encode(), cwd=tmp_path
    )
    assert result.returncode == 1
    assert "<stdin>:1: no stored article matches https://example.net/hama" in result.stderr


def test_stats_json(database_url: str, tmp_path: Path) -> None:
    run_cli("import", str(SAMPLES), database_url=database_url, cwd=tmp_path)
    result = run_cli("stats", "--json", database_url=database_url)
    figures = json.loads(result.stdout)
    assert figures["articles"] == 7
    assert figures["sources"] == 5
    assert (figures["first_published"], figures["last_published"]) == ("2024-11-10", "2024-12-08")


def test_commands_on_a_database_without_schema_say_to_run_init(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = run_cli("stats", "--db", f"sqlite:///{empty}")
    assert result.returncode == 2
    assert "has no archive schema (run `archive init` to create or upgrade it)" in result.stderr


@pytest.mark.parametrize("command", [["stats"], ["export", "--what", "quotes"], ["serve"]])
def test_a_mistyped_database_path_is_named_and_not_created(
    tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "typo.db"
    result = run_cli(*command, "--db", f"sqlite:///{typo}")
    assert result.returncode == 2
    assert f"there is no database file '{typo}'" in result.stderr
    assert not typo.exists()


def test_unsupported_database_url_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("stats", "--db", "mysql://localhost/x")
    assert result.returncode == 2
    assert "error: unsupported database 'mysql'" in result.stderr
    missing_folder = run_cli("init", "--db", f"sqlite:///{tmp_path / 'no' / 'such' / 'a.db'}")
    assert missing_folder.returncode == 2
    assert "of the SQLite database does not exist" in missing_folder.stderr


@pytest.mark.slow
def test_import_extracts_and_merges_actors_across_the_archive(
    database_url: str, tmp_path: Path
) -> None:
    result = run_cli(
        "import", "--workers", "2", str(SAMPLES), database_url=database_url, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(run_cli("stats", "--json", database_url=database_url).stdout)
    assert figures["quotes"] > 40
    assert figures["events"] > 10
    assert figures["places"] > 20
    actors = [
        json.loads(line)
        for line in run_cli(
            "export", "--what", "actors", database_url=database_url
        ).stdout.splitlines()
    ]
    names = [a["name"] for a in actors]
    assert len(names) == len(set(names))
    # named in three sample articles, stored once with every spelling
    hts = [a for a in actors if a["name"] == "Hayat Tahrir al-Sham"]
    assert len(hts) == 1
    assert "HTS" in hts[0]["aliases"]
    quotes = [
        json.loads(line)
        for line in run_cli(
            "export", "--what", "quotes", database_url=database_url
        ).stdout.splitlines()
    ]
    by_text = {q["text"]: q for q in quotes}
    assert (
        by_text["Our brothers are already at the gates of the city,"]["speaker"]["name"]
        == "Hassan Abdul Ghani"
    )
    assert by_text["Our brothers are already at the gates of the city,"]["origin"] == "extracted"


@pytest.fixture
def read_only_archive(tmp_path: Path) -> Iterator[str]:
    """An archive of the samples whose file and folder nothing may change, root included
    (the immutable attribute: the suite runs as root, for whom permissions do not apply)."""
    folder = tmp_path / "shelf"
    folder.mkdir()
    url = f"sqlite:///{folder / 'archive.db'}"
    assert run_cli("import", str(SAMPLES), database_url=url, cwd=tmp_path).returncode == 0
    subprocess.run(["chattr", "+i", str(folder / "archive.db"), str(folder)], check=True)
    try:
        yield url
    finally:
        subprocess.run(["chattr", "-i", str(folder / "archive.db"), str(folder)], check=True)


@pytest.mark.slow
def test_a_read_only_archive_is_read_exported_and_served(
    read_only_archive: str, tmp_path: Path
) -> None:
    stats = run_cli("stats", "--json", database_url=read_only_archive)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"] == 7
    exported = run_cli("export", "--what", "quotes", database_url=read_only_archive)
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == json.loads(stats.stdout)["quotes"]
    with live_server(read_only_archive) as base:
        page = httpx.get(base + "/?q=airport")
    assert page.status_code == 200
    assert "<mark>" in page.text


@pytest.mark.slow
def test_importing_into_a_read_only_archive_stops_with_one_message(
    read_only_archive: str, tmp_path: Path
) -> None:
    (tmp_path / "new.txt").write_text("A new title\n\nA new body that is not stored yet.\n")
    result = run_cli(
        "import", str(tmp_path / "new.txt"), database_url=read_only_archive, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "read-only" in result.stderr
    assert "rejected tmp" not in result.stderr


def test_csv_exports_hold_plain_values_a_spreadsheet_or_a_gis_reads(
    database_url: str, tmp_path: Path
) -> None:
    run_cli("import", str(FIXTURES / "annotated.jsonl"), database_url=database_url, cwd=tmp_path)
    tables = {}
    for what in ("quotes", "events", "actors", "places"):
        result = run_cli("export", "--what", what, "--format", "csv", database_url=database_url)
        assert result.returncode == 0, result.stderr
        tables[what] = list(csv.DictReader(io.StringIO(result.stdout)))
        assert tables[what], what
        for row in tables[what]:
            assert not any(str(cell).startswith(("{", "[")) for cell in row.values()), row
    quote = next(q for q in tables["quotes"] if q["speaker"])
    assert {"published", "outlet", "speaker_kind"} <= set(quote)
    assert quote["published"][:2] in ("19", "20")
    assert quote["speaker"] in {a["name"] for a in tables["actors"]}
    placed = [e for e in tables["events"] if e["lat"]]
    assert placed, "no event with coordinates in the fixture"
    assert -90 <= float(placed[0]["lat"]) <= 90
    assert -180 <= float(placed[0]["lon"]) <= 180
