"""Writing events in the transaction that makes the change (see the package docstring)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from models.outbox import OutboxEvent
from subscriptions.events import Event
from subscriptions.outbox.reader import latest_id


async def record_all(
    tenant_id: uuid.UUID, items: Sequence[tuple[str, dict[str, Any]]]
) -> list[Event]:
    """Insert a tenant's events; call it in the change's transaction, holding the tenant's
    `TenantLog` lock (which makes the ids commit-ordered and `prev` exact)."""
    prev = await latest_id(tenant_id)
    events = []
    for topic, payload in items:
        row = await OutboxEvent.create(tenant_id=tenant_id, topic=topic, payload=payload)
        events.append(Event.from_row(row, prev))
        prev = row.id
    return events
