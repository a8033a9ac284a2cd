"""Who uses what (资源监控): a tenant's meters now and per day, its package and quotas, for
tenant admins (their tenant and those below) and the platform admin (any tenant, or all)."""

# ruff: noqa: S608 (SQL is assembled from constant fragments and $n placeholders only)

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from i18n import _
from models.access import Permission
from models.scope import TenantSql
from models.tenants import Tenant, TenantKind
from models.usage import GAUGES, Limit, Meter, ServicePackage, TenantAllocation
from resolvers.context import Context
from resolvers.dataloaders import Loader
from resolvers.ids import node_uuid
from resolvers.tenants import visible_tenant
from services import usage
from services.errors import Code, ServiceError, signed_in

MAX_DAYS = 366
DEFAULT_DAYS = 30
Values = dict[tuple[Meter, str], int]


@dataclass
class TenantReport:
    """One tenant's figures; `subtree` holds every tenant below it (itself included)."""

    tenant: Tenant
    allocation: TenantAllocation | None
    package: ServicePackage | None
    subtree: list[uuid.UUID]
    current: dict[uuid.UUID, Values]
    days: dict[uuid.UUID, dict[date, Values]]
    month_start: date
    since: date

    def values(self, *, rolled_up: bool) -> Values:
        return _sum(self.current.get(t, {}) for t in self._tenants(rolled_up))

    def history(self, *, rolled_up: bool) -> list[tuple[date, Values]]:
        merged: dict[date, list[Values]] = defaultdict(list)
        for tenant_id in self._tenants(rolled_up):
            for day, values in self.days.get(tenant_id, {}).items():
                if day >= self.since:
                    merged[day].append(values)
        return [(day, _sum(merged[day])) for day in sorted(merged)]

    def used(self, limit: Limit) -> int | None:
        own = self.current.get(self.tenant.id, {})
        if limit is Limit.USERS:
            return own.get((Meter.USERS_ACTIVE, ""), 0)
        if limit is Limit.STORAGE_BYTES:
            return own.get((Meter.STORAGE_BYTES, ""), 0)
        if limit is Limit.MONTHLY_DOCUMENTS:
            days = self.days.get(self.tenant.id, {})
            key = (Meter.DOCUMENTS_CREATED, "")
            return sum(v.get(key, 0) for d, v in days.items() if d >= self.month_start)
        return None

    def _tenants(self, rolled_up: bool) -> list[uuid.UUID]:
        return self.subtree if rolled_up else [self.tenant.id]


def _sum(parts: Any) -> Values:
    total: Values = defaultdict(int)
    for values in parts:
        for key, value in values.items():
            total[key] += value
    return dict(total)


async def tenant_usage(
    ctx: Context,
    *,
    tenant_id: Any,
    include_children: bool,
    since: date | None,
    until: date | None,
) -> list[TenantReport]:
    """Raises ServiceError: FORBIDDEN for non-admins, NOT_FOUND for a tenant out of sight."""
    actor = signed_in(ctx.actor)
    if not actor.has(Permission.TENANT_ADMIN):
        raise ServiceError.of(Code.FORBIDDEN, _("Usage is for tenant administrators"))
    now = datetime.now(UTC)
    until = until or usage.day_of(now)
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until or (until - since).days >= MAX_DAYS:
        raise ServiceError.of(
            Code.INVALID, _("Ask for 1 to {MAX_DAYS} days", MAX_DAYS=MAX_DAYS), "from"
        )
    listed, root = await _listed(ctx, tenant_id, include_children)
    subtree = listed
    if not include_children or root is None:
        everything = Tenant.filter(kind=TenantKind.DEPARTMENT)
        subtree = await (Tenant.filter(path__startswith=root) if root else everything)
    ids = [t.id for t in subtree]
    allocations = {a.tenant_id: a for a in await TenantAllocation.filter(tenant_id__in=ids)}
    package_ids = {a.package_id for a in allocations.values() if a.package_id}
    packages = {p.id: p for p in await ServicePackage.filter(id__in=package_ids)}
    await usage.requests.flush()
    sql = TenantSql(ids)
    month_start = usage.day_of(now).replace(day=1)
    days = await _days(sql, min(since, month_start), until)
    current = _current(await usage.gauges(sql), days, usage.day_of(now))
    reports = []
    for tenant in listed:
        allocation = allocations.get(tenant.id)
        reports.append(
            TenantReport(
                tenant=tenant,
                allocation=allocation,
                package=packages.get(allocation.package_id) if allocation else None,  # type: ignore[arg-type]
                subtree=[t.id for t in subtree if t.path.startswith(tenant.path)],
                current=current,
                days=days,
                month_start=month_start,
                since=since,
            )
        )
    return reports


async def _listed(
    ctx: Context, tenant_id: Any, include_children: bool
) -> tuple[list[Tenant], str | None]:
    """The tenants to report on, and the path of the branch they are in (None: every one)."""
    actor = signed_in(ctx.actor)
    if tenant_id is None and actor.is_platform_admin:
        return await Tenant.filter(kind=TenantKind.DEPARTMENT).order_by("path"), None
    if tenant_id is not None:
        key = node_uuid(tenant_id, "Tenant")
        tenant = await visible_tenant(ctx, key) if isinstance(key, uuid.UUID) else None
        if tenant is None:
            raise ServiceError.of(Code.NOT_FOUND, _("Tenant not found"), "tenant")
    else:
        tenant = await Tenant.get(id=actor.tenant_id)
    if include_children:
        return await Tenant.filter(path__startswith=tenant.path).order_by("path"), tenant.path
    return [tenant], tenant.path


async def _days(sql: TenantSql, first: date, last: date) -> dict[uuid.UUID, dict[date, Values]]:
    params: list[Any] = [first, last]
    rows = await sql.rows(
        "SELECT u.tenant_id, u.day, u.meter, u.key, u.value FROM tenant_usage_day u "
        f"WHERE u.day >= $1 AND u.day <= $2{sql.where('u', params)}",
        params,
    )
    days: dict[uuid.UUID, dict[date, Values]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        day = row["day"] if isinstance(row["day"], date) else date.fromisoformat(row["day"])
        tenant = uuid.UUID(str(row["tenant_id"]))
        days[tenant][day][(Meter(row["meter"]), row["key"])] = int(row["value"])
    return days


def _current(
    gauges: dict[tuple[uuid.UUID, Meter, str], int],
    days: dict[uuid.UUID, dict[date, Values]],
    today: date,
) -> dict[uuid.UUID, Values]:
    """Gauges as they are now, counters as they stand today."""
    current: dict[uuid.UUID, Values] = defaultdict(dict)
    for (tenant, meter, key), value in gauges.items():
        current[tenant][(meter, key)] = value
    for tenant, per_day in days.items():
        for (meter, key), value in per_day.get(today, {}).items():
            if meter not in GAUGES:
                current[tenant][(meter, key)] = value
    return current


async def service_packages(ctx: Context, *, include_inactive: bool) -> list[ServicePackage]:
    """The catalogue of packages: tenant admins see those on offer, the platform admin all."""
    actor = ctx.actor
    if actor is None or not actor.has(Permission.TENANT_ADMIN):
        return []
    query = ServicePackage.all().order_by("code")
    if not (include_inactive and actor.is_platform_admin):
        query = query.filter(active=True)
    return list(await query)


class ServicePackageById(Loader[uuid.UUID, ServicePackage | None]):
    """Packages, for administrators (the catalogue is the platform's, no tenant's)."""

    async def batch_load(self, keys: list[uuid.UUID]) -> list[ServicePackage | None]:
        actor = self.ctx.actor
        if actor is None or not actor.has(Permission.TENANT_ADMIN):
            return [None] * len(keys)
        rows = {p.id: p for p in await ServicePackage.filter(id__in=keys)}
        return [rows.get(k) for k in keys]
