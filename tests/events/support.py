"""Helpers for the live-event tests."""

from __future__ import annotations

from subscriptions.outbox import reader
from tests.conftest import Department


async def position(department: Department) -> dict[str, str]:
    """`after` = the tenant's last event: the stream misses nothing even if it starts late."""
    return {"after": str(await reader.latest_id(department.tenant.id))}
