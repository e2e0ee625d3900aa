"""mentions indexed by actor and by place together with their article

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

The facets "quotes per place their article names" and "articles per actor" read the distinct
(article, place) and (article, actor) pairs of every mention: a scan of the whole table at a
million mentions. With the article in the index, the pairs come off the index alone. The
indexes on the actor and the place alone are covered by the new ones and go.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_mentions_actor_article", "mentions", ["actor_id", "article_id"])
    op.create_index("ix_mentions_place_article", "mentions", ["place_id", "article_id"])
    op.drop_index("ix_mentions_actor_id", table_name="mentions")
    op.drop_index("ix_mentions_place_id", table_name="mentions")


def downgrade() -> None:
    op.create_index("ix_mentions_actor_id", "mentions", ["actor_id"])
    op.create_index("ix_mentions_place_id", "mentions", ["place_id"])
    op.drop_index("ix_mentions_actor_article", table_name="mentions")
    op.drop_index("ix_mentions_place_article", table_name="mentions")
