"""Fan-out inside one process: the bus hands every event to the hub, the hub to local listeners.

Per tenant with listeners the hub keeps a feed that turns what the bus delivers (out of order when
two processes publish at once, twice when the relay repeats one, with holes when Redis was away)
into the tenant's events in id order, each exactly once, with no holes:

- an event whose `prev` is the last id the feed passed on goes straight out (the usual case: no
  database read at all);
- an id already passed on is dropped;
- anything else (a hole, or a relayed event whose `prev` is unknown) makes the feed read the
  tenant's events after its last id from the outbox, which has them all in order
  (outbox/reader.py), once for all local listeners; so does `resync()`, which the bus calls
  whenever its Redis subscription is (re)established.

Each listener has a bounded queue. A listener that falls behind (its client reads slower than
events arrive) never holds up the others: when its queue is full it is emptied and the listener
is told up to which id it missed events; it then reads them from the outbox itself (stream.py).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import uuid
from typing import NamedTuple

from subscriptions.events import Event
from subscriptions.outbox import reader

log = logging.getLogger(__name__)

FILL_PAGE = 500
PENDING_LIMIT = 10_000


class Lag(NamedTuple):
    """The listener's queue overflowed: it missed events up to this id."""

    upto: int


class Listener:
    """One subscription's view of a tenant feed; `start` is the feed's last id when it joined,
    and every event after that reaches the listener (or is announced by a `Lag`)."""

    __slots__ = ("_items", "_lag", "_limit", "_waiter", "start")

    def __init__(self, start: int, limit: int) -> None:
        self.start = start
        self._items: collections.deque[Event] | None = None
        """Only while events wait: an idle subscription holds no queue (a deque is 0.7 KiB)."""
        self._limit = limit
        self._lag: int | None = None
        self._waiter: asyncio.Future[None] | None = None

    def push(self, event: Event) -> None:
        if self._items is None:
            self._items = collections.deque((event,))
        elif len(self._items) >= self._limit:
            self._items = None
            self._lag = event.id
        else:
            self._items.append(event)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next(self) -> Event | Lag:
        while True:
            if self._lag is not None:
                lag, self._lag = Lag(self._lag), None
                return lag
            if self._items:
                item = self._items.popleft()
                if not self._items:
                    self._items = None
                return item
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None


class _Feed:
    def __init__(self, hub: Hub, tenant_id: uuid.UUID) -> None:
        self.hub = hub
        self.tenant_id = tenant_id
        self.high = 0
        self.members = 0
        self.listeners: set[Listener] = set()
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending: list[Event] = []
        self._again = False
        self._busy = True
        self._task: asyncio.Task[None] | None = asyncio.create_task(
            self._run(initial=True), name=f"feed-{tenant_id}"
        )

    def offer(self, event: Event) -> None:
        if self._busy:
            if len(self._pending) < PENDING_LIMIT:
                self._pending.append(event)
            else:
                self._pending.clear()
                self._again = True
            return
        if event.id <= self.high:
            return
        if event.prev is not None and event.prev <= self.high:
            self._emit(event)
            return
        self._pending.append(event)
        self._catch_up()

    def resync(self) -> None:
        if self._busy:
            self._again = True
        else:
            self._catch_up()

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if not self.ready.done():
            self.ready.cancel()
        elif not self.ready.cancelled():
            self.ready.exception()

    def _catch_up(self) -> None:
        self._busy = True
        self._task = asyncio.create_task(self._run(initial=False), name=f"feed-{self.tenant_id}")

    def _emit(self, event: Event) -> None:
        self.high = event.id
        for listener in self.listeners:
            listener.push(event)

    async def _run(self, *, initial: bool) -> None:
        delay = 0.05
        while True:
            self._again = False  # a resync asked for while we read sets it again
            try:
                if initial:
                    self.high = await reader.latest_id(self.tenant_id)
                    initial = False
                    self.ready.set_result(None)
                else:
                    await self._fill()
            except Exception as exc:
                if not self.ready.done():
                    self._task = None
                    self.ready.set_exception(exc)
                    self.hub._drop(self)
                    return
                log.warning("feed of tenant %s cannot read the outbox: %s", self.tenant_id, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            pending, self._pending = sorted(self._pending, key=lambda e: e.id), []
            for event in pending:
                if event.id <= self.high:
                    continue
                if event.prev is None or event.prev > self.high:
                    self._again = True
                    break
                self._emit(event)
            if not self._again:
                self._busy = False
                self._task = None
                return

    async def _fill(self) -> None:
        while True:
            events = await reader.page(self.tenant_id, self.high, limit=FILL_PAGE)
            for event in events:
                self._emit(event)
            if len(events) < FILL_PAGE:
                return


class Hub:
    def __init__(self, queue_size: int = 1000) -> None:
        self.queue_size = queue_size
        self._feeds: dict[uuid.UUID, _Feed] = {}

    def deliver(self, event: Event) -> None:
        feed = self._feeds.get(event.tenant_id)
        if feed is not None:
            feed.offer(event)

    def resync(self) -> None:
        """Events may have been missed (the bus reconnected): read them from the outbox."""
        for feed in list(self._feeds.values()):
            feed.resync()

    @property
    def listeners(self) -> int:
        return sum(len(f.listeners) for f in self._feeds.values())

    def listen(self, tenant_id: uuid.UUID) -> Membership:
        """`async with hub.listen(tenant_id) as listener`: join the tenant's feed."""
        return Membership(self, tenant_id)

    def close(self) -> None:
        for feed in list(self._feeds.values()):
            self._drop(feed)

    def _drop(self, feed: _Feed) -> None:
        if self._feeds.get(feed.tenant_id) is feed:
            del self._feeds[feed.tenant_id]
        feed.close()


class Membership:
    """A subscription's place in a feed, as an async context manager. A class, not an
    `asynccontextmanager` generator: every subscription holds one for its whole life."""

    __slots__ = ("feed", "hub", "listener", "tenant_id")

    def __init__(self, hub: Hub, tenant_id: uuid.UUID) -> None:
        self.hub = hub
        self.tenant_id = tenant_id
        self.feed: _Feed | None = None
        self.listener: Listener | None = None

    async def __aenter__(self) -> Listener:
        feed = self.hub._feeds.get(self.tenant_id)
        if feed is None:
            feed = self.hub._feeds[self.tenant_id] = _Feed(self.hub, self.tenant_id)
        feed.members += 1
        self.feed = feed
        try:
            await asyncio.shield(feed.ready)
        except BaseException:
            self._leave()
            raise
        self.listener = Listener(feed.high, self.hub.queue_size)
        feed.listeners.add(self.listener)
        return self.listener

    async def __aexit__(self, *_: object) -> None:
        self._leave()

    def _leave(self) -> None:
        feed, self.feed = self.feed, None
        if feed is None:
            return
        feed.members -= 1
        if self.listener is not None:
            feed.listeners.discard(self.listener)
        if feed.members == 0:
            self.hub._drop(feed)
