"""传阅: a reader circulates a document, and 转阅: a recipient passes it on, when allowed."""

from __future__ import annotations

import uuid

from i18n import _
from models.access import Actor
from models.circulation import Circulation, CirculationRecipient, CirculationSource
from models.documents import Document, DocumentStatus
from models.scope import TenantScope
from services.circulation.audience import Audience, recipients
from services.documents import access, copies
from services.errors import Code, ServiceError, not_found, signed_in
from services.inputs import Checks
from services.rows import locked
from services.uow import transaction


async def circulate(
    actor: Actor | None,
    *,
    document_id: uuid.UUID | str,
    audience: Audience,
    note: str | None = None,
    allow_pass_on: bool = True,
) -> Circulation:
    """A reader by the read rule (initiator, handler, manager; not someone the document was
    only circulated to) sends it to people to read."""
    actor = signed_in(actor)
    with Checks() as checks:
        note = checks.optional_text(note, "note", max_length=2000)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        document = await _readable(actor, scope, document_id)
        if not await access.readable(actor, copies=False).filter(id=document.id).exists():
            raise ServiceError.of(
                Code.FORBIDDEN,
                _("This document was circulated to you: pass it on (转阅) instead"),
                "documentId",
            )
        users = await recipients(scope, document, audience, actor.user_id)
        return await copies.send(
            work,
            scope,
            document,
            users,
            sender_id=actor.user_id,
            source=CirculationSource.MANUAL,
            note=note or "",
            allow_pass_on=allow_pass_on,
        )


async def pass_on(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    audience: Audience,
    note: str | None = None,
) -> Circulation:
    """转阅: a recipient sends her copy on, when its circulation allows it; her copy is read."""
    actor = signed_in(actor)
    with Checks() as checks:
        note = checks.optional_text(note, "note", max_length=2000)
    scope = TenantScope(actor.tenant_id)
    async with transaction(actor) as work:
        mine = await locked(scope, CirculationRecipient, id, _("Circulation copy"), "id")
        if mine.user_id != actor.user_id:
            raise not_found(_("Circulation copy"), "id")
        document = await _readable(actor, scope, mine.document_id)
        source = await scope.query(Circulation).get(id=mine.circulation_id)
        if not source.allow_pass_on:
            raise ServiceError.of(Code.FORBIDDEN, _("This circulation may not be passed on"), "id")
        users = await recipients(scope, document, audience, actor.user_id)
        if mine.read_at is None:
            mine.read_at = work.now
            await mine.save(update_fields=["read_at", "updated_at"])
        return await copies.send(
            work,
            scope,
            document,
            users,
            sender_id=actor.user_id,
            source=CirculationSource.PASS_ON,
            note=note or "",
            parent_id=source.id,
        )


async def _readable(actor: Actor, scope: TenantScope, document_id: uuid.UUID | str) -> Document:
    """The document, locked (its trail grows), if the actor may read it and it was submitted."""
    document = await locked(scope, Document, document_id, _("Document"), "documentId")
    if not await access.may_read(actor, document):
        raise not_found(_("Document"), "documentId")
    if document.status == DocumentStatus.DRAFT:
        raise ServiceError.of(
            Code.INVALID_STATE, _("A draft cannot be circulated; submit it first"), "documentId"
        )
    return document
