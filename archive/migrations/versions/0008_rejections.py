"""rejections: what editors deleted stays deleted

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

A quote or an event an editor deletes as wrong leaves its words here, per article, so that a
new version of the article (``archive import --update``) does not extract it again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "quote",
                "event",
                name="rejection_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_rejections_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejections")),
    )
    op.create_index(op.f("ix_rejections_article_id"), "rejections", ["article_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rejections_article_id"), table_name="rejections")
    op.drop_table("rejections")
