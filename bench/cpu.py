"""`officecloud bench cpu`: CPU time per request, read from /proc, for the server and the floor
in the same run. Wall-clock throughput on a shared machine moves with everyone else's load;
the CPU a process spends per request does much less, so the ratio floor/ours is the figure.

Both servers are started here, pinned to one core (`taskset -c 0`); the client sends a fixed
number of requests with a few in flight, and each round measures ours and the floor back to
back. Rounds are repeated and the medians printed, with each process's resident memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from aiohttp import ClientSession

from auth.dev_issuer import DevIssuer
from bench.load import bodies, probes
from server.settings import Settings

TICK = os.sysconf("SC_CLK_TCK")
NO_TOKEN = "-"  # noqa: S105 (the floor's lines carry no token)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Target:
    name: str
    url: str
    pid: int
    lines: list[tuple[str, bytes]]
    cpu_ms: list[float] = field(default_factory=list)
    sent: int = 0
    """Lines used so far: an approval's line works once."""


def start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    return subprocess.Popen(  # noqa: S603
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(Path(tempfile.gettempdir()) / f"officecloud-bench-cpu-{port}.log").open("wb"),
    )


async def wait_up(session: ClientSession, url: str) -> None:
    for _ in range(1200):  # a busy machine takes a while to start a server
        try:
            async with session.get(url) as response:
                if response.status < 500:
                    return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def send(session: ClientSession, target: Target, count: int, concurrency: int) -> None:
    end = target.sent + count

    async def client() -> None:
        while target.sent < end:
            token, body = target.lines[target.sent % len(target.lines)]
            target.sent += 1
            headers = {"Content-Type": "application/json"}
            if token != NO_TOKEN:
                headers["Authorization"] = f"Bearer {token}"
            async with session.post(target.url, data=body, headers=headers) as response:
                answer = await response.read()
                if response.status != 200 or b'"errors"' in answer[:200]:
                    raise RuntimeError(f"{target.name}: {response.status} {answer[:300]!r}")

    await asyncio.gather(*(client() for _ in range(concurrency)))


async def measure(targets: list[Target], requests: int, rounds: int, concurrency: int) -> None:
    async with ClientSession() as session:
        for target in targets:
            await send(session, target, max(requests // 5, 20), concurrency)
        for _ in range(rounds):
            for target in targets:
                before = cpu_seconds(target.pid)
                await send(session, target, requests, concurrency)
                target.cpu_ms.append((cpu_seconds(target.pid) - before) * 1000 / requests)


def run(
    settings: Settings,
    scenario: str,
    *,
    requests: int,
    rounds: int,
    concurrency: int,
    extra: dict[str, tuple[list[str], int, list[str]]] | None = None,
) -> dict[str, Any]:
    """Start the server and the floor (and `extra` peers: command, port, request lines),
    measure, stop them."""
    dsn = settings.db_url.replace("postgres://", "postgresql://", 1)
    issuer = DevIssuer.load(
        settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
    )
    ours, floor = bodies(scenario, asyncio.run(probes(dsn)), issuer)
    registered = asyncio.run(register(dsn, ours)) if scenario in REGISTERED else []
    env = dict(os.environ, OFFICECLOUD_DEV_MODE="true", OFFICECLOUD_BACKGROUND_JOBS="false")
    env.setdefault("OFFICECLOUD_LOG_LEVEL", "WARNING")
    bin_dir = Path(sys.executable).parent
    processes = {
        "ours": start([str(bin_dir / "officecloud"), "serve"], 8010, env),
        "floor": start([str(bin_dir / "officecloud"), "bench", "floor"], 8011, env),
    }
    urls = {"ours": "http://127.0.0.1:8010/graphql", "floor": f"http://127.0.0.1:8011/{scenario}"}
    lines = {"ours": ours, "floor": floor}
    for name, (command, port, peer_lines) in (extra or {}).items():
        processes[name] = start(command, port, env)
        urls[name] = f"http://127.0.0.1:{port}/graphql"
        lines[name] = peer_lines
    try:
        targets = [
            Target(name, urls[name], processes[name].pid, [_split(x) for x in lines[name]])
            for name in processes
        ]
        if registered:  # the same server, asked by hash: its compiled plan answers
            server = processes["ours"].pid
            lines_of = [_split(x) for x in registered]
            targets.insert(1, Target("registered", urls["ours"], server, lines_of))

        async def go() -> None:
            async with ClientSession() as session:
                for target in targets:
                    await wait_up(session, target.url.rsplit("/", 1)[0] + "/")
            await measure(targets, requests, rounds, concurrency)

        asyncio.run(go())
        time.sleep(0.2)
        result: dict[str, Any] = {
            t.name: {
                "cpu_ms": statistics.median(t.cpu_ms),
                "all_ms": t.cpu_ms,
                "rss_kib": rss_kib(t.pid),
            }
            for t in targets
        }
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(10)
    floor_ms = result["floor"]["cpu_ms"]
    for value in result.values():
        value["ratio"] = floor_ms / value["cpu_ms"]
    return result


REGISTERED = ("inbox", "detail")


async def register(dsn: str, lines: list[str]) -> list[str]:
    """Registers the operations of these request lines (as `officecloud operations register`
    would) and answers the same lines naming them by hash instead of sending their text."""
    named = []
    conn = await asyncpg.connect(dsn)
    try:
        for line in lines:
            token, text = line.split("\t", 1)
            body = orjson.loads(text)
            query = body.pop("query")
            digest = hashlib.sha256(query.encode()).hexdigest()
            await conn.execute(
                "INSERT INTO trusted_document (id, created_at, updated_at, hash, name, body) "
                "VALUES ($1, now(), now(), $2, $3, $4) ON CONFLICT (hash) DO NOTHING",
                uuid.uuid4(),
                digest,
                body.get("operationName"),
                query,
            )
            body["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
            named.append(f"{token}\t{orjson.dumps(body).decode()}")
    finally:
        await conn.close()
    return named


def _split(line: str) -> tuple[str, bytes]:
    token, body = line.split("\t", 1)
    return token, orjson.dumps(orjson.loads(body))


POSTGRAPHILE = Path(__file__).with_name("postgraphile") / "node_modules" / ".bin" / "postgraphile"
PEER_INBOX = """query Inbox($tenant: UUID!, $user: UUID!) { allTasks(condition: {tenantId: $tenant,
  assigneeId: $user, status: "open"}, orderBy: ID_DESC, first: 20) { totalCount pageInfo {
  hasNextPage endCursor } edges { node { id nodeName createdAt dueAt documentByDocumentId {
  id title number urgency status appUserByInitiatorId { displayName }
  documentTypeByDocumentTypeId { name } orgUnitByOrgUnitId { name } } } } } }"""


def postgraphile(settings: Settings) -> dict[str, tuple[list[str], int, list[str]]]:
    """PostGraphile 4 (`npm ci` in bench/postgraphile) on the same database, asked for the same
    page: the probe reader's 20 newest open tasks with their documents (its condition cannot
    say "or a pool task I may claim", so it reads the assigned ones; the probe has no others).
    It checks nothing: no tenant scope, no read rule."""
    if not POSTGRAPHILE.exists():
        raise RuntimeError("run `npm ci` in bench/postgraphile first")
    dsn = settings.db_url.replace("postgres://", "postgresql://", 1)
    p = asyncio.run(probes(dsn))
    body = {"query": PEER_INBOX, "variables": {"tenant": p.tenant, "user": p.reader}}
    command = [str(POSTGRAPHILE), "-c", dsn, "-n", "127.0.0.1", "--classic-ids"]
    command += ["--disable-query-log", "--disable-graphiql"]
    return {"postgraphile": (command, 8012, [f"{NO_TOKEN}\t{orjson.dumps(body).decode()}"])}
