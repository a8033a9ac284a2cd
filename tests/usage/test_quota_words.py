"""The quota checks in process, at their edges: exactly at the limit is allowed, one more is
refused in words that name the limit, its source, what is used and what was asked."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.directory import User
from models.usage import Limit, Meter, ServicePackage, TenantAllocation, UsageDay
from services import usage
from services.uow import transaction
from services.usage import counting, quotas
from tests.usage.support import platform_actor, refused


async def _locked(call: Any) -> Any:
    async with transaction(None):
        return await call


async def _words(call: Any) -> list[tuple[str, str, tuple[str, ...] | None]]:
    async def run() -> None:
        async with transaction(None):
            await call

    return await refused(run())


async def test_users_and_storage_are_refused_one_past_the_limit(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    tenant = (await make_department()).tenant
    await _locked(quotas.admit_user(tenant.id))  # no allocation: no limit
    await _locked(quotas.reserve_storage(tenant.id, 10**12))
    assert not await TenantAllocation.exists(tenant_id=tenant.id)

    await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=2, max_storage_bytes=100)
    await _locked(quotas.admit_user(tenant.id))  # the admin and one more: 2
    await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=1)
    assert await _words(quotas.admit_user(tenant.id)) == [
        (
            "QUOTA_EXCEEDED",
            "Quota exceeded: users is limited to 1 by no package; 1 used, 1 more asked",
            ("username",),
        )
    ]
    assert (await _words(quotas.admit_user(tenant.id, "userName")))[0][2] == ("userName",)

    await _locked(quotas.reserve_storage(tenant.id, 60))
    await _locked(quotas.reserve_storage(tenant.id, 40))
    assert (await TenantAllocation.get(tenant_id=tenant.id)).storage_bytes == 100
    assert await _words(quotas.reserve_storage(tenant.id, 1)) == [
        (
            "QUOTA_EXCEEDED",
            "Quota exceeded: storage_bytes is limited to 100 by no package; 100 used, 1 more asked",
            ("file",),
        )
    ]
    assert (await _words(quotas.reserve_storage(tenant.id, 1, "upload")))[0][2] == ("upload",)
    assert (await TenantAllocation.get(tenant_id=tenant.id)).storage_bytes == 100


async def test_documents_of_this_month_count_against_the_package(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    tenant = (await make_department()).tenant
    code = f"m{uuid.uuid4().hex[:8]}"
    package = await usage.create_service_package(
        actor, code=code, name="月度", max_monthly_documents=3, max_users=1
    )
    await usage.assign_service_package(
        actor, tenant_id=tenant.id, package_id=package.id, expires_at=None
    )
    now = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
    first = date(2026, 6, 1)
    await counting._write(
        {(tenant.id, Meter.DOCUMENTS_CREATED, ""): 9}, first - timedelta(1), add=True
    )
    await counting._write({(tenant.id, Meter.DOCUMENTS_CREATED, ""): 1}, first, add=True)
    await counting._write(
        {(tenant.id, Meter.DOCUMENTS_CREATED, ""): 1}, date(2026, 6, 15), add=True
    )
    assert await quotas.monthly_documents(tenant.id, now) == 2
    await _locked(quotas.admit_document(tenant.id, now))
    await counting._write(
        {(tenant.id, Meter.DOCUMENTS_CREATED, ""): 1}, date(2026, 6, 15), add=True
    )
    assert await _words(quotas.admit_document(tenant.id, now)) == [
        (
            "QUOTA_EXCEEDED",
            f"Quota exceeded: monthly_documents is limited to 3 by package '{code}'; "
            "3 used, 1 more asked",
            ("documentTypeId",),
        )
    ]
    rows = await UsageDay.filter(tenant_id=tenant.id, meter=Meter.DOCUMENTS_CREATED)
    assert sorted((r.day, r.value) for r in rows)[-1] == (date(2026, 6, 15), 2), "added up"

    limits = await quotas.limits_of(tenant.id)
    assert (limits.of(Limit.USERS), limits.package_name) == (1, f"package '{code}'")
    await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=4)
    limits = await quotas.limits_of(tenant.id)
    assert (limits.of(Limit.USERS), limits.of(Limit.STORAGE_BYTES)) == (4, None), "its own first"
    assert quotas.Limits(None, None).package_name == "no package"


async def test_the_api_rate_is_the_tenants_own_else_its_packages(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    tenant, other = (await make_department()).tenant, (await make_department()).tenant
    package = await usage.create_service_package(
        actor, code=f"r{uuid.uuid4().hex[:8]}", name="限速", api_requests_per_minute=30
    )
    assert await usage.api_rate(tenant.id) is None
    await usage.assign_service_package(
        actor, tenant_id=tenant.id, package_id=package.id, expires_at=None
    )
    await usage.set_tenant_limits(actor, tenant_id=other.id, max_users=9)
    assert (await usage.api_rate(tenant.id), await usage.api_rate(other.id)) == (30, None)
    await usage.set_tenant_limits(actor, tenant_id=tenant.id, api_requests_per_minute=5)
    assert await usage.api_rate(tenant.id) == 5
    await ServicePackage.filter(id=package.id).update(api_requests_per_minute=50)
    await usage.set_tenant_limits(actor, tenant_id=tenant.id, api_requests_per_minute=None)
    assert await usage.api_rate(tenant.id) == 50
