"""The package calls in process, as the platform admin: what an update keeps, what each
change writes to the audit logs, and the storage counter set afresh from the attachments."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from models.audit import AuditEntry
from models.directory import User
from models.tenants import Tenant
from models.usage import ServicePackage, TenantAllocation
from services import usage
from tests.usage.support import platform_actor, refused


async def test_an_update_keeps_what_it_is_given_as_none(platform_admin: User) -> None:
    actor = await platform_actor(platform_admin)
    code = f"p{uuid.uuid4().hex[:8]}"
    package = await usage.create_service_package(
        actor,
        code=code,
        name="基础版",
        description="说明",
        components=["portal"],
        features=["search"],
        grace_days=3,
        max_users=10,
    )
    assert await refused(usage.update_service_package(actor, id=package.id, name=" ")) == [
        ("REQUIRED", "name must not be empty", ("name",))
    ]
    assert await refused(
        usage.update_service_package(actor, id=package.id, max_users=-1, components=["x" * 65])
    ) == [
        ("INVALID", "maxUsers must not be negative", ("maxUsers",)),
        ("INVALID", "components are up to 200 keys of 1-64 characters", ("components",)),
    ]
    updated = await usage.update_service_package(
        actor,
        id=package.id,
        name="标准版",
        components=None,
        features=None,
        description=None,
        grace_days=None,
        active=None,
        max_users=None,
    )
    stored = await ServicePackage.get(id=package.id)
    assert (stored.components, stored.features, stored.description) == (
        ["portal"],
        ["search"],
        "说明",
    )
    assert (stored.grace_days, stored.active, stored.name) == (3, True, "标准版")
    assert (stored.max_users, stored.version, updated.version) == (None, 2, 2)
    (entry,) = await AuditEntry.filter(action="package.updated", target_id=str(package.id))
    assert (entry.tenant_id, entry.target_type) == (platform_admin.tenant_id, "ServicePackage")
    assert entry.data == {"name": "标准版", "max_users": None}


async def test_a_change_of_package_names_the_one_before(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    department = await make_department()
    tenant = department.tenant
    first = await usage.create_service_package(actor, code=f"a{uuid.uuid4().hex[:8]}", name="甲")
    second = await usage.create_service_package(actor, code=f"b{uuid.uuid4().hex[:8]}", name="乙")
    until = datetime(2031, 1, 1, tzinfo=UTC)
    await usage.assign_service_package(
        actor, tenant_id=tenant.id, package_id=first.id, expires_at=until
    )
    await usage.assign_service_package(
        actor, tenant_id=str(tenant.id), package_id=second.id, expires_at=None
    )
    rows = await AuditEntry.filter(
        action="tenant.package_changed", tenant_id=tenant.id, target_id=str(tenant.id)
    ).order_by("seq")
    assert [r.target_type for r in rows] == ["Tenant", "Tenant"]
    assert rows[1].data == {
        "from": {"package": first.code, "expiresAt": until.isoformat()},
        "to": {"package": second.code, "expiresAt": None},
        "tenant": tenant.code,
    }


async def test_limits_are_audited_on_the_tenant_and_storage_is_counted_afresh(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    department = await make_department()
    tenant = department.tenant
    await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=5)
    await TenantAllocation.filter(tenant_id=tenant.id).update(storage_bytes=999)
    stale = await TenantAllocation.get(tenant_id=tenant.id)
    allocation = await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=6)
    stored = await TenantAllocation.get(tenant_id=tenant.id)
    assert (allocation.storage_bytes, stored.storage_bytes) == (0, 0), "no attachments"
    assert stored.updated_at > stale.updated_at
    assert (stored.max_users, stored.version) == (6, 3)
    limits_changed = AuditEntry.filter(action="tenant.limits_changed", target_id=str(tenant.id))
    rows = await limits_changed
    assert sorted((r.tenant_id == tenant.id, r.target_type, r.data["max_users"]) for r in rows) == [
        (False, "Tenant", 5),
        (False, "Tenant", 6),
        (True, "Tenant", 5),
        (True, "Tenant", 6),
    ]
    unchanged = await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=6)
    assert unchanged.version == 3
    assert (
        await AuditEntry.filter(action="tenant.limits_changed", target_id=str(tenant.id)).count()
        == 4
    )


async def test_one_pass_returns_quota_and_expiry_alerts_alike(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    department = await make_department()
    tenant = department.tenant
    package = await usage.create_service_package(
        actor, code=f"e{uuid.uuid4().hex[:8]}", name="短期", grace_days=2
    )
    expired = datetime.now(UTC) - timedelta(days=1)
    await usage.assign_service_package(
        actor, tenant_id=tenant.id, package_id=package.id, expires_at=expired
    )
    await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=1)
    now = datetime.now(UTC)
    for _ in range(100):
        changed = await usage.watch(now)
        if changed is not None:
            break
        await asyncio.sleep(0.1)
    assert changed is not None
    mine = sorted(
        (a.kind.value, a.severity, a.data.get("limit")) for a in changed if a.tenant_id == tenant.id
    )
    assert mine == [("package_expired", "warning", None), ("quota", "critical", "users")]


async def test_a_package_is_created_in_checked_words_and_audited_with_its_limits(
    platform_admin: User,
) -> None:
    actor = await platform_actor(platform_admin)
    assert await refused(
        usage.create_service_package(
            actor, code="1bad", name=" ", term_days=-1, grace_days=-2, features=[""]
        )
    ) == [
        (
            "INVALID",
            "code must start with a letter and hold only letters, digits, '_' or '-' (at most 64)",
            ("code",),
        ),
        ("REQUIRED", "name must not be empty", ("name",)),
        ("INVALID", "termDays must not be negative", ("termDays",)),
        ("INVALID", "graceDays must not be negative", ("graceDays",)),
        ("INVALID", "features are up to 200 keys of 1-64 characters", ("features",)),
    ]
    assert (
        await refused(
            usage.create_service_package(actor, code="ok", name="x", components=["a"] * 201)
        )
    )[0][2] == ("components",)
    code = f"c{uuid.uuid4().hex[:8]}"
    package = await usage.create_service_package(
        actor,
        code=code,
        name=" 全功能 ",
        description="  " + "d" * 2100,
        components=["a" * 64],
        max_users=0,
        max_storage_bytes=None,
        term_days=30,
    )
    stored = await ServicePackage.get(id=package.id)
    assert (stored.name, stored.description, stored.components) == (
        "全功能",
        "d" * 2000,
        ["a" * 64],
    )
    assert (stored.max_users, stored.max_storage_bytes, stored.term_days, stored.grace_days) == (
        0,
        None,
        30,
        7,
    )
    (entry,) = await AuditEntry.filter(action="package.created", target_id=str(package.id))
    assert (entry.tenant_id, entry.target_type) == (platform_admin.tenant_id, "ServicePackage")
    assert entry.data == {"code": code, "max_users": 0}
    assert await refused(usage.create_service_package(actor, code=code, name="again")) == [
        ("DUPLICATE", f"The package code '{code}' is taken", ("code",))
    ]
    for key in (uuid.uuid4(), "nonsense"):
        assert await refused(usage.update_service_package(actor, id=key, name="x")) == [
            ("NOT_FOUND", "Service package not found", ("id",))
        ]


async def test_a_package_runs_for_its_term_unless_told_otherwise(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    tenant = (await make_department()).tenant
    package = await usage.create_service_package(
        actor, code=f"t{uuid.uuid4().hex[:8]}", name="一月", term_days=30
    )
    before = datetime.now(UTC)
    termed = await usage.assign_service_package(actor, tenant_id=tenant.id, package_id=package.id)
    assert termed.expires_at is not None
    assert (
        before + timedelta(days=30) <= termed.expires_at <= datetime.now(UTC) + timedelta(days=30)
    )
    assert termed.package is not None
    assert termed.package.code == package.code
    none = await usage.assign_service_package(actor, tenant_id=tenant.id, package_id=None)
    assert (none.package_id, none.expires_at) == (None, None)
    assert await refused(
        usage.assign_service_package(actor, tenant_id=tenant.id, package_id=uuid.uuid4())
    ) == [("NOT_FOUND", "Service package not found", ("packageId",))]
    assert await refused(
        usage.assign_service_package(actor, tenant_id="nonsense", package_id=None)
    ) == [("NOT_FOUND", "Tenant not found", ("id",))]
    platform = await Tenant.get(id=platform_admin.tenant_id)
    assert await refused(usage.set_tenant_limits(actor, tenant_id=platform.id, max_users=1)) == [
        ("NOT_FOUND", "Tenant not found", ("id",))
    ], "the platform has no package"
