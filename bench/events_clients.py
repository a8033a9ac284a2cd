"""The subscribers of `events_latency.py`, in a process of their own (it starts one or more):
each opens its share of websockets, one `tenantEvents` subscription on each, and times every
event it reads. Spread over several processes, the client's own reading (about 20 µs of CPU
per message) no longer queues the last deliveries of an event behind a thousand others.

    python bench/events_clients.py '{"bases": [...], "token": "...", "first": 0, "count": 500}'

Subscriber `first + i` connects to `bases[(first + i) % len(bases)]`. Commands come as JSON
lines on stdin, each answered by one JSON line on stdout:

- (at start, no command) `{"opened": seconds}` once every subscription is sent;
- `{"wait": n, "seconds": s}`: `{"complete": bool}`, whether every subscriber has n events;
- `{"clear": true}`: forget the latencies so far, start counting CPU: `{"cleared": true}`;
- `{"finish": true}`: close the sockets and answer with what was measured.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime
from typing import Any

import aiohttp
import orjson

SUBSCRIPTION = "subscription { tenantEvents { id occurredAt } }"


class Subscriber:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.received: list[int] = []
        self.arrived: dict[int, float] = {}
        self.occurred: dict[int, float] = {}
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def open(self, http: aiohttp.ClientSession, url: str, token: str) -> None:
        self.ws = await http.ws_connect(url, protocols=["graphql-transport-ws"], heartbeat=None)
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await self.ws.send_str(orjson.dumps(init).decode())
        ack = await self.ws.receive(timeout=30)
        assert ack.type == aiohttp.WSMsgType.TEXT
        assert "connection_ack" in ack.data
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}
        await self.ws.send_str(orjson.dumps(subscribe).decode())

    async def read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            now = time.time()
            data = orjson.loads(message.data)
            if data["type"] != "next":
                continue
            event = data["payload"]["data"]["tenantEvents"]
            event_id = int(event["id"])
            self.received.append(event_id)
            self.arrived[event_id] = now
            occurred = datetime.fromisoformat(event["occurredAt"]).timestamp()
            self.occurred[event_id] = occurred
            self.latencies.append(now - occurred)


async def wait_all(subscribers: list[Subscriber], count: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(s.received) >= count for s in subscribers):
            return True
        await asyncio.sleep(0.1)
    return False


async def serve(spec: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)

    def answer(message: dict[str, Any]) -> None:
        sys.stdout.buffer.write(orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS) + b"\n")
        sys.stdout.buffer.flush()

    bases: list[str] = spec["bases"]
    subscribers = [Subscriber() for _ in range(spec["count"])]
    gate = asyncio.Semaphore(50)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def open_one(i: int, s: Subscriber) -> None:
            async with gate:
                base = bases[(spec["first"] + i) % len(bases)]
                await s.open(http, base + "/graphql", spec["token"])

        started = time.monotonic()
        await asyncio.gather(*(open_one(i, s) for i, s in enumerate(subscribers)))
        readers = [asyncio.create_task(s.read()) for s in subscribers]
        answer({"opened": time.monotonic() - started})
        cpu = time.process_time()
        while line := await commands.readline():
            command = orjson.loads(line)
            if "wait" in command:
                answer(
                    {"complete": await wait_all(subscribers, command["wait"], command["seconds"])}
                )
            elif "clear" in command:
                for s in subscribers:
                    s.latencies.clear()
                cpu = time.process_time()
                answer({"cleared": True})
            elif "finish" in command:
                cpu = time.process_time() - cpu
                for s in subscribers:
                    assert s.ws is not None
                    await s.ws.close()
                await asyncio.gather(*readers, return_exceptions=True)
                answer(
                    {
                        "cpu": cpu,
                        "latencies": [x for s in subscribers for x in s.latencies],
                        "arrived": [s.arrived for s in subscribers],
                        "occurred": {k: v for s in subscribers for k, v in s.occurred.items()},
                        "in_order": all(s.received == sorted(set(s.received)) for s in subscribers),
                    }
                )
                return


if __name__ == "__main__":
    asyncio.run(serve(orjson.loads(sys.argv[1])))
