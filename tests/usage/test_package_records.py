"""What the platform's package calls refuse (in which words, on which field) and what they
write to the audit logs: the tenant's and the platform's entries say the same."""

from __future__ import annotations

import uuid
from typing import Any

from models.audit import AuditEntry
from models.directory import User
from tests.conftest import GraphQL, gid
from tests.usage.support import ALLOCATION, create_package, set_limits


def refusals(result: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(e["code"], e["message"], e["field"]) for e in result["errors"]]


async def logged(action: str, tenant_id: uuid.UUID) -> list[tuple[uuid.UUID, dict[str, Any]]]:
    """(log, data) of each entry about the tenant, the tenant's own log and the platform's."""
    rows = await AuditEntry.filter(action=action, target_id=str(tenant_id)).order_by("seq")
    return [(r.tenant_id, r.data) for r in rows]


async def test_a_taken_code_and_an_unknown_package_are_refused_by_name(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    platform = gql.token(platform_admin, "platform")
    code = f"t{uuid.uuid4().hex[:8]}"
    await create_package(gql, platform, code=code, name="小", maxUsers=0, graceDays=0)
    taken = await gql.mutate(
        "createServicePackage", {"code": code, "name": "大"}, "package { id }", token=platform
    )
    assert refusals(taken) == [
        ("DUPLICATE", f"The package code '{code}' is taken", ["input", "code"])
    ]
    nobody = await gql.mutate(
        "setTenantLimits",
        {"id": gid("Tenant", uuid.uuid4()), "maxUsers": 1},
        ALLOCATION,
        token=platform,
    )
    assert refusals(nobody) == [("NOT_FOUND", "Tenant not found", ["input", "id"])]
    department = await make_department()
    unknown = await gql.mutate(
        "assignServicePackage",
        {
            "id": gid("Tenant", department.tenant.id),
            "packageId": gid("ServicePackage", uuid.uuid4()),
        },
        ALLOCATION,
        token=platform,
    )
    assert refusals(unknown) == [("NOT_FOUND", "Service package not found", ["input", "packageId"])]


async def test_both_logs_record_a_package_and_limits_alike(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    tenant = department.tenant
    platform = gql.token(platform_admin, "platform")
    package = await create_package(gql, platform, code=f"a{tenant.code}", name="小")
    await gql.mutate(
        "assignServicePackage",
        {"id": gid("Tenant", tenant.id), "packageId": package, "expiresAt": None},
        ALLOCATION,
        token=platform,
    )
    changed = {
        "from": {"package": None, "expiresAt": None},
        "to": {"package": f"a{tenant.code}", "expiresAt": None},
        "tenant": tenant.code,
    }
    entries = await logged("tenant.package_changed", tenant.id)
    assert entries == [(tenant.id, changed), (platform_admin.tenant_id, changed)]
    await set_limits(gql, platform, tenant, maxUsers=7)
    limits = {"tenant": tenant.code, "max_users": 7}
    entries = await logged("tenant.limits_changed", tenant.id)
    assert entries == [(tenant.id, limits), (platform_admin.tenant_id, limits)]
