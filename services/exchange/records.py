"""What leaves the sending tenant, and the event payloads both sides receive."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.documents import Attachment, Document
from models.exchange import DispatchRecipient, IncomingItem, RecipientStatus
from models.forms import FormVersion
from models.scope import TenantScope
from models.tenants import Tenant
from subscriptions.topics import global_id

PUBLIC_MARK = "x-public"
"""A form property annotated `"x-public": true` leaves the tenant when its document is sent."""


def public_fields(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The values of the top-level properties the form marks public; nothing else."""
    properties = schema.get("properties") or {}
    return {
        name: data[name]
        for name, spec in properties.items()
        if isinstance(spec, Mapping) and spec.get(PUBLIC_MARK) is True and name in data
    }


async def contents(scope: TenantScope, document: Document, sender: Tenant) -> dict[str, Any]:
    """The copy every receiver gets: headers, the public fields and the newest version of each
    attachment. Never comments, the trail, tasks or fields the form does not mark public."""
    form = await scope.query(FormVersion).get(id=document.form_version_id)
    newest: dict[Any, Attachment] = {}
    for row in await scope.query(Attachment).filter(document_id=document.id):
        if row.group_id not in newest or row.version > newest[row.group_id].version:
            newest[row.group_id] = row
    files = sorted(newest.values(), key=lambda a: (a.name, a.id))
    return {
        "title": document.title,
        "number": document.number,
        "urgency": document.urgency.value,
        "secrecy": document.secrecy.value,
        "sender": {"tenantId": str(sender.id), "code": sender.code, "name": sender.name},
        "fields": public_fields(form.json_schema, document.form_data),
        "attachments": [
            {"name": a.name, "contentType": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in files
        ],
    }


def recipient_changed(
    recipient: DispatchRecipient, previous: RecipientStatus | None
) -> dict[str, Any]:
    """`exchange.recipient_changed`, in the sender's tenant: enough for a subscriber to check
    that the viewer may read the document and to show the new status without a query."""
    at = {
        RecipientStatus.SENT: recipient.created_at,
        RecipientStatus.DELIVERED: recipient.delivered_at,
        RecipientStatus.SIGNED: recipient.signed_at,
        RecipientStatus.RETURNED: recipient.returned_at,
    }[recipient.status]
    return {
        "dispatchId": global_id("Dispatch", recipient.dispatch_id),
        "recipientId": global_id("DispatchRecipient", recipient.id),
        "documentId": global_id("Document", recipient.document_id),
        "receiverTenantId": global_id("Tenant", recipient.receiver_tenant_id),
        "receiverCode": recipient.receiver_code,
        "receiverName": recipient.receiver_name,
        "orgUnitName": recipient.unit_name,
        "role": recipient.role.value,
        "from": previous.value if previous else None,
        "status": recipient.status.value,
        "at": at.isoformat() if at else None,
        "reason": recipient.return_reason,
    }


def incoming_changed(item: IncomingItem, action: str) -> dict[str, Any]:
    """`exchange.incoming`, in the receiver's tenant (delivered, signed, returned, reminded):
    the item and its org unit let a subscriber apply the incoming box's access rule."""
    return {
        "incomingId": global_id("IncomingItem", item.id),
        "action": action,
        "status": item.status.value,
        "orgUnitId": global_id("OrgUnit", item.org_unit_id) if item.org_unit_id else None,
        "role": item.role.value,
        "title": item.title,
        "number": item.number,
        "urgency": item.urgency.value,
        "senderCode": item.sender_code,
        "senderName": item.sender_name,
        "documentId": global_id("Document", item.document_id) if item.document_id else None,
    }
