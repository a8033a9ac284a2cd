"""Reminders for incoming items nobody signed for or returned in time (催收).

Each delivered item gets one durable reminder row, due `remindAfterHours` after delivery (the
receiving tenant's `settings.exchange.remindAfterHours`, default 72). Every server process runs
`fire_due`; a reminder is claimed with FOR UPDATE SKIP LOCKED, so it fires once however many
processes run. Firing records it (the item's `remindedAt`, an audit entry) and emits
`exchange.incoming` with action `reminded` in the receiving tenant; an item handled meanwhile
is skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime

from models.exchange import IncomingItem, IncomingReminder, IncomingStatus
from models.scope import TenantScope, across_tenants
from services.exchange import records
from services.exchange.delivery import worker_actor
from services.uow import transaction
from subscriptions.topics import Topic


async def fire_due(now: datetime | None = None, limit: int = 100) -> int:
    """Fire up to `limit` due reminders, each in its own transaction; returns how many
    reminded someone."""
    now = now or datetime.now(UTC)
    reminded = 0
    for _ in range(limit):
        async with transaction(None) as work:
            reminder = await (
                across_tenants(IncomingReminder)
                .filter(due_at__lte=now, fired_at=None)
                .order_by("due_at")
                .select_for_update(skip_locked=True)  # pragma: no mutate
                .first()
            )
            if reminder is None:
                break
            reminder.fired_at = now
            await reminder.save(update_fields=["fired_at", "updated_at"])
            scope = TenantScope(reminder.tenant_id)
            item = (
                await scope.query(IncomingItem)
                .filter(id=reminder.incoming_id)
                .select_for_update()
                .get()
            )
            if item.status != IncomingStatus.PENDING:
                continue
            item.reminded_at = now
            await item.save(update_fields=["reminded_at", "updated_at"])
            work.actor = worker_actor(reminder.tenant_id)
            work.audit(
                reminder.tenant_id,
                "exchange.reminded",
                "IncomingItem",
                item.id,
                {
                    "sender": item.sender_code,
                    "title": item.title,
                    "due": reminder.due_at.isoformat(),
                },
            )
            work.emit(
                reminder.tenant_id,
                Topic.EXCHANGE_INCOMING,
                records.incoming_changed(item, "reminded"),
            )
            reminded += 1
    return reminded
