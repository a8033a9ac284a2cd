"""The access log in process: one sign-in per access token, failed sign-ins cut to their
columns, and component use counted in memory and upserted one row per user, component and day."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime

import pytest

from models.sso import AccessEvent, AccessEventKind, ComponentUsage
from services.sso import access_log
from services.tenants import secret_hash
from tests.sso.records import clerk


async def test_a_sign_in_is_recorded_once_per_token(make_department) -> None:
    department = await make_department()
    tenant_id, user = department.tenant.id, await clerk(department)
    sign_in = {
        "subject": "portal|1",
        "method": "bearer",
        "client_id": "web",
        "token": "access-token-1",
        "ip": "10.1.2.3",
    }
    assert await access_log.record_sign_in(tenant_id, user.id, **sign_in) is True
    assert await access_log.record_sign_in(tenant_id, user.id, **sign_in) is False
    (row,) = await AccessEvent.filter(tenant_id=tenant_id, user_id=user.id)
    assert row.kind == AccessEventKind.SIGN_IN
    assert (row.subject, row.method, row.client_id, row.ip) == (
        "portal|1",
        "bearer",
        "web",
        "10.1.2.3",
    )
    assert row.token_ref == secret_hash("access-token-1")
    for _ in range(2):
        assert await access_log.record_sign_in(tenant_id, user.id, **{**sign_in, "token": None})
    untokened = await AccessEvent.filter(tenant_id=tenant_id, token_ref=None)
    assert len(untokened) == 2

    await access_log.record_failed_sign_in(
        tenant_id,
        subject="s" * 300,
        method="bearer",
        reason="r" * 400,
        client_id="c" * 300,
        ip="10.9.9.9",
    )
    await access_log.record_failed_sign_in(
        tenant_id, subject=None, method="session", reason="expired", client_id=None, ip=None
    )
    failed = await AccessEvent.filter(
        tenant_id=tenant_id, kind=AccessEventKind.SIGN_IN_FAILED
    ).order_by("created_at")
    assert [(f.subject, f.method, f.reason, f.client_id, f.ip, f.user_id) for f in failed] == [
        ("s" * 255, "bearer", "r" * 300, "c" * 255, "10.9.9.9", None),
        (None, "session", "expired", None, None, None),
    ]


async def test_component_use_is_added_up_per_user_component_and_day(make_department) -> None:
    department = await make_department()
    tenant_id = department.tenant.id
    first, second = await clerk(department), await clerk(department, "second")
    recorder = access_log.UsageRecorder()
    assert await recorder.flush() == 0
    started = datetime.now(UTC)
    recorder.add(tenant_id, first.id, "portal")
    recorder.add(tenant_id, first.id, "portal")
    recorder.add(tenant_id, first.id, "x" * 70)
    recorder.add(tenant_id, second.id, "portal")
    assert await recorder.flush() == 3
    assert await recorder.flush() == 0, "flushed once"
    rows = await ComponentUsage.filter(tenant_id=tenant_id).order_by("component", "-count")
    today = started.date()
    assert [(r.user_id, r.component, r.count, r.day) for r in rows] == [
        (first.id, "portal", 2, today),
        (second.id, "portal", 1, today),
        (first.id, "x" * 64, 1, today),
    ]
    before = next(r for r in rows if r.user_id == first.id and r.component == "portal")
    assert started <= before.first_at < before.last_at

    recorder.add(tenant_id, first.id, "portal")
    assert await recorder.flush() == 1
    after = await ComponentUsage.get(id=before.id)
    assert after.count == 3, "added to the day's row"
    assert after.first_at == before.first_at
    assert after.last_at > before.last_at


async def test_the_flush_loop_writes_and_survives_a_failed_write(
    make_department, caplog: pytest.LogCaptureFixture
) -> None:
    department = await make_department()
    tenant_id, user = department.tenant.id, await clerk(department)
    recorder = access_log.UsageRecorder()
    recorder.add(tenant_id, uuid.uuid4(), "portal")  # no such user: the write fails
    loop = asyncio.create_task(recorder.flush_forever(0.05))
    try:
        with caplog.at_level(logging.ERROR, logger="services.sso.access_log"):
            for _ in range(100):
                await asyncio.sleep(0.05)
                if "writing component usage failed" in caplog.text:
                    break
        assert "writing component usage failed" in caplog.text
        recorder.add(tenant_id, user.id, "documents")
        for _ in range(100):
            await asyncio.sleep(0.05)
            if await ComponentUsage.exists(user_id=user.id):
                break
        (row,) = await ComponentUsage.filter(user_id=user.id)
        assert (row.component, row.count) == ("documents", 1)
        assert not loop.done()
    finally:
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop
