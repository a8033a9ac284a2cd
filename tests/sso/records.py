"""What the sso services leave behind, read from the tables: refusals, audit entries, events."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor
from models.audit import AuditEntry
from models.directory import OrgUnit, User
from models.outbox import OutboxEvent
from services import directory
from services.errors import ServiceError
from tests.conftest import Department


async def refused(call: Awaitable[Any]) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """The (code, message, field) of each problem the call was refused with."""
    with pytest.raises(ServiceError) as caught:
        await call
    return [(p.code.value, str(p.message), p.field) for p in caught.value.problems]


async def audited(tenant_id: uuid.UUID, action: str) -> list[AuditEntry]:
    rows: list[AuditEntry] = (
        await AuditEntry.filter(tenant_id=tenant_id, action=action).order_by("seq").all()
    )
    return rows


async def entry(tenant_id: uuid.UUID, action: str) -> tuple[str, str, dict[str, Any]]:
    """The one audit entry of `action`: (target type, target id, data)."""
    (row,) = await audited(tenant_id, action)
    return row.target_type, row.target_id, row.data


async def events(tenant_id: uuid.UUID, topic: str) -> list[dict[str, Any]]:
    rows = await OutboxEvent.filter(tenant_id=tenant_id, topic=topic).order_by("id")
    return [row.payload for row in rows]


async def clerk(department: Department, username: str = "clerk", **fields: Any) -> User:
    """A plain member of the department's root unit, with no admin permission."""
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    return await directory.create_user(
        department.actor, username=username, display_name="文员", org_unit_ids=[root.id], **fields
    )


async def clerk_actor(department: Department, username: str = "clerk") -> Actor:
    return await actor_for(department.scope, await clerk(department, username), department.tenant)
