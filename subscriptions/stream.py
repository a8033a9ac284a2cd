"""Replay-then-live: the one generator every subscription field is built on.

Given a tenant, an optional `after` event id and a per-event rule, it yields the tenant's events
with ids above `after` that pass the rule, in id order, each once, with no gaps, and keeps going
as new ones commit. How:

1. join the tenant's feed in this process's hub BEFORE reading anything (from then on every event
   after the feed's last id `start` reaches our queue);
2. replay `after < id <= start` from the outbox table, in pages;
3. go live from the queue, skipping ids already passed (the cursor only moves forward);
4. if the queue overflowed, read what was dropped from the outbox and go on.

The rule runs for every event, replayed or live, so it must be the same read rule as the
queries use (it may be async, to load what it needs).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from subscriptions import bus
from subscriptions.events import Event
from subscriptions.hub import Hub, Lag
from subscriptions.outbox import reader

Allow = Callable[[Event], bool | Awaitable[bool]]
REPLAY_PAGE = 500


class EventsPruned(Exception):
    """`after` is older than the retention period: events after it may be gone."""

    def __init__(self, after: int, oldest: int) -> None:
        super().__init__(f"Events after {after} are no longer kept")
        self.after = after
        self.oldest = oldest


class UnknownEvent(Exception):
    """`after` is beyond the newest event of the tenant: no stream of the tenant delivered it
    (an id from another deployment, a reset database, another tenant's stream)."""

    def __init__(self, after: int) -> None:
        super().__init__(f"Event {after} is beyond the newest event of your tenant")
        self.after = after


async def check_resumable(tenant_id: uuid.UUID, after: int) -> None:
    """Raise `EventsPruned` if events after `after` may have been pruned, `UnknownEvent` if it
    is beyond the tenant's newest event; call it before streaming, so the refusal reaches the
    client before anything else.

    An id the client received is committed, so the tenant's newest committed id is at least
    that: events committing after this check only raise it, and cannot make a good `after`
    fail. Accepting an id beyond it would silently skip the tenant's events up to it."""
    oldest = await reader.oldest_id()
    if oldest is not None and after < oldest - 1:
        raise EventsPruned(after, oldest)
    if after > await reader.latest_id(tenant_id):
        raise UnknownEvent(after)


async def replay_then_live(
    tenant_id: uuid.UUID,
    *,
    after: int | None,
    allow: Allow | None = None,
    prefixes: Sequence[str] = (),
    hub: Hub | None = None,
) -> AsyncIterator[Event]:
    """The tenant's events after `after` (or from now, without it) whose topic starts with one
    of `prefixes` (any topic without them) and that `allow` lets through."""
    hub = hub or _hub()
    async with hub.listen(tenant_id) as listener:
        cursor = listener.start
        if after is not None:
            if after < listener.start:
                async for event in _replay(tenant_id, after, listener.start, prefixes, allow):
                    yield event
            cursor = max(after, listener.start)
        while True:
            item = await listener.next()
            if isinstance(item, Lag):
                if item.upto > cursor:
                    async for event in _replay(tenant_id, cursor, item.upto, prefixes, allow):
                        yield event
                    cursor = item.upto
                continue
            if item.id <= cursor:
                continue
            cursor = item.id
            if _matches(item, prefixes) and await _passes(allow, item):
                yield item


async def _replay(
    tenant_id: uuid.UUID, after: int, upto: int, prefixes: Sequence[str], allow: Allow | None
) -> AsyncIterator[Event]:
    while True:
        events = await reader.page(
            tenant_id, after, upto=upto, prefixes=prefixes, limit=REPLAY_PAGE
        )
        for event in events:
            if await _passes(allow, event):
                yield event
        if len(events) < REPLAY_PAGE:
            return
        after = events[-1].id


def _matches(event: Event, prefixes: Sequence[str]) -> bool:
    return not prefixes or event.topic.startswith(tuple(prefixes))


async def _passes(allow: Allow | None, event: Event) -> bool:
    if allow is None:
        return True
    verdict = allow(event)
    if inspect.isawaitable(verdict):
        verdict = await verdict
    return bool(verdict)


def _hub() -> Hub:
    current = bus.current()
    if current is None:
        raise RuntimeError("no event bus is running in this process")
    return current.hub
