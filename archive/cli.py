"""The ``archive`` command: a thin layer over the library (importer, export, app)."""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from archive import db
from archive.errors import ArchiveError
from archive.importer.imports import read_article, reader_for
from archive.importer.loader import CannotWrite, ImportReport
from archive.importer.readers import FORMATS
from archive.records import Rejected
from archive.settings import ALLOWED_HOSTS_VARIABLE, DATABASE_URL_VARIABLE, Settings

if TYPE_CHECKING:
    from archive.bench.benchmark import Figure

app = typer.Typer(
    name="archive",
    help="Keep and question a record of the news: articles, quotes, actors, places and events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# No emoji codes: a location such as "file.jsonl:100:" must print as it is.
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"Database URL: sqlite:///file.db or postgresql://user@host/db "
        f"[env: {DATABASE_URL_VARIABLE}; default: sqlite:///archive.db]",
        show_default=False,
    ),
]

EXIT_REJECTED = 1
EXIT_ERROR = 2


def _settings(database: str | None, **overrides: Any) -> Settings:
    return Settings.from_env(database_url=database, **overrides)


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    engine = db.sync_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------ init


@app.command()
def init(database: DbOption = None) -> None:
    """Create the database, or upgrade it to the newest schema."""
    settings = _settings(database)
    with _engine(settings) as engine:
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
) -> None:
    """Import articles: .txt/.md, .json, .jsonl/.ndjson, .csv, .html; the same article twice is stored once."""
    settings = _settings(database, batch_size=batch_size)
    from archive.extract.runner import ExtractionRunner, no_extraction
    from archive.importer.imports import import_paths

    factory = _pipeline_factory() if extract else no_extraction
    with (
        _RejectsFile(rejects) as rejects_file,
        ExtractionRunner(factory, workers=workers) as runner,
        _progress() as progress,
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


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.fields[summary]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


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

    settings = _settings(database)
    with _engine(settings) as engine:
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


# ------------------------------------------------------------------------------ extract


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="One article file in any format import reads, or -.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the extraction as JSON.")] = False,
) -> None:
    """Run the extraction pipeline on one article and print what it finds; the database is not touched."""
    from archive.extract.output import extraction_json
    from archive.extract.pipeline import Pipeline
    from archive.records import ArticleRecord, Located

    reader = reader_for(Settings(), stdin=sys.stdin.buffer)
    items = list(reader.read([path]))
    articles = [
        i.record for i in items if isinstance(i, Located) and isinstance(i.record, ArticleRecord)
    ]
    problems = [i for i in items if isinstance(i, Rejected)]
    if not articles:
        reason = problems[0].reason if problems else "no article in it"
        where = problems[0].location if problems else path
        err.print(f"error: {where}: {reason}", markup=False)
        raise typer.Exit(EXIT_ERROR)
    article = articles[0]
    result = extraction_json(article, Pipeline().extract(article))
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    _print_extraction(result)


def _print_extraction(result: dict[str, Any]) -> None:
    info = result["article"]
    out.print(
        f"[bold]{info['title']}[/bold]  {info['published'] or 'undated'}  {info['source'] or ''}"
    )
    if info["mined_chars"] is not None and info["mined_chars"] < info["chars"]:
        out.print(
            f"(a huge body: the first {info['mined_chars']:,} of its {info['chars']:,} characters"
            " were mined)"
        )
    out.print(f"\n[bold]quotes[/bold] ({len(result['quotes'])})")
    for quote in result["quotes"]:
        mark = "“”" if quote["direct"] else "~ "
        out.print(
            f"  {mark[0]}{quote['text']}{mark[1]} — {quote['speaker'] or '?'} ({quote['cue'] or '-'})",
            markup=False,
        )
    out.print(f"\n[bold]actors[/bold] ({len(result['actors'])})")
    for actor in result["actors"]:
        roles = "; ".join(
            f"{a['role'] or ''} {a['organization'] or ''}".strip() for a in actor["affiliations"]
        )
        out.print(
            f"  {actor['name']} [{actor['kind']}] {', '.join(actor['aliases'])} {roles}",
            markup=False,
        )
    out.print(f"\n[bold]places[/bold] ({len(result['places'])})")
    for place in result["places"]:
        out.print(
            f"  {place['name']} {place['country'] or ''} {place['lat']},{place['lon']}",
            markup=False,
        )
    out.print(f"\n[bold]events[/bold] ({len(result['events'])})")
    for event in result["events"]:
        who = ", ".join(f"{a['name']} ({a['role']})" for a in event["actors"])
        out.print(
            f"  {event['kind']} @ {event['place'] or '?'} {event['date'] or ''} by {who}",
            markup=False,
        )


@app.command()
def evaluate(
    gold: Annotated[
        Path,
        typer.Argument(
            help="A folder of NAME.gold.json files (articles as NAME.txt beside them), or one gold file."
        ),
    ],
    scorer: Annotated[Path, typer.Option(help="The scoring script.")] = Path(
        "../shared/eval/score_extraction.py"
    ),
    out: Annotated[Path, typer.Option(help="Where the system's JSON files are written.")] = Path(
        "extraction-output"
    ),
    minimum: Annotated[
        list[str] | None,
        typer.Option("--min", help="METRIC=VALUE: fail when a metric is below it."),
    ] = None,
) -> None:
    """Score the extraction against hand annotations (runs the pipeline on every article)."""
    from archive.bench.evaluate import evaluate as run_evaluation

    extra = [arg for spec in minimum or [] for arg in ("--min", spec)]
    result = run_evaluation(gold, out, scorer, extra)
    sys.stdout.write(result.scorer_output)
    if any(b.quotes for b in result.reliability):
        sys.stdout.write("== reliability (quotes whose gold names a speaker)\n")
        sys.stdout.write("  confidence    quotes  speaker right\n")
        for b in result.reliability:
            share = "-" if b.share is None else f"{b.share:.3f}"
            sys.stdout.write(f"  {b.low:.1f} to {b.high:.1f}  {b.quotes:>7}  {share:>13}\n")
    for problem in result.unreadable:
        err.print(f"cannot read {problem}")
    extracted = result.articles - len(result.unreadable)
    err.print(
        f"{result.articles} articles, {extracted} extracted in {result.seconds:.1f} s "
        f"({extracted / max(result.seconds, 1e-6):.2f} articles/s); outputs in {out}"
    )
    if result.scorer_status:
        raise typer.Exit(result.scorer_status)


@app.command()
def train(
    gold: Annotated[
        Path,
        typer.Argument(help="Articles as NAME.txt with their attributions as NAME.ann (BRAT)."),
    ] = Path("../shared/gold/polnear-train"),
    out: Annotated[
        Path | None,
        typer.Option(help="Where the weights are written (default: the package's models)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="The learner's seed.")] = 0,
    limit: Annotated[
        int | None, typer.Option(help="Train on the first N articles only (a quick check).")
    ] = None,
) -> None:
    """Train the attribution models (speakers, reported speech) on annotated articles."""
    from archive.extract import models
    from archive.extract.models.training import annotated_count
    from archive.extract.models.training import train as run_training

    target = out if out is not None else Path(models.__file__).parent
    with _progress() as progress:
        task = progress.add_task("reading articles", total=annotated_count(gold, limit))
        trained = run_training(
            gold,
            target,
            functools.partial(read_article, Settings()),
            seed,
            limit,
            lambda n: progress.advance(task, n),
        )
    for model, path in zip(trained.models, trained.written, strict=True):
        figures = ", ".join(
            f"{k} {v}" for k, v in model.meta.items() if k not in ("seed", "C", "trained_on")
        )
        err.print(f"{model.name}: {len(model.weights)} weights -> {path} ({figures})")
    err.print(f"casing table -> {trained.casing}")
    err.print(f"trained on {trained.articles} articles with seed {seed}")


BENCHMARKS = ("extraction", "api", "abuse")


@app.command()
def benchmark(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders to run on.")],
    what: Annotated[
        list[str] | None,
        typer.Option(help=f"Which benchmark ({', '.join(BENCHMARKS)}); all when not given."),
    ] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Use the articles this many times over.")] = 1,
    requests: Annotated[int, typer.Option(min=10, help="API requests per figure.")] = 200,
    database: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database for the API benchmark; the articles are imported into it "
            "(a temporary SQLite file when not given).",
        ),
    ] = None,
) -> None:
    """Speed figures, each with its ratio to a reference measured in the same run."""
    from archive.bench import benchmark as bench

    chosen = what or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        err.print(f"error: unknown benchmark {', '.join(unknown)}; use {', '.join(BENCHMARKS)}")
        raise typer.Exit(EXIT_ERROR)
    articles = bench.articles_in(paths) * repeat
    if not articles:
        err.print("error: no articles found in the given paths")
        raise typer.Exit(EXIT_ERROR)
    figures = []
    if "extraction" in chosen:
        figures += bench.extraction(articles)
    if "api" in chosen:
        with tempfile.TemporaryDirectory() as folder:
            url = database or f"sqlite:///{Path(folder) / 'benchmark.db'}"
            bench.import_into(url, paths)
            figures += bench.api_page(url, requests)
    if "abuse" in chosen:
        with tempfile.TemporaryDirectory() as folder:
            url = database or f"sqlite:///{Path(folder) / 'benchmark.db'}"
            bench.import_into(url, paths)  # again into --db: stored articles are duplicates
            figures += bench.abuse(url)
    out.print(_figures_table(f"benchmarks ({len(articles)} articles)", figures))


def _figures_table(title: str, figures: list[Figure]) -> Table:
    """Benchmark figures as a table: what, value, unit, ratio to the reference."""
    table = Table(title=title, title_justify="left")
    for column in ("what", "value", "unit", "ratio to reference"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for figure in figures:
        table.add_row(figure.name, f"{figure.value:,.2f}", figure.unit, f"{figure.ratio:.2f}x")
    return table


@app.command()
def scale(
    articles: Annotated[
        int, typer.Option(min=100, help="Articles in the synthetic corpus.")
    ] = 100_000,
    postgres: Annotated[
        str | None,
        typer.Option(
            help="PostgreSQL server to measure too: a new database is created there and dropped."
        ),
    ] = None,
    extraction_articles: Annotated[
        int, typer.Option(min=10, help="Articles for the import with extraction.")
    ] = 200,
    big_file_mb: Annotated[
        int, typer.Option(min=0, help="Size of the JSONL file for the memory figure; 0 skips it.")
    ] = 1100,
    requests: Annotated[int, typer.Option(min=10, help="Requests per latency figure.")] = 200,
    load_seconds: Annotated[
        int,
        typer.Option(
            min=0,
            help="Length of the load drill (32 clients during an import) and, with --postgres,"
            " of the restart drill's share; 0 skips both.",
        ),
    ] = 60,
    workdir: Annotated[
        Path, typer.Option(help="Where the corpus and the databases are written.")
    ] = Path("benchmark-work"),
) -> None:
    """The scale benchmark: import, search, API, load, faults and memory on a synthetic corpus, on SQLite and
    PostgreSQL, each figure with its ratio to a reference measured in the same run."""
    from archive.bench import scale as bench

    plan = bench.Plan(
        articles=articles,
        extraction_articles=extraction_articles,
        big_file_bytes=big_file_mb * 1_000_000,
        requests=requests,
        load_seconds=load_seconds,
        postgres_url=postgres,
        workdir=workdir,
    )
    started = time.perf_counter()

    bench.run(plan, lambda section: out.print(_figures_table(section.title, section.figures)))
    out.print(f"scale benchmark done in {time.perf_counter() - started:,.0f} s")


# ------------------------------------------------------------------------------ stats


@app.command()
def stats(
    database: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count what the archive holds."""
    from archive import queries

    settings = _settings(database)
    with _engine(settings) as engine:
        db.require_schema(engine)
        with engine.connect() as connection:
            counts = dict(connection.execute(queries.counts()).one()._mapping)
            first, last = connection.execute(queries.published_range()).one()
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


# ------------------------------------------------------------------------------ serve


@app.command()
def schema() -> None:
    """Print the GraphQL schema (SDL), as served at /graphql and kept in schema/archive.graphql."""
    from archive.graphql.schema import schema as graphql_schema

    sys.stdout.write(graphql_schema.as_str() + "\n")


token_app = typer.Typer(
    help="Bearer tokens for the API's mutations (reads need none).", no_args_is_help=True
)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    name: Annotated[
        str, typer.Argument(help="Who or what the token is for (shown in the audit log).")
    ],
    role: Annotated[
        str,
        typer.Option(
            help="editor (fix quotes, speakers, aliases; import) or admin (also merge actors, delete articles)."
        ),
    ] = "editor",
    database: DbOption = None,
) -> None:
    """Create a token and print it; it is shown only this once."""
    from archive.tokens import create_token

    settings = _settings(database)
    with _engine(settings) as engine:
        db.require_schema(engine)
        token = create_token(engine, name, role)
    sys.stdout.write(token + "\n")
    err.print(f"token {name!r} ({role}) created; send it as `Authorization: Bearer <token>`")


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")], database: DbOption = None
) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    from archive.tokens import revoke_token

    settings = _settings(database)
    with _engine(settings) as engine:
        db.require_schema(engine)
        revoke_token(engine, name)
    err.print(f"token {name!r} revoked")


@token_app.command("list")
def token_list(database: DbOption = None) -> None:
    """List tokens (names, roles, dates; never the secrets)."""
    from archive.tokens import list_tokens

    settings = _settings(database)
    with _engine(settings) as engine:
        db.require_schema(engine)
        tokens = list_tokens(engine)
    table = Table("name", "role", "created", "revoked")
    for info in tokens:
        table.add_row(
            info.name,
            info.role,
            f"{info.created_at:%Y-%m-%d %H:%M}",
            f"{info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "",
        )
    out.print(table)


@app.command()
def serve(
    database: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host name the server answers for (repeat it; *.example.org for "
            f"subdomains); others get a 400. [env: {ALLOWED_HOSTS_VARIABLE}; default: any]"
        ),
    ] = None,
) -> None:
    """Serve the GraphQL API (/graphql) and the pages with uvicorn."""
    settings = _settings(database, allowed_hosts=tuple(allowed_host) if allowed_host else None)
    with _engine(settings) as engine:
        db.require_schema(engine)
    _run_server(settings, host, port, workers)


def _run_server(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    # Worker processes rebuild the app from the environment, so hand the settings over there.
    os.environ[DATABASE_URL_VARIABLE] = settings.database_url
    os.environ[ALLOWED_HOSTS_VARIABLE] = ",".join(settings.allowed_hosts)
    err.print(
        f"serving {db.display_url(settings.database_url)} on http://{host}:{port}/ (Ctrl+C to stop)"
    )
    uvicorn.run("archive.app:app_from_env", factory=True, host=host, port=port, workers=workers)


@app.command()
def demo(
    database: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Import the sample articles the project ships, then serve them."""
    samples = resources.files("archive") / "samples"
    with resources.as_file(samples) as folder:
        try:
            import_(
                [str(folder)],
                database=database,
                update=False,
                strict=False,
                workers=1,
                batch_size=500,
                rejects=Path("archive-rejects.jsonl"),
                input_format=None,
                extract=True,
            )
        except typer.Exit as exit_:
            if exit_.exit_code:
                raise
    _run_server(_settings(database), host, port, 1)


# ------------------------------------------------------------------------------ entry


def main() -> None:
    """Console entry point: user errors become one clear line and exit status 2."""
    try:
        app()
    except ArchiveError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(EXIT_ERROR)
