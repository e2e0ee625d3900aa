"""The API page (``/api``): a query console, the example operations and the schema's
documentation, one anchor per type and field; and the schema as SDL (``/api/schema.graphql``)
for tools and for the console's editor.

The console is a plain form that posts to ``/api`` and shows the answer, so it works without
JavaScript. ``static/graphql-console.js`` (CodeMirror 6 with cm6-graphql, see
``static/console/``) turns it into editors with completion and validation against the schema,
which run queries on ``POST /graphql`` with the headers the reader gives. CodeMirror adds its
styles as ``<style>`` elements: this page's Content-Security-Policy admits them by a nonce
drawn for each response, so that ``unsafe-inline`` stays out of the policy.
"""

from __future__ import annotations

import functools
import json
import secrets
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    print_ast,
)
from graphql.pyutils import Undefined
from graphql.utilities import ast_from_value
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive import assets
from archive.graphql.inputs import json_object
from archive.middleware import CONTENT_SECURITY_POLICY
from archive.web.graph import execute

CONSOLE_LIMIT = 20_000


@dataclass(frozen=True)
class Example:
    """One of ``schema/examples``: its file's stem, its operation and its variables (the JSON
    file of the same stem, when there is one)."""

    name: str
    query: str
    variables: str


def examples() -> list[Example]:
    found = []
    for path in assets.examples():
        variables = path.with_suffix(".json")
        found.append(
            Example(
                name=path.stem,
                query=path.read_text(encoding="utf-8"),
                variables=variables.read_text(encoding="utf-8").strip()
                if variables.exists()
                else "",
            )
        )
    return found


# ------------------------------------------------------------------------------ documentation


@dataclass(frozen=True)
class Member:
    """A field, argument, input field or enum value, for the documentation."""

    name: str
    description: str
    type: str  # as GraphQL writes it ("[Quote!]!"), empty for an enum value
    type_name: str  # the named type inside it, to link to
    default: str
    arguments: tuple[Member, ...]
    deprecated: str


@dataclass(frozen=True)
class TypeDoc:
    name: str
    kind: str  # "object", "input", "enum", "scalar", "interface", "union"
    description: str
    members: tuple[Member, ...]
    possible: tuple[str, ...]  # a union's members, an interface's implementations


def _default(argument: GraphQLArgument | GraphQLInputField) -> str:
    if argument.default_value is Undefined or argument.default_value is None:
        return ""  # no default, or null: nothing to say
    node = ast_from_value(argument.default_value, argument.type)
    return print_ast(node) if node is not None else ""


def _member(
    name: str,
    field: GraphQLField | GraphQLArgument | GraphQLInputField,
    arguments: tuple[Member, ...] = (),
) -> Member:
    default = "" if isinstance(field, GraphQLField) else _default(field)
    return Member(
        name=name,
        description=field.description or "",
        type=str(field.type),
        type_name=get_named_type(field.type).name,
        default=default,
        arguments=arguments,
        deprecated=getattr(field, "deprecation_reason", None) or "",
    )


def _type_doc(schema: GraphQLSchema, named: GraphQLNamedType) -> TypeDoc:
    members: list[Member] = []
    possible: tuple[str, ...] = ()
    kind = "scalar"
    if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
        kind = "object" if isinstance(named, GraphQLObjectType) else "interface"
        for name, field in named.fields.items():
            arguments = tuple(_member(a, arg) for a, arg in field.args.items())
            members.append(_member(name, field, arguments))
        if isinstance(named, GraphQLInterfaceType):
            possible = tuple(t.name for t in schema.get_possible_types(named))
    elif isinstance(named, GraphQLInputObjectType):
        kind = "input"
        members = [_member(name, field) for name, field in named.fields.items()]
    elif isinstance(named, GraphQLEnumType):
        kind = "enum"
        members = [
            Member(name, v.description or "", "", "", "", (), v.deprecation_reason or "")
            for name, v in named.values.items()
        ]
    elif isinstance(named, GraphQLUnionType):
        kind = "union"
        possible = tuple(t.name for t in named.types)
    return TypeDoc(named.name, kind, named.description or "", tuple(members), possible)


def documentation(schema: GraphQLSchema) -> list[TypeDoc]:
    """Every type of ``schema`` a client can meet, the root types first, then by name."""
    roots = [t for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t]
    others = sorted(
        (t for n, t in schema.type_map.items() if not n.startswith("__") and t not in roots),
        key=lambda t: t.name,
    )
    return [_type_doc(schema, t) for t in [*roots, *others]]


@functools.cache
def _served_documentation() -> list[TypeDoc]:
    """The served schema's documentation, made once: the schema does not change while served."""
    from archive.graphql.schema import schema

    return documentation(schema._schema)


@functools.cache
def _served_sdl() -> str:
    from archive.graphql.schema import schema

    return schema.as_str() + "\n"


# ------------------------------------------------------------------------------ routes


async def api(request: Request) -> Response:
    from archive.web.routes import render

    found = examples()
    asked = request.query_params.get("example")
    shown = next((e for e in found if e.name == asked), found[0] if found else None)
    shown = shown or Example("", "{ stats { articles } }", "")
    query, variables = shown.query, shown.variables
    answer = None
    if request.method == "POST":
        form = await request.form()
        query = str(form.get("query") or "")[:CONSOLE_LIMIT]
        variables = str(form.get("variables") or "").strip()[:CONSOLE_LIMIT]
        answer = await _console_answer(request, query, variables)
    nonce = secrets.token_urlsafe(18)
    context = {
        "examples": found,
        "query": query,
        "variables": variables,
        "answer": answer,
        "docs": _served_documentation(),
        "style_nonce": nonce,
    }
    response = render(request, "api.html", "_console.html", context)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", f"style-src 'self' 'nonce-{nonce}'"
    )
    return response


async def _console_answer(request: Request, query: str, variables_text: str) -> str:
    """What POST /graphql would answer for this query, as indented JSON."""
    if not query.strip():
        return json.dumps({"errors": [{"message": "write a query to run"}]}, indent=2)
    try:
        variables = json_object(variables_text, "the variables") if variables_text else None
    except ValueError as error:
        return json.dumps({"errors": [{"message": str(error)}]}, indent=2)
    result = await execute(request, query, variables)
    answer: dict[str, Any] = {}
    if result.errors:
        answer["errors"] = [e.formatted for e in result.errors]
    if result.data is not None or not result.errors:
        answer["data"] = result.data
    return json.dumps(answer, indent=2, ensure_ascii=False, default=str)


async def schema_sdl(request: Request) -> Response:
    """The schema in SDL, as ``archive schema`` prints it."""
    return Response(
        _served_sdl(),
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


routes = [
    Route("/api", api, methods=["GET", "POST"], name="api"),
    Route("/api/schema.graphql", schema_sdl, name="schema_sdl"),
]
