"""rejections of affiliations, and failed sign-ins every server process counts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

An editor may delete an extracted affiliation as wrong: ``rejections.kind`` gains
``affiliation``, so that a new version of the article does not bring it back. Failed sign-ins
move from each process's memory to ``sign_in_failures``, so that several server workers
brake guessing as one.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_rejections_rejection_kind"


def _kinds(*kinds: str) -> None:
    """Limit ``rejections.kind`` to ``kinds`` (SQLite rebuilds the table to change a CHECK)."""
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("rejections") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint("rejection_kind", sa.text(f"kind IN ({listed})"))


def upgrade() -> None:
    _kinds("quote", "event", "affiliation")
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index(
        op.f("ix_sign_in_failures_address"), "sign_in_failures", ["address"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_failures_address"), table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.execute("DELETE FROM rejections WHERE kind = 'affiliation'")
    _kinds("quote", "event")
