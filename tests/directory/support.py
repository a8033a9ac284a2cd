"""The directory's rows, to compare before and after a refused change; a refusal's problems; the
audit entry and event a change records."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import Actor, DataScope
from models.audit import AuditEntry
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from models.outbox import OutboxEvent
from services import directory
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


async def unit(department: Department, name: str, parent: OrgUnit, **extra) -> OrgUnit:
    return await directory.create_org_unit(
        department.actor, name=name, parent_id=parent.id, **extra
    )


async def row(department: Department, unit: OrgUnit) -> OrgUnit:
    return await department.scope.query(OrgUnit).get(id=unit.id)


async def unit_admin(department: Department, scope: DataScope = DataScope.ORG_UNIT_AND_BELOW):
    """An office, a head of it holding `directory.manage` over it (and below), and their actor."""
    root = await root_of(department)
    office = await directory.create_org_unit(department.actor, name="办公室", parent_id=root.id)
    head = await directory.create_user(
        department.actor, username="head", display_name="主任", org_unit_ids=[office.id]
    )
    role = await directory.create_role(
        department.actor,
        code="unit_admin",
        name="处室管理员",
        permissions=["directory.manage"],
        data_scope=scope,
    )
    await directory.assign_role(department.actor, user_id=head.id, role_id=role.id)
    return office, head, await actor_for(department.scope, head, department.tenant)
