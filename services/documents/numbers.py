"""Document numbers (文号): gap-free and unique per type and year under concurrency.

The sequence row of (type, year) is locked for the rest of the allocating transaction, so
numbers are handed out one at a time and a rolled-back transaction gives its number back. A
number can be voided with a reason; it stays recorded and is never handed out again.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from i18n import _
from models.access import Actor, Permission
from models.documents import Document, DocumentNumber, DocumentType, NumberSequence
from models.scope import TenantScope
from services.documents.trail import trail
from services.errors import Code, ServiceError, require
from services.inputs import Checks
from services.rows import locked
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id


def render(pattern: str, *, year: int, seq: int, width: int) -> str:
    return pattern.replace("{year}", str(year)).replace("{seq}", str(seq).zfill(width))


async def _sequence(scope: TenantScope, doc_type: DocumentType, year: int) -> NumberSequence:
    """The locked sequence row, created on first use (a savepoint absorbs a creation race)."""
    query = scope.query(NumberSequence).filter(document_type_id=doc_type.id, year=year)
    row = await query.select_for_update().get_or_none()
    if row is not None:
        return row
    try:
        async with in_transaction():
            await scope.create(NumberSequence, document_type_id=doc_type.id, year=year)
    except IntegrityError:
        pass
    return await query.select_for_update().get()


async def allocate(
    scope: TenantScope, doc_type: DocumentType, document: Document, now: datetime
) -> DocumentNumber:
    """Give `document` the next number; call inside the transaction that needs it."""
    sequence = await _sequence(scope, doc_type, now.year)
    sequence.last_seq += 1
    await sequence.save(update_fields=["last_seq", "updated_at"])
    text = render(
        doc_type.number_pattern, year=now.year, seq=sequence.last_seq, width=doc_type.seq_width
    )
    number = await scope.create(
        DocumentNumber,
        document_id=document.id,
        document_type_id=doc_type.id,
        year=now.year,
        seq=sequence.last_seq,
        text=text,
    )
    document.number = text
    return number


async def void_number(
    actor: Actor | None, *, document_id: uuid.UUID | str, reason: str
) -> Document:
    """Void a document's current number; it keeps no number until one is allocated again."""
    actor = require(actor, Permission.DOCUMENTS_MANAGE)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        reason = checks.text(reason, "reason", max_length=1000)
    async with transaction(actor) as work:
        document = await locked(scope, Document, document_id, _("Document"), "id")
        current = (
            await scope.query(DocumentNumber).filter(document_id=document.id, voided=False).first()
        )
        if current is None:
            raise ServiceError.of(Code.INVALID_STATE, _("The document has no number to void"))
        current.voided, current.void_reason = True, reason
        current.voided_at, current.voided_by_id = work.now, actor.user_id
        await current.save()
        document.number = None
        document.version += 1
        await document.save()
        await trail(
            scope,
            document,
            "number_voided",
            actor_id=actor.user_id,
            comment=reason,
            data={"number": current.text},
        )
        _record(work, actor, document, current.text, reason)
    return document


def _record(work: Work, actor: Actor, document: Document, text: str, reason: str) -> None:
    data = {"number": text, "reason": reason}
    work.audit(actor.tenant_id, "document.number_voided", "Document", document.id, data)
    work.emit(
        actor.tenant_id,
        Topic.DOCUMENT_NUMBER_VOIDED,
        {"documentId": global_id("Document", document.id), **data},
    )
