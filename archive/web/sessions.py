"""Editors signed in on the pages: a session per sign-in, its cookie, and the form token
(CSRF) that every change must carry.

An editor signs in with an API token; the token's role (editor, admin) is the session's. The
cookie holds a random secret, which the database keeps only as a SHA-256: a copy of the
database signs nobody in. It is ``HttpOnly`` (no script reads it), ``SameSite=Lax`` (another
site's form posts do not carry it) and ``Secure`` when the request came over TLS. A session
ends when its editor signs out, after ``SESSION_HOURS``, or when its token is revoked.

Every form that changes something carries the session's form token in a hidden ``csrf``
field, compared in constant time: a post without it, from anyone, is refused with 403 before
anything is read. The sign-in form, before any session, carries one from a cookie of its own
(double submit), so that no other site can sign a reader in under its own token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, insert, select
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from archive.graphql.context import Editor
from archive.graphql.database import Database
from archive.tables import API_TOKENS, SIGN_IN_FAILURES, WEB_SESSIONS, utcnow
from archive.tokens import password_matches, token_hash
from archive.web.graph import PageError

COOKIE = "archive_session"
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60
SIGN_IN_COOKIE = "archive_signin"
SESSION_HOURS = 12
MAX_FORM_BYTES = 64_000


@dataclass(frozen=True)
class Session:
    """A signed-in editor, and the form token of their session."""

    editor: Editor
    csrf: str


class Attempts:
    """Failed sign-ins per client address, kept in the database so that every server process
    counts the same ones: after ``MAX_FAILURES`` within ``FAILURE_WINDOW_SECONDS``, signing in
    from that address is refused (429) until the oldest of them is that old. A brake on
    guessing tokens and passwords, beside scrypt's cost. Behind a proxy, the client address
    is the proxy's unless the server trusts its forwarded headers (uvicorn's
    ``--forwarded-allow-ips``)."""

    def __init__(self, request: Request) -> None:
        self.engine = request.app.state.engine
        self.client = (request.client.host if request.client else "unknown")[:100]

    def _since(self) -> Any:
        return utcnow() - timedelta(seconds=FAILURE_WINDOW_SECONDS)

    async def check(self) -> None:
        recent = select(
            func.min(SIGN_IN_FAILURES.c.at).label("oldest"), func.count().label("count")
        ).where(SIGN_IN_FAILURES.c.address == self.client, SIGN_IN_FAILURES.c.at > self._since())
        database = Database(self.engine)
        try:
            failures = (await database.rows(recent))[0]
        finally:
            await database.end()
        if failures["count"] >= MAX_FAILURES:
            left = failures["oldest"] + timedelta(seconds=FAILURE_WINDOW_SECONDS) - utcnow()
            wait = int(left.total_seconds()) // 60 + 1
            raise PageError(429, f"Too many failed sign-ins; try again in {wait} minutes.")

    async def failed(self) -> None:
        """Count a failure; failures past the window, from any address, are forgotten."""
        await self._write(
            delete(SIGN_IN_FAILURES).where(SIGN_IN_FAILURES.c.at <= self._since()),
            insert(SIGN_IN_FAILURES).values(address=self.client, at=utcnow()),
        )

    async def succeeded(self) -> None:
        await self._write(delete(SIGN_IN_FAILURES).where(SIGN_IN_FAILURES.c.address == self.client))

    async def _write(self, *statements: Any) -> None:
        database = Database(self.engine)
        try:
            async with database.transaction() as connection:
                for statement in statements:
                    await connection.execute(statement)
        finally:
            await database.end()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _database(request: Request) -> Database:
    return Database(request.app.state.engine)


async def current(request: Request) -> Session | None:
    """The session the request's cookie names, if it is still valid; read once a request."""
    if "session" in request.scope.get("state", {}):
        return request.state.session  # type: ignore[no-any-return]
    found = None
    secret = request.cookies.get(COOKIE)
    if secret:
        database = _database(request)
        try:
            rows = await database.rows(
                select(WEB_SESSIONS.c.csrf, API_TOKENS.c.name, API_TOKENS.c.role)
                .join(API_TOKENS, API_TOKENS.c.id == WEB_SESSIONS.c.token_id)
                .where(
                    WEB_SESSIONS.c.secret_hash == _hash(secret),
                    WEB_SESSIONS.c.expires_at > utcnow(),
                    API_TOKENS.c.revoked_at.is_(None),
                )
            )
        finally:
            await database.end()
        if rows:
            found = Session(Editor(rows[0]["name"], rows[0]["role"]), rows[0]["csrf"])
    request.state.session = found
    return found


async def sign_in(request: Request, token: str, response: Response) -> Editor:
    """Start a session for the holder of ``token`` and set its cookie on ``response``; a
    ``PageError`` (401) when the token is unknown or revoked."""
    held = API_TOKENS.c.token_hash == token_hash(token.strip())
    return await _start(
        request, held, response, lambda row: True, "That token is unknown or revoked."
    )


async def sign_in_with_password(
    request: Request, name: str, password: str, response: Response
) -> Editor:
    """Start a session for the editor ``name`` if ``password`` is theirs (``archive user
    password``); a ``PageError`` (401) otherwise, the same whichever part was wrong."""
    named = API_TOKENS.c.name == name.strip()
    return await _start(
        request,
        named,
        response,
        lambda row: password_matches(row["password_hash"], password),
        "That name and password do not match an editor.",
    )


async def _start(
    request: Request,
    which: Any,
    response: Response,
    accepted: Callable[[Any], bool],
    refusal: str,
) -> Editor:
    database = _database(request)
    try:
        async with database.transaction() as connection:
            row = (
                (
                    await connection.execute(
                        select(
                            API_TOKENS.c.id,
                            API_TOKENS.c.name,
                            API_TOKENS.c.role,
                            API_TOKENS.c.password_hash,
                        ).where(which, API_TOKENS.c.revoked_at.is_(None))
                    )
                )
                .mappings()
                .first()
            )
            if row is None or not accepted(row):
                raise PageError(401, refusal)
            secret = secrets.token_urlsafe(32)
            now = utcnow()
            await connection.execute(
                insert(WEB_SESSIONS).values(
                    secret_hash=_hash(secret),
                    token_id=row["id"],
                    csrf=secrets.token_urlsafe(32),
                    created_at=now,
                    expires_at=now + timedelta(hours=SESSION_HOURS),
                )
            )
    finally:
        await database.end()
    _set_cookie(request, response, COOKIE, secret, SESSION_HOURS * 3600)
    response.delete_cookie(SIGN_IN_COOKIE, path="/signin")
    return Editor(row["name"], row["role"])


async def sign_out(request: Request, response: Response) -> None:
    """End the request's session, if any, and clear its cookie."""
    secret = request.cookies.get(COOKIE)
    if secret:
        database = _database(request)
        try:
            async with database.transaction() as connection:
                await connection.execute(
                    delete(WEB_SESSIONS).where(WEB_SESSIONS.c.secret_hash == _hash(secret))
                )
        finally:
            await database.end()
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")


def _set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    path = "/" if name == COOKIE else "/signin"
    secure = request.url.scheme == "https"
    response.set_cookie(
        name, value, max_age=age, path=path, httponly=True, samesite="lax", secure=secure
    )


def sign_in_form_token(request: Request) -> str:
    """The form token of the sign-in form: the one its cookie holds, or a new one."""
    return request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(32)


def remember_sign_in_form(request: Request, response: Response, token: str) -> None:
    """Set the sign-in form's token as its cookie too (double submit)."""
    _set_cookie(request, response, SIGN_IN_COOKIE, token, 3600)


async def form_of(request: Request) -> FormData:
    """The posted form; a ``PageError`` (413) past ``MAX_FORM_BYTES``."""
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        raise PageError(413, "That form is too large.")
    return await request.form(max_files=0, max_fields=50)


def check_sign_in_form(request: Request, form: FormData) -> None:
    """Refuse (403) a sign-in post whose form token does not match its cookie."""
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
        raise PageError(403, "The form has expired; open the sign-in page again.")


async def editor_for_change(request: Request, form: FormData, role: str = "editor") -> Editor:
    """The editor whose form this is: refuses with 403 a post without a valid session, with a
    wrong or missing form token, or from an editor whose role is below ``role``."""
    session = await current(request)
    if session is None:
        raise PageError(403, "Sign in to change the archive.")
    if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf):
        raise PageError(403, "The form has expired; reload the page and try again.")
    if role == "admin" and session.editor.role != "admin":
        raise PageError(403, "Only an admin can make that change.")
    return session.editor


async def changing(request: Request, role: str = "editor") -> tuple[FormData, Editor]:
    """The posted form of a change, and the editor making it (see ``editor_for_change``)."""
    form = await form_of(request)
    return form, await editor_for_change(request, form, role)


def back_to(target: str | None, default: str = "/") -> str:
    """A path on this site to go to after a form: ``target`` if it is one, else ``default``
    (a full URL or ``//host`` would send the editor elsewhere)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return default
    return target


class SignedIn:
    """ASGI middleware: for a page request that carries a session cookie, reads the session
    once, so that every page can show who is signed in (``shown``). The API ignores it: its
    changes need a bearer token, never a cookie another site's page could send."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(("/graphql", "/static")):
            request = Request(scope)
            if COOKIE in request.cookies:
                await current(request)
        await self.app(scope, receive, send)


def shown(request: Request) -> dict[str, Session | None]:
    """The templates' ``session``: the signed-in editor and form token, or None."""
    return {"session": request.scope.get("state", {}).get("session")}
