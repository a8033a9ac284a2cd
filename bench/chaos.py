"""`officecloud bench chaos`: the fault tests' faults under load, with a one-screen report.

It starts its own redis-server and a TCP proxy in front of PostgreSQL (`DATABASE_URL`, a
database of its own: it is migrated and a tenant is added), then `officecloud serve --workers 2`
over both, and runs `clients` clients that create, submit and approve documents, each mutation
with an `Idempotency-Key` and retried on 503 or a lost connection, while one subscriber follows
the tenant's events (reconnecting with `after:`). Faults in turn, a few seconds apart: the
database cut, Redis stopped and started, a worker killed with SIGKILL; then SIGTERM. The report
counts answers per phase, the time until `/readyz` said 200 again after each fault, how long
the drain took, and whether the invariants of the fault tests hold (documents that match their
tasks, no double approval, status events, the audit chain, the subscriber's events once and in
order, no duplicate from a retried mutation).
"""

from __future__ import annotations

import asyncio
import collections
import importlib
import os
import signal
import socket
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from rich.console import Console
from rich.table import Table

from bench.proxy import Proxy

CREATE = (
    "mutation($i: CreateDocumentInput!) { createDocument(input: $i) { document { id } "
    "errors { code } } }"
)
SUBMIT = "mutation($i: SubmitDocumentInput!) { submitDocument(input: $i) { errors { code } } }"
APPROVE = "mutation($i: ApproveTaskInput!) { approveTask(input: $i) { errors { code } } }"
INBOX = "{ myTasks(kind: OPEN, first: 20) { edges { node { id } } } }"


@dataclass
class Tally:
    answers: collections.Counter[str] = field(default_factory=collections.Counter)
    seconds: list[float] = field(default_factory=list)


@dataclass
class Run:
    base: str
    tokens: dict[str, str]
    type_id: str
    phase: str = "warm-up"
    tallies: dict[str, Tally] = field(default_factory=lambda: collections.defaultdict(Tally))
    stopping: bool = False

    async def call(
        self, http: aiohttp.ClientSession, who: str, query: str, variables: dict[str, Any]
    ) -> dict[str, Any] | None:
        """One mutation or query, retried with the same key on 503 and lost connections."""
        key = str(uuid.uuid4())
        for _ in range(20):
            started = time.perf_counter()
            tally = self.tallies[self.phase]
            try:
                async with http.post(
                    f"{self.base}/graphql",
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {self.tokens[who]}", "Idempotency-Key": key},
                ) as response:
                    body = await response.json(content_type=None)
                    tally.seconds.append(time.perf_counter() - started)
                    if response.status != 200:
                        tally.answers[str(response.status)] += 1
                    else:
                        data: dict[str, Any] = body["data"]
                        tally.answers[_outcome(data)] += 1
                        return data
            except (TimeoutError, aiohttp.ClientError):
                tally.answers["lost"] += 1
            if self.stopping:
                return None
            await asyncio.sleep(0.3)
        return None


def _outcome(data: dict[str, Any]) -> str:
    """`200`, or `200 CODE` for a payload refusal (`CONFLICT` when two approve one task)."""
    errors = next(iter(data.values()), None) or {}
    codes = (
        sorted({e["code"] for e in errors.get("errors") or []}) if isinstance(errors, dict) else []
    )
    return " ".join(["200", *codes])


async def client(run: Run, http: aiohttp.ClientSession, n: int) -> None:
    while not run.stopping:
        title = f"chaos {n} {uuid.uuid4().hex[:8]}"
        made = await run.call(
            http,
            "writer",
            CREATE,
            {"i": {"documentTypeId": run.type_id, "title": title, "formData": {"body": title}}},
        )
        if made and not made["createDocument"]["errors"]:
            document = made["createDocument"]["document"]["id"]
            await run.call(http, "writer", SUBMIT, {"i": {"id": document}})
        inbox = await run.call(http, "director", INBOX, {})
        for edge in (inbox or {}).get("myTasks", {}).get("edges", [])[:1]:
            await run.call(http, "director", APPROVE, {"i": {"id": edge["node"]["id"]}})


async def ready_after(http: aiohttp.ClientSession, base: str, since: float) -> float:
    while True:
        try:
            async with http.get(f"{base}/readyz") as response:
                if response.status == 200:
                    return time.monotonic() - since
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def chaos(database_url: str, clients: int, pause: float, console: Console) -> bool:
    tenant, tokens, type_id = await _tenant()
    redis_port, proxy = free_port(), Proxy(*_host_port(database_url))
    await proxy.start()
    redis = [await _redis(redis_port)]
    port = free_port()
    server = await _serve(database_url, proxy.port, redis_port, port)
    base = f"http://127.0.0.1:{port}"
    run = Run(base, tokens, type_id)
    recovery: dict[str, float] = {}
    received: list[dict[str, Any]] = []
    follow = importlib.import_module("tests.server.invariants").Follower
    after = {"after": str(await _last_event(tenant.id))}
    async with aiohttp.ClientSession() as http:
        await ready_after(http, base, time.monotonic())
        ws = base.replace("http", "ws") + "/graphql"
        async with follow(http, ws, tokens["admin"], after, received):
            workers = [asyncio.create_task(client(run, http, n)) for n in range(clients)]
            await asyncio.sleep(pause)
            await _faults(run, http, proxy, redis, redis_port, server.pid, recovery)
            run.phase = "after"
            await asyncio.sleep(pause)
            run.stopping = True
            await asyncio.gather(*workers)
            await _settle(tenant.id, received)
        stopped = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = await server.wait()
        drained = time.monotonic() - stopped
    redis[0].terminate()
    await redis[0].wait()
    await proxy.close()
    checks = await _checks(tenant, received, int(after["after"]))
    _report(console, run, recovery, drained, code, checks)
    console.print(f"{len(received)} events delivered to the subscriber")
    return all(ok for ok, _ in checks.values())


async def _faults(
    run: Run,
    http: aiohttp.ClientSession,
    proxy: Proxy,
    redis: list[asyncio.subprocess.Process],
    redis_port: int,
    server: int,
    recovery: dict[str, float],
) -> None:
    """Each fault in turn; how long until `/readyz` said 200 again."""
    run.phase = "database cut"
    proxy.cut()
    await asyncio.sleep(3)
    proxy.restore()
    recovery[run.phase] = await ready_after(http, run.base, time.monotonic())
    run.phase = "redis down"
    redis[0].terminate()
    await redis[0].wait()
    await asyncio.sleep(5)
    redis[0] = await _redis(redis_port)
    recovery[run.phase] = await ready_after(http, run.base, time.monotonic())
    run.phase = "worker killed"
    os.kill(_workers(server)[0], signal.SIGKILL)
    await asyncio.sleep(0.5)
    recovery[run.phase] = await ready_after(http, run.base, time.monotonic())


async def _redis(port: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await asyncio.sleep(0.3)
    return process


async def _settle(tenant_id: uuid.UUID, received: list[dict[str, Any]]) -> None:
    """Give the subscriber up to 15 s to receive the tenant's last event."""
    last = await _last_event(tenant_id)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if received and int(received[-1]["id"]) >= last:
            return
        await asyncio.sleep(0.1)


async def _tenant() -> tuple[Any, dict[str, str], str]:
    """A tenant with the 发文 template published (a writer, and holders of its roles), and
    dev tokens."""
    from auth.dev_issuer import DevIssuer
    from auth.viewer import actor_for
    from models.directory import OrgUnit, Role
    from models.scope import TenantScope
    from server.settings import get_settings
    from services import directory, flows, tenants
    from services.documents import types
    from subscriptions.topics import global_id

    settings = get_settings()
    system = await tenants.system_actor()
    tenant, admin = await tenants.create_tenant(
        system, code=f"chaos{uuid.uuid4().hex[:6]}", name="Chaos", parent_id=None
    )
    scope = TenantScope(tenant.id)
    actor = await actor_for(scope, admin, tenant)
    root = await scope.query(OrgUnit).get(parent_id=None)
    users = {
        name: await directory.create_user(
            actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
        for name in ("writer", "director", "leader", "clerk")
    }
    document_type, flow = await types.install_template(actor, key="dispatch")
    for name, code in (
        ("director", "office_director"),
        ("leader", "leader"),
        ("clerk", "office_clerk"),
    ):
        role = await scope.query(Role).get(code=code)
        await directory.assign_role(actor, user_id=users[name].id, role_id=role.id)
    await flows.publish_flow(actor, flow_id=flow.id)
    issuer = DevIssuer.load(
        settings.data_dir, settings.dev_issuer, settings.oidc_audience, settings.secret_key
    )
    tokens = {
        name: issuer.issue(subject=str(u.id), tenant=tenant.code) for name, u in users.items()
    }
    tokens["admin"] = issuer.issue(subject=str(admin.id), tenant=tenant.code)
    return tenant, tokens, global_id("DocumentType", document_type.id)


async def _last_event(tenant_id: uuid.UUID) -> int:
    from subscriptions.outbox.reader import latest_id

    return await latest_id(tenant_id)


async def _serve(
    database_url: str, proxy_port: int, redis_port: int, port: int
) -> asyncio.subprocess.Process:
    user_host, rest = database_url.split("://", 1)[1].split("@", 1)
    name = rest.split("/", 1)[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user_host}@127.0.0.1:{proxy_port}/{name}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "OFFICECLOUD_LOG_LEVEL": "ERROR",
        "OFFICECLOUD_OUTBOX_RELAY_INTERVAL_SECONDS": "0.2",
    }
    command = Path(sys.executable).with_name("officecloud")
    return await asyncio.create_subprocess_exec(
        str(command), "serve", "--port", str(port), "--workers", "2", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def _host_port(database_url: str) -> tuple[str, int]:
    host = database_url.split("@", 1)[1].split("/", 1)[0]
    name, _, port = host.partition(":")
    return name, int(port or 5432)


def _workers(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [int(p) for p in path.read_text().split()]
    return [p for p in pids if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


async def _checks(
    tenant: Any, received: list[dict[str, Any]], after: int
) -> dict[str, tuple[bool, str]]:
    """The fault tests' invariants (the same code, `tests/server/invariants.py`)."""
    from models.documents import Document
    from models.scope import TenantScope
    from server.settings import get_settings

    invariants = importlib.import_module("tests.server.invariants")
    department = importlib.import_module("tests.conftest").Department(tenant, None, None)
    checks: dict[str, tuple[bool, str]] = {}
    for name, check in (
        (
            "invariants (state, approvals, numbers, events, audit)",
            invariants.assert_invariants(department, get_settings()),
        ),
        (
            "subscriber: every event once, in order",
            invariants.assert_delivered(department, received, after),
        ),
    ):
        try:
            await check
            checks[name] = (True, "")
        except AssertionError as exc:
            checks[name] = (False, str(exc)[:200])
    made = collections.Counter(
        await TenantScope(tenant.id).query(Document).values_list("title", flat=True)
    )
    twice = [str(t) for t, n in made.items() if n > 1]
    checks["no duplicate from a retried createDocument"] = (not twice, ", ".join(twice[:3]))
    return checks


def _report(
    console: Console,
    run: Run,
    recovery: dict[str, float],
    drained: float,
    code: int,
    checks: dict[str, tuple[bool, str]],
) -> None:
    table = Table(title="Requests per phase")
    for column in ("phase", "answers", "p50 ms", "p99 ms", "ready again after"):
        table.add_column(column)
    for phase, tally in run.tallies.items():
        seconds = sorted(tally.seconds) or [0.0]
        p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
        table.add_row(
            phase,
            ", ".join(f"{k}: {v}" for k, v in sorted(tally.answers.items())),
            f"{statistics.median(seconds) * 1000:.0f}",
            f"{p99 * 1000:.0f}",
            f"{recovery[phase]:.1f} s" if phase in recovery else "",
        )
    console.print(table)
    console.print(f"SIGTERM: drained and exited with {code} in {drained:.1f} s")
    for name, (ok, detail) in checks.items():
        mark = "[green]ok[/green]" if ok else f"[red]FAILED[/red] {detail}"
        console.print(f"{name}: {mark}")
