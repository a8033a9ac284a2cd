"""The one way to read or write tenant-owned rows: every query carries the tenant id."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from tortoise.queryset import QuerySet

from models.base import TenantEntity

M = TypeVar("M", bound=TenantEntity)


class TenantScope:
    __slots__ = ("tenant_id",)

    def __init__(self, tenant_id: uuid.UUID) -> None:
        self.tenant_id = tenant_id

    def __repr__(self) -> str:
        return f"TenantScope({self.tenant_id})"

    def query(self, model: type[M]) -> QuerySet[M]:
        return model.filter(tenant_id=self.tenant_id)

    async def get(self, model: type[M], id: uuid.UUID | str | None) -> M | None:
        if id is None:
            return None
        try:
            key = id if isinstance(id, uuid.UUID) else uuid.UUID(str(id))
        except ValueError:
            return None
        return await self.query(model).get_or_none(id=key)

    async def create(self, model: type[M], **values: Any) -> M:
        return await model.create(tenant_id=self.tenant_id, **values)

    async def bulk_create(
        self, model: type[M], rows: list[M], batch_size: int | None = None
    ) -> None:
        for row in rows:
            row.tenant_id = self.tenant_id
        await model.bulk_create(rows, batch_size=batch_size)


def across_tenants(model: type[M]) -> QuerySet[M]:
    """Rows of every tenant, for system workers (timers, relays) that act per row afterwards.
    Request handling never uses this."""
    return model.all()
