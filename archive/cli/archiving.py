"""Commands that fill the archive and read it back: init, import, export, stats."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from archive import db
from archive.importer.loader import CannotWrite, ImportReport
from archive.importer.readers import FORMATS
from archive.records import Rejected

if TYPE_CHECKING:
    pass

from archive.cli.base import (
    CLUSTER_VARIABLE,
    EXIT_ERROR,
    EXIT_REJECTED,
    DbOption,
    app,
    err,
    open_engine,
    out,
    progress_bar,
    settings_for,
)

# ------------------------------------------------------------------------------ init


@app.command()
def init(database: DbOption = None) -> None:
    """Create the database, or upgrade it to the newest schema."""
    settings = settings_for(database)
    with open_engine(settings) as engine:
        before, after = db.migrate(engine)
    if before == after:
        out.print(f"{db.display_url(settings.database_url)}: schema already at revision {after}")
    else:
        out.print(
            f"{db.display_url(settings.database_url)}: schema {before or 'created'} -> revision {after}"
        )


# ------------------------------------------------------------------------------ import


class InputFormat(str, Enum):
    txt = "txt"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"


assert {f.value for f in InputFormat} == set(FORMATS)


@app.command("import")
def import_(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files, folders (read recursively), globs, or - for standard input."),
    ],
    database: DbOption = None,
    update: Annotated[
        bool,
        typer.Option("--update", help="Re-import articles whose URL is stored with other text."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Write nothing at all if any file or record is bad.")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes for the extraction step.")
    ] = 1,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Records per transaction.")
    ] = 500,
    rejects: Annotated[
        Path, typer.Option("--rejects", help="Where rejected records are written, as JSONL.")
    ] = Path("archive-rejects.jsonl"),
    input_format: Annotated[
        InputFormat | None,
        typer.Option("--format", help="Read every input as this format instead of by extension."),
    ] = None,
    extract: Annotated[
        bool,
        typer.Option(
            "--extract/--no-extract",
            help="Run extraction on articles that carry no quotes, actors or events of their own.",
        ),
    ] = True,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            envvar=CLUSTER_VARIABLE,
            help="Extract on the workers of the Dask scheduler at this address "
            "(tcp://HOST:8786; `archive cluster` starts one here); reading and writing stay here.",
        ),
    ] = None,
) -> None:
    """Import articles: .txt/.md, .json, .jsonl/.ndjson, .csv, .html; the same article twice is stored once."""
    settings = settings_for(database, batch_size=batch_size)
    from archive.extract.runner import no_extraction
    from archive.importer.imports import import_paths

    if cluster and workers > 1:
        err.print(
            "error: --workers is for this machine; with --cluster the cluster's workers extract"
        )
        raise typer.Exit(EXIT_ERROR)
    factory = _pipeline_factory() if extract else no_extraction
    with (
        _RejectsFile(rejects) as rejects_file,
        _runner(factory, workers, cluster) as runner,
        progress_bar() as progress,
    ):
        task = progress.add_task("importing", total=None, summary="")
        stopped: CannotWrite | None = None
        try:
            report = import_paths(
                settings,
                paths,
                runner,
                stdin=sys.stdin.buffer,
                forced_format=input_format.value if input_format else None,
                update=update,
                strict=strict,
                on_reject=rejects_file.write,
                progress=lambda report: progress.update(task, summary=_summary_line(report)),
            )
        except CannotWrite as refused:
            report, stopped = refused.report, refused
    _print_report(report, rejects if report.rejected else None, strict)
    if stopped is not None:
        err.print(f"error: {stopped}", markup=False)
        raise typer.Exit(EXIT_ERROR)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _runner(factory: Any, workers: int, cluster: str | None) -> Any:
    """This machine's processes, or the cluster's workers when an address is given."""
    if cluster:
        from archive.extract.cluster import ClusterRunner

        return ClusterRunner(cluster, factory)
    from archive.extract.runner import ExtractionRunner

    return ExtractionRunner(factory, workers=workers)


def _pipeline_factory() -> Any:
    from archive.extract.pipeline import load_pipeline

    return load_pipeline


class _RejectsFile:
    """Opens the rejects file on the first reject only, so a clean import leaves none behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def write(self, rejected: Rejected) -> None:
        if self.handle is None:
            self.handle = self.path.open("w", encoding="utf-8")
        line = {"location": rejected.location, "reason": rejected.reason, "record": rejected.raw}
        self.handle.write(json.dumps(line, ensure_ascii=False) + "\n")

    def __enter__(self) -> _RejectsFile:
        return self

    def __exit__(self, *_: object) -> None:
        if self.handle is not None:
            self.handle.close()


def _summary_line(report: ImportReport) -> str:
    return (
        f"{report.imported} imported, {report.updated} updated, "
        f"{report.duplicates} duplicates, {report.rejected} rejected"
    )


def _print_report(report: ImportReport, rejects: Path | None, strict: bool) -> None:
    for skipped in report.skipped_files:
        err.print(f"skipped {skipped.location}: {skipped.reason}", markup=False)
    for rejected in report.rejects:
        err.print(f"rejected {rejected.location}: {rejected.reason}", markup=False)
    if report.rejected > len(report.rejects):
        err.print(f"… and {report.rejected - len(report.rejects)} more rejects")
    table = Table(title="import", show_header=False, box=None)
    table.add_column(justify="left")
    table.add_column(justify="right")
    for label, value in (
        ("imported", report.imported),
        ("updated", report.updated),
        ("duplicates", report.duplicates),
        ("rejected", report.rejected),
        ("skipped files", report.skipped),
        *((("extraction retries", report.retries),) if report.retries else ()),
        *sorted(report.counts.items()),
        *(
            (f"not extracted ({language})", count)
            for language, count in sorted(report.not_extracted.items())
        ),
    ):
        table.add_row(label, str(value))
    table.add_row("seconds", f"{report.seconds:.2f}")
    out.print(table)
    if rejects is not None:
        err.print(f"rejected records were written to {rejects}", markup=False)
    if strict and report.rolled_back:
        err.print("--strict: nothing was written because some input was rejected")


# ------------------------------------------------------------------------------ export


class ExportWhat(str, Enum):
    articles = "articles"
    quotes = "quotes"
    actors = "actors"
    places = "places"
    events = "events"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


@app.command()
def export(
    what: Annotated[
        ExportWhat, typer.Option("--what", help="Which records to export.")
    ] = ExportWhat.articles,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.")
    ] = ExportFormat.jsonl,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
    database: DbOption = None,
) -> None:
    """Stream every record of one kind, without caps, in a form `archive import` reads back."""
    from archive.export import export_lines

    settings = settings_for(database)
    with open_engine(settings) as engine:
        db.require_schema(engine)
        with engine.connect() as connection:
            target = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
            try:
                for line in export_lines(connection, what.value, fmt.value):
                    target.write(line)
            except BrokenPipeError:  # `archive export | head` is a normal way to look
                sys.stderr.close()
            finally:
                if output:
                    target.close()


# ------------------------------------------------------------------------------ stats


@app.command()
def stats(
    database: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count what the archive holds."""
    from archive.queries import totals

    settings = settings_for(database)
    with open_engine(settings) as engine:
        db.require_schema(engine)
        with engine.connect() as connection:
            counts = dict(connection.execute(totals.counts()).one()._mapping)
            first, last = connection.execute(totals.published_range()).one()
    figures: dict[str, Any] = {
        **counts,
        "first_published": first.date().isoformat() if first else None,
        "last_published": last.date().isoformat() if last else None,
    }
    if as_json:
        out.print_json(data=figures)
        return
    table = Table(title=db.display_url(settings.database_url), show_header=False, box=None)
    for key, value in figures.items():
        table.add_row(key.replace("_", " "), "-" if value is None else str(value))
    out.print(table)
