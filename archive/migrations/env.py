"""Alembic environment: runs on the connection :func:`archive.db.migrate` hands over."""

from __future__ import annotations

from alembic import context

from archive.db import modelled
from archive.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `archive init`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=modelled,
)
with context.begin_transaction():
    context.run_migrations()
