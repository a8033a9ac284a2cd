"""Trusted documents on the wire: a request may name a registered operation instead of sending
its text, as Apollo's persisted queries (`extensions.persistedQuery.sha256Hash`) or the
GraphQL-over-HTTP trusted documents proposal (`documentId`: `sha256:<hash>`, or the id the
client's build gave it). With `OFFICECLOUD_TRUSTED_DOCUMENTS_ONLY=true` every operation, HTTP
or websocket, must be registered (its text, if sent, is checked by its hash). What a
registered operation may read is decided exactly as for any other: it runs the same way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
from tortoise.exceptions import IntegrityError

from i18n import _
from models.operations import TrustedDocument
from services import operations, tenants

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
REQUIRED = "PERSISTED_QUERY_REQUIRED"
MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"


class Unknown(Exception):
    """The request cannot run: `code` says why (one of the constants above)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class TrustedDocuments:
    """Registered documents by hash and by client id, read once per process (a registration
    is visible on its next use: a miss reads the table)."""

    def __init__(self, only: bool) -> None:
        self.only = only
        self._bodies: dict[str, str] = {}
        self._ids: dict[str, str] = {}

    async def body(self, key: str) -> str | None:
        """The text of the document with this hash (or `sha256:` document id, or client id)."""
        key = key.removeprefix("sha256:")
        found = self._bodies.get(key) or self._bodies.get(self._ids.get(key, ""))
        if found is not None:
            return found
        row = await TrustedDocument.get_or_none(hash=key.lower()) if len(key) == 64 else None
        row = row or await TrustedDocument.get_or_none(document_id=key)
        if row is None:
            return None
        self._bodies[row.hash] = row.body
        if row.document_id:
            self._ids[row.document_id] = row.hash
        return row.body

    async def resolve(self, query: Any, extensions: Any, document_id: Any) -> Any:
        """The query to run; raises `Unknown` when the request may not run."""
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        key = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        key = key if isinstance(key, str) and key else None
        if isinstance(document_id, str) and document_id:
            key = document_id
        if isinstance(query, str) and query:
            digest = hashlib.sha256(query.encode()).hexdigest()
            named = key is not None and key.removeprefix("sha256:") != digest
            # An unregistered hash names no text: the text runs (a client's retry after
            # PersistedQueryNotFound, whose text may be printed otherwise than it hashed).
            if named and await self.body(key or "") not in (None, query):
                raise Unknown(MISMATCH, _("The document's hash or id does not match its text"))
            if self.only and await self.body(digest) is None:
                raise Unknown(REQUIRED, _("This server runs registered operations only"))
            return query
        if key is None:
            return query
        body = await self.body(key)
        if body is None:
            # Not translated: Apollo-style clients read this very text as "send the query".
            raise Unknown(NOT_FOUND, "PersistedQueryNotFound")
        return body


def console_manifest(path: Path) -> list[operations.Operation]:
    """The operations of the console's build (`web/dist/persisted-documents.json`, written by
    its GraphQL Code Generator); none without a build."""
    if not path.is_file():
        return []
    return operations.from_manifest(orjson.loads(path.read_bytes()))


async def register_console(found: list[operations.Operation]) -> None:
    """Register the console's operations at start, so it runs where only registered ones do.
    Processes starting together may race: the loser finds the rows the winner wrote."""
    if not found:
        return
    actor = await tenants.system_actor()
    for attempt in (1, 2):
        try:
            await operations.register_operations(actor, found)
            return
        except IntegrityError:
            if attempt == 2:
                raise
