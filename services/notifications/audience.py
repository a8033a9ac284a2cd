"""Who is told when no single person is named: the holders of a permission in a tenant (the
clerks of an exchange, say)."""

from __future__ import annotations

import uuid
from typing import Any

from models.access import Permission
from models.directory import Role, RoleAssignment, User, UserStatus
from models.scope import TenantScope


async def holders(scope: TenantScope, permission: Permission) -> list[uuid.UUID]:
    """Active users of the tenant holding a role that grants `permission` (in any scope)."""
    roles = [
        role_id
        for role_id, granted in await scope.query(Role).values_list("id", "permissions")
        if permission.value in (granted or [])
    ]
    if not roles:
        return []
    users = (
        await scope.query(RoleAssignment)
        .filter(role_id__in=roles)
        .values_list("user_id", flat=True)
    )
    active: list[Any] = (
        await scope.query(User)
        .filter(id__in=list(set(users)), status=UserStatus.ACTIVE)
        .values_list("id", flat=True)
    )
    return sorted(active)
