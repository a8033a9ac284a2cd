"""Exchange between departments (公文交换): partner pairs, dispatches (分发) with their
recipients on the sender's side, and the incoming box (收文箱) on the receiver's side.

The two sides never share rows: the sender keeps what it sent and each recipient's status, the
receiver keeps its own copy. Ids of the other side are plain UUIDs, not foreign keys.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import Entity, TenantEntity
from models.documents import Secrecy, Urgency

if TYPE_CHECKING:
    from models.directory import OrgUnit, User
    from models.documents import Document
    from models.tenants import Tenant


class RecipientRole(StrEnum):
    MAIN = "main"
    """主送"""
    COPY = "copy"
    """抄送"""


class RecipientStatus(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    SIGNED = "signed"
    RETURNED = "returned"


class IncomingStatus(StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    RETURNED = "returned"


class ExchangePartner(Entity):
    """A platform admin's decision that one tenant may send documents to another."""

    sender: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    receiver: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    note = fields.CharField(max_length=200, default="")
    created_by_id = fields.UUIDField(null=True)

    sender_id: uuid.UUID
    receiver_id: uuid.UUID

    class Meta:
        table = "exchange_partner"
        unique_together = (("sender", "receiver"),)


class Dispatch(TenantEntity):
    """One distribution (分发) of a completed document, with the copy that leaves the tenant."""

    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name=False, on_delete=fields.RESTRICT
    )
    sent_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.RESTRICT
    )
    comment: str | None = fields.TextField(null=True)
    contents: dict[str, Any] = fields.JSONField(default=dict)
    """Exactly what each receiver gets: title, number, sender, urgency, secrecy, public fields
    and attachments (name, type, size, sha256)."""

    document_id: uuid.UUID
    sent_by_id: uuid.UUID

    class Meta:
        table = "exchange_dispatch"


class DispatchRecipient(TenantEntity):
    """One receiver of a dispatch as the sender sees it: where it went and how far it got."""

    dispatch: fields.ForeignKeyRelation[Dispatch] = fields.ForeignKeyField(
        "officecloud.Dispatch", related_name="recipients", on_delete=fields.CASCADE
    )
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name=False, on_delete=fields.RESTRICT
    )
    receiver_tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name=False, on_delete=fields.RESTRICT
    )
    receiver_unit_id = fields.UUIDField(null=True)
    """An org unit of the receiving tenant, or none for the tenant as a whole."""
    unit_key = fields.CharField(max_length=32, default="")
    """The unit id in hex, '' for the whole tenant: part of the unique key (NULLs are distinct)."""
    receiver_name = fields.CharField(max_length=200)
    receiver_code = fields.CharField(max_length=64)
    unit_name = fields.CharField(max_length=200, null=True)
    role = fields.CharEnumField(RecipientRole, max_length=8)
    status = fields.CharEnumField(RecipientStatus, max_length=16, default=RecipientStatus.SENT)
    delivered_at: datetime | None = fields.DatetimeField(null=True)
    signed_at: datetime | None = fields.DatetimeField(null=True)
    returned_at: datetime | None = fields.DatetimeField(null=True)
    return_reason: str | None = fields.TextField(null=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error: str | None = fields.TextField(null=True)

    dispatch_id: uuid.UUID
    document_id: uuid.UUID
    receiver_tenant_id: uuid.UUID

    class Meta:
        table = "exchange_recipient"
        unique_together = (("document", "receiver_tenant", "unit_key"),)
        indexes = (("status", "next_attempt_at"),)


class IncomingItem(TenantEntity):
    """收文箱: the copy another tenant sent, to sign for (签收) or return (退回)."""

    dispatch_id = fields.UUIDField()
    recipient_id = fields.UUIDField(unique=True)
    """The sender's recipient row: one incoming item per recipient, however often delivered."""
    unit_key = fields.CharField(max_length=32, default="")
    sender_tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name=False, on_delete=fields.RESTRICT
    )
    sender_name = fields.CharField(max_length=200)
    sender_code = fields.CharField(max_length=64)
    org_unit: fields.ForeignKeyNullableRelation[OrgUnit] = fields.ForeignKeyField(
        "officecloud.OrgUnit", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    role = fields.CharEnumField(RecipientRole, max_length=8)
    title = fields.CharField(max_length=300)
    number = fields.CharField(max_length=100, null=True)
    urgency = fields.CharEnumField(Urgency, max_length=16, default=Urgency.NORMAL)
    secrecy = fields.CharEnumField(Secrecy, max_length=16, default=Secrecy.INTERNAL)
    public_fields: dict[str, Any] = fields.JSONField(default=dict)
    """The form fields the sender's form marks public."""
    sent_at = fields.DatetimeField()
    status = fields.CharEnumField(
        IncomingStatus, max_length=16, default=IncomingStatus.PENDING, db_index=True
    )
    handled_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    handled_at: datetime | None = fields.DatetimeField(null=True)
    return_reason: str | None = fields.TextField(null=True)
    document: fields.ForeignKeyNullableRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    """The 收文 document started on signing."""
    reminded_at: datetime | None = fields.DatetimeField(null=True)

    sender_tenant_id: uuid.UUID
    org_unit_id: uuid.UUID | None
    handled_by_id: uuid.UUID | None
    document_id: uuid.UUID | None

    class Meta:
        table = "exchange_incoming"
        unique_together = (("tenant", "dispatch_id", "unit_key"),)
        indexes = (("tenant_id", "status", "id"),)


class IncomingAttachment(TenantEntity):
    """The receiver's row for a sent attachment: the same immutable blob, keyed by sha256."""

    incoming: fields.ForeignKeyRelation[IncomingItem] = fields.ForeignKeyField(
        "officecloud.IncomingItem", related_name="attachments", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    size = fields.BigIntField()
    sha256 = fields.CharField(max_length=64, db_index=True)

    incoming_id: uuid.UUID

    class Meta:
        table = "exchange_incoming_attachment"


class IncomingReminder(TenantEntity):
    """A durable reminder for an unsigned incoming item, claimed with FOR UPDATE SKIP LOCKED."""

    incoming: fields.ForeignKeyRelation[IncomingItem] = fields.ForeignKeyField(
        "officecloud.IncomingItem", related_name=False, on_delete=fields.CASCADE, unique=True
    )
    due_at = fields.DatetimeField(db_index=True)
    fired_at: datetime | None = fields.DatetimeField(null=True)

    incoming_id: uuid.UUID

    class Meta:
        table = "exchange_reminder"
