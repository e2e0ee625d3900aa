"""PostgreSQL: the searched document of each quote and article stored, not recomputed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

The full-text index was a GIN index over the expression ``to_tsvector(text)``: each match was
parsed again to rank it and to recheck it, which was most of a search for a common word (a
third of a second at 350,000 quotes). The document is now a stored generated column, and the
index is over that column. SQLite's FTS5 tables are untouched.

Adding a stored column rewrites both tables under an exclusive lock: about 40 s at a million
quotes on two cores, during which the archive cannot be read.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from archive.search import create_search_index, drop_search_index, pg_document_expression

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("quotes", "articles")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    drop_search_index(connection)
    create_search_index(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    drop_search_index(connection)
    for kind in KINDS:
        op.execute(
            f"CREATE INDEX ix_{kind}_search ON {kind} USING gin ({pg_document_expression(kind)})"
        )
