"""A small graphql-transport-ws client over aiohttp, for tests and benchmarks: it sees close codes,
runs many subscriptions on one socket, and collects events per subscription."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

PROTOCOL = "graphql-transport-ws"

TENANT_EVENTS = """
subscription($after: ID, $topics: [String!]) {
  tenantEvents(after: $after, topics: $topics) { id topic tenantId occurredAt payload }
}"""


class Socket:
    """One signed-in websocket; `subscribe` returns an id, `events(id, n)` waits for n events."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.payloads: dict[str, list[bytes]] = {}
        """Each `next` message's `payload`, serialised again (for comparing renders)."""
        self.frames: dict[str, list[str]] = {}
        """Each `next` and `error` message, exactly as the server sent it."""
        self.errors: dict[str, Any] = {}
        self.completed: set[str] = set()
        self.failed_midway: set[str] = set()
        """Subscriptions whose errors came in a `next` message rather than as an `error`."""
        self.closed = asyncio.Event()
        self.pong = asyncio.Event()
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(
        cls, http: aiohttp.ClientSession, url: str, token: str, language: str = "en"
    ) -> AsyncIterator[Socket]:
        """`language`: of the server's messages, as the console sends it in connection_init."""
        async with http.ws_connect(url, protocols=[PROTOCOL], heartbeat=None) as ws:
            payload = {"authorization": f"Bearer {token}", "language": language}
            await ws.send_str(
                orjson.dumps({"type": "connection_init", "payload": payload}).decode()
            )
            ack = await ws.receive(timeout=10)
            assert ack.type == aiohttp.WSMsgType.TEXT, (ack, ws.close_code)
            assert orjson.loads(ack.data)["type"] == "connection_ack"
            socket = cls(ws)
            try:
                yield socket
            finally:
                socket._reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await socket._reader

    @property
    def close_code(self) -> int | None:
        return self.ws.close_code

    async def subscribe(
        self, query: str = TENANT_EVENTS, variables: dict[str, Any] | None = None
    ) -> str:
        op = str(next(self._ids))
        self.received[op] = []
        self.payloads[op] = []
        self.frames[op] = []
        message = {"id": op, "type": "subscribe", "payload": {"query": query}}
        if variables:
            message["payload"]["variables"] = variables  # type: ignore[index]
        await self.ws.send_str(orjson.dumps(message).decode())
        return op

    async def complete(self, op: str) -> None:
        await self.ws.send_str(orjson.dumps({"id": op, "type": "complete"}).decode())

    async def events(self, op: str, count: int, seconds: float = 10.0) -> list[dict[str, Any]]:
        """The first `count` events of subscription `op` (fails on timeout or error)."""

        def ready() -> bool:
            return len(self.received[op]) >= count or op in self.errors or self.closed.is_set()

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), seconds)
        assert op not in self.errors, self.errors[op]
        assert len(self.received[op]) >= count, f"closed with {self.close_code}"
        return self.received[op][:count]

    async def error(self, op: str, seconds: float = 10.0) -> Any:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: op in self.errors), seconds)
        return self.errors[op]

    async def wait_closed(self, seconds: float = 10.0) -> int | None:
        await asyncio.wait_for(self.closed.wait(), seconds)
        return self.close_code

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                data = orjson.loads(message.data)
                if data["type"] == "ping":
                    await self.ws.send_str('{"type":"pong"}')
                    continue
                if data["type"] == "pong":
                    self.pong.set()
                    continue
                op = data.get("id")
                if data["type"] in ("next", "error"):
                    self.frames[op].append(message.data)
                if data["type"] == "next":
                    payload = data["payload"]
                    if payload.get("errors"):
                        self.errors[op] = payload["errors"]
                        self.failed_midway.add(op)
                    else:
                        self.received[op].append(next(iter(payload["data"].values())))
                        self.payloads[op].append(orjson.dumps(payload))
                elif data["type"] == "error":
                    self.errors[op] = data["payload"]
                elif data["type"] == "complete":
                    self.completed.add(op)
                async with self._changed:
                    self._changed.notify_all()
        finally:
            self.closed.set()
            async with self._changed:
                self._changed.notify_all()


def ids(events: list[dict[str, Any]]) -> list[int]:
    return [int(e["id"]) for e in events]
