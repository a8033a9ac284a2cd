"""Tenants: the platform tenant, online registration and its review, provisioning, status."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from models.access import Actor, DataScope, Grant, Permission
from models.audit import TenantLog
from models.base import new_id
from models.directory import Membership, OrgUnit, Role, RoleAssignment, User
from models.scope import TenantScope
from models.tenants import (
    PLATFORM_CODE,
    ApplicationStatus,
    Tenant,
    TenantApplication,
    TenantKind,
    TenantStatus,
)
from services.errors import Code, ServiceError, check_version, not_found, require
from services.inputs import KEEP, Checks, apply_changes, parse_id
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
            tenant = await _new_tenant(
                code=PLATFORM_CODE,
                name="Platform operator (平台运营)",
                parent=None,
                kind=TenantKind.PLATFORM,
                status=TenantStatus.ACTIVE,
            )
            await TenantLog.create(tenant_id=tenant.id)
            await _create_roles(tenant, PLATFORM_ROLES + DEFAULT_ROLES)
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


async def create_tenant(
    actor: Actor | None,
    *,
    code: str,
    name: str,
    parent_id: uuid.UUID | str | None = None,
    admin_username: str = "admin",
    admin_name: str | None = None,
    admin_email: str | None = None,
) -> tuple[Tenant, User]:
    """Create an active, provisioned tenant (platform admins only)."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        code = checks.code(code, "code")
        name = checks.text(name, "name")
        admin_username = checks.username(admin_username, "adminUsername")
        admin_email = checks.email(admin_email, "adminEmail")
    async with transaction(actor) as work:
        parent = await _parent(parent_id, "parentId")
        tenant = await _new_tenant(
            code=code,
            name=name,
            parent=parent,
            kind=TenantKind.DEPARTMENT,
            status=TenantStatus.ACTIVE,
        )
        admin = await _provision(work, tenant, admin_username, admin_name or name, admin_email)
        work.audit(actor.tenant_id, "tenant.created", "Tenant", tenant.id, {"code": code})
    return tenant, admin


async def apply_for_tenant(
    actor: Actor | None,
    *,
    code: str,
    name: str,
    parent_code: str | None,
    applicant_name: str,
    applicant_email: str,
    applicant_phone: str | None,
    admin_username: str,
    details: dict[str, Any] | None,
) -> tuple[TenantApplication, str]:
    """Self-service registration (在线注册), anonymous or signed in. The code is reserved by a
    pending tenant until the application is reviewed. Returns the application and the secret
    its applicant checks the decision with (`status_secret`); only its hash is kept."""
    with Checks() as checks:
        code = checks.code(code, "code")
        name = checks.text(name, "name")
        applicant_name = checks.text(applicant_name, "applicantName", max_length=100)
        applicant_email = checks.email(applicant_email, "applicantEmail", required=True) or ""
        applicant_phone = checks.optional_text(applicant_phone, "applicantPhone", max_length=32)
        admin_username = checks.username(admin_username, "adminUsername")
        if details is not None and not isinstance(details, dict):
            checks.fail(Code.INVALID, "details must be a JSON object", "details")
        elif details is not None and len(str(details)) > 10_000:
            checks.fail(Code.TOO_LONG, "details are too large", "details")
    platform = await ensure_platform()
    async with transaction(actor) as work:
        parent = None
        if parent_code:
            parent = await Tenant.get_or_none(code=parent_code.strip(), kind=TenantKind.DEPARTMENT)
            if parent is None or parent.status != TenantStatus.ACTIVE:
                raise ServiceError.of(
                    Code.NOT_FOUND, f"No active tenant has the code '{parent_code}'", "parentCode"
                )
        tenant = await _new_tenant(code=code, name=name, parent=parent, kind=TenantKind.DEPARTMENT)
        application = await TenantApplication.create(
            code=code,
            name=name,
            parent=parent,
            tenant=tenant,
            applicant_name=applicant_name,
            applicant_email=applicant_email,
            applicant_phone=applicant_phone,
            admin_username=admin_username,
            applicant_user_id=actor.user_id if actor else None,
            details=details or {},
            status_secret_hash=secret_hash(secret := secrets.token_urlsafe(32)),
        )
        work.audit(
            platform.id, "tenant.applied", "TenantApplication", application.id, {"code": code}
        )
        work.emit(
            platform.id,
            Topic.TENANT_APPLIED,
            {"applicationId": global_id("TenantApplication", application.id)},
        )
    return application, secret


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def review_application(
    actor: Actor | None, *, application_id: uuid.UUID | str, approve: bool, reason: str | None
) -> tuple[TenantApplication, Tenant | None]:
    """Approve (the tenant becomes active and is provisioned) or reject (with a reason)."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        reason = checks.optional_text(reason, "reason", max_length=2000)
        if not approve and not reason:
            checks.fail(Code.REQUIRED, "A rejection needs a reason", "reason")
    async with transaction(actor) as work:
        key = parse_id(application_id)
        application = (
            await TenantApplication.filter(id=key).select_for_update().get_or_none()
            if key
            else None
        )
        if application is None:
            raise not_found("Application", "id")
        if application.status != ApplicationStatus.PENDING:
            raise ServiceError.of(
                Code.INVALID_STATE, f"The application is already {application.status.value}"
            )
        application.reviewer_id = actor.user_id if actor.user_id != SYSTEM_USER_ID else None
        application.reason = reason
        application.decided_at = work.now
        tenant = await Tenant.get(id=application.tenant_id) if application.tenant_id else None
        if tenant is None:
            raise ServiceError.of(Code.INVALID_STATE, "The reserved tenant no longer exists")
        if approve:
            application.status = ApplicationStatus.APPROVED
            tenant.status = TenantStatus.ACTIVE
            await tenant.save(update_fields=["status", "updated_at"])
            await _provision(
                work,
                tenant,
                application.admin_username,
                application.applicant_name,
                application.applicant_email,
            )
        else:
            application.status = ApplicationStatus.REJECTED
            application.tenant_id = None
            await application.save()
            await tenant.delete()
            tenant = None
        await application.save()
        work.audit(
            actor.tenant_id,
            f"tenant.application_{application.status.value}",
            "TenantApplication",
            application.id,
            {"code": application.code, "reason": reason},
        )
        work.emit(
            actor.tenant_id,
            Topic.TENANT_APPLICATION_DECIDED,
            {
                "applicationId": global_id("TenantApplication", application.id),
                "status": application.status.value,
            },
        )
    return application, tenant


async def update_tenant(
    actor: Actor | None,
    *,
    tenant_id: uuid.UUID | str,
    name: Any = KEEP,
    settings: Any = KEEP,
    expected_version: int | None = None,
) -> Tenant:
    """Platform admins change any tenant; a tenant admin changes only its own (分级管理)."""
    actor = require(actor, Permission.TENANT_ADMIN)
    with Checks() as checks:
        if name is not KEEP:
            name = checks.text(name, "name")
        if settings is not KEEP and not isinstance(settings, dict):
            checks.fail(Code.INVALID, "settings must be a JSON object", "settings")
    async with transaction(actor) as work:
        tenant = await _locked_tenant(tenant_id)
        if not actor.is_platform_admin and tenant.id != actor.tenant_id:
            raise ServiceError.of(Code.FORBIDDEN, "You may only change your own tenant")
        check_version(tenant.version, expected_version)
        changes = apply_changes(tenant, name=name, settings=settings)
        if changes:
            tenant.version += 1
            await tenant.save()
            work.audit(tenant.id, "tenant.updated", "Tenant", tenant.id, changes)
            work.emit(tenant.id, Topic.TENANT_UPDATED, {"tenantId": global_id("Tenant", tenant.id)})
    return tenant


async def set_tenant_status(
    actor: Actor | None, *, tenant_id: uuid.UUID | str, status: TenantStatus
) -> Tenant:
    actor = require(actor, Permission.PLATFORM_ADMIN)
    async with transaction(actor) as work:
        tenant = await _locked_tenant(tenant_id)
        if tenant.kind == TenantKind.PLATFORM:
            raise ServiceError.of(Code.INVALID, "The platform tenant cannot change status")
        if tenant.status == TenantStatus.PENDING or status == TenantStatus.PENDING:
            raise ServiceError.of(
                Code.INVALID_STATE, "Pending tenants change status by review only", "status"
            )
        if tenant.status != status:
            previous, tenant.status = tenant.status, status
            tenant.version += 1
            await tenant.save()
            data = {"from": previous.value, "to": status.value}
            work.audit(actor.tenant_id, "tenant.status_changed", "Tenant", tenant.id, data)
            work.emit(
                tenant.id,
                Topic.TENANT_STATUS_CHANGED,
                {"tenantId": global_id("Tenant", tenant.id), **data},
            )
    return tenant


async def _locked_tenant(tenant_id: uuid.UUID | str) -> Tenant:
    key = parse_id(tenant_id)
    tenant = await Tenant.filter(id=key).select_for_update().get_or_none() if key else None
    if tenant is None:
        raise not_found("Tenant", "id")
    return tenant


async def _parent(parent_id: uuid.UUID | str | None, field: str) -> Tenant | None:
    if parent_id is None:
        return None
    key = parse_id(parent_id)
    parent = await Tenant.get_or_none(id=key, kind=TenantKind.DEPARTMENT) if key else None
    if parent is None:
        raise not_found("Parent tenant", field)
    return parent


async def _new_tenant(
    *,
    code: str,
    name: str,
    parent: Tenant | None,
    kind: TenantKind,
    status: TenantStatus = TenantStatus.PENDING,
) -> Tenant:
    if await Tenant.exists(code=code):
        raise ServiceError.of(Code.DUPLICATE, f"The tenant code '{code}' is taken", "code")
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
        raise ServiceError.of(Code.DUPLICATE, f"The tenant code '{code}' is taken", "code") from exc


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


async def _provision(
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
