"""Live events: commit-to-subscriber latency across two server processes, and memory per idle
subscription connection.

    .venv/bin/python bench/events_latency.py [--subscribers 1000] [--events 60] [--rate 5]

Starts its own pieces and removes them afterwards: a database `oc_bench_…` on the PostgreSQL at
BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres), a throwaway redis-server on
a free port, and two `officecloud serve` processes. Half the subscribers connect to each process
(one websocket, one `tenantEvents` subscription each); mutations alternate between the processes,
so half of every event's deliveries cross Redis.

Latency is measured per delivery, from the event's `occurredAt` (stamped when the row is
inserted, a millisecond or two before commit, on the same clock) to the moment the benchmark
client has read the message, so it includes the client's own queueing: all subscribers live in
this one Python process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson

CLI = str(Path(sys.executable).with_name("officecloud"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SUBSCRIPTION = "subscription { tenantEvents { id occurredAt } }"
OCCURRED: dict[int, float] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its reaped children) from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Subscriber:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.received: list[int] = []
        self.arrived: dict[int, float] = {}
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
            OCCURRED[event_id] = occurred
            self.latencies.append(now - occurred)


@contextlib.asynccontextmanager
async def process(log: Path, *args: str, env: dict[str, str]) -> AsyncIterator[Any]:
    with log.open("wb") as sink:
        child = await asyncio.create_subprocess_exec(*args, env=env, stdout=sink, stderr=sink)
    try:
        yield child
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
            await asyncio.wait_for(child.wait(), 30)


async def cli(env: dict[str, str], *args: str) -> str:
    child = await asyncio.create_subprocess_exec(
        CLI, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await child.communicate()
    if child.returncode:
        raise RuntimeError(f"officecloud {' '.join(args)} failed: {err.decode()}")
    return out.decode()


async def wait_ready(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(2400):  # two minutes: a busy machine starts servers slowly
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{base} did not start")


async def graphql(
    http: aiohttp.ClientSession, base: str, token: str, query: str, variables: Any = None
) -> Any:
    async with http.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        body = await response.json()
        assert "errors" not in body, body
        return body["data"]


def pair(values: list[float]) -> str:
    return f"{percentile(values, 0.5):.1f} / {percentile(values, 0.99):.1f}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(args: argparse.Namespace, work: Path) -> None:
    name = f"oc_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    redis_port = free_port()
    env = {  # the collector's settings pass through, to compare them
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OFFICECLOUD_") or k.startswith("OFFICECLOUD_GC_")
    }
    env.update(
        DATABASE_URL=PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        OFFICECLOUD_DATA_DIR=str(work / "data"),
        OFFICECLOUD_DEV_MODE="true",
        OFFICECLOUD_LOG_LEVEL="WARNING",
        OFFICECLOUD_LOG_JSON="false",
        OFFICECLOUD_SUBSCRIPTION_QUEUE_SIZE="1000",
        # every subscriber signs in as one user: lift the per-user websocket cap
        OFFICECLOUD_MAX_WEBSOCKETS_PER_USER=str(args.subscribers + 10),
    )
    try:
        await cli(env, "migrate")
        await cli(env, "create-tenant", "--code", "bench", "--name", "Bench")
        token = (await cli(env, "dev-token", "--user", "admin", "--tenant", "bench")).strip()
        ports = [free_port(), free_port()]
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        redis = shutil.which("redis-server")
        assert redis, "redis-server is not on PATH"
        async with (
            process(
                work / "redis.log",
                redis, "--port", str(redis_port), "--save", "", "--appendonly", "no",
                env=env,
            ),
            process(work / "one.log", CLI, "serve", "--port", str(ports[0]), env=env) as one,
            process(work / "two.log", CLI, "serve", "--port", str(ports[1]), env=env) as two,
        ):  # fmt: skip
            await asyncio.gather(*(wait_ready(b) for b in bases))
            await run(args, bases, [one.pid, two.pid], token)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def run(args: argparse.Namespace, bases: list[str], pids: list[int], token: str) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        units = await graphql(
            http, bases[0], token, "{ orgUnits(first: 1) { edges { node { id } } } }"
        )
        unit = units["orgUnits"]["edges"][0]["node"]["id"]
        rename = (
            "mutation($input: UpdateOrgUnitInput!) { updateOrgUnit(input: $input) "
            "{ errors { code } } }"
        )

        async def mutate(n: int) -> None:
            data = await graphql(
                http, bases[n % 2], token, rename, {"input": {"id": unit, "name": f"unit {n}"}}
            )
            assert data["updateOrgUnit"]["errors"] == [], data

        # Warm both processes up (imports, caches, first feed) before measuring memory.
        warm = [Subscriber() for _ in range(20)]
        for i, s in enumerate(warm):
            await s.open(http, bases[i % 2] + "/graphql", token)
        readers = [asyncio.create_task(s.read()) for s in warm]
        await mutate(0)
        await asyncio.sleep(1.0)
        for s in warm:
            assert s.ws is not None
            await s.ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
        await asyncio.sleep(1.0)
        gc.collect()
        before = [rss_kib(p) for p in pids]

        subscribers = [Subscriber() for _ in range(args.subscribers)]
        gate = asyncio.Semaphore(50)

        async def open_one(i: int, s: Subscriber) -> None:
            async with gate:
                await s.open(http, bases[i % 2] + "/graphql", token)

        started = time.monotonic()
        await asyncio.gather(*(open_one(i, s) for i, s in enumerate(subscribers)))
        opened = time.monotonic() - started
        readers = [asyncio.create_task(s.read()) for s in subscribers]
        await asyncio.sleep(3.0)
        after = [rss_kib(p) for p in pids]
        per_connection = [
            (a - b) / (args.subscribers / 2) for a, b in zip(after, before, strict=True)
        ]

        # One event to confirm every subscription is live, then the measured ones.
        await mutate(1)
        await wait_all(subscribers, 1, 30)
        for s in subscribers:
            s.latencies.clear()
        sent_at: dict[int, float] = {}
        mutated: list[float] = []
        cpu_before = [cpu_seconds(p) for p in pids]
        client_before = time.process_time()
        for n in range(args.events):
            t0 = time.time()
            await mutate(n + 2)
            mutated.append(time.time() - t0)
            sent_at[n] = t0
            await asyncio.sleep(max(0.0, 1 / args.rate - (time.time() - t0)))
        complete = await wait_all(subscribers, args.events + 1, 60)
        server_cpu = [cpu_seconds(p) - b for p, b in zip(pids, cpu_before, strict=True)]
        client_cpu = time.process_time() - client_before
        for s in subscribers:
            assert s.ws is not None
            await s.ws.close()
        await asyncio.gather(*readers, return_exceptions=True)

    latencies = [x * 1000 for s in subscribers for x in s.latencies]
    per_event: dict[int, list[float]] = {}
    for s in subscribers:
        for event_id, at in s.arrived.items():
            per_event.setdefault(event_id, []).append(at)
    first = [
        (min(times) - OCCURRED[event_id]) * 1000
        for event_id, times in per_event.items()
        if event_id in OCCURRED
    ]
    spread = [(max(t) - min(t)) * 1000 for t in per_event.values() if len(t) > 1]
    in_order = all(s.received == sorted(set(s.received)) for s in subscribers)
    print(f"subscribers              {args.subscribers} (half on each of 2 processes)")
    print(f"opened in                {opened:.1f} s")
    print(f"events                   {args.events} at {args.rate}/s, mutations alternating")
    print(f"deliveries               {len(latencies)} of {args.subscribers * args.events}")
    print(f"all complete, in order   {complete and in_order}")
    print(f"latency p50              {percentile(latencies, 0.50):.1f} ms")
    print(f"latency p90              {percentile(latencies, 0.90):.1f} ms")
    print(f"latency p99              {percentile(latencies, 0.99):.1f} ms")
    print(f"latency max              {max(latencies):.1f} ms")
    print(f"first delivery p50/p99   {pair(first)} ms")
    print(f"fan-out spread p50/p99   {pair(spread)} ms")
    print(f"mutation round trip p50  {statistics.median(mutated) * 1000:.1f} ms")
    deliveries = args.events * args.subscribers / 2
    print(
        "server CPU per delivery  "
        + ", ".join(f"{c / deliveries * 1e6:.0f} µs" for c in server_cpu)
        + " (all server work during the events phase, mutations included)"
    )
    print(f"client CPU per delivery  {client_cpu / (2 * deliveries) * 1e6:.0f} µs")
    print(f"server RSS before        {before} KiB")
    print(f"server RSS with subs     {after} KiB")
    print(
        "memory per idle subscription connection  "
        + ", ".join(f"{kib:.1f} KiB" for kib in per_connection)
        + f"  (mean {statistics.mean(per_connection):.1f} KiB)"
    )


async def wait_all(subscribers: list[Subscriber], count: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(s.received) >= count for s in subscribers):
            return True
        await asyncio.sleep(0.1)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--rate", type=float, default=5.0, help="mutations per second")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    with tempfile.TemporaryDirectory(prefix="oc-bench-") as work:
        asyncio.run(bench(args, Path(work)))


if __name__ == "__main__":
    main()
