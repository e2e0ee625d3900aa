"""Readers: paths in, located records or rejections out, one at a time.

Every input problem becomes a :class:`Rejected` naming the place (``file``, ``file:line`` for
line-based formats, ``file#n`` for the n-th record of a JSON list) and the reason; a reader
never raises for bad input, so one bad file or line cannot stop the rest. JSONL, CSV and
standard input are streamed line by line, so their size is not bounded by memory.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from archive.flat import nested
from archive.importer.fields import article_from, record_from
from archive.importer.values import FieldError
from archive.records import Located, Rejected

FORMATS = ("txt", "json", "jsonl", "csv", "html")
EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".markdown": "txt",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
}
STDIN = "-"
STDIN_NAME = "<stdin>"
BINARY_PROBE_BYTES = 8192
TOO_DEEP = "invalid JSON: nested too deeply to read"
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
HEADER_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z _-]{0,24}?)\s*:\s*(.*?)\s*$")
HEADER_KEYS = {
    "url": "url",
    "link": "url",
    "date": "published",
    "published": "published",
    "source": "source",
    "outlet": "source",
    "author": "authors",
    "authors": "authors",
    "by": "authors",
    "language": "language",
    "lang": "language",
    "title": "title",
}


@dataclass
class Skipped:
    """A file met while walking a folder that is not an article format; reported, not an error."""

    location: str
    reason: str


Item = Located | Rejected | Skipped


def supported_extensions() -> str:
    return ", ".join(sorted(EXTENSIONS))


class Reader:
    """Reads the paths given to ``archive import``; ``max_body_chars`` bounds one article."""

    def __init__(
        self, max_body_chars: int, stdin: IO[bytes] | None = None, forced_format: str | None = None
    ) -> None:
        assert forced_format in (None, *FORMATS), forced_format
        self.max_body_chars = max_body_chars
        self.stdin = stdin
        self.forced_format = forced_format

    # ------------------------------------------------------------------ paths

    def read(self, paths: Iterable[str]) -> Iterator[Item]:
        for given in paths:
            if given == STDIN:
                yield from self._read_stdin()
                continue
            path = Path(given).expanduser()
            if path.is_dir():
                yield from self._read_folder(path)
            elif path.is_file():
                yield from self._read_file(path, explicit=True)
            elif glob.has_magic(given):
                matches = sorted(glob.glob(os.path.expanduser(given), recursive=True))
                if not matches:
                    yield Rejected(given, "no file matches this pattern")
                for match in matches:
                    found = Path(match)
                    if found.is_dir():
                        yield from self._read_folder(found)
                    else:
                        yield from self._read_file(found, explicit=True)
            elif path.exists():
                yield Rejected(given, "not a regular file or folder")
            else:
                yield Rejected(given, "no such file or folder")

    def _read_folder(self, folder: Path) -> Iterator[Item]:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield from self._read_file(Path(root) / name, explicit=False)

    def _read_file(self, path: Path, *, explicit: bool) -> Iterator[Item]:
        name = str(path)
        kind = self.forced_format or EXTENSIONS.get(path.suffix.lower())
        if kind is None:
            reason = (
                f"unsupported file type {path.suffix or '(no extension)'!r}; "
                f"the importer reads {supported_extensions()}"
            )
            yield Rejected(name, reason) if explicit else Skipped(name, reason)
            return
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield Rejected(name, f"cannot open: {exc.strerror}")
            return
        with handle:
            problem = _probe(handle)
            if problem:
                yield Rejected(name, problem)
                return
            yield from self._read_stream(handle, name, kind)

    def _read_stdin(self) -> Iterator[Item]:
        assert self.stdin is not None, "Reader needs stdin to read '-'"
        stream = cast(io.BufferedReader, self.stdin)
        if not hasattr(stream, "peek"):
            stream = io.BufferedReader(cast(io.RawIOBase, self.stdin))
        head = stream.peek(BINARY_PROBE_BYTES)[:BINARY_PROBE_BYTES]
        if not head.strip():
            yield Rejected(STDIN_NAME, "standard input is empty")
            return
        if b"\x00" in head:
            yield Rejected(STDIN_NAME, "standard input is binary, not text")
            return
        yield from self._read_stream(stream, STDIN_NAME, self.forced_format or _sniff(head))

    # ------------------------------------------------------------------ formats

    def _read_stream(self, handle: IO[bytes], name: str, kind: str) -> Iterator[Item]:
        if kind == "jsonl":
            yield from self._read_jsonl(handle, name)
            return
        if kind == "csv":
            yield from self._read_csv(handle, name)
            return
        data = handle.read()
        if kind == "html":
            yield self._read_html(data, name)
            return
        try:
            text = _decode(data)
        except UnicodeDecodeError as exc:
            yield Rejected(name, _encoding_problem(exc))
            return
        if kind == "json":
            yield from self._read_json(text, name)
        else:
            yield self._read_text(text, name)

    def _read_jsonl(self, handle: IO[bytes], name: str) -> Iterator[Item]:
        seen_any = False
        for number, raw in enumerate(handle, start=1):
            location = f"{name}:{number}"
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                yield Rejected(location, _encoding_problem(exc), raw.decode("utf-8", "replace"))
                continue
            if not line.strip():
                continue
            seen_any = True
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Rejected(location, f"invalid JSON: {exc.msg} (column {exc.colno})", line)
                continue
            except RecursionError:
                yield Rejected(location, TOO_DEEP, line)
                continue
            yield self._record(data, location, line)
        if not seen_any:
            yield Rejected(name, "no records: the file is empty")

    def _read_json(self, text: str, name: str) -> Iterator[Item]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Rejected(
                name, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            )
            return
        except RecursionError:
            yield Rejected(name, TOO_DEEP)
            return
        if isinstance(data, dict):
            nested = next(
                (
                    data[k]
                    for k in ("articles", "items", "records", "data", "results")
                    if isinstance(data.get(k), list)
                ),
                None,
            )
            if nested is not None and not any(
                k in data for k in ("body", "text", "maintext", "content")
            ):
                data = nested
        if isinstance(data, list):
            if not data:
                yield Rejected(name, "no records: the JSON list is empty")
            yield from self.objects(data, name)
        else:
            yield self._record(data, name, None)

    def objects(self, data: list[Any], name: str) -> Iterator[Item]:
        """Records given as decoded JSON objects (the API's import), located ``name#n``."""
        for number, item in enumerate(data, start=1):
            location = f"{name}#{number}"
            try:
                raw = json.dumps(item, ensure_ascii=False)
            except (RecursionError, ValueError):
                yield Rejected(location, TOO_DEEP)
                continue
            yield self._record(item, location, raw)

    def _read_csv(self, handle: IO[bytes], name: str) -> Iterator[Item]:
        # An invalid byte becomes a lone surrogate instead of stopping the decoder (which reads
        # ahead, so it stopped rows before the bad one): only the row holding it is rejected.
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
        try:
            yield from self._read_csv_rows(text, name)
        finally:
            text.detach()  # the caller owns and closes the file

    def _read_csv_rows(self, text: IO[str], name: str) -> Iterator[Item]:
        reader = csv.DictReader(text)
        line = 1
        try:
            for row in reader:
                location = f"{name}:{line + 1}"
                line = reader.line_num
                if problem := _undecoded(row):
                    yield Rejected(location, problem)
                    continue
                data = {key: _cell(value) for key, value in row.items() if key is not None}
                if data.get("record", "article") != "article":
                    data = nested(data)
                yield self._record(data, location, json.dumps(row, ensure_ascii=False))
        except UnicodeDecodeError as exc:
            yield Rejected(f"{name}:{line + 1}", _encoding_problem(exc))
        except csv.Error as exc:
            yield Rejected(f"{name}:{line + 1}", f"malformed CSV: {exc}")
        if reader.fieldnames is None:
            yield Rejected(name, "no records: the file is empty")

    def _read_text(self, text: str, name: str) -> Item:
        """A text file: metadata lines, a title line, then the body; a first line longer
        than any title, or opening with a wire dateline, is the body's first paragraph."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            return Rejected(name, "no text: the file is blank")
        fields: dict[str, Any] = {}
        lines = text.split("\n")
        position = _headers(lines, 0, fields)
        while position < len(lines) and not lines[position].strip():
            position += 1
        if "title" not in fields and position < len(lines):
            first = lines[position].strip()
            if len(first) > LONGEST_TITLE or _WIRE_DATELINE.match(first):
                # no title line: the file opens with its first paragraph (a corpus file, a
                # wire story's dateline), whose first sentence stands for the title
                fields["title"] = _first_sentence(first)
                fields["body"] = "\n".join(lines[position:]).strip()
                return self._article(fields, name, None)
            fields["title"] = first.lstrip("#").strip()
            # metadata lines may also follow the title ("Title", "URL: …", "DATE: …")
            position = _headers(lines, position + 1, fields)
        fields["body"] = "\n".join(lines[position:]).strip("\n")
        if not fields["body"].strip():
            return Rejected(name, "no article text after the title line")
        return self._article(fields, name, None)

    def _read_html(self, data: bytes, name: str) -> Item:
        try:
            import trafilatura  # imported here: it is slow to import and only HTML needs it
        except ImportError as exc:
            # A broken install (a dependency of trafilatura missing) costs the HTML files, not
            # the whole import.
            return Rejected(
                name,
                f"the HTML reader cannot load ({exc}); reinstall the archive from its lock "
                "(pip install --require-hashes -r requirements.lock)",
            )
        try:
            document: Any = trafilatura.bare_extraction(
                data, with_metadata=True, include_comments=False, include_tables=False
            )
        except Exception as exc:  # trafilatura raises many kinds on broken markup
            return Rejected(name, f"cannot parse HTML: {exc}")
        if document is None or not (document.text or "").strip():
            return Rejected(name, "no article text found in the HTML page")
        body = document.text
        title = (document.title or "").strip()
        first, _, rest = body.partition("\n")
        if title and first.strip() == title and rest.strip():
            body = rest
        fields = {
            "title": title or None,
            "body": body,
            "url": document.url,
            "published": document.date,
            "source": document.sitename,
            "source_domain": document.hostname,
            "authors": document.author,
            "language": document.language,
            "description": document.description,
        }
        return self._article({k: v for k, v in fields.items() if v}, name, None)

    # ------------------------------------------------------------------ records

    def _record(self, data: Any, location: str, raw: str | None) -> Item:
        try:
            return Located(location, record_from(data, self.max_body_chars))
        except FieldError as exc:
            return Rejected(location, str(exc), raw)
        except RecursionError:
            return Rejected(location, TOO_DEEP, raw)

    def _article(self, fields: dict[str, Any], location: str, raw: str | None) -> Item:
        try:
            return Located(location, article_from(fields, self.max_body_chars))
        except FieldError as exc:
            return Rejected(location, str(exc), raw)


def _headers(lines: list[str], position: int, fields: dict[str, Any]) -> int:
    """Read ``Key: value`` lines of known keys (in any case) from ``position`` into ``fields``;
    returns the position of the first line that is not one."""
    while position < len(lines) and (match := HEADER_LINE.match(lines[position])):
        key = HEADER_KEYS.get(match[1].strip().lower())
        if key is None or not match[2] or key in fields:
            break
        fields[key] = match[2]
        position += 1
    return position


def _undecoded(row: dict[str | None, Any]) -> str | None:
    """The encoding problem of a CSV row read with ``surrogateescape``, if it has one."""
    for value in row.values():
        cells = value if isinstance(value, list) else [value]
        for cell in cells:
            if isinstance(cell, str) and (match := _ESCAPED_BYTE.search(cell)):
                byte = ord(match.group()) - 0xDC00
                return (
                    f"not valid UTF-8 (byte 0x{byte:02x}); "
                    "convert it first, e.g. `iconv -f windows-1252 -t utf-8`"
                )
    return None


def _probe(handle: IO[bytes]) -> str | None:
    head = handle.read(BINARY_PROBE_BYTES)
    handle.seek(0)
    if not head:
        return "empty file"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary file, not text: the importer reads UTF-8 text, JSON, CSV and HTML"
    return None


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _encoding_problem(exc: UnicodeDecodeError) -> str:
    byte = exc.object[exc.start : exc.start + 1].hex()
    return (
        f"not valid UTF-8 (byte 0x{byte} at offset {exc.start}); "
        "convert it first, e.g. `iconv -f windows-1252 -t utf-8`"
    )


def _sniff(head: bytes) -> str:
    start = head.lstrip().lstrip(codecs.BOM_UTF8)[:1]
    if start == b"[":
        return "json"
    if start == b"{":
        first_line = head.lstrip().split(b"\n", 1)[0].strip()
        return "json" if first_line == b"{" else "jsonl"
    if start == b"<":
        return "html"
    return "txt"


def _cell(value: Any) -> Any:
    """CSV cells that hold JSON lists or objects (aliases, authors, quotes) are decoded."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


LONGEST_TITLE = 200
"""Characters: a first line longer than this is no title but the first paragraph."""
_WIRE_DATELINE = re.compile(
    r"[A-Z][A-Z .'-]{2,40}, [^()\n]{3,30}(?: \([^()]{1,30}\))?\s*(?:--|[-—–])\s"
)
"""A wire story's dateline ("BOGOTA, 9 JAN 90 (EFE) --"): the first line is body, not title."""


def _first_sentence(text: str) -> str:
    """The first sentence of ``text``, cut at a word boundary to ``LONGEST_TITLE``."""
    match = re.match(r".+?[.!?](?=\s|$)", text)
    sentence = match.group() if match else text
    if len(sentence) > LONGEST_TITLE:
        sentence = sentence[:LONGEST_TITLE].rsplit(" ", 1)[0] + "…"
    return sentence.strip()
