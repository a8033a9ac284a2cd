"""The job that watches allocations (every process runs it; an advisory lock lets one at a
time; it locks no allocation, so uploads and sign-ups go on meanwhile): alerts at 80 % and 100 %
of each limit, and packages that expire. An expired package raises a `package_expired` alert at
once (the notice, naming the day of suspension) and suspends the tenant when its grace period
ends; a renewal resolves the alert and lifts that suspension (`services/usage/packages.py`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.directory import User, UserStatus
from models.scope import TenantScope, across_tenants
from models.stats import Alert, AlertKind, AlertStatus
from models.tenants import Tenant, TenantStatus
from models.usage import Limit, ServicePackage, TenantAllocation
from services import stats
from services.uow import Work, transaction
from services.usage.counting import try_lock
from services.usage.packages import expired, set_status
from services.usage.quotas import Limits, monthly_documents

WATCH_LOCK = 0x0FF1CE + 23
LEVELS = ((100, "critical"), (80, "warning"))
"""Percent of a limit at which a `quota` alert is raised, and its severity."""
WATCHED = (Limit.USERS, Limit.STORAGE_BYTES, Limit.MONTHLY_DOCUMENTS)


async def watch(now: datetime) -> list[Alert] | None:
    """One pass over every allocation; returns the alerts raised or resolved, or None when
    another process is making the pass."""
    changed: list[Alert] = []
    async with transaction(None) as work:
        if not await try_lock(WATCH_LOCK):
            return None
        allocations = await TenantAllocation.all().order_by("tenant_id")
        packages = {p.id: p for p in await ServicePackage.all()}
        tenants = {t.id: t for t in await Tenant.filter(id__in=[a.tenant_id for a in allocations])}
        open_alerts = await across_tenants(Alert).filter(
            status=AlertStatus.OPEN, kind__in=[AlertKind.QUOTA, AlertKind.PACKAGE_EXPIRED]
        )
        for allocation in allocations:
            tenant = tenants[allocation.tenant_id]
            limits = Limits(allocation, packages.get(allocation.package_id))  # type: ignore[arg-type]
            mine = [a for a in open_alerts if a.tenant_id == tenant.id]
            changed += await _quota_alerts(work, tenant, limits, mine, now)
            changed += await _expiry(work, tenant, limits, mine, now)
    return changed


async def usage_of(limits: Limits, now: datetime) -> dict[Limit, int]:
    allocation = limits.allocation
    assert allocation is not None
    scope = TenantScope(allocation.tenant_id)
    return {
        Limit.USERS: await scope.query(User).filter(status=UserStatus.ACTIVE).count(),
        Limit.STORAGE_BYTES: allocation.storage_bytes,
        Limit.MONTHLY_DOCUMENTS: await monthly_documents(allocation.tenant_id, now),
    }


async def _quota_alerts(
    work: Work, tenant: Tenant, limits: Limits, mine: list[Alert], now: datetime
) -> list[Alert]:
    changed = []
    used = await usage_of(limits, now)
    for limit in WATCHED:
        maximum = limits.of(limit)
        percent = 100 * used[limit] / maximum if maximum else (100 if maximum == 0 else 0)
        level = next(((lvl, sev) for lvl, sev in LEVELS if percent >= lvl), None)
        current = next(
            (a for a in mine if a.kind == AlertKind.QUOTA and a.data["limit"] == limit), None
        )
        if current is not None and (level is None or current.data["level"] != level[0]):
            changed.append(await stats.resolve_alert(work, current, now))
            current = None
        if level is not None and current is None:
            message = (
                f"{limit.value}: {used[limit]} of {maximum} used ({percent:.0f} %, "
                f"{limits.package_name})"
            )
            data = {"limit": limit.value, "level": level[0], "used": used[limit], "max": maximum}
            changed.append(
                await stats.raise_alert(
                    work,
                    tenant,
                    AlertKind.QUOTA,
                    now,
                    float(used[limit]),
                    float(maximum or 0),
                    message,
                    data,
                    severity=level[1],
                )
            )
    return changed


async def _expiry(
    work: Work, tenant: Tenant, limits: Limits, mine: list[Alert], now: datetime
) -> list[Alert]:
    allocation = limits.allocation
    assert allocation is not None
    notice = next((a for a in mine if a.kind == AlertKind.PACKAGE_EXPIRED), None)
    if not expired(allocation, now):
        return [await stats.resolve_alert(work, notice, now)] if notice else []
    assert allocation.expires_at is not None
    grace = limits.package.grace_days if limits.package else 0
    suspend_at = allocation.expires_at + timedelta(days=grace)
    changed = []
    if notice is None:
        message = (
            f"The {limits.package_name} expired on {allocation.expires_at:%Y-%m-%d %H:%M} UTC; "
            f"the tenant is suspended on {suspend_at:%Y-%m-%d %H:%M} UTC unless it is renewed"
        )
        data: dict[str, Any] = {
            "expiresAt": allocation.expires_at.isoformat(),
            "suspendAt": suspend_at.isoformat(),
        }
        age = (now - allocation.expires_at).total_seconds()
        changed.append(
            await stats.raise_alert(
                work, tenant, AlertKind.PACKAGE_EXPIRED, now, age, grace * 86400.0, message, data
            )
        )
    if now >= suspend_at and tenant.status == TenantStatus.ACTIVE:
        await TenantAllocation.filter(id=allocation.id).update(suspended_for_expiry=True)
        locked = await Tenant.filter(id=tenant.id).select_for_update().get()
        if locked.status == TenantStatus.ACTIVE:
            await set_status(work, locked, TenantStatus.SUSPENDED, "package expired")
    return changed
