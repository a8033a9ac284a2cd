"""Reading committed events back in id order: replay for subscriptions, gap filling for the hub."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from tortoise.expressions import Q

from models.outbox import OutboxEvent
from subscriptions.events import Event


async def page(
    tenant_id: uuid.UUID,
    after: int,
    *,
    upto: int | None = None,
    prefixes: Sequence[str] = (),
    limit: int = 500,
) -> list[Event]:
    """The tenant's committed events with `after < id <= upto`, in id order, at most `limit`;
    with `prefixes`, only those whose topic starts with one of them."""
    query = OutboxEvent.filter(tenant_id=tenant_id, id__gt=after)
    if upto is not None:
        query = query.filter(id__lte=upto)
    if prefixes:
        query = query.filter(Q(*(Q(topic__startswith=p) for p in prefixes), join_type="OR"))
    return [Event.from_row(row) for row in await query.order_by("id").limit(limit)]


async def latest_id(tenant_id: uuid.UUID) -> int:
    """The id of the tenant's last committed event (0 if none is kept)."""
    row = await OutboxEvent.filter(tenant_id=tenant_id).order_by("-id").only("id").first()
    return row.id if row else 0


async def oldest_id() -> int | None:
    """The smallest id still kept: events below it may have been pruned."""
    row = await OutboxEvent.all().order_by("id").only("id").first()
    return row.id if row else None
