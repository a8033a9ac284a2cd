"""Background loops every server process runs (timers, the outbox relay, …; each is safe to run
in many processes) and how they survive faults.

Each tick runs in a task of its own, in a copy of the context the loop started with: whatever a
failed tick left behind (a transaction's connection in a context variable, say) dies with it,
and the next tick opens fresh connections. A failing loop backs off (its interval doubled per
consecutive failure, up to `MAX_BACKOFF_SECONDS`) and keeps trying. Each loop records when it
last succeeded, exported in `/metrics` and checked by `/readyz`: a loop that has not succeeded
within its budget makes the process not ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from server.metrics import LOOP_FAILURES, LOOP_LAST_SUCCESS

log = logging.getLogger("officecloud.workers")
MAX_BACKOFF_SECONDS = 60.0
BUDGET_SLACK_SECONDS = 30.0
"""A loop is stale when it has not succeeded for three intervals and this long."""


@dataclass
class Loop:
    name: str
    interval: float
    work: Callable[[], Awaitable[object]]
    started: float = field(default_factory=time.time)
    last_success: float | None = None
    failures: int = 0

    @property
    def budget(self) -> float:
        return 3 * self.interval + BUDGET_SLACK_SECONDS

    def stale(self, now: float | None = None) -> bool:
        since = self.last_success or self.started
        return (now or time.time()) - since > self.budget

    def delay(self) -> float:
        if not self.failures:
            return self.interval
        return min(self.interval * 2**self.failures, max(MAX_BACKOFF_SECONDS, self.interval))

    def report(self) -> dict[str, object]:
        return {
            "lastSuccess": self.last_success,
            "intervalSeconds": self.interval,
            "failures": self.failures,
            "budgetSeconds": self.budget,
            "ok": not self.stale(),
        }


async def periodic(loop: Loop) -> None:
    base = contextvars.copy_context()
    while True:
        try:
            await asyncio.create_task(_tick(loop), name=f"{loop.name}-tick", context=base.copy())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            loop.failures += 1
            LOOP_FAILURES.labels(loop.name).set(loop.failures)
            if loop.failures == 1:
                log.exception("background loop %s failed; retrying", loop.name)
            log.warning(
                "background loop %s failed %d times in a row, next try in %.1fs: %s",
                loop.name,
                loop.failures,
                loop.delay(),
                exc,
            )
        else:
            if loop.failures:
                log.warning("background loop %s recovered", loop.name)
            loop.failures = 0
            loop.last_success = time.time()
            LOOP_FAILURES.labels(loop.name).set(0)
            LOOP_LAST_SUCCESS.labels(loop.name).set(loop.last_success)
        await asyncio.sleep(loop.delay())


async def _tick(loop: Loop) -> None:
    await loop.work()


@contextlib.asynccontextmanager
async def running(loops: Iterable[Loop]) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(periodic(loop), name=loop.name) for loop in loops]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
