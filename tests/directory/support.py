"""The directory's rows, to compare before and after a refused change."""

from __future__ import annotations

from typing import Any

from models.audit import AuditEntry
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from tests.conftest import Department


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
