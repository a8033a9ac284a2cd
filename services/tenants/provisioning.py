"""The platform tenant (with the working-day calendar seeded), the system actors of automated
changes, and creating and provisioning a tenant: default roles, a root org unit named after it,
its first administrator."""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError

from i18n import _
from models.access import Actor, DataScope, Grant, Permission
from models.audit import TenantLog
from models.base import new_id
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from models.scope import TenantScope
from models.tenants import PLATFORM_CODE, Tenant, TenantKind, TenantStatus
from services import workdays
from services.errors import Code, ServiceError
from services.uow import Work, transaction
from subscriptions.topics import Topic, global_id

SYSTEM_USER_ID = uuid.UUID(int=0)

DEFAULT_ROLES: list[tuple[str, str, list[Permission], DataScope]] = [
    (
        "tenant_admin",
        "Tenant administrator (租户管理员)",
        [p for p in Permission if p is not Permission.PLATFORM_ADMIN],
        DataScope.TENANT,
    ),
    ("member", "Member (普通用户)", [], DataScope.SELF),
]
PLATFORM_ROLES: list[tuple[str, str, list[Permission], DataScope]] = [
    ("platform_admin", "Platform administrator (平台管理员)", list(Permission), DataScope.TENANT),
]


def tenant_path(parent: Tenant | None, tenant_id: uuid.UUID) -> str:
    return f"{parent.path if parent else '/'}{tenant_id.hex}/"


async def ensure_platform() -> Tenant:
    """The operator's own tenant, created once; safe to call from every process at start."""
    existing = await Tenant.get_or_none(code=PLATFORM_CODE)
    if existing:
        return existing
    try:
        async with transaction(None) as work:
            tenant = await new_tenant(
                code=PLATFORM_CODE,
                name="Platform operator (平台运营)",
                parent=None,
                kind=TenantKind.PLATFORM,
                status=TenantStatus.ACTIVE,
            )
            await TenantLog.create(tenant_id=tenant.id)
            await _create_roles(tenant, PLATFORM_ROLES + DEFAULT_ROLES)
            await workdays.seed(tenant.id)
            work.audit(tenant.id, "tenant.created", "Tenant", tenant.id, {"code": PLATFORM_CODE})
        return tenant
    except IntegrityError:
        return await Tenant.get(code=PLATFORM_CODE)


async def system_actor() -> Actor:
    """The actor of command-line administration (`officecloud create-tenant`, `demo`)."""
    platform = await ensure_platform()
    return Actor(
        tenant_id=platform.id,
        user_id=SYSTEM_USER_ID,
        tenant_path=platform.path,
        name="system",
        is_platform=True,
        grants=(Grant(frozenset(Permission), DataScope.TENANT),),
    )


def tenant_system_actor(tenant: Tenant, name: str = "system") -> Actor:
    """The actor of automated changes inside one tenant (timers, sign-in provisioning, SCIM):
    every tenant permission, no user behind it."""
    return Actor(
        tenant_id=tenant.id,
        user_id=SYSTEM_USER_ID,
        tenant_path=tenant.path,
        name=name,
        grants=(
            Grant(
                frozenset(p.value for p in Permission if p is not Permission.PLATFORM_ADMIN),
                DataScope.TENANT,
            ),
        ),
    )


async def new_tenant(
    *,
    code: str,
    name: str,
    parent: Tenant | None,
    kind: TenantKind,
    status: TenantStatus = TenantStatus.PENDING,
) -> Tenant:
    if await Tenant.exists(code=code):
        raise ServiceError.of(
            Code.DUPLICATE, _("The tenant code '{code}' is taken", code=code), "code"
        )
    tenant_id = new_id()
    try:
        return await Tenant.create(
            id=tenant_id,
            code=code,
            name=name,
            parent=parent,
            kind=kind,
            status=status,
            path=tenant_path(parent, tenant_id),
        )
    except IntegrityError as exc:
        raise ServiceError.of(
            Code.DUPLICATE, _("The tenant code '{code}' is taken", code=code), "code"
        ) from exc


async def _create_roles(
    tenant: Tenant, roles: list[tuple[str, str, list[Permission], DataScope]]
) -> dict[str, Role]:
    scope = TenantScope(tenant.id)
    created = {}
    for code, name, permissions, data_scope in roles:
        created[code] = await scope.create(
            Role,
            code=code,
            name=name,
            permissions=[p.value for p in permissions],
            data_scope=data_scope,
            is_system=True,
        )
    return created


async def provision(
    work: Work, tenant: Tenant, admin_username: str, admin_name: str, admin_email: str | None
) -> User:
    """Default roles, a root org unit named after the tenant, and its first administrator."""
    scope = TenantScope(tenant.id)
    await TenantLog.get_or_create(tenant_id=tenant.id)
    roles = await _create_roles(tenant, DEFAULT_ROLES)
    root_id = new_id()
    root = await scope.create(
        OrgUnit, id=root_id, name=tenant.name, code=tenant.code, path=f"/{root_id.hex}/"
    )
    admin = await scope.create(
        User,
        username=admin_username,
        display_name=admin_name,
        email=admin_email,
        primary_org_unit_id=root.id,
    )
    await scope.create(Membership, user_id=admin.id, org_unit_id=root.id)
    for code in ("tenant_admin", "member"):
        await scope.create(RoleAssignment, user_id=admin.id, role_id=roles[code].id)
    work.audit(
        tenant.id,
        "tenant.provisioned",
        "Tenant",
        tenant.id,
        {"admin": admin_username, "roles": sorted(roles), "rootOrgUnit": str(root.id)},
    )
    work.emit(tenant.id, Topic.TENANT_PROVISIONED, {"tenantId": global_id("Tenant", tenant.id)})
    return admin
