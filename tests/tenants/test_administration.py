"""Tenants created, changed and suspended, called as services: what a new tenant is provisioned
with, who may change what (分级管理), every refusal's words and field, each audit entry and
event, and the system actors."""

from __future__ import annotations

import uuid

from models.access import DataScope, Grant, Permission
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from models.scope import TenantScope
from models.tenants import Tenant, TenantKind, TenantStatus
from services import tenants
from tests.conftest import gid
from tests.tenants.support import audited, events, refused

TENANT_PERMISSIONS = sorted(p.value for p in Permission if p is not Permission.PLATFORM_ADMIN)


async def test_a_tenant_is_created_under_its_parent_and_provisioned(make_department) -> None:
    parent = (await make_department()).tenant
    system = await tenants.system_actor()
    code = f"c{uuid.uuid4().hex[:8]}"
    tenant, admin = await tenants.create_tenant(
        system,
        code=f" {code} ",
        name=" 海淀区 ",
        parent_id=str(parent.id),
        admin_username=" boss ",
        admin_name="区长",
        admin_email=" boss@example.gov.cn ",
    )
    row = await Tenant.get(id=tenant.id)
    assert (row.code, row.name, row.kind, row.status, row.parent_id) == (
        code,
        "海淀区",
        TenantKind.DEPARTMENT,
        TenantStatus.ACTIVE,
        parent.id,
    )
    assert row.path == f"{parent.path}{tenant.id.hex}/"
    scope = TenantScope(tenant.id)
    root = await scope.query(OrgUnit).get(parent_id=None)
    assert (root.name, root.code, root.path, root.depth) == ("海淀区", code, f"/{root.id.hex}/", 0)
    user = await scope.query(User).get(id=admin.id)
    assert (user.username, user.display_name, user.email, user.primary_org_unit_id) == (
        "boss",
        "区长",
        "boss@example.gov.cn",
        root.id,
    )
    assert [m.org_unit_id for m in await scope.query(Membership).filter(user_id=admin.id)] == [
        root.id
    ]
    roles = {r.code: r for r in await scope.query(Role)}
    assert sorted(roles) == ["member", "tenant_admin"]
    assert (sorted(roles["tenant_admin"].permissions), roles["tenant_admin"].data_scope) == (
        TENANT_PERMISSIONS,
        DataScope.TENANT,
    )
    assert (roles["member"].permissions, roles["member"].data_scope) == ([], DataScope.SELF)
    assert all(r.is_system for r in roles.values())
    held = await scope.query(RoleAssignment).filter(user_id=admin.id, org_unit_id=None)
    assert sorted(a.role_id for a in held) == sorted(r.id for r in roles.values())
    platform = await tenants.ensure_platform()
    assert await audited(platform.id, "tenant.created", tenant.id) == [
        ("Tenant", tenants.SYSTEM_USER_ID, "system", {"code": code})
    ]
    assert await audited(tenant.id, "tenant.provisioned", tenant.id) == [
        (
            "Tenant",
            tenants.SYSTEM_USER_ID,
            "system",
            {"admin": "boss", "roles": ["member", "tenant_admin"], "rootOrgUnit": str(root.id)},
        )
    ]
    assert await events(tenant.id, "tenant.provisioned") == [{"tenantId": gid("Tenant", tenant.id)}]

    plain, first = await tenants.create_tenant(system, code=f"p{code}", name="朝阳区")
    assert (plain.parent_id, plain.path) == (None, f"/{plain.id.hex}/")
    assert (first.username, first.display_name, first.email) == ("admin", "朝阳区", None)


async def test_a_tenant_is_refused_with_the_reason(make_department) -> None:
    department = await make_department()
    system = await tenants.system_actor()
    platform = await tenants.ensure_platform()
    before = await Tenant.all().count()
    taken = department.tenant.code
    assert await refused(tenants.create_tenant(system, code=taken, name="x")) == [
        ("DUPLICATE", f"The tenant code '{taken}' is taken", ("code",))
    ]
    assert await refused(
        tenants.create_tenant(
            system, code="", name=" ", admin_username="a b", admin_email="not-mail"
        )
    ) == [
        ("REQUIRED", "code must not be empty", ("code",)),
        ("REQUIRED", "name must not be empty", ("name",)),
        (
            "INVALID",
            "adminUsername may hold letters, digits, '.', '_', '@' or '-' (at most 64)",
            ("adminUsername",),
        ),
        ("INVALID", "'not-mail' is not an email address", ("adminEmail",)),
    ]
    for parent in (uuid.uuid4(), "nope", platform.id):
        assert await refused(
            tenants.create_tenant(
                system, code=f"n{uuid.uuid4().hex[:8]}", name="x", parent_id=parent
            )
        ) == [("NOT_FOUND", "Parent tenant not found", ("parentId",))]
    assert await refused(tenants.create_tenant(department.actor, code="zz", name="x")) == [
        ("FORBIDDEN", "You lack the permission platform.admin", None)
    ]
    assert await Tenant.all().count() == before


async def test_a_tenant_admin_changes_only_its_own_tenant(make_department) -> None:
    department, other = await make_department(), await make_department()
    actor, tenant = department.actor, department.tenant
    same = await tenants.update_tenant(actor, tenant_id=tenant.id, name=tenant.name, settings={})
    assert same.version == 1
    changed = await tenants.update_tenant(
        actor,
        tenant_id=str(tenant.id),
        name=" 新名 ",
        settings={"theme": "red"},
        expected_version=1,
    )
    row = await Tenant.get(id=tenant.id)
    assert (row.name, row.settings, row.version, changed.version) == (
        "新名",
        {"theme": "red"},
        2,
        2,
    )
    assert await audited(tenant.id, "tenant.updated", tenant.id) == [
        ("Tenant", actor.user_id, actor.name, {"name": "新名", "settings": {"theme": "red"}})
    ]
    assert await events(tenant.id, "tenant.updated") == [{"tenantId": gid("Tenant", tenant.id)}]
    update = tenants.update_tenant
    assert await refused(update(actor, tenant_id=other.tenant.id, name="x")) == [
        ("FORBIDDEN", "You may only change your own tenant", None)
    ]
    assert await refused(update(actor, tenant_id=tenant.id, name="", settings=[1])) == [
        ("REQUIRED", "name must not be empty", ("name",)),
        ("INVALID", "settings must be a JSON object", ("settings",)),
    ]
    assert await refused(update(actor, tenant_id=tenant.id, name="y", expected_version=1)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 2, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    for missing in (uuid.uuid4(), "nope"):
        assert await refused(update(actor, tenant_id=missing, name="y")) == [
            ("NOT_FOUND", "Tenant not found", ("id",))
        ]
    plain = tenants.tenant_system_actor(tenant)
    member = type(plain)(tenant_id=tenant.id, user_id=uuid.uuid4(), tenant_path=tenant.path)
    assert await refused(update(member, tenant_id=tenant.id, name="y")) == [
        ("FORBIDDEN", "You lack the permission tenant.admin", None)
    ]
    system = await tenants.system_actor()
    theirs = await update(system, tenant_id=other.tenant.id, settings={"a": 1})
    assert (theirs.settings, theirs.version) == ({"a": 1}, 2)
    assert (await Tenant.get(id=other.tenant.id)).name == other.tenant.name


async def test_platform_admins_suspend_and_restore_a_tenant(make_department) -> None:
    department = await make_department()
    tenant = department.tenant
    system = await tenants.system_actor()
    platform = await tenants.ensure_platform()
    suspended = await tenants.set_tenant_status(
        system, tenant_id=str(tenant.id), status=TenantStatus.SUSPENDED
    )
    row = await Tenant.get(id=tenant.id)
    assert (row.status, row.version, suspended.version) == (TenantStatus.SUSPENDED, 2, 2)
    same = await tenants.set_tenant_status(
        system, tenant_id=tenant.id, status=TenantStatus.SUSPENDED
    )
    assert same.version == 2
    await tenants.set_tenant_status(system, tenant_id=tenant.id, status=TenantStatus.ACTIVE)
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.ACTIVE
    changes = [
        {"from": "active", "to": "suspended"},
        {"from": "suspended", "to": "active"},
    ]
    assert await audited(platform.id, "tenant.status_changed", tenant.id) == [
        ("Tenant", tenants.SYSTEM_USER_ID, "system", data) for data in changes
    ]
    assert await events(tenant.id, "tenant.status_changed") == [
        {"tenantId": gid("Tenant", tenant.id), **data} for data in changes
    ]
    status = tenants.set_tenant_status
    assert await refused(status(system, tenant_id=platform.id, status=TenantStatus.SUSPENDED)) == [
        ("INVALID", "The platform tenant cannot change status", None)
    ]
    assert await refused(status(system, tenant_id=tenant.id, status=TenantStatus.PENDING)) == [
        ("INVALID_STATE", "Pending tenants change status by review only", ("status",))
    ]
    pending = await Tenant.create(
        code=f"q{uuid.uuid4().hex[:8]}", name="待审", path="/x/", status=TenantStatus.PENDING
    )
    assert await refused(status(system, tenant_id=pending.id, status=TenantStatus.ACTIVE)) == [
        ("INVALID_STATE", "Pending tenants change status by review only", ("status",))
    ]
    assert await refused(
        status(department.actor, tenant_id=tenant.id, status=TenantStatus.SUSPENDED)
    ) == [("FORBIDDEN", "You lack the permission platform.admin", None)]
    assert await refused(status(system, tenant_id=uuid.uuid4(), status=TenantStatus.ACTIVE)) == [
        ("NOT_FOUND", "Tenant not found", ("id",))
    ]
    assert (await Tenant.get(id=tenant.id)).version == 3


async def test_the_platform_is_made_once_and_the_system_actors_hold_everything(
    make_department,
) -> None:
    platform = await tenants.ensure_platform()
    assert (await tenants.ensure_platform()).id == platform.id
    assert (platform.code, platform.kind, platform.status) == (
        "platform",
        TenantKind.PLATFORM,
        TenantStatus.ACTIVE,
    )
    scope = TenantScope(platform.id)
    assert {r.code for r in await scope.query(Role)} >= {"platform_admin", "tenant_admin"}
    system = await tenants.system_actor()
    assert (system.tenant_id, system.user_id, system.tenant_path, system.name) == (
        platform.id,
        uuid.UUID(int=0),
        platform.path,
        "system",
    )
    assert system.is_platform_admin
    assert system.grants == (Grant(frozenset(Permission), DataScope.TENANT),)
    tenant = (await make_department()).tenant
    inside = tenants.tenant_system_actor(tenant)
    assert (inside.tenant_id, inside.user_id, inside.tenant_path, inside.name) == (
        tenant.id,
        uuid.UUID(int=0),
        tenant.path,
        "system",
    )
    assert (inside.is_platform, inside.is_platform_admin) == (False, False)
    assert inside.grants == (Grant(frozenset(TENANT_PERMISSIONS), DataScope.TENANT),)
    assert tenants.tenant_system_actor(tenant, "scim").name == "scim"
