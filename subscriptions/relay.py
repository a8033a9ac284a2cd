"""The outbox relay: publishes what was committed but not published, and prunes old events.

Every server process runs `run()`. Many relays share the work without publishing an event twice
in the normal course: each claims a batch with `SELECT … FOR UPDATE SKIP LOCKED` (a batch another
relay holds is skipped, not waited for), stamps `published_at` in the same transaction, publishes,
and commits. If publishing fails the transaction rolls back and the batch is retried on the next
tick. The one way an event goes out twice: the publish succeeds and the commit does not (the
database connection drops, the process dies in between), or a process stalls for longer than the
grace period between its commit and its own publish. So the guarantee is at least once; ids make
duplicates harmless, because subscribers drop ids they have passed (hub.py, stream.py).

Pruning deletes published events older than the retention period, in batches claimed the same
way, so several processes pruning at once neither block nor trip over each other. Unpublished
events are kept whatever their age.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from models.outbox import OutboxEvent
from subscriptions.bus import Bus
from subscriptions.events import Event

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 60.0


async def publish_pending(bus: Bus, *, batch: int, grace: timedelta) -> int:
    """Publish up to `batch` unpublished events older than `grace`; how many went out."""
    now = datetime.now(UTC)
    async with in_transaction():
        rows = (
            await OutboxEvent.filter(published_at=None, created_at__lt=now - grace)
            .order_by("id")
            .limit(batch)
            .select_for_update(skip_locked=True)
        )
        if not rows:
            return 0
        await OutboxEvent.filter(id__in=[r.id for r in rows]).update(published_at=now)
        await bus.publish([Event.from_row(r) for r in rows])
    return len(rows)


async def prune(*, retention: timedelta, batch: int = 1000) -> int:
    """Delete published events older than `retention`; how many were deleted."""
    cutoff = datetime.now(UTC) - retention
    total = 0
    while True:
        async with in_transaction():
            claimed = (
                await OutboxEvent.filter(created_at__lt=cutoff, published_at__not_isnull=True)
                .order_by("id")
                .limit(batch)
                .select_for_update(skip_locked=True)
                .only("id")
            )  # not values_list(): Tortoise drops FOR UPDATE from it
            ids = [row.id for row in claimed]
            if ids:
                await OutboxEvent.filter(id__in=ids).delete()
        total += len(ids)
        if len(ids) < batch:
            return total


async def relay_step(bus: Bus, *, grace: timedelta, batch: int) -> None:
    """One tick of the relay loop (`server/workers.py` runs it in every process): publish
    whatever waits, batch after batch; nothing while the bus is down."""
    if not bus.connected:
        return
    while (published := await publish_pending(bus, batch=batch, grace=grace)) > 0:
        log.info("relay published %d events", published)
        if published < batch:
            return
