"""Forms (表单): a JSON Schema for the data and a UI schema for the renderer, versioned."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from tortoise import fields

from models.base import TenantEntity


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class FormDefinition(TenantEntity):
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    latest_published = fields.IntField(default=0)
    """Number of the newest published version, 0 before the first publication."""

    class Meta:
        table = "form_definition"
        unique_together = (("tenant", "key"),)


class FormVersion(TenantEntity):
    """One version of a form: a draft is edited, a published version never changes."""

    form: fields.ForeignKeyRelation[FormDefinition] = fields.ForeignKeyField(
        "officecloud.FormDefinition", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    status = fields.CharEnumField(VersionStatus, max_length=16, default=VersionStatus.DRAFT)
    json_schema: dict[str, Any] = fields.JSONField(default=dict)
    ui_schema: dict[str, Any] = fields.JSONField(default=dict)
    published_at = fields.DatetimeField(null=True)
    published_by_id = fields.UUIDField(null=True)

    form_id: uuid.UUID

    class Meta:
        table = "form_version"
        unique_together = (("form", "number"),)
