"""Flows (流程): graphs of nodes and transitions bound to a form, versioned."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields

from models.base import TenantEntity
from models.forms import FormDefinition, FormVersion, VersionStatus


class FlowDefinition(TenantEntity):
    key = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    form: fields.ForeignKeyRelation[FormDefinition] = fields.ForeignKeyField(
        "officecloud.FormDefinition", related_name=False, on_delete=fields.RESTRICT
    )
    latest_published = fields.IntField(default=0)

    form_id: uuid.UUID

    class Meta:
        table = "flow_definition"
        unique_together = (("tenant", "key"),)


class FlowVersion(TenantEntity):
    """One version of a flow, bound on publication to the form version it was checked against."""

    flow: fields.ForeignKeyRelation[FlowDefinition] = fields.ForeignKeyField(
        "officecloud.FlowDefinition", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    status = fields.CharEnumField(VersionStatus, max_length=16, default=VersionStatus.DRAFT)
    definition: dict[str, Any] = fields.JSONField(default=dict)
    form_version: fields.ForeignKeyNullableRelation[FormVersion] = fields.ForeignKeyField(
        "officecloud.FormVersion", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    published_at = fields.DatetimeField(null=True)
    published_by_id = fields.UUIDField(null=True)

    flow_id: uuid.UUID
    form_version_id: uuid.UUID | None

    class Meta:
        table = "flow_version"
        unique_together = (("flow", "number"),)
