"""Notices (通知公告): drafts, their audience, attachments and read receipts (已阅)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from tortoise import fields

from models.base import TenantEntity


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    """Waiting for its approval document to complete."""
    PUBLISHED = "published"
    REJECTED = "rejected"
    REVOKED = "revoked"


class NoticePriority(StrEnum):
    NORMAL = "normal"
    IMPORTANT = "important"
    URGENT = "urgent"


class TargetKind(StrEnum):
    UNIT = "unit"
    ROLE = "role"


class Notice(TenantEntity):
    title = fields.CharField(max_length=300)
    body = fields.TextField(default="")
    category = fields.CharField(max_length=64, default="")
    priority = fields.CharEnumField(NoticePriority, max_length=16, default=NoticePriority.NORMAL)
    pinned = fields.BooleanField(default=False)
    valid_from: datetime | None = fields.DatetimeField(null=True)
    valid_until: datetime | None = fields.DatetimeField(null=True)
    status = fields.CharEnumField(NoticeStatus, max_length=16, default=NoticeStatus.DRAFT)
    to_everyone = fields.BooleanField(default=False)
    """Published to the whole tenant; otherwise to the units and roles of its targets."""
    to_subtenants = fields.BooleanField(default=False)
    """Also copied down the tenant tree (a city bureau to its districts) when published."""
    author_id: uuid.UUID | None = fields.UUIDField(null=True)
    org_unit_id: uuid.UUID | None = fields.UUIDField(null=True)
    publisher = fields.CharField(max_length=200, default="")
    """Who it is from, as readers see it: the name of its unit, or of the sending tenant."""
    published_at: datetime | None = fields.DatetimeField(null=True)
    revoked_at: datetime | None = fields.DatetimeField(null=True)
    approval_document_id: uuid.UUID | None = fields.UUIDField(null=True, db_index=True)
    source_tenant_id: uuid.UUID | None = fields.UUIDField(null=True)
    source_notice_id: uuid.UUID | None = fields.UUIDField(null=True, db_index=True)
    """A copy received from a parent tenant: the id of the original."""
    version = fields.IntField(default=1)

    class Meta:
        table = "notice"
        indexes = (("tenant_id", "status", "pinned", "published_at"),)


class NoticeTarget(TenantEntity):
    """A unit (and the units below it) or a role the notice is published to."""

    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "officecloud.Notice", related_name="targets", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(TargetKind, max_length=8)
    target_id = fields.UUIDField()

    notice_id: uuid.UUID

    class Meta:
        table = "notice_target"
        unique_together = (("notice", "kind", "target_id"),)
        indexes = (("tenant_id", "target_id"),)


class NoticeRead(TenantEntity):
    """A read receipt: `user_id` opened the notice."""

    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "officecloud.Notice", related_name="reads", on_delete=fields.CASCADE
    )
    user_id = fields.UUIDField()

    notice_id: uuid.UUID

    class Meta:
        table = "notice_read"
        unique_together = (("notice", "user_id"),)


class NoticeAttachment(TenantEntity):
    """A file of a notice, whose bytes the blob store keeps under their sha256."""

    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "officecloud.Notice", related_name="attachments", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    size = fields.BigIntField()
    sha256 = fields.CharField(max_length=64, db_index=True)
    uploaded_by_id: uuid.UUID | None = fields.UUIDField(null=True)

    notice_id: uuid.UUID

    class Meta:
        table = "notice_attachment"
