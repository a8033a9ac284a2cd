"""Service packages (服务套餐): defined by the platform, applied for by a tenant and assigned by
approval (audited); a package that names components allows only those; alerts at 80 % and
100 % of a limit; an expired package gives notice, suspends the tenant after the grace period,
and a renewal lifts that suspension."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.audit import AuditEntry
from models.directory import User
from models.portal_components import PortalComponent
from models.scope import TenantScope, across_tenants
from models.stats import Alert, AlertKind, AlertStatus
from models.tenants import Tenant, TenantStatus
from services import directory, usage
from tests.conftest import GraphQL, gid, key_of
from tests.usage.support import ALLOCATION, create_package, inbox, set_limits, watch

APPLICATION = "application { id kind status package { code maxUsers } } "


async def test_an_approved_application_assigns_the_package_with_its_term(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    platform = gql.token(platform_admin, "platform")
    admin = gql.token(department.admin, department.tenant)
    code = f"std{department.tenant.code}"
    package = await create_package(
        gql, platform, code=code, name="标准版", maxUsers=50, termDays=365, components=["todo"]
    )
    listed = await gql("{ servicePackages { code maxUsers termDays } }", token=admin)
    assert {"code": code, "maxUsers": 50, "termDays": 365} in listed.data["servicePackages"]
    applied = await gql.mutate(
        "applyForPortalService", {"packageId": package, "note": "扩容"}, APPLICATION, token=admin
    )
    assert applied["errors"] == []
    assert applied["application"]["kind"] == "PACKAGE"
    assert applied["application"]["package"] == {"code": code, "maxUsers": 50}
    approved = await gql.mutate(
        "reviewPortalServiceApplication",
        {"id": applied["application"]["id"], "approve": True},
        APPLICATION,
        token=platform,
    )
    assert approved["application"]["status"] == "APPROVED"

    limits = await usage.limits_of(department.tenant.id)
    assert limits.package is not None
    assert limits.package.code == code
    assert limits.allocation is not None
    assert limits.allocation.expires_at is not None
    term = limits.allocation.expires_at - datetime.now(UTC)
    assert timedelta(days=364) < term <= timedelta(days=365)
    entry = (
        await TenantScope(department.tenant.id)
        .query(AuditEntry)
        .get(action="tenant.package_changed")
    )
    assert entry.data["to"]["package"] == code
    assert entry.data["from"]["package"] is None

    shared = await across_tenants(PortalComponent).filter(standard=True).exclude(key="todo").first()
    assert shared is not None
    outside = await gql.mutate(
        "applyForPortalService",
        {"componentId": gid("PortalComponent", shared.id)},
        APPLICATION,
        token=admin,
    )
    assert [e["code"] for e in outside["errors"]] == ["QUOTA_EXCEEDED"]
    assert f"'{shared.key}' is not in your package '{code}'" in outside["errors"][0]["message"]


async def test_package_changes_are_for_the_platform_and_checked(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    platform = gql.token(platform_admin, "platform")
    admin = gql.token(department.admin, department.tenant)
    refused = await gql.mutate(
        "createServicePackage", {"code": "mine", "name": "x"}, "package { id }", token=admin
    )
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    limits = await gql.mutate(
        "setTenantLimits",
        {"id": gid("Tenant", department.tenant.id), "maxUsers": 5},
        ALLOCATION,
        token=admin,
    )
    assert [e["code"] for e in limits["errors"]] == ["FORBIDDEN"]
    bad = await gql.mutate(
        "createServicePackage",
        {"code": "1bad", "name": "", "maxUsers": -1},
        "package { id }",
        token=platform,
    )
    assert sorted(e["field"][-1] for e in bad["errors"]) == ["code", "maxUsers", "name"]
    code = f"p{department.tenant.code}"
    package = await create_package(gql, platform, code=code, name="小", maxUsers=10)
    assigned = await gql.mutate(
        "assignServicePackage",
        {"id": gid("Tenant", department.tenant.id), "packageId": package},
        ALLOCATION,
        token=platform,
    )
    assert assigned["allocation"]["maxUsers"] is None
    assert assigned["allocation"]["expiresAt"] is None
    changed = await gql.mutate(
        "updateServicePackage",
        {"id": package, "maxUsers": 1, "expectedVersion": 1},
        "package { maxUsers version }",
        token=platform,
    )
    assert changed["package"] == {"maxUsers": 1, "version": 2}
    stale = await gql.mutate(
        "updateServicePackage",
        {"id": package, "maxUsers": 2, "expectedVersion": 1},
        "package { maxUsers }",
        token=platform,
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    root = (await department.scope.query(User).get(id=department.admin.id)).primary_org_unit_id
    created = await gql.mutate(
        "createUser",
        {"username": "over", "displayName": "o", "orgUnitIds": [gid("OrgUnit", root)]},
        "user { id }",
        token=admin,
    )
    assert [e["code"] for e in created["errors"]] == ["QUOTA_EXCEEDED"]  # at once


async def test_alerts_at_80_and_100_percent_of_a_limit(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    platform = gql.token(platform_admin, "platform")
    await set_limits(gql, platform, department.tenant, maxUsers=5)
    root = (await department.scope.query(User).get(id=department.admin.id)).primary_org_unit_id

    async def alerts() -> list[tuple[str, int, str]]:
        await watch(datetime.now(UTC))
        rows = await department.scope.query(Alert).filter(
            kind=AlertKind.QUOTA, status=AlertStatus.OPEN
        )
        return [(a.data["limit"], a.data["level"], a.severity) for a in rows]

    assert await alerts() == []
    for name in ("a", "b", "c"):
        await directory.create_user(
            department.actor, username=name, display_name=name, org_unit_ids=[root]
        )
    assert await alerts() == [("users", 80, "warning")]
    name = department.tenant.name
    (warned,) = await inbox(gql, department.admin, department.tenant)
    assert warned == {
        "kind": "QUOTA_WARNING",
        "text": f"「{name}」的用户数已用4，上限5（80%，服务套餐（无））",
        "link": gid("Tenant", department.tenant.id),
    }
    member = await department.scope.query(User).get(username="a")
    assert await inbox(gql, member, department.tenant) == [], "only administrators are told"
    await directory.create_user(
        department.actor, username="d", display_name="d", org_unit_ids=[root]
    )
    assert await alerts() == [("users", 100, "critical")]
    await set_limits(gql, platform, department.tenant, maxUsers=100)
    assert await alerts() == []
    resolved = await department.scope.query(Alert).filter(
        kind=AlertKind.QUOTA, status=AlertStatus.RESOLVED
    )
    assert len(resolved) == 2


async def test_an_expired_package_gives_notice_then_suspends_until_renewed(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    tenant = department.tenant
    platform = gql.token(platform_admin, "platform")
    package = await create_package(
        gql, platform, code=f"e{tenant.code}", name="试用", termDays=30, graceDays=3
    )
    expired_at = datetime.now(UTC) - timedelta(days=1)
    assigned = await gql.mutate(
        "assignServicePackage",
        {"id": gid("Tenant", tenant.id), "packageId": package, "expiresAt": expired_at.isoformat()},
        ALLOCATION,
        token=platform,
    )
    assert assigned["errors"] == []
    await watch(datetime.now(UTC))
    notice = await department.scope.query(Alert).get(kind=AlertKind.PACKAGE_EXPIRED)
    suspend_at = expired_at + timedelta(days=3)
    assert f"suspended on {suspend_at:%Y-%m-%d %H:%M} UTC" in notice.message
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.ACTIVE

    await watch(suspend_at + timedelta(minutes=1))
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.SUSPENDED
    denied = await gql("{ viewer { id } }", token=gql.token(department.admin, tenant))
    assert denied.status == 403

    renewed = await gql.mutate(
        "assignServicePackage",
        {"id": gid("Tenant", tenant.id), "packageId": package},
        ALLOCATION,
        token=platform,
    )
    assert renewed["allocation"]["suspendedForExpiry"] is False
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.ACTIVE
    await watch(datetime.now(UTC))
    await notice.refresh_from_db()
    assert notice.status == AlertStatus.RESOLVED
    actions = (
        await TenantScope(tenant.id)
        .query(AuditEntry)
        .filter(action="tenant.status_changed")
        .values_list("data", flat=True)
    )
    (told,) = await inbox(gql, department.admin, tenant)
    assert told["kind"] == "PACKAGE_EXPIRING"
    local = suspend_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert told["text"].startswith(f"「{tenant.name}」的服务套餐「试用」已于")
    assert f"请在{local:%Y年%m月%d日 %H:%M}前续订" in told["text"]
    assert [(a["to"], a["reason"]) for a in actions] == [
        ("suspended", "package expired"),
        ("active", "package renewed"),
    ]


async def test_a_renamed_package_is_audited_as_the_platform_admins_change(
    gql: GraphQL, platform_admin: User
) -> None:
    platform = gql.token(platform_admin, "platform")
    package = await create_package(gql, platform, code=f"r{uuid.uuid4().hex[:8]}", name="小")
    renamed = await gql.mutate(
        "updateServicePackage",
        {"id": package, "name": " 大 "},
        "package { name version }",
        token=platform,
    )
    assert renamed["package"] == {"name": "大", "version": 2}
    entries = await AuditEntry.filter(action="package.updated", target_id=str(key_of(package)))
    assert [(e.actor_id, e.data) for e in entries] == [(platform_admin.id, {"name": "大"})]
