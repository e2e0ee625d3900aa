"""Persisted queries by hash (Apollo's "automatic persisted queries"), so that a client sends
a document's SHA-256 instead of the document, and a GET of the same query can be cached.

A request whose ``extensions.persistedQuery`` gives ``{"version": 1, "sha256Hash": H}``:
- with the document too, the document's hash must be ``H`` (else 400); it is remembered;
- without it, the remembered document of ``H`` runs; when there is none, the answer is the
  error ``PERSISTED_QUERY_NOT_FOUND`` (HTTP 200), on which clients send the document along.

Each server process remembers up to ``MAX_DOCUMENTS`` documents, least recently used first
forgotten; a client that meets a forgotten hash sends the document again.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from graphql import GraphQLError
from lia import HTTPException
from strawberry.http import GraphQLRequestData

MAX_DOCUMENTS = 10_000
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
_HASH = re.compile(r"[0-9a-f]{64}")


class PersistedQueryNotFound(Exception):
    """The hash names no document this process remembers."""

    def error(self) -> GraphQLError:
        return GraphQLError("PersistedQueryNotFound", extensions={"code": NOT_FOUND_CODE})


class PersistedQueries:
    """Documents by their SHA-256, for one server process."""

    def __init__(self, size: int = MAX_DOCUMENTS) -> None:
        self.size = size
        self.documents: OrderedDict[str, str] = OrderedDict()

    def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """``data`` with the document its hash names; unchanged without a persisted query.
        Raises ``HTTPException`` (400) for a malformed one or a hash that is not the given
        document's, and ``PersistedQueryNotFound`` for an unknown hash without a document."""
        persisted = (data.extensions or {}).get("persistedQuery")
        if persisted is None:
            return data
        digest = _checked_hash(persisted)
        if data.query is not None:
            if hashlib.sha256(data.query.encode("utf-8")).hexdigest() != digest:
                raise HTTPException(400, "provided sha256Hash does not match the query")
            self.documents[digest] = data.query
            self.documents.move_to_end(digest)
            while len(self.documents) > self.size:
                self.documents.popitem(last=False)
            return data
        document = self.documents.get(digest)
        if document is None:
            raise PersistedQueryNotFound(digest)
        self.documents.move_to_end(digest)
        return replace(data, query=document)


def _checked_hash(persisted: Any) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise HTTPException(400, "extensions.persistedQuery must be {version: 1, sha256Hash}")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest):
        raise HTTPException(400, "sha256Hash must be 64 lowercase hexadecimal digits")
    return digest
