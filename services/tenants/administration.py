"""What administrators change on a tenant: platform admins create tenants and set their
status; a tenant admin changes its own tenant's name and settings (分级管理)."""

from __future__ import annotations

import uuid
from typing import Any

from i18n import _
from models.access import Actor, Permission
from models.directory import User
from models.tenants import Tenant, TenantKind, TenantStatus
from services.errors import Code, ServiceError, check_version, not_found, require
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.tenants.provisioning import new_tenant, provision
from services.uow import transaction
from subscriptions.topics import Topic, global_id


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
        tenant = await new_tenant(
            code=code,
            name=name,
            parent=parent,
            kind=TenantKind.DEPARTMENT,
            status=TenantStatus.ACTIVE,
        )
        admin = await provision(work, tenant, admin_username, admin_name or name, admin_email)
        work.audit(actor.tenant_id, "tenant.created", "Tenant", tenant.id, {"code": code})
    return tenant, admin


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
            checks.fail(Code.INVALID, _("settings must be a JSON object"), "settings")
    async with transaction(actor) as work:
        tenant = await _locked_tenant(tenant_id)
        if not actor.is_platform_admin and tenant.id != actor.tenant_id:
            raise ServiceError.of(Code.FORBIDDEN, _("You may only change your own tenant"))
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
            raise ServiceError.of(Code.INVALID, _("The platform tenant cannot change status"))
        if tenant.status == TenantStatus.PENDING or status == TenantStatus.PENDING:
            raise ServiceError.of(
                Code.INVALID_STATE, _("Pending tenants change status by review only"), "status"
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
        raise not_found(_("Tenant"), "id")
    return tenant


async def _parent(parent_id: uuid.UUID | str | None, field: str) -> Tenant | None:
    if parent_id is None:
        return None
    key = parse_id(parent_id)
    parent = await Tenant.get_or_none(id=key, kind=TenantKind.DEPARTMENT) if key else None
    if parent is None:
        raise not_found(_("Parent tenant"), field)
    return parent
