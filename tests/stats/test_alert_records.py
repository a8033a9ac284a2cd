"""An alert's events carry everything a subscriber shows, raised and resolved; rollups asked
for with no minimum age are rebuilt every time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections

from models.outbox import OutboxEvent
from models.stats import AlertKind, AlertStatus, RollupState
from services import stats
from services.uow import transaction
from tests.conftest import gid


async def _events(tenant_id: Any, topic: str) -> list[dict[str, Any]]:
    rows = await OutboxEvent.filter(tenant_id=tenant_id, topic=topic).order_by("id")
    return [row.payload for row in rows]


async def test_an_alerts_events_say_what_it_is_and_whose(make_department: Any) -> None:
    department = await make_department()
    tenant = department.tenant
    raised_at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    async with transaction(None) as work:
        alert = await stats.raise_alert(
            work,
            tenant,
            AlertKind.TASKS_OVERDUE,
            raised_at,
            7.0,
            5.0,
            "7 open tasks are overdue (threshold 5)",
            {"overdueTasks": 7},
            severity="critical",
        )
    expected = {
        "alertId": gid("Alert", alert.id),
        "kind": "tasks_overdue",
        "status": "open",
        "severity": "critical",
        "tenantId": gid("Tenant", tenant.id),
        "tenantCode": tenant.code,
        "tenantPath": tenant.path,
        "value": 7.0,
        "threshold": 5.0,
        "message": "7 open tasks are overdue (threshold 5)",
        "data": {"overdueTasks": 7},
        "raisedAt": raised_at.isoformat(),
        "resolvedAt": None,
    }
    assert await _events(tenant.id, "alert.raised") == [expected]
    resolved_at = raised_at + timedelta(hours=1)
    async with transaction(None) as work:
        await stats.resolve_alert(work, alert, resolved_at)
    assert alert.status == AlertStatus.RESOLVED
    assert await _events(tenant.id, "alert.resolved") == [
        {**expected, "status": "resolved", "resolvedAt": resolved_at.isoformat()}
    ]


async def _refresh(time_zone: str, **options: float) -> bool:
    """`refresh_rollups`, tried again while a server's loop holds the job's lock."""
    for _ in range(50):
        if await stats.refresh_rollups(time_zone, **options):
            return True
        rows = await connections.get("default").execute_query_dict(
            "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1",
            [stats.ROLLUP_LOCK],
        )
        if not rows[0]["n"]:
            return False
        await asyncio.sleep(0.1)
    raise AssertionError("the rollups stayed locked")


async def test_rollups_with_no_minimum_age_are_rebuilt_each_time(database: Any) -> None:
    assert await _refresh("Asia/Shanghai") is True
    await RollupState.filter(name="platform").update(built_at=datetime.now(UTC))
    assert await _refresh("Asia/Shanghai") is True
    await RollupState.filter(name="platform").update(built_at=datetime.now(UTC))
    assert await _refresh("Asia/Shanghai", older_than=3600) is False
    try:
        assert await _refresh("UTC", older_than=3600) is True, "another time zone"
        old = datetime.now(UTC) - timedelta(hours=2)
        await RollupState.filter(name="platform").update(built_at=old)
        assert await _refresh("UTC", older_than=3600) is True
        state = await RollupState.get(name="platform")
        assert state.built_at > old
    finally:
        await _refresh(stats.DEFAULT_TIME_ZONE)


def test_an_alerts_figures_and_words_are_rounded_for_people() -> None:
    thresholds = stats.Thresholds(overdue_tasks=5, outbox_lag_seconds=90.0)
    assert stats._overdue_alert(7, thresholds) == (
        7.0,
        5.0,
        "7 open tasks are overdue (threshold 5)",
        {"overdueTasks": 7},
    )
    assert stats._lag_alert(stats.OutboxLag(3, 12.345), thresholds) == (
        12.3,
        90.0,
        "3 events wait to be published; the oldest for 12.3s (threshold 90s)",
        {"unpublished": 3, "oldestAgeSeconds": 12.3},
    )
