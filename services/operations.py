"""Registering trusted documents (the operations a front end's build produced), by the SHA-256
of their text. Only a platform administrator (or the command line, as the system actor)
registers; registering a document again changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse

from i18n import _
from models.access import Actor
from models.operations import TrustedDocument
from services.errors import Code, ServiceError, signed_in
from services.inputs import Checks
from services.uow import transaction

MAX_DOCUMENTS = 500
MAX_BYTES = 100_000


@dataclass(frozen=True)
class Operation:
    body: str
    document_id: str | None = None
    """The client's own id for it, when that is not `sha256:<hash>` (Relay's ids)."""


def from_manifest(data: Any) -> list[Operation]:
    """The documents of a client build's manifest: Apollo's persisted query manifest
    (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}, …]}`, ids
    being SHA-256 hashes), Relay's (`{"<id>": "<text>", …}`) or a list of texts."""
    if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
        found = []
        for op in data.get("operations") or []:
            body = op.get("body") if isinstance(op, dict) else None
            if not isinstance(body, str) or op.get("id") != sha256(body):
                raise ServiceError.of(
                    Code.INVALID, _("Not an operation with its hash: {op:.80}", op=repr(op))
                )
            found.append(Operation(body))
        return found
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return [Operation(body, None if k == sha256(body) else k) for k, body in data.items()]
    if isinstance(data, list) and all(isinstance(v, str) for v in data):
        return [Operation(body) for body in data]
    raise ServiceError.of(Code.INVALID, _("Not a persisted query manifest (Apollo, Relay, a list)"))


def sha256(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def _name(body: str, checks: Checks, index: int) -> str | None:
    try:
        document = parse(body, no_location=True, max_tokens=20_000)
    except GraphQLError as exc:
        checks.fail(
            Code.INVALID,
            _("Not a GraphQL document: {message}", message=exc.message),
            "documents",
            str(index),
        )
        return None
    names = [
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    ]
    return names[0] if names else None


async def register_operations(
    actor: Actor | None, operations: list[Operation]
) -> list[TrustedDocument]:
    """Store each document (validated as GraphQL syntax); the rows, in the order given."""
    actor = signed_in(actor)
    if not actor.is_platform_admin:
        raise ServiceError.of(Code.FORBIDDEN, _("Only platform administrators register operations"))
    with Checks() as checks:
        if not operations or len(operations) > MAX_DOCUMENTS:
            checks.fail(
                Code.INVALID,
                _("Send 1 to {MAX_DOCUMENTS} documents", MAX_DOCUMENTS=MAX_DOCUMENTS),
                "documents",
            )
        names: list[str | None] = []
        for i, op in enumerate(operations[:MAX_DOCUMENTS]):
            if len(op.body.encode()) > MAX_BYTES:
                checks.fail(
                    Code.INVALID,
                    _("Larger than {MAX_BYTES} bytes", MAX_BYTES=MAX_BYTES),
                    "documents",
                    str(i),
                )
                names.append(None)
            else:
                names.append(_name(op.body, checks, i))
    rows = []
    async with transaction(actor) as work:
        for op, name in zip(operations, names, strict=True):
            key = sha256(op.body)
            row = await TrustedDocument.get_or_none(hash=key)
            taken = op.document_id and await TrustedDocument.get_or_none(document_id=op.document_id)
            if taken and taken.hash != key:
                raise ServiceError.of(
                    Code.DUPLICATE,
                    _("'{document_id}' names another document", document_id=op.document_id),
                    "documents",
                )
            if row is None:
                row = await TrustedDocument.create(
                    hash=key, body=op.body, name=name, document_id=op.document_id
                )
                work.audit(
                    actor.tenant_id,
                    "operation.registered",
                    "TrustedDocument",
                    row.id,
                    {"hash": key, "name": name, "documentId": op.document_id},
                )
            rows.append(row)
    return rows
