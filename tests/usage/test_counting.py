"""Metering in process: counters in the use case's transaction and per request, the gauges'
snapshot, the busiest tenants by meter, and the jobs that step aside while another process
holds their lock."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from models.notifications import Channel, NotificationDelivery
from models.scope import TenantSql
from models.usage import Meter, UsageDay
from server.settings import Settings
from services import stats, usage
from services.uow import transaction
from services.usage import counting

DAY = date(2001, 2, 3)
"""A day no other test counts on."""


async def _values(tenant_id: uuid.UUID, day: date) -> dict[tuple[str, str], int]:
    rows = await UsageDay.filter(tenant_id=tenant_id, day=day)
    return {(r.meter.value, r.key): r.value for r in rows}


def test_days_are_counted_in_shanghai() -> None:
    assert usage.day_of(datetime(2026, 1, 1, 15, 59, tzinfo=UTC)) == date(2026, 1, 1)
    assert usage.day_of(datetime(2026, 1, 1, 16, 0, tzinfo=UTC)) == date(2026, 1, 2)


async def test_counters_add_up_in_the_transaction_and_per_request(make_department: Any) -> None:
    tenant_id = (await make_department()).tenant.id
    async with transaction(None) as work:
        await usage.count(work, tenant_id, Meter.BOOKINGS, 3, key="k" * 70)
        await usage.count(work, tenant_id, Meter.BOOKINGS)
        today = usage.day_of(work.now)
    assert await _values(tenant_id, today) == {("bookings", "k" * 64): 3, ("bookings", ""): 1}

    sent = datetime(2001, 2, 3, 4, 0, tzinfo=UTC)
    delivery = NotificationDelivery(tenant_id=tenant_id, channel=Channel.SMS)
    await usage.count_sent(delivery, sent)
    await usage.count_sent(delivery, sent)
    assert await _values(tenant_id, DAY) == {("notifications_sent", "sms"): 2}

    counter = counting.RequestCounter()
    assert await counter.flush() == 0
    counter.add(tenant_id, Meter.API_REQUESTS)
    counter.add(tenant_id, Meter.API_REQUESTS, 4)
    counter.add(tenant_id, Meter.WEBSOCKET_CONNECTIONS, 1, key="graphql")
    assert await counter.flush() == 2
    assert await counter.flush() == 0
    now = await _values(tenant_id, usage.day_of(datetime.now(UTC)))
    assert (now[("api_requests", "")], now[("websocket_connections", "graphql")]) == (5, 1)

    nobody = uuid.uuid4()
    counter.add(nobody, Meter.API_REQUESTS, 2)
    with pytest.raises(Exception, match="foreign key"):
        await counter.flush()
    counter.add(nobody, Meter.API_REQUESTS, 1)
    assert counter._pending == {(nobody, Meter.API_REQUESTS, ""): 3}, "kept for the next try"


async def test_gauges_are_set_not_added_and_the_busiest_tenants_lead(make_department: Any) -> None:
    first, second, third = [await make_department(code=f"c{uuid.uuid4().hex[:9]}") for _ in "123"]
    found = await usage.gauges(TenantSql([first.tenant.id]))
    assert found == {
        (first.tenant.id, Meter.USERS_TOTAL, ""): 1,
        (first.tenant.id, Meter.USERS_ACTIVE, ""): 1,
    }
    snapped = datetime(2001, 2, 3, 12, 0, tzinfo=UTC)
    for _ in range(2):
        assert await usage.snapshot(snapped) is True
    assert await _values(first.tenant.id, DAY) == {("users_total", ""): 1, ("users_active", ""): 1}

    for department, n in ((first, 5), (second, 5), (third, 1)):
        await counting._write({(department.tenant.id, Meter.SEARCH_QUERIES, "q"): n}, DAY, add=True)
    a, b = sorted((first.tenant.code, second.tenant.code))
    series = [
        (code, value)
        for code, meter, key, value in await usage.top_tenants(DAY, 1)
        if (meter, key) == (Meter.SEARCH_QUERIES, "q")
    ]
    assert series == [(a, 5), ("other", 6)], "equal values by code"
    two = await usage.top_tenants(DAY, 2)
    assert [(c, v) for c, m, k, v in two if k == "q"] == [(a, 5), (b, 5), ("other", 1)]
    three = await usage.top_tenants(DAY, 3)
    assert [c for c, m, k, v in three if k == "q"] == [a, b, third.tenant.code]
    meters = [m for _, m, _, _ in three]
    assert meters == sorted(meters)


@asynccontextmanager
async def _held(settings: Settings, key: int) -> AsyncIterator[None]:
    """Another session holding the advisory lock `key`, as a second process would."""
    connection = await asyncpg.connect(str(settings.database_url))
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", key)
        yield
        await connection.execute("SELECT pg_advisory_unlock($1)", key)
    finally:
        await connection.close()


async def test_the_jobs_step_aside_while_another_process_runs_them(database: Settings) -> None:
    async with _held(database, counting.SNAPSHOT_LOCK):
        assert await usage.snapshot() is False
        assert await counting.try_lock(counting.SNAPSHOT_LOCK) is False
    async with _held(database, 0x0FF1CE + 23):
        assert await usage.watch(datetime.now(UTC)) is None
    async with _held(database, stats.ALERT_LOCK):
        thresholds = stats.Thresholds(overdue_tasks=1, outbox_lag_seconds=0.0)
        assert await stats.check_alerts(thresholds) == []
    async with _held(database, stats.ROLLUP_LOCK):
        assert await stats.refresh_rollups(stats.DEFAULT_TIME_ZONE) is False
