"""Full-text search over quotes and articles, on both backends, safe for any input string.

Users type a small query language that never fails to parse:

- words (``border closure``: both words), ``"exact phrases"``, prefixes (``negotiat*``);
- ``OR`` between alternatives, ``-word`` or ``NOT word`` to exclude, parentheses to group;
- anything else is text: punctuation splits words (``C++`` looks for ``c``, ``O'Reilly`` for
  the phrase ``o reilly``), an unclosed quote or bracket closes at the end, a bare ``AND`` is
  the word "and".

A query is parsed into a small tree and compiled for each backend from that tree, never by
pasting the user's text: FTS5 ``MATCH`` expressions with every term double-quoted on SQLite,
``to_tsquery`` calls whose arguments are only word characters on PostgreSQL. A query with
nothing to look for (empty, only punctuation, only exclusions) is a :class:`SearchQueryError`.

The index: on SQLite, FTS5 tables with external content (``quotes_fts``, ``articles_fts``) kept
in step by triggers, Porter stemming; on PostgreSQL, GIN indexes over
``to_tsvector('english', …)``, the same expressions the queries use.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Float, Select, Table, column, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.sql.elements import ColumnElement

from archive.errors import ArchiveError

MAX_QUERY_CHARS = 500
MAX_TERMS = 32


class SearchQueryError(ArchiveError):
    """The search string has nothing that can be looked for."""


# ---------------------------------------------------------------------------- the query tree


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of several words in order; ``prefix`` matches words starting so."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Node, ...]


Node = Term | Not | All | Any_

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+)')
_WORD_CHARS = re.compile(r"\w+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD_CHARS.findall(text.replace("_", " ")))


def parse_query(query: str) -> Node:
    """The tree of a search string; :class:`SearchQueryError` when it has nothing positive."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchQueryError(
            f"the search is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
        )
    tokens = [(m.lastgroup or "", m.group(m.lastgroup or 0)) for m in _TOKEN.finditer(query)]
    tree = _Parser(tokens).parse()
    if tree is None:
        # operators alone ("AND", "NOT", "-"): read every token as a word
        words = _words(query)
        tree = _simplify(All(tuple(Term((w,)) for w in words))) if words else None
    if tree is None:
        raise SearchQueryError(
            f"the search {query!r} has no words to look for",
            suggestion="type at least one word, or leave the search out to list everything",
        )
    if not _has_positive(tree) or _negative_branch(tree):
        raise SearchQueryError(
            f"the search {query!r} only excludes words",
            suggestion="add a word to look for: `border -closure`",
        )
    if _count_terms(tree) > MAX_TERMS:
        raise SearchQueryError(f"the search has more than {MAX_TERMS} terms")
    return tree


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _is(self, token: tuple[str, str] | None, operator: str) -> bool:
        return token is not None and token[0] == "word" and token[1] == operator

    def parse(self) -> Node | None:
        items = []
        while self._peek() is not None:
            found = self._any()
            if found is not None:
                items.append(found)
            elif self._peek() is not None:
                self.at += 1  # a stray ")" or operator
        return _simplify(All(tuple(items))) if items else None

    def _any(self) -> Node | None:
        branches = [self._all()]
        while self._is(self._peek(), "OR"):
            self.at += 1
            branches.append(self._all())
        present = tuple(b for b in branches if b is not None)
        return _simplify(Any_(present)) if present else None

    def _all(self) -> Node | None:
        items: list[Node] = []
        while (token := self._peek()) is not None and token[0] != "close":
            if self._is(token, "OR"):
                break
            if self._is(token, "AND"):
                self.at += 1
                continue
            item = self._unary()
            if item is not None:
                items.append(item)
        return _simplify(All(tuple(items))) if items else None

    def _unary(self) -> Node | None:
        token = self._peek()
        assert token is not None
        kind, text = token
        self.at += 1
        if kind == "open":
            inner = self._any()
            if self._peek() is not None and self._peek()[0] == "close":  # type: ignore[index]
                self.at += 1
            return inner
        if kind == "phrase":
            words = _words(text)
            return Term(words) if words else None
        if text == "NOT" or (text.startswith("-") and len(text) == 1):
            following = self._peek()
            if following is None or following[0] == "close" or self._is(following, "OR"):
                return None
            inner = self._unary()
            return Not(inner) if inner is not None else None
        negated = text.startswith("-")
        prefix = text.endswith("*")
        words = _words(text)
        if not words:
            return None
        term = Term(words, prefix)
        return Not(term) if negated else term


def _simplify(node: Node) -> Node:
    if isinstance(node, (All, Any_)) and len(node.items) == 1:
        return node.items[0]
    return node


def _has_positive(node: Node) -> bool:
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    return any(_has_positive(i) for i in node.items)


def _negative_branch(node: Node) -> bool:
    """A part that would match everything but some words: FTS5 cannot, and nobody means it."""
    if isinstance(node, Not):
        return _negative_branch(node.item)
    if isinstance(node, Any_):
        return any(not _has_positive(i) or _negative_branch(i) for i in node.items)
    if isinstance(node, All):
        return any(_negative_branch(i) for i in node.items) or not _has_positive(node)
    return False


def _count_terms(node: Node) -> int:
    if isinstance(node, Term):
        return 1
    if isinstance(node, Not):
        return _count_terms(node.item)
    return sum(_count_terms(i) for i in node.items)


def positive_terms(node: Node) -> list[Term]:
    """The terms a match may contain (the excluded ones are never in a hit)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [t for i in node.items for t in positive_terms(i)]


# ---------------------------------------------------------------------------- SQLite FTS5


def to_fts5(node: Node) -> str:
    """An FTS5 MATCH expression; every term is a quoted string, so nothing the user typed is
    read as FTS5 syntax."""
    if isinstance(node, Term):
        return '"' + " ".join(node.words) + '"' + ("*" if node.prefix else "")
    if isinstance(node, Any_):
        return "(" + " OR ".join(to_fts5(i) for i in node.items) + ")"
    if isinstance(node, All):
        positives = [to_fts5(i) for i in node.items if not isinstance(i, Not)]
        expression = "(" + " AND ".join(positives) + ")"
        for item in node.items:
            if isinstance(item, Not):
                expression = f"({expression} NOT {to_fts5(item.item)})"
        return expression
    raise SearchQueryError("an exclusion needs something to exclude from")


# ---------------------------------------------------------------------------- PostgreSQL


_CONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")


def to_tsquery(node: Node) -> ColumnElement[Any]:
    """A tsquery built with bound parameters that hold only word characters (and the
    functions behind PostgreSQL's ``&&``, ``||`` and ``!!`` operators)."""
    if isinstance(node, Term):
        text = " <-> ".join(node.words) + (":*" if node.prefix else "")
        return func.to_tsquery(_CONFIG, text, type_=TSQUERY)
    if isinstance(node, Not):
        return func.tsquery_not(to_tsquery(node.item), type_=TSQUERY)
    combine = func.tsquery_or if isinstance(node, Any_) else func.tsquery_and
    parts = [to_tsquery(i) for i in node.items]
    expression = parts[0]
    for part in parts[1:]:
        expression = combine(expression, part, type_=TSQUERY)
    return expression


# ---------------------------------------------------------------------------- index and queries


_SEARCHED = {
    "quotes": ("text",),
    "articles": ("title", "body"),
}


PG_DOCUMENT = "search_vector"
"""PostgreSQL: the stored ``tsvector`` of each searched row, a generated column. Ranking reads
it instead of parsing every match's text again (five times faster for a common word)."""


def pg_document_expression(kind: str) -> str:
    """The SQL that computes the searched document of a row of ``kind`` on PostgreSQL."""
    columns = _SEARCHED[kind]
    body = " || ' ' || ".join(columns)
    return f"to_tsvector('english'::regconfig, {body})"


def create_search_index(connection: Connection) -> None:
    """Create the full-text index of quotes and articles, filled from the rows present."""
    for kind, columns in _SEARCHED.items():
        if connection.dialect.name == "sqlite":
            names = ", ".join(columns)
            new = ", ".join(f"new.{c}" for c in columns)
            old = ", ".join(f"old.{c}" for c in columns)
            connection.exec_driver_sql(
                f"CREATE VIRTUAL TABLE {kind}_fts USING fts5({names}, content='{kind}', "
                f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
            )
            connection.exec_driver_sql(
                f"CREATE TRIGGER {kind}_fts_insert AFTER INSERT ON {kind} BEGIN "
                f"INSERT INTO {kind}_fts(rowid, {names}) VALUES (new.id, {new}); END"
            )
            connection.exec_driver_sql(
                f"CREATE TRIGGER {kind}_fts_delete AFTER DELETE ON {kind} BEGIN "
                f"INSERT INTO {kind}_fts({kind}_fts, rowid, {names}) "
                f"VALUES ('delete', old.id, {old}); END"
            )
            connection.exec_driver_sql(
                f"CREATE TRIGGER {kind}_fts_update AFTER UPDATE OF {names} ON {kind} BEGIN "
                f"INSERT INTO {kind}_fts({kind}_fts, rowid, {names}) "
                f"VALUES ('delete', old.id, {old}); "
                f"INSERT INTO {kind}_fts(rowid, {names}) VALUES (new.id, {new}); END"
            )
            connection.exec_driver_sql(f"INSERT INTO {kind}_fts({kind}_fts) VALUES ('rebuild')")
        else:
            connection.exec_driver_sql(
                f"ALTER TABLE {kind} ADD COLUMN {PG_DOCUMENT} tsvector"
                f" GENERATED ALWAYS AS ({pg_document_expression(kind)}) STORED"
            )
            connection.exec_driver_sql(
                f"CREATE INDEX ix_{kind}_search ON {kind} USING gin ({PG_DOCUMENT})"
            )


def drop_search_index(connection: Connection) -> None:
    for kind in _SEARCHED:
        if connection.dialect.name == "sqlite":
            for suffix in ("insert", "delete", "update"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {kind}_fts_{suffix}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {kind}_fts")
        else:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{kind}_search")
            connection.exec_driver_sql(f"ALTER TABLE {kind} DROP COLUMN IF EXISTS {PG_DOCUMENT}")


_SEARCH_OBJECT = re.compile(
    rf"^(quotes|articles)_fts|^ix_(quotes|articles)_search$|^{PG_DOCUMENT}$"
)


def is_search_object(name: str | None) -> bool:
    """Whether a table, index or column belongs to the search index (kept out of the
    models)."""
    return name is not None and _SEARCH_OBJECT.match(name) is not None


def matches(dialect: str, kind: str, tree: Node, *, ranked: bool = True) -> Select[Any]:
    """``SELECT id, rank`` of the rows of ``kind`` (quotes or articles) matching ``tree``;
    a higher rank is a better match. ``ranked=False`` selects the ids alone, which spares
    ranking every match where only the set matters (counts, facets)."""
    if dialect == "sqlite":
        fts = table(f"{kind}_fts", column("rowid"))
        found = select(fts.c.rowid.label("id")).where(
            literal_column(f"{kind}_fts").op("MATCH")(to_fts5(tree))
        )
        rank: ColumnElement[float] = -func.bm25(literal_column(f"{kind}_fts"), type_=Float)
    else:
        rows = table(kind, column("id"))
        found = select(rows.c.id.label("id")).where(_pg_match(kind, tree))
        rank = _pg_rank(kind, tree)
    return found.add_columns(rank.label("rank")) if ranked else found


def match_condition(dialect: str, rows: Table, tree: Node) -> ColumnElement[bool]:
    """A condition on the rows of ``rows`` (the quotes or articles table, not an alias) that
    they match ``tree``. On PostgreSQL it tests the row's own stored document, which the GIN
    index answers with no join back to the table; on SQLite, ``id IN`` the FTS5 matches."""
    if dialect == "sqlite":
        return rows.c.id.in_(matches(dialect, rows.name, tree, ranked=False))
    return _pg_match(rows.name, tree)


def match_rank(rows: Table, tree: Node) -> ColumnElement[float]:
    """PostgreSQL: how well a row of ``rows`` matches ``tree``, from its stored document, as
    :func:`matches` ranks it."""
    return _pg_rank(rows.name, tree)


def _pg_match(kind: str, tree: Node) -> ColumnElement[bool]:
    return literal_column(f"{kind}.{PG_DOCUMENT}").op("@@")(to_tsquery(tree))


def _pg_rank(kind: str, tree: Node) -> ColumnElement[float]:
    return func.ts_rank_cd(literal_column(f"{kind}.{PG_DOCUMENT}"), to_tsquery(tree), type_=Float)


# ---------------------------------------------------------------------------- highlighting


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    # The same few thousand words recur in every page of results; stemming is pure Python.
    return str(_stemmer().stemWord(_fold(word)))


def highlight(text: str, tree: Node, *, context: int | None = None) -> str:
    """``text`` escaped for HTML, the words a search matched wrapped in ``<mark>``; with
    ``context``, only about that many characters around the first match, with ellipses."""
    stems: set[str] = set()
    prefixes: set[str] = set()
    for term in positive_terms(tree):
        *whole, last = term.words
        stems.update(_stem(w) for w in whole)
        if term.prefix:
            prefixes.add(_fold(last))
        else:
            stems.add(_stem(last))
    spans = [
        (m.start(), m.end())
        for m in _WORD_CHARS.finditer(text)
        if _stem(m.group()) in stems or any(_fold(m.group()).startswith(p) for p in prefixes)
    ]
    start, end = 0, len(text)
    if context is not None and len(text) > context:
        first = spans[0][0] if spans else 0
        start = max(0, first - context // 3)
        end = min(len(text), start + context)
        # whole words at the edges
        if start > 0 and (space := text.find(" ", start)) != -1 and space < first:
            start = space + 1
        if end < len(text) and (space := text.rfind(" ", start, end)) > start:
            end = space
    pieces = ["…" if start > 0 else ""]
    at = start
    for s, e in spans:
        if s < start or e > end:
            continue
        pieces.append(html.escape(text[at:s]))
        pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    pieces.append(html.escape(text[at:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)
