"""api_tokens.password_hash: an editor signs in on the pages with a password

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

A token's holder may also sign in on the pages with its name and a password
(``archive user password NAME``); the table keeps the password's scrypt only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("password_hash", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("password_hash")
