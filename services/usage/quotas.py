"""Quotas enforced where things are used. Each check runs inside the use case's transaction
and locks the tenant's allocation row first, so concurrent uses (in any process) are counted
one after another and exactly the ones over the limit are refused, with nothing written."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from i18n import _
from models.directory import User, UserStatus
from models.scope import TenantScope
from models.usage import Limit, Meter, ServicePackage, TenantAllocation, UsageDay, limit_of
from services.errors import Code, Problem, ServiceError
from services.usage.counting import day_of

RATE_CACHE_SECONDS = 1.0
"""How often each process rereads the API rates: a change the platform admin makes holds
everywhere within this time (at once in the process that made it)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """A tenant's limits in force: its allocation's own, else its package's (None: none)."""

    allocation: TenantAllocation | None
    package: ServicePackage | None

    def of(self, limit: Limit) -> int | None:
        for source in (self.allocation, self.package):
            value = limit_of(source, limit) if source is not None else None
            if value is not None:
                return value
        return None

    @property
    def package_name(self) -> str:
        return f"package '{self.package.code}'" if self.package else "no package"


async def limits_of(tenant_id: uuid.UUID, *, lock: bool = False) -> Limits:
    query = TenantAllocation.filter(tenant_id=tenant_id)
    allocation = await (query.select_for_update() if lock else query).get_or_none()
    package = None
    if allocation is not None and allocation.package_id is not None:
        package = await ServicePackage.get(id=allocation.package_id)
    return Limits(allocation, package)


def exceeded(limits: Limits, limit: Limit, used: int, wanted: int, field: str) -> ServiceError:
    maximum = limits.of(limit)
    return ServiceError(
        Problem(
            Code.QUOTA_EXCEEDED,
            _(
                "Quota exceeded: {limit} is limited to {maximum} by "
                "{package_name}; {used} used, {wanted} more asked",
                limit=limit.value,
                maximum=maximum,
                package_name=limits.package_name,
                used=used,
                wanted=wanted,
            ),
            (field,),
        )
    )


async def reserve_storage(tenant_id: uuid.UUID, size: int, field: str = "file") -> None:
    """Count `size` more bytes against the tenant's storage, or refuse them."""
    limits = await limits_of(tenant_id, lock=True)
    allocation = limits.allocation
    if allocation is None:
        return
    maximum = limits.of(Limit.STORAGE_BYTES)
    if maximum is not None and allocation.storage_bytes + size > maximum:
        raise exceeded(limits, Limit.STORAGE_BYTES, allocation.storage_bytes, size, field)
    allocation.storage_bytes += size
    await allocation.save(update_fields=["storage_bytes", "updated_at"])


async def admit_user(tenant_id: uuid.UUID, field: str = "username") -> None:
    """Refuse one more active user over the tenant's limit."""
    limits = await limits_of(tenant_id, lock=True)
    maximum = limits.of(Limit.USERS)
    if maximum is None:
        return
    active = await TenantScope(tenant_id).query(User).filter(status=UserStatus.ACTIVE).count()
    if active + 1 > maximum:
        raise exceeded(limits, Limit.USERS, active, 1, field)


async def admit_document(tenant_id: uuid.UUID, now: datetime) -> None:
    """Refuse a document over the tenant's monthly limit (documents created this month)."""
    limits = await limits_of(tenant_id, lock=True)
    maximum = limits.of(Limit.MONTHLY_DOCUMENTS)
    if maximum is None:
        return
    used = await monthly_documents(tenant_id, now)
    if used + 1 > maximum:
        raise exceeded(limits, Limit.MONTHLY_DOCUMENTS, used, 1, "documentTypeId")


async def monthly_documents(tenant_id: uuid.UUID, now: datetime) -> int:
    first = day_of(now).replace(day=1)
    days = TenantScope(tenant_id).query(UsageDay).filter(meter=Meter.DOCUMENTS_CREATED)
    values: list[int] = await days.filter(day__gte=first).values_list("value", flat=True)  # type: ignore[assignment]
    return sum(values)


class RateTable:
    """Every tenant's API rate in force, held by each process and reread by the
    `usage_rates` loop every `RATE_CACHE_SECONDS` (one statement for all tenants), so a request
    costs no query; a change made in this process marks it stale, and the next request rereads
    it."""

    def __init__(self) -> None:
        self._rates: dict[uuid.UUID, int] = {}
        self._fresh = False

    async def refresh(self) -> None:
        rows = await TenantAllocation.all().values_list(
            "tenant_id", "api_requests_per_minute", "package__api_requests_per_minute"
        )
        self._rates = {
            tenant_id: own if own is not None else package
            for tenant_id, own, package in rows
            if own is not None or package is not None
        }
        self._fresh = True

    async def of(self, tenant_id: uuid.UUID) -> int | None:
        if not self._fresh:
            await self.refresh()
        return self._rates.get(tenant_id)

    def stale(self) -> None:
        self._fresh = False


rates = RateTable()


async def api_rate(tenant_id: uuid.UUID) -> int | None:
    """API requests per rate window the tenant may make (None: unlimited)."""
    return await rates.of(tenant_id)


def forget_rate(tenant_id: uuid.UUID) -> None:
    rates.stale()
