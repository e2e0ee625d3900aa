"""Commands that serve the archive: the schema, API tokens, the server, the demo."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from archive import db
from archive.settings import (
    ALLOWED_HOSTS_VARIABLE,
    CORS_ORIGINS_VARIABLE,
    DATABASE_URL_VARIABLE,
    Settings,
)

if TYPE_CHECKING:
    pass

from archive.cli.archiving import import_
from archive.cli.base import (
    DbOption,
    app,
    err,
    open_engine,
    out,
    settings_for,
)

# ------------------------------------------------------------------------------ serve


@app.command()
def schema() -> None:
    """Print the GraphQL schema (SDL), as served at /graphql and kept in schema/archive.graphql."""
    from archive.graphql.schema import schema as graphql_schema

    sys.stdout.write(graphql_schema.as_str() + "\n")


token_app = typer.Typer(
    help="Bearer tokens for the API's mutations (reads need none).", no_args_is_help=True
)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    name: Annotated[
        str, typer.Argument(help="Who or what the token is for (shown in the audit log).")
    ],
    role: Annotated[
        str,
        typer.Option(
            help="editor (fix quotes, speakers, aliases; import) or admin (also merge actors, delete articles)."
        ),
    ] = "editor",
    database: DbOption = None,
) -> None:
    """Create a token and print it; it is shown only this once."""
    from archive.tokens import create_token

    settings = settings_for(database)
    with open_engine(settings) as engine:
        db.require_schema(engine)
        token = create_token(engine, name, role)
    sys.stdout.write(token + "\n")
    err.print(f"token {name!r} ({role}) created; send it as `Authorization: Bearer <token>`")


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")], database: DbOption = None
) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    from archive.tokens import revoke_token

    settings = settings_for(database)
    with open_engine(settings) as engine:
        db.require_schema(engine)
        revoke_token(engine, name)
    err.print(f"token {name!r} revoked")


@token_app.command("list")
def token_list(database: DbOption = None) -> None:
    """List tokens (names, roles, dates; never the secrets)."""
    from archive.tokens import list_tokens

    settings = settings_for(database)
    with open_engine(settings) as engine:
        db.require_schema(engine)
        tokens = list_tokens(engine)
    table = Table("name", "role", "created", "revoked")
    for info in tokens:
        table.add_row(
            info.name,
            info.role,
            f"{info.created_at:%Y-%m-%d %H:%M}",
            f"{info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "",
        )
    out.print(table)


user_app = typer.Typer(
    help="Editors who sign in on the pages: the holders of tokens, by name.", no_args_is_help=True
)
app.add_typer(user_app, name="user")


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(help="The name of the editor's token.")],
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input, not a prompt.")
    ] = False,
    database: DbOption = None,
) -> None:
    """Set the password the holder of token NAME signs in on the pages with (by name)."""
    from archive.tokens import set_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = settings_for(database)
    with open_engine(settings) as engine:
        db.require_schema(engine)
        set_password(engine, name, password)
    err.print(f"{name!r} can now sign in on the pages with this password")


@app.command()
def serve(
    database: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host name the server answers for (repeat it; *.example.org for "
            f"subdomains); others get a 400. [env: {ALLOWED_HOSTS_VARIABLE}; default: any]"
        ),
    ] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            help="An origin whose pages may query /graphql from a browser (repeat it: "
            f"https://tool.example.org). [env: {CORS_ORIGINS_VARIABLE}; default: none]"
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Addresses of proxies whose X-Forwarded-For names the client (comma-separated, "
            "* for any): the address failed sign-ins are counted by. [default: 127.0.0.1]"
        ),
    ] = None,
) -> None:
    """Serve the GraphQL API (/graphql) and the pages with uvicorn."""
    settings = settings_for(
        database,
        allowed_hosts=tuple(allowed_host) if allowed_host else None,
        cors_origins=tuple(cors_origin) if cors_origin else None,
    )
    with open_engine(settings) as engine:
        db.require_schema(engine)
    _run_server(settings, host, port, workers, forwarded_allow_ips)


def _run_server(
    settings: Settings, host: str, port: int, workers: int, proxies: str | None = None
) -> None:
    import uvicorn

    # Worker processes rebuild the app from the environment, so hand the settings over there.
    os.environ[DATABASE_URL_VARIABLE] = settings.database_url
    os.environ[ALLOWED_HOSTS_VARIABLE] = ",".join(settings.allowed_hosts)
    os.environ[CORS_ORIGINS_VARIABLE] = ",".join(settings.cors_origins)
    err.print(
        f"serving {db.display_url(settings.database_url)} on http://{host}:{port}/ (Ctrl+C to stop)"
    )
    uvicorn.run(
        "archive.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        forwarded_allow_ips=proxies,
    )


@app.command()
def demo(
    database: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Import the sample articles the project ships, then serve them."""
    samples = resources.files("archive") / "samples"
    with resources.as_file(samples) as folder:
        try:
            import_(
                [str(folder)],
                database=database,
                update=False,
                strict=False,
                workers=1,
                batch_size=500,
                rejects=Path("archive-rejects.jsonl"),
                input_format=None,
                extract=True,
            )
        except typer.Exit as exit_:
            if exit_.exit_code:
                raise
    _run_server(settings_for(database), host, port, 1)
