"""Event bus: Redis pub/sub across processes, or in-process when `REDIS_URL` is unset.

Each process holds ONE Redis subscription connection (channels `<deployment>:events` and
`<deployment>:control`: pub/sub ignores Redis database numbers, so the deployment setting keeps
two deployments on one Redis apart) and hands what arrives to its hub (hub.py), which fans it
out to local listeners, and to the event handlers (sessions.py ends the websockets of disabled
users). Delivery on the bus itself is at most once and unordered (pub/sub keeps nothing while a
subscriber is away); the outbox makes up for that: the relay republishes what was not
published, and the hub reads from the outbox whatever the bus lost or reordered, including
everything since the last subscription whenever the subscription is re-established (redis-py
may do that silently; we see its `subscribe` confirmation either way). Control messages
(revoking a user's sessions) are best effort: a process whose subscription is down when one is
sent misses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from subscriptions.events import Event
from subscriptions.hub import Hub

log = logging.getLogger(__name__)
RECONNECT_MAX_DELAY = 2.0

ControlHandler = Callable[[dict[str, Any]], None]
EventHandler = Callable[[Event], None]


class BusUnavailable(Exception):
    """Not connected: publishing now would fail, the relay will publish later."""


class Bus(Protocol):
    hub: Hub

    @property
    def connected(self) -> bool: ...
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, events: list[Event]) -> None: ...
    async def send_control(self, message: dict[str, Any]) -> None: ...
    async def ping(self) -> bool: ...
    def on_control(self, handler: ControlHandler) -> None: ...
    def on_event(self, handler: EventHandler) -> None: ...


class _Base:
    def __init__(self, queue_size: int) -> None:
        self.hub = Hub(queue_size)
        self._handlers: list[ControlHandler] = []
        self._event_handlers: list[EventHandler] = []

    def on_control(self, handler: ControlHandler) -> None:
        self._handlers.append(handler)

    def on_event(self, handler: EventHandler) -> None:
        """`handler` sees every event this process receives, of every tenant."""
        self._event_handlers.append(handler)

    def _deliver(self, event: Event) -> None:
        self.hub.deliver(event)
        for handler in self._event_handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler failed on %s", event.id)

    def _control(self, message: dict[str, Any]) -> None:
        for handler in self._handlers:
            try:
                handler(message)
            except Exception:
                log.exception("control message %r failed", message)


class InProcessBus(_Base):
    """One process only: publishing is delivering."""

    connected = True

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self.hub.close()

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            self._deliver(event)

    async def send_control(self, message: dict[str, Any]) -> None:
        self._control(message)

    async def ping(self) -> bool:
        return True


class RedisBus(_Base):
    def __init__(self, url: str, queue_size: int, namespace: str = "officecloud") -> None:
        super().__init__(queue_size)
        self.channel = f"{namespace}:events"
        self.control = f"{namespace}:control"
        self._channel = self.channel.encode()
        self._redis = Redis.from_url(
            url,
            socket_connect_timeout=2.0,
            socket_timeout=2.0,
            socket_keepalive=True,
            health_check_interval=15,
            retry=Retry(NoBackoff(), 0),
        )
        self._task: asyncio.Task[None] | None = None
        self._subscribed = False

    @property
    def connected(self) -> bool:
        return self._subscribed

    async def start(self) -> None:
        self._task = asyncio.create_task(self._pump(), name="redis-bus")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.hub.close()
        await self._redis.aclose()

    async def publish(self, events: list[Event]) -> None:
        if not self._subscribed:
            raise BusUnavailable("the Redis subscription is down")
        async with self._redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(self.channel, event.dumps())
            await pipe.execute()

    async def send_control(self, message: dict[str, Any]) -> None:
        await self._redis.publish(self.control, orjson.dumps(message))

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def _pump(self) -> None:
        delay = 0.1
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel, self.control)
                    async for message in pubsub.listen():
                        if message["type"] == "subscribe" and message["channel"] == self._channel:
                            self._subscribed = True
                            delay = 0.1
                            self.hub.resync()
                        elif message["type"] == "message":
                            self._receive(message["channel"], message["data"])
            except (RedisError, OSError) as exc:
                self._subscribed = False
                log.warning("redis bus disconnected, retrying in %.1fs: %s", delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_DELAY)

    def _receive(self, channel: bytes, data: bytes) -> None:
        try:
            if channel == self._channel:
                self._deliver(Event.loads(data))
            else:
                self._control(orjson.loads(data))
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed bus message on %r", channel)


_installed: list[Bus] = []


def install(bus: Bus) -> None:
    """Make `bus` the process's bus (the one services publish on after commit)."""
    _installed.append(bus)


def uninstall(bus: Bus) -> None:
    """Remove `bus`; an app started earlier in the same process (tests) gets its bus back."""
    if bus in _installed:
        _installed.remove(bus)


def current() -> Bus | None:
    return _installed[-1] if _installed else None


def create(redis_url: str | None, *, queue_size: int = 1000, namespace: str = "officecloud") -> Bus:
    return RedisBus(redis_url, queue_size, namespace) if redis_url else InProcessBus(queue_size)
