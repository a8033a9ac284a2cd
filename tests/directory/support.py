"""The directory's rows, to compare before and after a refused change; a refusal's problems; the
audit entry and event a change records."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

import pytest

from models.access import Actor
from models.audit import AuditEntry
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from models.outbox import OutboxEvent
from services.errors import ServiceError
from tests.conftest import Department, gid


async def snapshot(department: Department) -> dict[str, Any]:
    """Everything a directory mutation could touch, to prove a refused one changed nothing."""
    scope = department.scope
    return {
        "units": sorted((u.name, u.code, u.path, u.version) for u in await scope.query(OrgUnit)),
        "users": sorted((u.username, u.display_name, u.version) for u in await scope.query(User)),
        "roles": sorted((r.code, r.name, r.version) for r in await scope.query(Role)),
        "members": await scope.query(Membership).count(),
        "assignments": await scope.query(RoleAssignment).count(),
        "audit": await scope.query(AuditEntry).count(),
    }


Refusal = tuple[str, str, tuple[str, ...] | None]


async def refused(call: Awaitable[Any]) -> list[Refusal]:
    """The problems (code, message, field) of a call that must fail with a ServiceError."""
    with pytest.raises(ServiceError) as raised:
        await call
    return [(p.code.value, p.message, p.field) for p in raised.value.problems]


async def recorded(
    actor: Actor, action: str, kind: str, row_id: uuid.UUID, *, topic: str | None = None
) -> list[dict[str, Any]]:
    """The data of the audit entries `action` on the row, oldest first, each by `actor`; and
    the row's events `topic` (default `directory.<action>`): as many as the entries."""
    entries = await AuditEntry.filter(
        tenant_id=actor.tenant_id, action=action, target_id=str(row_id)
    ).order_by("seq")
    assert entries, f"no audit entry {action} on {kind} {row_id}"
    for entry in entries:
        assert (entry.target_type, entry.actor_id, entry.actor_name) == (
            kind,
            actor.user_id,
            actor.name,
        )
    events = await OutboxEvent.filter(
        tenant_id=actor.tenant_id, topic=topic or f"directory.{action}"
    )
    mine = [e.payload for e in events if e.payload.get("id") == gid(kind, row_id)]
    assert mine == [{"id": gid(kind, row_id), "type": kind}] * len(entries)
    return [entry.data for entry in entries]


async def root_of(department: Department) -> OrgUnit:
    return await department.scope.query(OrgUnit).get(parent_id=None)
