"""The ``archive`` command's application, its consoles and what its commands share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from archive import db
from archive.settings import DATABASE_URL_VARIABLE, Settings

if TYPE_CHECKING:
    pass

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

CLUSTER_VARIABLE = "ARCHIVE_CLUSTER"
"""The Dask scheduler `archive import` extracts on, when ``--cluster`` is not given."""

EXIT_REJECTED = 1
EXIT_ERROR = 2


def settings_for(database: str | None, **overrides: Any) -> Settings:
    """The settings of the environment, with ``--db`` and the other options given winning."""
    return Settings.from_env(database_url=database, **overrides)


@contextmanager
def open_engine(settings: Settings) -> Iterator[Engine]:
    """An engine on the settings' database, disposed of when the command is done with it."""
    engine = db.sync_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def progress_bar() -> Progress:
    """A progress line on standard error, shown only on a terminal."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.fields[summary]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
