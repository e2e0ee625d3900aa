"""Commands for developing extraction and measuring the archive: extract, evaluate, train,
benchmark, scale (the tooling they run lives in :mod:`archive.bench`)."""

from __future__ import annotations

import functools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from archive.importer.imports import read_article, reader_for
from archive.records import Rejected
from archive.settings import Settings

if TYPE_CHECKING:
    from archive.bench.benchmark import Figure

from archive.cli.base import (
    EXIT_ERROR,
    app,
    err,
    out,
    progress_bar,
)

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
    with progress_bar() as progress:
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


BENCHMARKS = ("extraction", "api", "abuse", "cluster")


@app.command()
def benchmark(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders to run on.")],
    what: Annotated[
        list[str] | None,
        typer.Option(help=f"Which benchmark ({', '.join(BENCHMARKS)}); all when not given."),
    ] = None,
    repeat: Annotated[int, typer.Option(min=1, help="Use the articles this many times over.")] = 1,
    requests: Annotated[int, typer.Option(min=10, help="API requests per figure.")] = 200,
    cluster_articles: Annotated[
        int, typer.Option(min=10, help="Synthetic articles the cluster benchmark extracts.")
    ] = 160,
    writer_articles: Annotated[
        int, typer.Option(min=10, help="Pre-annotated synthetic articles its writer stores.")
    ] = 2000,
    database: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database for the API benchmark; the articles are imported into it "
            "(a temporary SQLite file when not given). The cluster benchmark's writer figure "
            "writes into a new database on this PostgreSQL server, dropped after.",
        ),
    ] = None,
) -> None:
    """Speed figures, each with its ratio to a reference measured in the same run."""
    from archive.bench import benchmark as bench
    from archive.bench.load import abuse

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
            figures += abuse(url)
    if "cluster" in chosen:
        from archive.bench import clustered

        figures += clustered.run(database, cluster_articles, writer_articles)
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
