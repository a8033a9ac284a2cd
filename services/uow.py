"""One transaction per use case: state, audit entries and outbox events commit together."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from models.access import Actor
from models.audit import TenantLog
from services import audit
from subscriptions import publisher
from subscriptions.events import Event
from subscriptions.outbox import writer
from subscriptions.topics import Topic


class Work:
    """What a use case records while it runs; written at the end of its transaction."""

    def __init__(self, actor: Actor | None) -> None:
        self.actor = actor
        self.now = datetime.now(UTC)
        self._records: list[audit.Record] = []
        self._events: list[tuple[uuid.UUID, str, dict[str, Any]]] = []
        self.published: list[Event] = []

    def audit(
        self,
        tenant_id: uuid.UUID,
        action: str,
        target_type: str,
        target_id: uuid.UUID | str,
        data: dict[str, Any] | None = None,
    ) -> None:
        self._records.append(
            audit.Record(tenant_id, action, target_type, str(target_id), data or {})
        )

    def emit(self, tenant_id: uuid.UUID, topic: Topic, payload: dict[str, Any]) -> None:
        """Queue an event; ids in `payload` are global ids (`subscriptions.topics.global_id`)."""
        self._events.append((tenant_id, Topic(topic), payload))

    async def _flush(self) -> None:
        """Lock each touched tenant's log head (in a fixed order, so two use cases never
        deadlock), then append audit entries and events under that lock."""
        tenants = sorted({r.tenant_id for r in self._records} | {e[0] for e in self._events})
        for tenant_id in tenants:
            head = await TenantLog.filter(tenant_id=tenant_id).select_for_update().get()
            records = [r for r in self._records if r.tenant_id == tenant_id]
            if records:
                await audit.append(
                    head,
                    records,
                    actor_id=self.actor.user_id if self.actor else None,
                    actor_name=self.actor.name if self.actor else "",
                    now=self.now,
                )
            events = [(topic, payload) for t, topic, payload in self._events if t == tenant_id]
            if events:
                self.published += await writer.record_all(tenant_id, events)


_current: ContextVar[Work | None] = ContextVar("unit_of_work", default=None)


@asynccontextmanager
async def transaction(actor: Actor | None) -> AsyncIterator[Work]:
    """Open the use case's transaction, or join the one already open in this task, so a use
    case built from others still commits (and publishes) once. A joined use case runs in a
    savepoint: when it fails (a `ServiceError`, say) its writes, audit records and events are
    undone and the outer transaction goes on (an idempotent request, `server/idempotency.py`,
    runs the whole operation in one transaction)."""
    outer = _current.get()
    if outer is not None:
        records, events = len(outer._records), len(outer._events)
        try:
            async with in_transaction():
                yield outer
        except BaseException:
            del outer._records[records:], outer._events[events:]
            raise
        return
    work = Work(actor)
    token = _current.set(work)
    try:
        async with in_transaction():
            yield work
            await work._flush()
    finally:
        _current.reset(token)
    await publisher.publish_committed(work.published)
