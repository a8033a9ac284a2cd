"""Base classes shared by every model."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model
from uuid_utils.compat import uuid7


def new_id() -> uuid.UUID:
    """Time-ordered UUIDs (v7): keyset pagination by id follows creation order."""
    return uuid7()


class Entity(Model):
    id = fields.UUIDField(primary_key=True, default=new_id)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantEntity(Entity):
    """A row owned by one tenant. Query it only through `models.scope.TenantScope`."""

    tenant_id: uuid.UUID
    tenant: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "officecloud.Tenant", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )

    class Meta:
        abstract = True
