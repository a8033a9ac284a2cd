"""The outbox: events written in the transaction that makes the change, published after commit.

Ordering. Event ids come from one BIGSERIAL sequence, and `services/uow.py` takes them only while
it holds the lock on the tenant's `TenantLog` row, which it keeps until commit. So two events of
one tenant get their ids in the order their transactions commit, and once an event is visible,
every earlier event of its tenant is visible too: reading "the tenant's events after id N" never
misses one that commits later with a smaller id. Replay (`page`) and the hub's gap filling rely
on this. It holds only while (1) every event is written through `record_all` inside
`services.uow.transaction` and (2) the sequence keeps `CACHE 1` (PostgreSQL's default: with a
cache, each session takes ids from its own block). Across tenants ids say nothing about order.

Publishing. `publish_committed` publishes right after commit and stamps `published_at`; whatever
it could not publish (Redis down, process gone) the relay (relay.py) publishes later. Events are
published at least once, and rarely twice; subscribers drop repeated ids.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q

from models.outbox import OutboxEvent
from subscriptions import bus
from subscriptions.events import Event

log = logging.getLogger(__name__)

_exit_after_commit: str | None = None
CRASH_EXIT_CODE = 86


def exit_after_commit(topic: str | None) -> None:
    """TEST ONLY: end the process with `os._exit` right after a transaction that emitted
    `topic` commits, before it is published (see `Settings.test_exit_after_commit_topic`)."""
    global _exit_after_commit
    _exit_after_commit = topic


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


async def publish_committed(events: list[Event]) -> None:
    """Publish right after commit; a failure leaves the rows for the relay to retry."""
    if _exit_after_commit and any(e.topic == _exit_after_commit for e in events):
        log.warning("test setting: exiting after commit, before publishing %s", events)
        os._exit(CRASH_EXIT_CODE)
    current = bus.current()
    if current is None or not events:
        return
    try:
        await current.publish(events)
    except bus.BusUnavailable:
        log.debug("bus down, the relay will publish %d events", len(events))
        return
    except Exception as exc:
        log.warning("publishing %d events failed, the relay will retry: %s", len(events), exc)
        return
    await OutboxEvent.filter(id__in=[e.id for e in events], published_at=None).update(
        published_at=datetime.now(UTC)
    )


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
