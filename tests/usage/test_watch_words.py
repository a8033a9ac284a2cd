"""The watch job in process: each alert's message, figures and data, and what the tenant's
administrators are told, word for word; an alert at a new level replaces the one before."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.directory import User
from models.notifications import Notification, NotificationKind
from models.stats import Alert, AlertKind, AlertStatus
from models.tenants import Tenant, TenantStatus
from services import usage
from tests.conftest import gid
from tests.usage.support import platform_actor

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _pass(now: datetime) -> list[Alert]:
    for _ in range(100):
        changed = await usage.watch(now)
        if changed is not None:
            return changed
        await asyncio.sleep(0.1)
    raise AssertionError("the watch job stayed locked by another process")


async def _open(tenant: Tenant) -> list[Alert]:
    rows: list[Alert] = await Alert.filter(tenant_id=tenant.id, status=AlertStatus.OPEN).order_by(
        "created_at"
    )
    return rows


async def test_quota_alerts_say_what_is_used_of_what(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    department = await make_department()
    tenant = department.tenant
    await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=1, max_storage_bytes=0)
    now = datetime.now(UTC)
    changed = await _pass(now)
    users, storage = await _open(tenant)
    assert {a.id for a in changed if a.tenant_id == tenant.id} == {users.id, storage.id}
    assert (users.kind, users.severity, users.value, users.threshold) == (
        AlertKind.QUOTA,
        "critical",
        1.0,
        1.0,
    )
    assert users.message == "users: 1 of 1 used (100 %, no package)"
    assert users.data == {"limit": "users", "level": 100, "used": 1, "max": 1}
    assert storage.message == "storage_bytes: 0 of 0 used (100 %, no package)"
    assert storage.data == {"limit": "storage_bytes", "level": 100, "used": 0, "max": 0}
    told = await Notification.filter(tenant_id=tenant.id, user_id=department.admin.id).order_by(
        "created_at"
    )
    assert [(n.kind, n.text, n.link) for n in told] == [
        (
            NotificationKind.QUOTA_WARNING,
            f"「{tenant.name}」的用户数已用1，上限1（100%，服务套餐（无））",
            gid("Tenant", tenant.id),
        ),
        (
            NotificationKind.QUOTA_WARNING,
            f"「{tenant.name}」的存储空间（字节）已用0，上限0（100%，服务套餐（无））",
            gid("Tenant", tenant.id),
        ),
    ]
    assert await _pass(now) is not None
    assert len(await Alert.filter(tenant_id=tenant.id)) == 2, "an open alert is not raised twice"

    await usage.set_tenant_limits(actor, tenant_id=tenant.id, max_users=2, max_storage_bytes=None)
    changed = await _pass(now)
    mine = sorted((a.data["limit"], a.status.value) for a in changed if a.tenant_id == tenant.id)
    assert mine == [("storage_bytes", "resolved"), ("users", "resolved")], "50 %: no alert"
    assert {a.resolved_at for a in changed if a.tenant_id == tenant.id} == {now}
    assert await _open(tenant) == []


async def test_an_expired_package_is_announced_once_and_suspends_after_its_grace(
    make_department: Any, platform_admin: User
) -> None:
    actor = await platform_actor(platform_admin)
    department = await make_department()
    tenant = department.tenant
    code = f"g{uuid.uuid4().hex[:8]}"
    package = await usage.create_service_package(actor, code=code, name="短期", grace_days=2)
    expired = datetime(2026, 1, 10, 16, 30, tzinfo=UTC)
    await usage.assign_service_package(
        actor, tenant_id=tenant.id, package_id=package.id, expires_at=expired
    )
    suspend_at = expired + timedelta(days=2)
    now = expired + timedelta(hours=6)
    changed = await _pass(now)
    (notice,) = [a for a in changed if a.tenant_id == tenant.id]
    assert (notice.kind, notice.severity) == (AlertKind.PACKAGE_EXPIRED, "warning")
    assert (notice.value, notice.threshold) == (6 * 3600.0, 2 * 86400.0)
    assert notice.message == (
        f"The package '{code}' expired on 2026-01-10 16:30 UTC; the tenant is suspended on "
        "2026-01-12 16:30 UTC unless it is renewed"
    )
    assert notice.data == {"expiresAt": expired.isoformat(), "suspendAt": suspend_at.isoformat()}
    (told,) = await Notification.filter(tenant_id=tenant.id, user_id=department.admin.id)
    assert told.kind == NotificationKind.PACKAGE_EXPIRING
    assert told.text == (
        f"「{tenant.name}」的服务套餐「短期」已于2026年01月11日 00:30到期，"
        "请在2026年01月13日 00:30前续订，否则单位将被停用"
    )

    assert [
        a for a in await _pass(suspend_at - timedelta(seconds=1)) if a.tenant_id == tenant.id
    ] == []
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.ACTIVE
    await _pass(suspend_at)
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.SUSPENDED, "at the moment due"
    assert len(await Alert.filter(tenant_id=tenant.id)) == 1
