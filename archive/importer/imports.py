"""The one way into the archive: read inputs, extract what they lack, store them in batches.

`archive import`, the API's ``importArticles``, the benchmarks and the scale drill all go
through :func:`import_paths` or :func:`import_records`, with the limits of their
:class:`~archive.settings.Settings`; :func:`reader_for` and :func:`read_article` read with
those limits where only reading is wanted (evaluation, training).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine

from archive import db
from archive.extract.runner import Runner
from archive.importer.loader import ImportReport, Loader
from archive.importer.readers import Item, Reader
from archive.records import ArticleRecord, Located, Rejected
from archive.settings import Settings


def reader_for(
    settings: Settings, *, stdin: IO[bytes] | None = None, forced_format: str | None = None
) -> Reader:
    """A reader that refuses bodies longer than ``settings.max_body_chars``; ``stdin`` is read
    for the path ``-``, and ``forced_format`` reads every input as that format."""
    return Reader(settings.max_body_chars, stdin=stdin, forced_format=forced_format)


def read_article(settings: Settings, path: Path) -> ArticleRecord | str:
    """The article the file at ``path`` holds, read as `archive import` reads it, or why it
    cannot be read (``NAME: reason``)."""
    items = list(reader_for(settings).read([str(path)]))
    for item in items:
        if isinstance(item, Located) and isinstance(item.record, ArticleRecord):
            return item.record
    reason = next((str(i.reason) for i in items if isinstance(i, Rejected)), "no article")
    return f"{path.name}: {reason}"


def import_records(
    settings: Settings,
    items: Iterable[Item],
    runner: Runner,
    *,
    engine: Engine | None = None,
    within: Connection | None = None,
    update: bool = False,
    strict: bool = False,
    on_reject: Callable[[Rejected], None] | None = None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Store what a reader produced, ``runner`` extracting what the records do not carry, in
    batches of ``settings.batch_size``, each its own transaction; or, ``within`` a caller's
    transaction, each a savepoint of it. The database is ``engine``'s, else one opened from
    ``settings`` for this import. Outside a caller's transaction the schema is brought up to
    date first and, when anything was written, the planner's statistics after.
    :class:`~archive.importer.loader.CannotWrite` (the database refused a batch) propagates
    with the report so far."""
    own = engine is None
    engine = db.sync_engine(settings.database_url) if engine is None else engine
    try:
        if within is None:
            db.migrate(engine)
        loader = Loader(
            engine,
            runner,
            batch_size=settings.batch_size,
            update=update,
            strict=strict,
            on_reject=on_reject,
            progress=progress,
        )
        report = loader.load(items, within=within)
        if within is None and (report.imported or report.updated) and not report.rolled_back:
            db.refresh_statistics(engine)
        return report
    finally:
        if own:
            engine.dispose()


def import_paths(
    settings: Settings,
    paths: Iterable[str],
    runner: Runner,
    *,
    stdin: IO[bytes] | None = None,
    forced_format: str | None = None,
    engine: Engine | None = None,
    update: bool = False,
    strict: bool = False,
    on_reject: Callable[[Rejected], None] | None = None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """:func:`import_records` of every article in ``paths`` (files, folders read recursively,
    globs, ``-`` for ``stdin``)."""
    reader = reader_for(settings, stdin=stdin, forced_format=forced_format)
    return import_records(
        settings,
        reader.read(paths),
        runner,
        engine=engine,
        update=update,
        strict=strict,
        on_reject=on_reject,
        progress=progress,
    )
