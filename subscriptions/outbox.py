"""Writing events inside a transaction and publishing them once it has committed."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from models.outbox import OutboxEvent
from subscriptions import bus
from subscriptions.events import Event

log = logging.getLogger(__name__)


async def record(tenant_id: uuid.UUID, topic: str, payload: dict[str, Any]) -> Event:
    """Insert one event row; call it in the transaction that makes the change."""
    row = await OutboxEvent.create(tenant_id=tenant_id, topic=topic, payload=payload)
    return Event.from_row(row)


async def publish_committed(events: list[Event]) -> None:
    """Publish right after commit; a failure leaves the rows for the relay to retry."""
    current = bus.current()
    if current is None or not events:
        return
    try:
        await current.publish(events)
    except Exception:
        log.warning("publishing %d events failed; the relay will retry", len(events))
        return
    await OutboxEvent.filter(id__in=[e.id for e in events]).update(published_at=datetime.now(UTC))
