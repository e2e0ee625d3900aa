"""Editors on the pages over plain HTTP, for the tests of corrections: a token, a client
signed in with it, an anonymous one, and the form token a page carries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from archive import db
from archive.tokens import create_token


def editor_token(url: str, name: str, role: str = "editor") -> str:
    """A new API token named ``name`` of ``role`` in the archive at ``url``."""
    engine = db.sync_engine(url)
    try:
        return create_token(engine, name, role=role)
    finally:
        engine.dispose()


def form_token(page: httpx.Response) -> str:
    """The form token (CSRF) of the first form on ``page``, which must have loaded."""
    assert page.status_code == 200, page.text[:300]
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, "the page has no form token"
    return found.group(1)


@contextmanager
def signed_in(base: str, token: str) -> Iterator[httpx.Client]:
    """A client signed in on the pages at ``base`` with ``token``."""
    with httpx.Client(base_url=base) as client:
        csrf = form_token(client.get("/signin"))
        answer = client.post("/signin", data={"csrf": csrf, "token": token, "next": "/"})
        assert answer.status_code == 303, answer.text[:300]
        yield client


@contextmanager
def anonymous(base: str) -> Iterator[httpx.Client]:
    """A client that is not signed in."""
    with httpx.Client(base_url=base) as client:
        yield client
