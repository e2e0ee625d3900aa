"""Readers: every format, scraper field names, and a clear reason for every bad input."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

from archive.importer.readers import Reader, Skipped
from archive.records import ArticleRecord, Located, Rejected
from tests.conftest import FIXTURES, SAMPLES


def read(*paths: str | Path, stdin: bytes | None = None) -> list[object]:
    reader = Reader(
        5_000_000, stdin=io.BufferedReader(io.BytesIO(stdin)) if stdin is not None else None
    )
    return list(reader.read(str(p) for p in paths))


def article(item: object) -> ArticleRecord:
    assert isinstance(item, Located), item
    assert isinstance(item.record, ArticleRecord)
    return item.record


def test_text_file_first_line_is_the_title_and_body_keeps_the_rest() -> None:
    [item] = read(SAMPLES / "01_homs-before-nightfall.txt")
    record = article(item)
    assert record.title.startswith("“We will be in Homs before nightfall,” rebel commander")
    assert record.body.startswith("Hayat Tahrir al-Sham (HTS) military commander")
    assert record.body.endswith("edits the region’s weekly newsletter.")
    assert record.published is None
    assert record.url is None


def test_text_file_header_lines_give_metadata() -> None:
    [item] = read(SAMPLES / "04_valencia-flood-protest.txt")
    record = article(item)
    assert record.url == "https://iberia-daily.example/valencia/2024/11/10/flood-protest"
    assert record.published == datetime(2024, 11, 10, 17, 30)
    assert record.published_precision == "time"
    assert record.source_name == "Iberia Daily"
    assert record.source_domain == "iberia-daily.example"
    assert record.authors == ["Lucía Ferrer"]
    assert (
        record.title == "“Mazón, resign!”: tens of thousands march in Valencia over flood response"
    )


def test_markdown_heading_marker_is_not_part_of_the_title() -> None:
    [item] = read(SAMPLES / "03_sdf-deir-ezzor.md")
    assert (
        article(item).title
        == "Kurdish-led forces move into Deir ez-Zor as government troops pull out"
    )


def test_news_please_fields_and_tracking_parameters() -> None:
    first, second = read(SAMPLES / "05_amman-wire.jsonl")
    record = article(first)
    assert record.url == "https://amman-wire.example/news/2024/12/06/jordan-border"
    assert record.published == datetime(2024, 12, 6, 16, 5)
    assert record.source_domain == "amman-wire.example"
    assert record.source_name == "amman-wire.example"
    assert record.language == "en"
    assert article(second).authors == ["Samir Odeh", "Leila Nassar"]
    assert first.location.endswith("05_amman-wire.jsonl:1")  # type: ignore[attr-defined]


def test_html_page_main_text_and_metadata() -> None:
    [item] = read(SAMPLES / "06_aleppo-airport.html")
    record = article(item)
    assert record.title == "Rebels seize Aleppo airport as government lines collapse"
    assert record.url == "https://northern-dispatch.example/2024/11/30/aleppo-airport"
    assert record.source_name == "Northern Dispatch"
    assert record.authors == ["Omar Haddad"]
    assert record.published == datetime(2024, 11, 30)
    assert record.body.startswith("Rebel fighters took control of Aleppo international airport")
    assert "Subscribe" not in record.body
    assert "All rights reserved" not in record.body


def test_malformed_jsonl_line_is_rejected_with_its_line_number() -> None:
    items = read(FIXTURES / "five.jsonl")
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len([i for i in items if isinstance(i, Located)]) == 4
    assert [r.location for r in rejected] == [f"{FIXTURES / 'five.jsonl'}:3"]
    assert rejected[0].reason.startswith("invalid JSON: Unterminated string")
    assert rejected[0].raw == '{"title": "Broken record", "maintext": "This line is cut off'


def test_generic_field_names_json_list_and_csv() -> None:
    items = read(FIXTURES / "mixed")
    by_title = {article(i).title: article(i) for i in items if isinstance(i, Located)}
    assert set(by_title) == {"A harbour reopens", "Bridge closed", "Strike ends"}
    bridge = by_title["Bridge closed"]
    assert (bridge.url, bridge.source_name, bridge.published) == (
        "https://example.com/bridge",
        "Example Times",
        datetime(2024, 5, 2),
    )
    assert by_title["Strike ends"].body.startswith("Rail workers ended their strike")
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert sorted(Path(s.location).name for s in skipped) == ["c.png", "notes"]
    assert "unsupported file type '.png'" in skipped[0].reason


def test_a_text_file_of_one_long_line_is_an_article_without_a_title_line(
    tmp_path: Path,
) -> None:
    """Corpora and scrapers often write an article on one line: its words are the body, and
    its first sentence stands for the title it does not have."""
    line = (
        "Flood waters reached the old mill in Lakeside on Tuesday. "
        + "Volunteers filled sandbags through the night while the river kept rising. " * 4
    )
    path = tmp_path / "one-line.txt"
    path.write_text(line + "\n", encoding="utf-8")
    [item] = read(path)
    assert isinstance(item, Located)
    assert isinstance(item.record, ArticleRecord)
    assert item.record.body == line.strip()
    assert item.record.title == "Flood waters reached the old mill in Lakeside on Tuesday."


@pytest.mark.parametrize(
    "first",
    [
        "Flood waters reached the old mill in Lakeside on Tuesday, and volunteers who had "
        "filled sandbags through the night said the river was still rising when the last of "
        "the families living by the bridge were taken to the school on the hill by boat.",
        "LAKESIDE, 4 MAR 91 (WIRE) -- FLOOD WATERS REACHED THE OLD MILL TODAY.",
    ],
)
def test_a_first_paragraph_that_is_no_title_stays_in_the_body(tmp_path: Path, first: str) -> None:
    """A wire story opens with its dateline and a corpus file with its first paragraph: a
    line too long for a title, or a dateline, is the body's first paragraph."""
    rest = "Volunteers filled sandbags through the night while the river kept rising."
    path = tmp_path / "story.txt"
    path.write_text(f"{first}\n{rest}\n", encoding="utf-8")
    [item] = read(path)
    assert isinstance(item, Located)
    assert isinstance(item.record, ArticleRecord)
    assert item.record.body == f"{first}\n{rest}"
    assert item.record.title
    assert first.startswith(item.record.title.rstrip("…"))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
        (
            "Caf\xe9 reopens\nThe caf\xe9 reopened.".encode("latin-1"),
            "not valid UTF-8 (byte 0xe9 at offset 3); convert it first",
        ),
        (b"   \n\n  ", "no text: the file is blank"),
        (b"Only a title\n", "no article text after the title line"),
    ],
)
def test_bad_text_files_get_a_clear_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [item] = read(path)
    assert isinstance(item, Rejected)
    assert item.location == str(path)
    assert reason in item.reason


def test_missing_path_and_empty_glob_are_named(tmp_path: Path) -> None:
    items = read(tmp_path / "nowhere.txt", str(tmp_path / "*.jsonl"))
    assert [(Path(r.location).name, r.reason) for r in items] == [  # type: ignore[attr-defined]
        ("nowhere.txt", "no such file or folder"),
        ("*.jsonl", "no file matches this pattern"),
    ]


def test_explicit_unsupported_file_is_rejected_not_skipped() -> None:
    [item] = read(FIXTURES / "mixed" / "c.png")
    assert isinstance(item, Rejected)


def test_json_record_errors_name_the_record_number(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"title": "ok", "body": "fine text"}, {"title": "no body"}, 7]))
    items = read(path)
    assert isinstance(items[0], Located)
    assert [(i.location, i.reason) for i in items[1:]] == [  # type: ignore[attr-defined]
        (
            f"{path}#2",
            "no article text: none of the fields maintext, body, text, content, article, "
            "full_text, raw_text is set",
        ),
        (f"{path}#3", "expected a JSON object, found int"),
    ]


def test_oversized_article_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"title": "big", "body": "x" * 60}) + "\n")
    [item] = list(Reader(50).read([str(path)]))
    assert isinstance(item, Rejected)
    assert item.reason == "field 'body' holds 60 characters, over the limit of 50"


def test_bad_date_is_named(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"title": "t", "body": "b", "published": "next Tuesday-ish"}))
    [item] = read(path)
    assert isinstance(item, Rejected)
    assert item.reason == "field 'published': 'next Tuesday-ish' is not a date"


def test_stdin_format_is_sniffed() -> None:
    lines = b'{"title": "a", "body": "first"}\n{"title": "b", "body": "second"}\n'
    assert [article(i).title for i in read("-", stdin=lines)] == ["a", "b"]
    assert article(read("-", stdin=b"Title line\nBody line\n")[0]).title == "Title line"
    [empty] = read("-", stdin=b"")
    assert isinstance(empty, Rejected)
    assert (empty.location, empty.reason) == ("<stdin>", "standard input is empty")


def test_html_page_is_rejected_with_the_reason_when_its_reader_cannot_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes((SAMPLES / "06_aleppo-airport.html").read_bytes())
    (tmp_path / "wire.txt").write_text("A title\n\nThe body of a wire story.\n", encoding="utf-8")
    # What a broken install looks like to the reader: its library fails to import.
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    items = read(tmp_path)
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [r.location for r in rejected] == [str(page)]
    assert rejected[0].reason.startswith("the HTML reader cannot load (")
    assert "trafilatura" in rejected[0].reason
    assert [article(i).title for i in items if isinstance(i, Located)] == ["A title"]


def test_records_no_python_type_can_hold_are_rejected_and_the_rest_is_read(
    tmp_path: Path,
) -> None:
    good = {"title": "Fine", "body": "A body that is fine."}
    lines = [
        json.dumps(good),
        '{"title": "Deep", "body": "b", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({**good, "title": "Far", "published": "9999-12-31T23:00:00-05:00"}),
        '{"title": "Inf", "body": "b", "events": [{"kind": "attack", "fatalities": Infinity}]}',
        '{"title": "NaN", "body": "b c d", "quotes": [{"text": "b", "start": NaN, "end": 1}]}',
        json.dumps({**good, "title": "Huge", "events": [{"kind": "attack", "fatalities": 2**70}]}),
        json.dumps({**good, "title": "Big", "events": [{"kind": "attack", "fatalities": 2**31}]}),
        json.dumps({**good, "title": "Fine too", "body": "Another body."}),
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    assert [article(i).title for i in items if isinstance(i, Located)] == ["Fine", "Fine too"]
    reasons = {r.location.rsplit(":", 1)[1]: r.reason for r in items if isinstance(r, Rejected)}
    assert reasons["2"] == "invalid JSON: nested too deeply to read"
    assert "outside the years 1 to 9999" in reasons["3"]
    assert reasons["4"].endswith("should be a finite number, not inf")
    assert reasons["5"].endswith("should be a finite number, not nan")
    assert "outside the range the archive stores" in reasons["6"]
    assert "outside the range the archive stores" in reasons["7"]


def test_a_deeply_nested_json_file_is_rejected_by_name(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"title": "t", "body": "b", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    [item] = read(path)
    assert isinstance(item, Rejected)
    assert item.reason == "invalid JSON: nested too deeply to read"


def test_an_invalid_byte_in_a_csv_costs_its_row_only(tmp_path: Path) -> None:
    rows = [b"title,body"] + [f"Row {i},Body of row {i}.".encode() for i in range(1, 1001)]
    rows[500] = b"Row 500,Body of row \xff 500."  # the 500th record, on line 501
    path = tmp_path / "rows.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    items = read(path)
    located = [i for i in items if isinstance(i, Located)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(located) == 999
    assert [r.location for r in rejected] == [f"{path}:501"]
    assert rejected[0].reason.startswith("not valid UTF-8 (byte 0xff")


def test_header_lines_in_capitals_after_the_title_are_metadata(tmp_path: Path) -> None:
    path = tmp_path / "wire.txt"
    path.write_text(
        "Talks resume in Amman\nURL: https://wire.example/amman/7\nDATE: 2024-12-06\n"
        "SOURCE: Levant Wire\n\nNegotiators met again on Friday.\n",
        encoding="utf-8",
    )
    [item] = read(path)
    record = article(item)
    assert record.title == "Talks resume in Amman"
    assert record.url == "https://wire.example/amman/7"
    assert record.published == datetime(2024, 12, 6)
    assert record.source_name == "Levant Wire"
    assert record.body == "Negotiators met again on Friday."


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript://wire.example/%0Aalert(1)", "is not an http(s) address"),
        ("https://wire.example/" + "a" * 2100, "longer than 2048 characters"),
    ],
    ids=["script", "long"],
)
def test_an_article_url_that_cannot_be_a_link_is_refused(
    tmp_path: Path, url: str, reason: str
) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"title": "T", "body": "A body.", "url": url}))
    [item] = read(path)
    assert isinstance(item, Rejected)
    assert reason in item.reason


def test_a_wikidata_id_is_checked_for_its_form(tmp_path: Path) -> None:
    path = tmp_path / "actors.jsonl"
    lines = [
        {"record": "actor", "name": "A Person", "kind": "person", "wikidata_id": "Q42"},
        {"record": "actor", "name": "B Person", "kind": "person", "wikidata_id": "Q" + "9" * 40},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    first, second = read(path)
    assert isinstance(first, Located)
    assert isinstance(second, Rejected)
    assert "wikidata_id" in second.reason


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"title": "T", "body": "A body\u0000 with a NUL."}, "NUL"),
        ({"title": "T\ud800", "body": "A body."}, "lone surrogate"),
        ({"record": "actor", "name": "Name\u0000", "kind": "person"}, "NUL"),
    ],
    ids=["nul", "surrogate", "actor"],
)
def test_text_no_database_can_take_is_refused_on_both_alike(
    tmp_path: Path, record: dict[str, str], reason: str
) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [item] = read(path)
    assert isinstance(item, Rejected)
    assert reason in item.reason
