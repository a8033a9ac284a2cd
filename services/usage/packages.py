"""Service packages (服务套餐) and allocation: the platform defines packages, assigns one to a
tenant (directly, or by approving the tenant's application for it), and raises or lowers a
tenant's own limits. Limits are read where they are used, so a change holds at once."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from i18n import _
from models.access import Actor, Permission
from models.scope import TenantSql
from models.tenants import Tenant, TenantKind, TenantStatus
from models.usage import LIMIT_COLUMNS, ServicePackage, TenantAllocation
from services.errors import Code, ServiceError, check_version, not_found, require
from services.inputs import KEEP, Checks, apply_changes, parse_id
from services.uow import Work, transaction
from services.usage.quotas import forget_rate
from subscriptions.topics import Topic, global_id

LIMIT_FIELDS = tuple(LIMIT_COLUMNS.values())


def _check_package(checks: Checks, values: dict[str, Any]) -> None:
    for name in (*LIMIT_COLUMNS.values(), "term_days", "grace_days"):
        value = values.get(name, KEEP)
        if value is not KEEP and value is not None and value < 0:
            checks.fail(
                Code.INVALID, _("{field} must not be negative", field=_camel(name)), _camel(name)
            )
    for name in ("components", "features"):
        value = values.get(name, KEEP)
        if value is KEEP or value is None:
            continue
        if len(value) > 200 or any(not isinstance(v, str) or not 0 < len(v) <= 64 for v in value):
            checks.fail(
                Code.INVALID, _("{name} are up to 200 keys of 1-64 characters", name=name), name
            )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


async def create_service_package(
    actor: Actor | None, *, code: str, name: str, **values: Any
) -> ServicePackage:
    """`values`: description, components, features, the limits, term_days, grace_days."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        code = checks.code(code, "code")
        name = checks.text(name, "name")
        values["description"] = (values.get("description") or "").strip()[:2000]
        _check_package(checks, values)
    values = {k: v for k, v in values.items() if v is not None}
    async with transaction(actor) as work:
        if await ServicePackage.exists(code=code):
            raise ServiceError.of(
                Code.DUPLICATE, _("The package code '{code}' is taken", code=code), "code"
            )
        try:
            package = await ServicePackage.create(code=code, name=name, **values)
        except IntegrityError as exc:
            raise ServiceError.of(
                Code.DUPLICATE, _("The package code '{code}' is taken", code=code)
            ) from exc
        data = {"code": code, **{k: v for k, v in values.items() if k in LIMIT_FIELDS}}
        work.audit(actor.tenant_id, "package.created", "ServicePackage", package.id, data)
    return package


async def update_service_package(
    actor: Actor | None,
    *,
    id: uuid.UUID | str,
    expected_version: int | None = None,
    **values: Any,
) -> ServicePackage:
    """Changed limits hold at once for every tenant on the package."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        if values.get("name", KEEP) is not KEEP:
            values["name"] = checks.text(values["name"], "name")
        _check_package(checks, values)
    async with transaction(actor) as work:
        key = parse_id(id)
        package = await ServicePackage.filter(id=key).select_for_update().get_or_none()
        if package is None:
            raise not_found(_("Service package"), "id")
        check_version(package.version, expected_version)
        for name in ("components", "features", "description", "grace_days", "active"):
            if values.get(name, KEEP) is None:
                values[name] = KEEP
        changes = apply_changes(package, **values)
        if changes:
            package.version += 1
            await package.save()
            work.audit(actor.tenant_id, "package.updated", "ServicePackage", package.id, changes)
    return package


async def assign_service_package(
    actor: Actor | None,
    *,
    tenant_id: uuid.UUID | str,
    package_id: uuid.UUID | str | None,
    expires_at: Any = KEEP,
) -> TenantAllocation:
    """Put a tenant on a package (None: none) until `expires_at` (KEEP: the package's term
    from now; None: no expiry). Audited in the tenant's log and the platform's."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    async with transaction(actor) as work:
        tenant = await _department(tenant_id, "id")
        package = None
        if package_id is not None:
            key = parse_id(package_id)
            package = await ServicePackage.get_or_none(id=key) if key else None
            if package is None:
                raise not_found(_("Service package"), "packageId")
        return await assign(work, actor, tenant, package, expires_at)


async def assign(
    work: Work, actor: Actor, tenant: Tenant, package: ServicePackage | None, expires_at: Any
) -> TenantAllocation:
    """The one way a tenant changes package (also when its application is approved)."""
    if expires_at is KEEP:
        days = package.term_days if package else None
        expires_at = work.now + timedelta(days=days) if days else None
    allocation = await locked_allocation(tenant.id)
    await allocation.fetch_related("package")
    before = {
        "package": allocation.package.code if allocation.package else None,
        "expiresAt": allocation.expires_at.isoformat() if allocation.expires_at else None,
    }
    allocation.package_id = package.id if package else None
    allocation.expires_at = expires_at
    allocation.version += 1
    await allocation.save()
    if allocation.suspended_for_expiry and (expires_at is None or expires_at > work.now):
        await _reactivate(work, tenant, allocation)
    data = {
        "from": before,
        "to": {
            "package": package.code if package else None,
            "expiresAt": expires_at.isoformat() if expires_at else None,
        },
        "tenant": tenant.code,
    }
    work.audit(tenant.id, "tenant.package_changed", "Tenant", tenant.id, data)
    if actor.tenant_id != tenant.id:
        work.audit(actor.tenant_id, "tenant.package_changed", "Tenant", tenant.id, data)
    forget_rate(tenant.id)
    await allocation.fetch_related("package")
    return allocation


async def set_tenant_limits(
    actor: Actor | None,
    *,
    tenant_id: uuid.UUID | str,
    expected_version: int | None = None,
    **limits: Any,
) -> TenantAllocation:
    """Raise or lower a tenant's own limits (None: the package's again); they hold at once."""
    actor = require(actor, Permission.PLATFORM_ADMIN)
    with Checks() as checks:
        _check_package(checks, limits)
    async with transaction(actor) as work:
        tenant = await _department(tenant_id, "id")
        allocation = await locked_allocation(tenant.id)
        check_version(allocation.version, expected_version)
        changes = apply_changes(allocation, **{k: limits.get(k, KEEP) for k in LIMIT_FIELDS})
        if changes:
            allocation.version += 1
            await allocation.save()
            data = {"tenant": tenant.code, **changes}
            work.audit(tenant.id, "tenant.limits_changed", "Tenant", tenant.id, data)
            work.audit(actor.tenant_id, "tenant.limits_changed", "Tenant", tenant.id, data)
        forget_rate(tenant.id)
        await allocation.fetch_related("package")
    return allocation


async def locked_allocation(tenant_id: uuid.UUID) -> TenantAllocation:
    """The tenant's allocation, created on first use, locked; its storage counted afresh from
    the attachments under the lock (uploads lock it too, so none is missed)."""
    async with transaction(None):
        with contextlib.suppress(IntegrityError):  # another transaction created it meanwhile
            await TenantAllocation.get_or_create(tenant_id=tenant_id)
    allocation = await TenantAllocation.filter(tenant_id=tenant_id).select_for_update().get()
    await recount_storage(allocation)
    return allocation


async def recount_storage(allocation: TenantAllocation) -> None:
    """Set the counter from the rows; the caller holds the allocation's lock."""
    sql = TenantSql([allocation.tenant_id])
    params: list[Any] = []
    where = sql.where("r", params)
    statement = f"SELECT coalesce(sum(r.size), 0) AS total FROM attachment r WHERE TRUE{where}"  # noqa: S608
    (row,) = await sql.rows(statement, params)
    total = int(row["total"])
    if total != allocation.storage_bytes:
        allocation.storage_bytes = total
        await allocation.save(update_fields=["storage_bytes", "updated_at"])


async def _department(tenant_id: uuid.UUID | str, field: str) -> Tenant:
    key = parse_id(tenant_id)
    tenant = await Tenant.get_or_none(id=key, kind=TenantKind.DEPARTMENT) if key else None
    if tenant is None:
        raise not_found(_("Tenant"), field)
    return tenant


async def _reactivate(work: Work, tenant: Tenant, allocation: TenantAllocation) -> None:
    """A renewed package lifts the suspension its expiry caused (no other suspension)."""
    allocation.suspended_for_expiry = False
    await allocation.save(update_fields=["suspended_for_expiry", "updated_at"])
    locked = await Tenant.filter(id=tenant.id).select_for_update().get()
    if locked.status != TenantStatus.SUSPENDED:
        return
    await set_status(work, locked, TenantStatus.ACTIVE, "package renewed")


async def set_status(work: Work, tenant: Tenant, status: TenantStatus, reason: str) -> None:
    data = {"from": tenant.status.value, "to": status.value, "reason": reason}
    tenant.status = status
    tenant.version += 1
    await tenant.save(update_fields=["status", "version", "updated_at"])
    work.audit(tenant.id, "tenant.status_changed", "Tenant", tenant.id, data)
    work.emit(
        tenant.id, Topic.TENANT_STATUS_CHANGED, {"tenantId": global_id("Tenant", tenant.id), **data}
    )


def expired(allocation: TenantAllocation, now: datetime) -> bool:
    return allocation.expires_at is not None and allocation.expires_at <= now
