"""Writing many rows into one table below SQLAlchemy's per-row parameter handling.

A bulk import writes about 35 rows per article. Through ``connection.execute(insert(table),
rows)`` SQLAlchemy compiles, processes and binds every parameter of every row in Python, which
cost as much as the database's own work. Here each column's bind processor (the same one
SQLAlchemy would apply: datetimes as SQLite text, JSON as text, booleans) runs once per value,
and the rows travel as plain tuples:

* SQLite: multi-row ``INSERT … VALUES (…), (…)``, as many rows per statement as the
  parameter limit allows. One statement per row would open a statement savepoint each, and
  FTS5 writes its pending index out at every savepoint.
* PostgreSQL: ``COPY … FROM STDIN``, which skips the executor's per-row statement overhead.

Errors are raised as SQLAlchemy's (``IntegrityError``…), like any statement's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Connection, Table, func, select, text
from sqlalchemy.exc import DBAPIError

Processor = Callable[[Any], Any] | None


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name, all with the same keys) into ``table``.

    Python-side column defaults are not applied: a row must give every column that has one.
    """
    if not rows:
        return
    columns = [table.c[name] for name in rows[0]]
    _require_defaults(table, columns)
    dialect = connection.dialect
    processors: list[Processor] = [
        column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns
    ]
    names = [column.name for column in columns]
    values = _tuples(rows, names, processors)
    if dialect.name == "postgresql":
        _copy(connection, table, names, values)
    else:
        _multirow(connection, table, names, values)


def insert_ids(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` with new ids, which are returned in the order of ``rows``.

    The ids are reserved first and written explicitly, because neither backend returns
    the ids of a fast multi-row insert in parameter order (SQLAlchemy would fall back to a
    statement per row on SQLite, and to a slower form on PostgreSQL). PostgreSQL hands out
    ids from the table's sequence, safe under concurrent writers; on SQLite the
    transaction holds the write lock (``BEGIN IMMEDIATE``, see :mod:`archive.db`), so the
    ids after the largest are free.
    """
    if connection.dialect.name == "sqlite":
        largest = connection.execute(select(func.max(table.c.id))).scalar() or 0
        ids = list(range(largest + 1, largest + 1 + len(rows)))
    else:
        reserve = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
        )
        ids = list(
            connection.execute(reserve, {"table": table.name, "count": len(rows)}).scalars().all()
        )
    insert_rows(connection, table, [row | {"id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def _require_defaults(table: Table, columns: list[Column[Any]]) -> None:
    given = {column.name for column in columns}
    lacking = [c.name for c in table.columns if c.default is not None and c.name not in given]
    if lacking:
        raise ValueError(f"rows for {table.name} lack {', '.join(lacking)}, which have defaults")


def _tuples(
    rows: Sequence[dict[str, Any]], names: list[str], processors: list[Processor]
) -> list[Sequence[Any]]:
    """The rows' values in the order of ``names``, processed; most columns need nothing."""
    pick = itemgetter(*names)
    if len(names) == 1:
        values: list[Sequence[Any]] = [(pick(row),) for row in rows]
    else:
        values = [pick(row) for row in rows]
    active = [(i, process) for i, process in enumerate(processors) if process is not None]
    if not active:
        return values
    processed: list[Sequence[Any]] = []
    for row_values in values:
        mutable = list(row_values)
        for i, process in active:
            if mutable[i] is not None:
                mutable[i] = process(mutable[i])
        processed.append(mutable)
    return processed


def _multirow(
    connection: Connection, table: Table, names: list[str], values: list[Sequence[Any]]
) -> None:
    dialect = connection.dialect
    per_statement = max(
        1,
        min(
            dialect.insertmanyvalues_page_size,
            dialect.insertmanyvalues_max_parameters // len(names),
        ),
    )
    head = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
    one = "(" + ", ".join("?" * len(names)) + ")"
    for start in range(0, len(values), per_statement):
        page = values[start : start + per_statement]
        statement = head + ", ".join([one] * len(page))
        connection.exec_driver_sql(statement, tuple(v for row in page for v in row))


def _copy(
    connection: Connection, table: Table, names: list[str], values: list[Sequence[Any]]
) -> None:
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()
