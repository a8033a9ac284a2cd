"""What a service call leaves behind, for the service-level tests of notices, publications
and notifications: its refusal, its audit entries and its events."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor
from models.audit import AuditEntry
from models.directory import User
from models.outbox import OutboxEvent
from models.scope import TenantScope
from models.tenants import Tenant
from services.errors import ServiceError


async def refusal(call: Awaitable[Any]) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """The (code, message, field) of each problem the call is refused with."""
    with pytest.raises(ServiceError) as refused:
        await call
    return [(p.code.value, p.message, p.field) for p in refused.value.problems]


async def actor_of(user: User) -> Actor:
    tenant = await Tenant.get(id=user.tenant_id)
    return await actor_for(TenantScope(tenant.id), user, tenant)


async def audits(
    tenant_id: uuid.UUID, prefix: str
) -> list[tuple[str, str, str, uuid.UUID | None, dict[str, Any]]]:
    """(action, target type, target id, actor id, data) of the tenant's entries, in order."""
    rows = await TenantScope(tenant_id).query(AuditEntry).filter(action__startswith=prefix)
    return [
        (r.action, r.target_type, r.target_id, r.actor_id, r.data)
        for r in sorted(rows, key=lambda r: r.seq)
    ]


async def events(tenant_id: uuid.UUID, topic: str) -> list[dict[str, Any]]:
    rows = await OutboxEvent.filter(tenant_id=tenant_id, topic=topic).order_by("id")
    return [r.payload for r in rows]
