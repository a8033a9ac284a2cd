"""Writing events in the transaction that makes the change (see the package docstring)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from tortoise import connections, timezone

from models.outbox import OutboxEvent
from subscriptions.events import Event
from subscriptions.outbox.reader import latest_id


async def record_all(
    tenant_id: uuid.UUID, items: Sequence[tuple[str, dict[str, Any]]]
) -> list[Event]:
    """Insert a tenant's events in one statement; call it in the change's transaction, holding
    the tenant's `TenantLog` lock (which makes the ids commit-ordered and `prev` exact). The
    rows' ids are taken in the order of `items` and come back sorted to match them."""
    prev = await latest_id(tenant_id)
    if not items:
        return []
    client = connections.get("default")
    mark = "${}" if client.capabilities.dialect == "postgres" else "?{}"
    now = timezone.now()
    payload = OutboxEvent._meta.fields_map["payload"]
    rows, values = [], []
    for i, (topic, body) in enumerate(items):
        rows.append("(" + ",".join(mark.format(4 * i + k) for k in range(1, 5)) + ")")
        values += [
            str(tenant_id),
            getattr(topic, "value", topic),
            payload.to_db_value(body, OutboxEvent),
            now,
        ]
    returned = await client.execute_query_dict(
        "INSERT INTO outbox_event (tenant_id,topic,payload,created_at) VALUES "  # noqa: S608 (placeholders only)
        f"{','.join(rows)} RETURNING id",
        values,
    )
    events = []
    for row_id, (topic, body) in zip(sorted(r["id"] for r in returned), items, strict=True):
        events.append(Event(row_id, tenant_id, topic, body, now, prev))
        prev = row_id
    return events
