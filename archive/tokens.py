"""Bearer tokens for the API's mutations. A token is shown once, when created; the database
keeps only its SHA-256, so a copy of the database does not leak working tokens. Its holder may
also get a password to sign in on the pages with (the database keeps its scrypt only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from archive.errors import ArchiveError
from archive.tables import API_TOKENS, utcnow
from archive.vocab import TOKEN_ROLES


class TokenError(ArchiveError):
    """A token operation that cannot be done (unknown name, name taken, bad role)."""


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(engine: Engine, name: str, role: str = "editor") -> str:
    """A new token named ``name`` (who it is for); returns the secret, which is not stored."""
    if role not in TOKEN_ROLES:
        raise TokenError(
            f"unknown role {role!r}", suggestion=f"use one of {', '.join(TOKEN_ROLES)}"
        )
    if not name.strip() or len(name) > 100:
        raise TokenError("a token needs a name of 1 to 100 characters")
    token = "arc_" + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        taken = connection.execute(select(API_TOKENS.c.id).where(API_TOKENS.c.name == name)).first()
        if taken is not None:
            raise TokenError(
                f"a token named {name!r} exists", suggestion="pick another name or revoke it first"
            )
        connection.execute(
            insert(API_TOKENS).values(
                name=name, role=role, token_hash=token_hash(token), created_at=utcnow()
            )
        )
    return token


def revoke_token(engine: Engine, name: str) -> None:
    with engine.begin() as connection:
        done = connection.execute(
            update(API_TOKENS)
            .where(API_TOKENS.c.name == name, API_TOKENS.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    if done.rowcount == 0:
        raise TokenError(
            f"no active token named {name!r}", suggestion="`archive token list` shows them"
        )


def list_tokens(engine: Engine) -> list[TokenInfo]:
    with engine.connect() as connection:
        rows = connection.execute(select(API_TOKENS).order_by(API_TOKENS.c.name)).mappings()
        return [TokenInfo(r["name"], r["role"], r["created_at"], r["revoked_at"]) for r in rows]


MIN_PASSWORD = 12
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def password_hash(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` of ``password`` (base64), with a new salt unless given."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, **_SCRYPT)
    encoded = (base64.b64encode(part).decode("ascii") for part in (salt, digest))
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + "$".join(encoded)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a ``password_hash``) was made of."""
    if not stored:
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        made = hashlib.scrypt(
            password.encode("utf-8", "surrogatepass"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(made, expected)


def set_password(engine: Engine, name: str, password: str) -> None:
    """Let the holder of the active token ``name`` sign in on the pages with ``password``."""
    if len(password) < MIN_PASSWORD:
        raise TokenError(f"a password needs at least {MIN_PASSWORD} characters")
    with engine.begin() as connection:
        done = connection.execute(
            update(API_TOKENS)
            .where(API_TOKENS.c.name == name, API_TOKENS.c.revoked_at.is_(None))
            .values(password_hash=password_hash(password))
        )
    if done.rowcount == 0:
        raise TokenError(
            f"no active token named {name!r}",
            suggestion="create one first: `archive token create NAME`",
        )
