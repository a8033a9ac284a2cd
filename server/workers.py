"""Background loops every server process runs (timers; each safe to run in many processes)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger("officecloud.workers")
Jobs = dict[str, tuple[float, Callable[[], Awaitable[object]]]]


async def periodic(name: str, interval: float, work: Callable[[], Awaitable[object]]) -> None:
    while True:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background job %s failed; retrying in %.0fs", name, interval)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(
    jobs: dict[str, tuple[float, Callable[[], Awaitable[object]]]],
) -> AsyncIterator[None]:
    tasks = [
        asyncio.create_task(periodic(name, interval, work), name=name)
        for name, (interval, work) in jobs.items()
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
