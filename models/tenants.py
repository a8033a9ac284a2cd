"""Tenants (租户 / 部门) nest city → district → street; one platform tenant operates them."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import Entity

if TYPE_CHECKING:
    from models.directory import User


class TenantStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class TenantKind(StrEnum):
    PLATFORM = "platform"
    DEPARTMENT = "department"


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


PLATFORM_CODE = "platform"


class Tenant(Entity):
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(TenantKind, max_length=16, default=TenantKind.DEPARTMENT)
    status = fields.CharEnumField(TenantStatus, max_length=16, default=TenantStatus.PENDING)
    parent: fields.ForeignKeyNullableRelation[Tenant] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: uuid.UUID | None
    path = fields.CharField(max_length=2000, db_index=True)
    """`/<hex id>/…/<hex id>/` from the top tenant down to this one, for subtree queries."""
    settings: dict[str, Any] = fields.JSONField(default=dict)
    version = fields.IntField(default=1)

    class Meta:
        table = "tenant"


class TenantApplication(Entity):
    """An online registration (在线注册): reserves the code as a pending tenant until reviewed."""

    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    parent: fields.ForeignKeyNullableRelation[Tenant] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    tenant: fields.ForeignKeyNullableRelation[Tenant] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    applicant_name = fields.CharField(max_length=100)
    applicant_email = fields.CharField(max_length=254)
    applicant_phone = fields.CharField(max_length=32, null=True)
    admin_username = fields.CharField(max_length=64)
    applicant_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    details: dict[str, Any] = fields.JSONField(default=dict)
    status = fields.CharEnumField(
        ApplicationStatus, max_length=16, default=ApplicationStatus.PENDING, db_index=True
    )
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "officecloud.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reason: str | None = fields.TextField(null=True)
    decided_at = fields.DatetimeField(null=True)
    status_secret_hash = fields.CharField(max_length=64, null=True, unique=True)
    """SHA-256 (hex) of the secret the applicant got once, to check the decision with."""

    parent_id: uuid.UUID | None
    tenant_id: uuid.UUID | None
    reviewer_id: uuid.UUID | None
    applicant_user_id: uuid.UUID | None

    class Meta:
        table = "tenant_application"
