"""Live events: commit-to-subscriber latency across two server processes, and memory per idle
subscription connection.

    .venv/bin/python bench/events_latency.py [--subscribers 1000] [--events 60] [--rate 5]
        [--client-processes 2]

Starts its own pieces and removes them afterwards: a database `oc_bench_…` on the PostgreSQL at
BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres), a throwaway redis-server on
a free port, and two `officecloud serve` processes. Half the subscribers connect to each process
(one websocket, one `tenantEvents` subscription each); mutations alternate between the processes,
so half of every event's deliveries cross Redis.

Latency is measured per delivery, from the event's `occurredAt` (stamped when the row is
inserted, a millisecond or two before commit, on the same clock) to the moment a client process
has read the message, so it includes the client's own queueing. The subscribers are spread over
`--client-processes` processes (`events_clients.py`), so that queueing is that of
`subscribers / client processes` sockets per process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson

CLI = str(Path(sys.executable).with_name("officecloud"))
CLIENT = Path(__file__).with_name("events_clients.py")
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


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


class Clients:
    """Client processes (`events_clients.py`), each holding its share of the subscribers."""

    def __init__(self) -> None:
        self.children: list[asyncio.subprocess.Process] = []

    async def open(self, processes: int, subscribers: int, bases: list[str], token: str) -> float:
        """Start the processes; the seconds until the slowest had sent every subscription."""
        shares = [
            subscribers // processes + (i < subscribers % processes) for i in range(processes)
        ]
        first = 0
        for count in shares:
            spec = {"bases": bases, "token": token, "first": first, "count": count}
            self.children.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, str(CLIENT), orjson.dumps(spec).decode(),
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, limit=2**28,
                )
            )  # fmt: skip
            first += count
        return max(a["opened"] for a in await self.answers())

    async def ask(self, command: dict[str, Any]) -> list[dict[str, Any]]:
        for child in self.children:
            assert child.stdin is not None
            child.stdin.write(orjson.dumps(command) + b"\n")
        return await self.answers()

    async def answers(self) -> list[dict[str, Any]]:
        async def one(child: asyncio.subprocess.Process) -> dict[str, Any]:
            assert child.stdout is not None
            line = await child.stdout.readline()
            if not line:
                raise RuntimeError(f"client process {child.pid} ended")
            answer: dict[str, Any] = orjson.loads(line)
            return answer

        return await asyncio.gather(*(one(c) for c in self.children))

    async def close(self) -> None:
        for child in self.children:
            if child.returncode is None:
                child.kill()
            await child.wait()


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
        warm = Clients()
        try:
            await warm.open(1, 20, bases, token)
            await mutate(0)
            await warm.ask({"wait": 1, "seconds": 30})
            await warm.ask({"finish": True})
        finally:
            await warm.close()
        await asyncio.sleep(1.0)
        before = [rss_kib(p) for p in pids]

        clients = Clients()
        try:
            opened = await clients.open(args.client_processes, args.subscribers, bases, token)
            await asyncio.sleep(3.0)
            after = [rss_kib(p) for p in pids]
            # One event to confirm every subscription is live, then the measured ones.
            await mutate(1)
            assert all(a["complete"] for a in await clients.ask({"wait": 1, "seconds": 30}))
            await clients.ask({"clear": True})
            mutated: list[float] = []
            cpu_before = [cpu_seconds(p) for p in pids]
            for n in range(args.events):
                t0 = time.time()
                await mutate(n + 2)
                mutated.append(time.time() - t0)
                await asyncio.sleep(max(0.0, 1 / args.rate - (time.time() - t0)))
            waited = await clients.ask({"wait": args.events + 1, "seconds": 60})
            server_cpu = [cpu_seconds(p) - b for p, b in zip(pids, cpu_before, strict=True)]
            results = await clients.ask({"finish": True})
        finally:
            await clients.close()
    report(args, opened, mutated, server_cpu, before, after, waited, results)


def report(
    args: argparse.Namespace,
    opened: float,
    mutated: list[float],
    server_cpu: list[float],
    before: list[int],
    after: list[int],
    waited: list[dict[str, Any]],
    results: list[dict[str, Any]],
) -> None:
    per_connection = [(a - b) / (args.subscribers / 2) for a, b in zip(after, before, strict=True)]
    latencies = [x * 1000 for r in results for x in r["latencies"]]
    occurred = {int(k): v for r in results for k, v in r["occurred"].items()}
    per_event: dict[int, list[float]] = {}
    for r in results:
        for arrived in r["arrived"]:
            for event_id, at in arrived.items():
                per_event.setdefault(int(event_id), []).append(at)
    measured = {i: t for i, t in per_event.items() if i != min(per_event)}  # not the live check
    first = [(min(t) - occurred[i]) * 1000 for i, t in measured.items()]
    spread = [(max(t) - min(t)) * 1000 for t in measured.values() if len(t) > 1]
    complete = all(w["complete"] for w in waited) and all(r["in_order"] for r in results)
    print(f"subscribers              {args.subscribers} (half on each of 2 processes)")
    print(f"client processes         {args.client_processes}")
    print(f"opened in                {opened:.1f} s")
    print(f"events                   {args.events} at {args.rate}/s, mutations alternating")
    print(f"deliveries               {len(latencies)} of {args.subscribers * args.events}")
    print(f"all complete, in order   {complete}")
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
    client_cpu = sum(r["cpu"] for r in results)
    print(f"client CPU per delivery  {client_cpu / (2 * deliveries) * 1e6:.0f} µs")
    print(f"server RSS before        {before} KiB")
    print(f"server RSS with subs     {after} KiB")
    print(
        "memory per idle subscription connection  "
        + ", ".join(f"{kib:.1f} KiB" for kib in per_connection)
        + f"  (mean {statistics.mean(per_connection):.1f} KiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--rate", type=float, default=5.0, help="mutations per second")
    parser.add_argument(
        "--client-processes",
        type=int,
        default=2,
        help="processes the subscribers are spread over (events_clients.py)",
    )
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    with tempfile.TemporaryDirectory(prefix="oc-bench-") as work:
        asyncio.run(bench(args, Path(work)))


if __name__ == "__main__":
    main()
