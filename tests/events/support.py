"""Helpers for the live-event tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from subscriptions.outbox import reader
from tests.conftest import Department


async def position(department: Department) -> dict[str, str]:
    """`after` = the tenant's last event: the stream misses nothing even if it starts late."""
    return {"after": str(await reader.latest_id(department.tenant.id))}


async def until(check: Callable[..., bool], *args: Any, seconds: float = 10.0) -> None:
    """Wait until `check(*args)` holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not check(*args):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
