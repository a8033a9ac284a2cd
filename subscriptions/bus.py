"""Event bus: Redis pub/sub across processes, or in-process when `REDIS_URL` is unset.

Each process holds one subscription (one Redis connection) and fans events out to local
listeners through bounded queues.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from subscriptions.events import Event

log = logging.getLogger(__name__)
CHANNEL = "officecloud:events"


class Bus(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, events: list[Event]) -> None: ...
    async def ping(self) -> bool: ...
    def listen(self) -> AsyncIterator[Event]: ...


class _FanOut:
    def __init__(self, queue_size: int = 10_000) -> None:
        self._queues: set[asyncio.Queue[Event]] = set()
        self._queue_size = queue_size

    def deliver(self, event: Event) -> None:
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    async def listen(self) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)


class InProcessBus(_FanOut):
    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            self.deliver(event)

    async def ping(self) -> bool:
        return True


class RedisBus(_FanOut):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._redis = Redis.from_url(url)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._pump(), name="redis-bus")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()

    async def publish(self, events: list[Event]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(CHANNEL, event.dumps())
            await pipe.execute()

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
                    await pubsub.subscribe(CHANNEL)
                    delay = 0.1
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            self.deliver(Event.loads(message["data"]))
            except (RedisError, OSError) as exc:
                log.warning("redis bus disconnected, retrying in %.1fs: %s", delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


_bus: Bus | None = None


def install(bus: Bus | None) -> None:
    global _bus
    _bus = bus


def current() -> Bus | None:
    return _bus


def create(redis_url: str | None) -> Bus:
    return RedisBus(redis_url) if redis_url else InProcessBus()
