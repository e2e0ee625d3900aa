"""What a list and its facets range over: the rows of one table that filter conditions and a
full-text search select, and the cheapest SQL for each use of them.

The cheap paths matter at scale: counting the matches of a search reads the full-text index
alone, ranking a search without filters sorts the index's matches before touching a row,
counts over everything scan the table without a subquery of its own ids, and on PostgreSQL a
search restricts the table's own rows (its stored document) rather than joining the table to
its matches, which made the planner scan every row of the table for each facet."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.sql.elements import ColumnElement

from archive.search import Node as SearchTree
from archive.search import match_condition, match_rank, matches


@dataclass
class Selection:
    """The rows of ``table`` meeting every one of ``conditions`` (SQL over ``table``'s columns)
    and, when ``tree`` is given, matching that full-text search (quotes and articles only)."""

    table: Table
    dialect: str
    conditions: tuple[ColumnElement[bool], ...] = ()
    tree: SearchTree | None = None

    @property
    def searched_only(self) -> bool:
        """A search and no condition: the full-text index alone answers."""
        return self.tree is not None and not self.conditions

    # Each is one subquery object, the same on every use: the columns of an order and the
    # statement it orders must come from one subquery.
    @cached_property
    def _ranked(self) -> Any:
        assert self.tree is not None
        return matches(self.dialect, self.table.name, self.tree).subquery("found")

    @cached_property
    def _unranked(self) -> Any:
        assert self.tree is not None
        return matches(self.dialect, self.table.name, self.tree, ranked=False).subquery("found")

    @property
    def _inline(self) -> bool:
        """Whether the search is a condition on the table's own rows (PostgreSQL), rather
        than a separate index to join (SQLite's FTS5 table)."""
        return self.dialect == "postgresql"

    @property
    def counting_reads_rows(self) -> bool:
        """Whether counting a search's matches reads the table's rows, not an index alone:
        PostgreSQL rechecks every match of its GIN index on the table, while FTS5 counts
        its matches from the index."""
        return self.tree is not None and self._inline

    @cached_property
    def _match(self) -> ColumnElement[bool]:
        assert self.tree is not None
        return match_condition(self.dialect, self.table, self.tree)

    @cached_property
    def rank(self) -> ColumnElement[Any] | None:
        """How well a row of ``rows()`` matches the search (higher is better); None without
        a search."""
        if self.tree is None:
            return None
        return match_rank(self.table, self.tree) if self._inline else self._ranked.c.rank

    def restrict(self, statement: Select[Any]) -> Select[Any]:
        """``statement`` (which reads ``table`` under its own name, maybe joined to others)
        kept to the selected rows; unchanged when everything is selected."""
        if self.tree is not None:
            statement = statement.where(self._match)
        return statement.where(*self.conditions)

    def ids(self) -> Select[Any]:
        """``SELECT id`` of the selected rows."""
        if self.searched_only:
            return select(self._unranked.c.id)
        return self.restrict(select(self.table.c.id))

    def count(self) -> Select[Any]:
        """``SELECT count(*)`` of the selected rows."""
        return select(func.count()).select_from(self.ids().subquery())

    def rows(self) -> Select[Any]:
        """``SELECT`` of the selected rows, with their ``rank`` labelled ``_rank`` when
        searched."""
        statement = select(self.table).where(*self.conditions)
        if self.rank is None:
            return statement
        if self._inline:
            statement = statement.where(self._match)
        else:
            statement = statement.join(self._ranked, self._ranked.c.id == self.table.c.id)
        return statement.add_columns(self.rank.label("_rank"))

    def ranked_ids(self) -> tuple[Select[Any], ColumnElement[Any], ColumnElement[Any]]:
        """For a search without conditions: ``SELECT id, _rank`` straight from the full-text
        index, so that ordering by rank and keeping the best few happens before any row is
        read; and the rank and id columns to order it by."""
        assert self.searched_only
        found = self._ranked
        return select(found.c.id, found.c.rank.label("_rank")), found.c.rank, found.c.id
