"""The incoming box (收文箱): who works it, signing for an item (签收), which starts the
receiver's own 收文 flow, and returning it to the sender (退回).

Who may act on an item: holders of `exchange.receive`. An item addressed to the tenant as a
whole is for every holder; an item addressed to an org unit is for holders who are members of
that unit, or whose grant's data scope reaches it (tenant administrators reach every unit).
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from i18n import _
from models.access import Actor, DataScope, Permission
from models.directory import Membership
from models.documents import Attachment, Document, DocumentKind, DocumentType
from models.exchange import (
    Dispatch,
    DispatchRecipient,
    IncomingAttachment,
    IncomingItem,
    IncomingStatus,
    RecipientStatus,
)
from models.forms import FormVersion
from models.notifications import NotificationKind
from models.scope import TenantScope
from models.tenants import Tenant
from services.documents import lifecycle
from services.documents.trail import trail
from services.errors import Code, ServiceError, not_found, require
from services.exchange import records
from services.forms import data_problems
from services.inputs import Checks, parse_id
from services.notifications import holders, notify
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

RECEIPT_FIELDS = ("sender", "senderCode", "senderNumber", "body")
"""The only receipt-form fields filled from a copy, so a sender never steers the receiver's
flow (a public field named like an assignee field of the receiver's form stays out)."""


def workable(actor: Actor) -> QuerySet[IncomingItem]:
    """The incoming items of the actor's tenant it may see and act on, as one query."""
    scope = TenantScope(actor.tenant_id)
    grants = [g for g in actor.grants if Permission.EXCHANGE_RECEIVE.value in g.permissions]
    if not grants:
        return scope.query(IncomingItem).filter(id=uuid.UUID(int=0))  # pragma: no mutate
    if any(g.scope is DataScope.TENANT for g in grants):
        return scope.query(IncomingItem)
    member_of = Subquery(
        scope.query(Membership).filter(user_id=actor.user_id).values("org_unit_id")
    )
    condition = Q(org_unit_id__isnull=True) | Q(org_unit_id__in=member_of)
    for grant in grants:
        for anchor in grant.anchor_paths:
            if grant.scope is DataScope.ORG_UNIT_AND_BELOW:
                condition |= Q(org_unit__path__startswith=anchor)
            elif grant.scope is DataScope.ORG_UNIT:
                condition |= Q(org_unit__path=anchor)
    return scope.query(IncomingItem).filter(condition)


async def readable_attachment(actor: Actor, attachment_id: Any) -> IncomingAttachment | None:
    """A copied attachment, if the actor may work its incoming item (for downloads)."""
    row = await TenantScope(actor.tenant_id).get(IncomingAttachment, parse_id(attachment_id))
    if row is None or not await workable(actor).filter(id=row.incoming_id).exists():
        return None
    return row


async def sign(
    actor: Actor | None,
    *,
    incoming_id: uuid.UUID | str,
    document_type_id: uuid.UUID | str | None = None,
    comment: str | None = None,
) -> IncomingItem:
    """签收: start a 收文 document of the tenant's receipt type from the copy, submitted by
    the signer, and tell the sender. One transaction across both tenants."""
    actor = require(actor, Permission.EXCHANGE_RECEIVE)
    scope = TenantScope(actor.tenant_id)
    with Checks() as checks:
        comment = checks.optional_text(comment, "comment", max_length=2000)
    async with transaction(actor) as work:
        item = await _locked(actor, incoming_id)
        doc_type = await _receipt_type(scope, document_type_id)
        unit = await _own_unit(scope, actor, item)
        document = await lifecycle.create_document(
            actor,
            document_type_id=doc_type.id,
            title=item.title,
            urgency=item.urgency,
            secrecy=item.secrecy,
            org_unit_id=unit,
        )
        await _fill(scope, document, item)
        await _copy_attachments(scope, actor, document, item)
        await trail(
            scope,
            document,
            "received",
            actor_id=actor.user_id,
            data={
                "incoming": str(item.id),
                "sender": item.sender_name,
                "senderCode": item.sender_code,
                "number": item.number,
            },
        )
        document = await lifecycle.submit_document(actor, id=document.id, comment=comment)
        item.status = IncomingStatus.SIGNED
        item.document_id = document.id
        await _handled(work, actor, item, "signed", {"document": str(document.id)})
        await _tell_sender(work, item, RecipientStatus.SIGNED)
    return item


async def return_item(
    actor: Actor | None, *, incoming_id: uuid.UUID | str, reason: str
) -> IncomingItem:
    """退回: send the item back with a reason; the sender sees it on the recipient."""
    actor = require(actor, Permission.EXCHANGE_RECEIVE)
    with Checks() as checks:
        reason = checks.text(reason, "reason", max_length=1000)
    async with transaction(actor) as work:
        item = await _locked(actor, incoming_id)
        item.status = IncomingStatus.RETURNED
        item.return_reason = reason
        await _handled(work, actor, item, "returned", {"reason": reason})
        await _tell_sender(work, item, RecipientStatus.RETURNED, reason)
    return item


async def _locked(actor: Actor, incoming_id: uuid.UUID | str) -> IncomingItem:
    """The item locked for this transaction, if the actor may work it and it still waits."""
    key = parse_id(incoming_id)
    scope = TenantScope(actor.tenant_id)
    item = (
        await scope.query(IncomingItem).filter(id=key).select_for_update().get_or_none()
        if key
        else None
    )
    if item is None or not await workable(actor).filter(id=item.id).exists():
        raise not_found(_("Incoming item"), "id")
    if item.status != IncomingStatus.PENDING:
        raise ServiceError.of(
            Code.CONFLICT, _("The item was already {status}", status=item.status.value), "id"
        )
    return item


async def _receipt_type(scope: TenantScope, document_type_id: Any) -> DocumentType:
    """The argument, else the tenant setting `exchange.receiptType` (a type code), else the
    tenant's only active receipt type."""
    receipts = scope.query(DocumentType).filter(kind=DocumentKind.RECEIPT, active=True)
    if document_type_id is not None:
        key = parse_id(document_type_id) or uuid.UUID(int=0)  # pragma: no mutate
        chosen = await receipts.filter(id=key).first()
        if chosen is None:
            raise ServiceError.of(
                Code.INVALID, _("Name an active 收文 (receipt) document type"), "documentTypeId"
            )
        return chosen
    tenant = await Tenant.get(id=scope.tenant_id)
    options = (tenant.settings or {}).get("exchange")
    code = options.get("receiptType") if isinstance(options, dict) else None
    if code:
        chosen = await receipts.filter(code=str(code)).first()
        if chosen is None:
            raise ServiceError.of(
                Code.INVALID_STATE,
                _(
                    "The setting exchange.receiptType names '{code}', which is "
                    "no active receipt type",
                    code=code,
                ),
                "documentTypeId",
            )
        return chosen
    found = await receipts.order_by("code").limit(2)
    if len(found) == 1:
        return found[0]
    message = (
        _("This tenant has no active 收文 (receipt) document type: install the receipt template")
        if not found
        else _("Several receipt types exist: name one (documentTypeId) or set exchange.receiptType")
    )
    raise ServiceError.of(Code.INVALID_STATE, message, "documentTypeId")


async def _own_unit(scope: TenantScope, actor: Actor, item: IncomingItem) -> uuid.UUID | None:
    """The item's org unit when the signer belongs to it, else the signer's primary unit."""
    if item.org_unit_id is None:
        return None
    member = (
        await scope.query(Membership)
        .filter(user_id=actor.user_id, org_unit_id=item.org_unit_id)
        .exists()
    )
    return item.org_unit_id if member else None


async def _fill(scope: TenantScope, document: Document, item: IncomingItem) -> None:
    """Put the sender's data into the receipt form's fields that exist."""
    schema = (await scope.query(FormVersion).get(id=document.form_version_id)).json_schema
    properties = schema.get("properties") or {}
    values = {
        "sender": item.sender_name,
        "senderCode": item.sender_code,
        "senderNumber": item.number,
        "body": item.public_fields.get("body"),
    }
    data = {
        name: values[name]
        for name in RECEIPT_FIELDS
        if name in properties and values[name] is not None
    }
    merged = {**document.form_data, **data}
    problems = data_problems(schema, merged, complete=False)
    if problems:
        raise ServiceError(*problems)
    document.form_data = merged
    await document.save(update_fields=["form_data", "updated_at"])


async def _copy_attachments(
    scope: TenantScope, actor: Actor, document: Document, item: IncomingItem
) -> None:
    """The 收文 document's own attachment rows, on the same immutable blobs."""
    files = await scope.query(IncomingAttachment).filter(incoming_id=item.id).order_by("name")
    if files:
        await scope.bulk_create(
            Attachment,
            [
                Attachment(
                    document_id=document.id,
                    group_id=uuid.uuid4(),
                    version=1,
                    name=f.name,
                    content_type=f.content_type,
                    size=f.size,
                    sha256=f.sha256,
                    uploaded_by_id=actor.user_id,
                )
                for f in files
            ],
        )


async def _handled(
    work: Work, actor: Actor, item: IncomingItem, action: str, data: dict[str, Any]
) -> None:
    item.handled_by_id = actor.user_id
    item.handled_at = work.now
    await item.save()
    work.audit(
        actor.tenant_id,
        f"exchange.{action}",
        "IncomingItem",
        item.id,
        {"sender": item.sender_code, "title": item.title, **data},
    )
    work.emit(actor.tenant_id, Topic.EXCHANGE_INCOMING, records.incoming_changed(item, action))


async def _tell_sender(
    work: Work, item: IncomingItem, status: RecipientStatus, reason: str | None = None
) -> None:
    """The one write into the sender's tenant: the recipient's status, audited there."""
    outbox = TenantScope(item.sender_tenant_id)
    recipient = (
        await outbox.query(DispatchRecipient).filter(id=item.recipient_id).select_for_update().get()
    )
    previous = recipient.status
    recipient.status = status
    if status is RecipientStatus.SIGNED:
        recipient.signed_at = work.now
    else:
        recipient.returned_at = work.now
        recipient.return_reason = reason
    await recipient.save()
    work.audit(
        item.sender_tenant_id,
        f"exchange.recipient_{status.value}",
        "DispatchRecipient",
        recipient.id,
        {"receiver": recipient.receiver_code, "reason": reason},
    )
    work.emit(
        item.sender_tenant_id,
        Topic.EXCHANGE_RECIPIENT_CHANGED,
        records.recipient_changed(recipient, previous),
    )
    dispatch = await outbox.query(Dispatch).get(id=recipient.dispatch_id)
    clerks = [dispatch.sent_by_id, *await holders(outbox, Permission.EXCHANGE_SEND)]
    if status is RecipientStatus.SIGNED:
        kind, text = (
            NotificationKind.DISPATCH_SIGNED,
            f"{recipient.receiver_name}已签收《{item.title}》",
        )
    else:
        kind = NotificationKind.DISPATCH_RETURNED
        text = f"{recipient.receiver_name}退回了《{item.title}》，理由：{reason}"
    link = global_id("Document", dispatch.document_id)
    await notify(work, item.sender_tenant_id, clerks, kind, text, link)
