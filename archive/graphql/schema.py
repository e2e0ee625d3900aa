"""The GraphQL schema: everything the archive holds, for other tools.

Reads are open; changes (see ``mutations``) need a bearer token. Lists are keyset-paged
connections of at most 100 rows a page; every error carries ``extensions.code`` (see
``errors``); depth, token, alias and cost limits refuse abusive documents before they run.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from contextlib import suppress
from functools import lru_cache
from typing import Any, TypeVar

import strawberry
from graphql import DocumentNode, GraphQLError, parse, print_ast
from sqlalchemy import Select, case, select
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext
from strawberry.types.nodes import SelectedField

from archive.graphql.aggregates import ArticleFacets, EventFacets, QuoteFacets
from archive.graphql.changes import authorize
from archive.graphql.connections import After, Before, Connection, First, Last, Window
from archive.graphql.context import Info
from archive.graphql.cost import CostLimit
from archive.graphql.database import Row
from archive.graphql.errors import BadUserInput, ErrorCodes
from archive.graphql.expansion import refusal
from archive.graphql.filters import (
    ActorFilter,
    ArticleFilter,
    ArticleOrder,
    EventFilter,
    EventOrder,
    PlaceFilter,
    QuoteFilter,
    QuoteOrder,
    SourceFilter,
)
from archive.graphql.ids import parse_global_id
from archive.graphql.inputs import TextLiterals, TextVariables
from archive.graphql.lists import (
    article_selection,
    event_selection,
    list_actors,
    list_articles,
    list_audit,
    list_events,
    list_places,
    list_quotes,
    list_sources,
    quote_selection,
)
from archive.graphql.mutations import Mutation
from archive.graphql.places import PlaceCandidate, candidates
from archive.graphql.prefetch import Related, read_ahead
from archive.graphql.scalars import SCALARS
from archive.graphql.types import (
    NODE_CLASSES,
    Actor,
    Article,
    AuditEntry,
    Event,
    Node,
    Place,
    Quote,
    Source,
)
from archive.importer.fields import normalize_url
from archive.importer.values import FieldError
from archive.names import normalize_name
from archive.queries import totals
from archive.queries.facets import ArticleCounts, EventCounts, QuoteCounts
from archive.tables import (
    ACTOR_ALIASES,
    ACTORS,
    AFFILIATIONS,
    ARTICLES,
    AUDIT_LOG,
    EVENTS,
    MENTIONS,
    PLACE_ALIASES,
    PLACES,
    QUOTES,
    SOURCES,
)

MAX_NODES = 100
NODE_TABLES = {
    "Article": ARTICLES,
    "Source": SOURCES,
    "Quote": QUOTES,
    "Actor": ACTORS,
    "Place": PLACES,
    "Event": EVENTS,
    "Mention": MENTIONS,
    "Affiliation": AFFILIATIONS,
    "AuditEntry": AUDIT_LOG,
}
T = TypeVar("T", bound=Related)


@strawberry.type(description="How many records of each kind the archive holds.")
class Stats:
    articles: int = strawberry.field(description="Stored articles.")
    sources: int = strawberry.field(description="Outlets the articles come from.")
    quotes: int = strawberry.field(description="Direct and reported quotes.")
    actors: int = strawberry.field(description="People, organisations, states, groups, media.")
    places: int = strawberry.field(description="Geocoded places.")
    events: int = strawberry.field(description="Events (who did what to whom, where, when).")
    mentions: int = strawberry.field(description="Places in the text naming an actor or a place.")


def _field_names(selections: list[Any]) -> set[str]:
    """The names of the fields selected, through fragments too."""
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        else:  # a fragment spread or an inline fragment
            names |= _field_names(selection.selections)
    return names


async def _nodes(info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
    """The records of global ``ids``, in their order (None where there is none): one
    statement per type, and what they relate to read ahead."""
    wanted = [parse_global_id(value) for value in ids]
    pks: dict[str, set[int]] = defaultdict(set)
    for type_name, pk in wanted:
        pks[type_name].add(pk)
    found: dict[tuple[str, int], Node] = {}
    for type_name, keys in pks.items():
        cls, table = NODE_CLASSES[type_name], NODE_TABLES[type_name]
        for row in await info.context.database.rows(select(table).where(table.c.id.in_(keys))):
            found[type_name, row["id"]] = cls.of(row)
    await read_ahead(info, list(found.values()))
    return [found.get(key) for key in wanted]


async def _one(info: Info, build: Callable[[Row], T], statement: Select[Any]) -> T | None:
    """The record ``build`` makes of the row the statement reads, what it relates to read
    ahead; or None."""
    rows = await info.context.database.rows(statement)
    if not rows:
        return None
    record = build(rows[0])
    await read_ahead(info, [record])
    return record


def _by_alias(aliases: Any, parent: str, name: str) -> Any:
    """The id of the record one of whose spellings is ``name``, as a subquery."""
    key = normalize_name(name)
    if not key:
        raise BadUserInput("a name needs letters or digits")
    return select(aliases.c[parent]).where(aliases.c.normalized == key).scalar_subquery()


@strawberry.type(description="Read access to the archive; open to everyone.")
class Query:
    @strawberry.field(description="Any record by its global ID; null if there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return (await _nodes(info, [id]))[0]

    @strawberry.field(
        description="Records by global IDs (at most 100), in the same order; null where none."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise BadUserInput(f"nodes takes at most {MAX_NODES} IDs, not {len(ids)}")
        return await _nodes(info, ids)

    @strawberry.field(description="An article by its URL (normalized as on import); null if none.")
    async def article(self, info: Info, url: str) -> Article | None:
        try:
            normalized = normalize_url(url)
        except FieldError as error:
            raise BadUserInput(str(error)) from None
        return await _one(info, Article.of, select(ARTICLES).where(ARTICLES.c.url == normalized))

    @strawberry.field(
        description='An actor by any spelling of its name ("al-Qaida" finds al-Qaeda); null if none.'
    )
    async def actor(self, info: Info, name: str) -> Actor | None:
        pk = _by_alias(ACTOR_ALIASES, "actor_id", name)
        return await _one(info, Actor.of, select(ACTORS).where(ACTORS.c.id == pk))

    @strawberry.field(
        description='A place by any spelling of its name ("Sweida" finds Suwayda), or by one '
        'the gazetteer transliterates alike ("Deir Ezzor" finds Deir ez-Zor); null if none.'
    )
    async def place(self, info: Info, name: str) -> Place | None:
        pk = _by_alias(PLACE_ALIASES, "place_id", name)
        found = await _one(info, Place.of, select(PLACES).where(PLACES.c.id == pk))
        if found is None:  # a spelling the archive lacks: the gazetteer's entries of it
            entries = [c.geonames_id for c in await candidates(name[:300])]
            if entries:
                rank = case({g: i for i, g in enumerate(entries)}, value=PLACES.c.geonames_id)
                held = select(PLACES).where(PLACES.c.geonames_id.in_(entries))
                found = await _one(info, Place.of, held.order_by(rank).limit(1))
        return found

    @strawberry.field(
        description="The gazetteer's entries spelled like `name` (most populous first): what "
        "a place of that name could be."
    )
    async def place_candidates(self, name: str) -> list[PlaceCandidate]:
        return await candidates(name[:300])

    @strawberry.field(description="An outlet by its exact name or its domain; null if none.")
    async def source(self, info: Info, name: str) -> Source | None:
        named = (SOURCES.c.name == name) | (SOURCES.c.domain == name.lower())
        return await _one(info, Source.of, select(SOURCES).where(named))

    @strawberry.field(
        description='Quotes: filtered by `where`, searched by `search` (words, "phrases", prefix*, '
        "OR, -excluded), newest first or by relevance when searched."
    )
    async def quotes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: QuoteFilter | None = None,
        search: str | None = None,
        order_by: QuoteOrder | None = None,
    ) -> Connection[Quote]:
        return await list_quotes(
            info, Quote.of, where, search, order_by, Window.of(first, after, last, before)
        )

    @strawberry.field(
        description="Articles: filtered, searched (title and text), ordered like quotes."
    )
    async def articles(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: ArticleFilter | None = None,
        search: str | None = None,
        order_by: ArticleOrder | None = None,
    ) -> Connection[Article]:
        return await list_articles(
            info, Article.of, where, search, order_by, Window.of(first, after, last, before)
        )

    @strawberry.field(description="Actors, by name.")
    async def actors(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: ActorFilter | None = None,
    ) -> Connection[Actor]:
        return await list_actors(info, Actor.of, where, Window.of(first, after, last, before))

    @strawberry.field(description="Places, by name.")
    async def places(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: PlaceFilter | None = None,
    ) -> Connection[Place]:
        return await list_places(info, Place.of, where, Window.of(first, after, last, before))

    @strawberry.field(description="Events, newest first by default.")
    async def events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: EventFilter | None = None,
        order_by: EventOrder | None = None,
    ) -> Connection[Event]:
        return await list_events(
            info, Event.of, where, order_by, Window.of(first, after, last, before)
        )

    @strawberry.field(description="Outlets, by name.")
    async def sources(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: SourceFilter | None = None,
    ) -> Connection[Source]:
        return await list_sources(info, Source.of, where, Window.of(first, after, last, before))

    @strawberry.field(
        description="Counts over the quotes a filter and search select: by speaker, outlet, kind, place, period."
    )
    def quote_facets(
        self, info: Info, where: QuoteFilter | None = None, search: str | None = None
    ) -> QuoteFacets:
        return QuoteFacets(counts=QuoteCounts(quote_selection(info, where, search)))

    @strawberry.field(
        description="Counts over the articles a filter and search select: by outlet, place, actor, period."
    )
    def article_facets(
        self, info: Info, where: ArticleFilter | None = None, search: str | None = None
    ) -> ArticleFacets:
        return ArticleFacets(counts=ArticleCounts(article_selection(info, where, search)))

    @strawberry.field(
        description="Counts over the events a filter selects: by kind, place, actor, period; fatalities."
    )
    def event_facets(self, info: Info, where: EventFilter | None = None) -> EventFacets:
        return EventFacets(counts=EventCounts(event_selection(info, where)))

    @strawberry.field(
        description="Changes made through the API, newest first. Needs a bearer token (editor "
        "or admin): the log names the tokens that made each change."
    )
    async def audit_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditEntry]:
        await authorize(info, what="reading the audit log needs")
        return await list_audit(info, AuditEntry.of, Window.of(first, after, last, before))

    @strawberry.field(description="Counts of everything the archive holds.")
    async def stats(self, info: Info) -> Stats:
        wanted = _field_names(info.selected_fields[0].selections) & totals.COUNTED.keys()
        found = dict((await info.context.database.rows(totals.counts(wanted)))[0]) if wanted else {}
        # a count not asked for is never sent, whatever it holds
        return Stats(**(dict.fromkeys(totals.COUNTED, 0) | found))


# Strawberry builds extensions per operation from these classes (instances are deprecated).
# The validation rules are built once, so that a document's validation can be cached.
MAX_ALIASES = 30
MAX_TOKENS = 2000
_RULES = [alias_rule(MAX_ALIASES), CostLimit, TextLiterals]


class Limits(AddValidationRules):
    """Alias and cost limits and literals every backend can take, checked when a document is
    validated (its size and depth are measured before: see ``DocumentCache``)."""

    def __init__(self, *, execution_context: object = None) -> None:
        super().__init__(_RULES)


class TokenLimit(MaxTokensLimiter):
    """The token limit, checked while the document is parsed."""

    def __init__(self, *, execution_context: object = None) -> None:
        super().__init__(max_token_count=MAX_TOKENS)


# Documents repeat (a dashboard sends the same query with new variables): parse and validate
# each distinct one once. Validation depends on the document alone (the cost rule reads literal
# page sizes only), so its errors may be reused as well.
_parse = lru_cache(maxsize=512)(parse)
_validate = lru_cache(maxsize=512)(validate_document)


@lru_cache(maxsize=512)
def _normal_form(document: DocumentNode) -> str:
    """The document as graphql-core prints it: without comments, whitespace normalized."""
    return print_ast(document)


# The normal forms of documents found valid. A copy that differs only in comments or spacing
# (an attacker can make each copy a new text, whose nodes sit at new positions) is valid as
# well and is not validated again. Only valid ones: an error's locations belong to its text.
_VALID_FORMS: OrderedDict[str, None] = OrderedDict()
MAX_VALID_FORMS = 512


def _validated(context: ExecutionContext, document: DocumentNode) -> list[GraphQLError]:
    form = _normal_form(document)
    if form in _VALID_FORMS:
        _VALID_FORMS.move_to_end(form)
        return []
    errors = list(_validate(context.schema._schema, document, context.validation_rules))
    if not errors:
        _VALID_FORMS[form] = None
        if len(_VALID_FORMS) > MAX_VALID_FORMS:
            _VALID_FORMS.popitem(last=False)
    return errors


class DocumentCache(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        assert context.query is not None
        # A document that does not parse is left to strawberry's own parse, which reports it
        # (one nested past the parser's recursion, too: ``ErrorCodes`` words that error).
        with suppress(GraphQLError, RecursionError):
            context.graphql_document = _parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        # The rules' work grows with the document's size with fragments spread out, which
        # can be exponential in its length: measure that (and the depth) first, in linear time.
        refused = refusal(context.graphql_document)
        context.pre_execution_errors = (
            [refused] if refused else _validated(context, context.graphql_document)
        )
        yield


class ArchiveSchema(strawberry.Schema):
    """Strawberry's schema without its own error log: a user's mistake is not the server's,
    and `ErrorCodes` already logs every unexpected failure with its traceback."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


schema = ArchiveSchema(
    query=Query,
    mutation=Mutation,
    types=list(NODE_CLASSES.values()),
    extensions=[ErrorCodes, TokenLimit, Limits, DocumentCache, TextVariables],
    scalar_overrides=SCALARS,
)
