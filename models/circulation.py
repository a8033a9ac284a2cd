"""Circulation (传阅 / 抄送): a document sent to people to read, and each one's read time."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from models.base import TenantEntity

if TYPE_CHECKING:
    from models.directory import User
    from models.documents import Document


class CirculationSource(StrEnum):
    MANUAL = "manual"
    """A reader circulated it (传阅)."""
    FLOW = "flow"
    """A node's `cc` rule, when the node completed (抄送)."""
    PASS_ON = "pass_on"  # noqa: S105 (a source, not a password)
    """A recipient passed it on (转阅)."""


class Circulation(TenantEntity):
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name=False, on_delete=fields.CASCADE
    )
    sender: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    """None for a flow's CC whose node the system completed (a timer)."""
    source = fields.CharEnumField(CirculationSource, max_length=16)
    note = fields.TextField(default="")
    node_id = fields.CharField(max_length=100, null=True)
    node_name = fields.CharField(max_length=200, null=True)
    allow_pass_on = fields.BooleanField(default=True)
    parent_id = fields.UUIDField(null=True)
    """The circulation a 转阅 came from."""

    document_id: uuid.UUID
    sender_id: uuid.UUID | None

    class Meta:
        table = "circulation"
        indexes = (("tenant_id", "document_id"), ("tenant_id", "sender_id", "id"))


class CirculationRecipient(TenantEntity):
    """One person's copy: 待阅 until `read_at`, then 已阅."""

    circulation: fields.ForeignKeyRelation[Circulation] = fields.ForeignKeyField(
        "officecloud.Circulation", related_name="recipients", on_delete=fields.CASCADE
    )
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "officecloud.Document", related_name=False, on_delete=fields.CASCADE
    )
    """The circulation's document, here too: the read rule asks it per user."""
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, on_delete=fields.RESTRICT
    )
    read_at: datetime | None = fields.DatetimeField(null=True)
    urged_at: datetime | None = fields.DatetimeField(null=True)

    circulation_id: uuid.UUID
    document_id: uuid.UUID
    user_id: uuid.UUID

    class Meta:
        table = "circulation_recipient"
        unique_together = (("circulation", "user"),)
        indexes = (
            ("tenant_id", "user_id", "read_at", "id"),
            ("tenant_id", "user_id", "document_id"),
        )
