"""`serve --workers N` under faults: a worker killed with SIGKILL is restarted and nothing is
lost; workers that cannot start make `serve` exit 1; SIGTERM drains requests in flight and
closes websockets with 1001."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from server.settings import Settings
from tests.conftest import ws_url
from tests.documents.support import Office
from tests.events.support import position
from tests.processes import CLI, budget, free_port, server_env, start_server
from tests.server.invariants import Follower, assert_delivered, assert_invariants, caught_up
from tests.server.test_faults import BRISK, on, start, until
from tests.ws_client import Socket

pytestmark = pytest.mark.slow


async def metric(http: aiohttp.ClientSession, base: str, name: str) -> float:
    async with http.get(f"{base}/metrics") as response:
        text = await response.text()
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


async def test_a_killed_worker_is_restarted_and_nothing_is_lost(
    database: Settings,
    redis_url: str,
    dispatch_office: Office,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    department = dispatch_office.department
    env = server_env(database, redis_url, **BRISK)
    async with start_server(env, tmp_path / "server.log", "--workers", "2") as served:
        office = await on(dispatch_office, served, http)
        before = await until(lambda: _two(served.children()), 10, "two workers")
        after = await position(department)
        received: list[dict[str, object]] = []
        async with Follower(http, served.ws, office.token("admin"), after, received):
            documents = [await start(office, f"杀进程之前 {i}") for i in range(3)]
            victim = before[0]
            os.kill(victim, signal.SIGKILL)
            documents += [await _retrying(start, office, f"杀进程之后 {i}") for i in range(3)]
            for document in documents:
                await _retrying(office.approve, "director", document)
            now = await until(lambda: _two(served.children()), budget(10), "a worker again")
            assert victim not in now
            assert await metric(http, served.base, "officecloud_workers_live") == 2
            assert await metric(http, served.base, "officecloud_worker_restarts_total") == 1
            await until(lambda: caught_up(department, received), 10, "events delivered")
    log = served.log.read_text()
    assert f"(pid {victim}) exited on signal SIGKILL" in log
    await assert_delivered(department, received, int(after["after"]))
    await assert_invariants(department, database)


def _two(pids: list[int]) -> list[int] | None:
    return pids if len(pids) == 2 else None


async def _retrying(call: object, *args: object) -> object:
    """A request that met the dying worker is tried again (the kernel hands the next
    connection to a live one)."""
    for _ in range(5):
        try:
            return await call(*args)  # type: ignore[operator]
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.2)
    raise AssertionError("no live worker answered")


async def test_workers_that_cannot_start_make_serve_exit_1(
    database: Settings, redis_url: str, tmp_path: Path
) -> None:
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"
    env = server_env(
        database.model_copy(update={"database_url": nowhere}),
        redis_url,
        OFFICECLOUD_WORKER_RESTART_LIMIT="1",
    )
    log = tmp_path / "serve.log"
    started = time.monotonic()
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            CLI, "serve", "--port", str(free_port()), "--workers", "2", env=env, stdout=sink,
            stderr=sink,
        )  # fmt: skip
    assert await asyncio.wait_for(process.wait(), budget(40)) == 1
    text = log.read_text()
    assert "crash-looping" in text, text
    assert "exited with code 1; restarting" in text
    assert time.monotonic() - started < budget(40)


async def test_sigterm_drains_requests_and_closes_websockets_with_1001(
    database: Settings,
    redis_url: str,
    dispatch_office: Office,
    http: aiohttp.ClientSession,
    server: TestServer,
    tmp_path: Path,
) -> None:
    department = dispatch_office.department
    env = server_env(database, redis_url, OFFICECLOUD_SHUTDOWN_DRAIN_SECONDS="5")
    admin = dispatch_office.token("admin")
    after = await position(department)
    async with (
        start_server(env, tmp_path / "server.log", "--workers", "2") as served,
        contextlib.AsyncExitStack() as stack,
    ):
        office = await on(dispatch_office, served, http)
        sockets = [
            await stack.enter_async_context(Socket.connect(http, served.ws, admin))
            for _ in range(4)
        ]
        ops = [await s.subscribe(variables=after) for s in sockets]
        await start(office, "停机之前")
        for socket, op in zip(sockets, ops, strict=True):
            await socket.events(op, 2)
        async with _tenant_log_locked(database, department):
            slow = asyncio.create_task(
                _create(http, served.base, office.token("writer"), office.type_id)
            )
            await asyncio.sleep(0.5)
            stopped_at = time.monotonic()
            served.process.send_signal(signal.SIGTERM)
            codes = await asyncio.gather(*(s.wait_closed(budget(3)) for s in sockets))
            await asyncio.sleep(1.0)
            assert not slow.done(), "the request waits for the lock the test holds"
        status, headers, body = await slow
        code = await asyncio.wait_for(served.process.wait(), budget(15))
        took = time.monotonic() - stopped_at
    assert codes == [1001] * 4
    assert status == 200
    assert body["data"]["createDocument"]["errors"] == [], body
    assert headers.get("Connection") == "close"
    assert code == 0
    assert took < 5 + budget(3), "the drain is bounded"
    before = sockets[0].received[ops[0]]
    async with Socket.connect(http, ws_url(server), admin) as resumed:
        op = await resumed.subscribe(variables={"after": before[-1]["id"]})
        await until(lambda: caught_up(department, before + resumed.received[op]), 10, "resumed")
    await assert_delivered(department, before + resumed.received[op], int(after["after"]))
    await assert_invariants(department, database)


@contextlib.asynccontextmanager
async def _tenant_log_locked(settings: Settings, department: Any) -> AsyncIterator[None]:
    """Hold the tenant's log lock: a mutation of the tenant waits for it, in flight."""
    url = str(settings.database_url).replace("postgres://", "postgresql://", 1)
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            await connection.execute(
                "SELECT 1 FROM tenant_log WHERE tenant_id = $1 FOR UPDATE", department.tenant.id
            )
            yield
    finally:
        await connection.close()


async def _create(
    http: aiohttp.ClientSession, base: str, token: str, type_id: str
) -> tuple[int, dict[str, str], dict[str, Any]]:
    query = (
        "mutation($i: CreateDocumentInput!) { createDocument(input: $i) { document { id } "
        "errors { code } } }"
    )
    variables = {"i": {"documentTypeId": type_id, "title": "停机之中", "formData": {"body": "x"}}}
    async with http.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        return response.status, dict(response.headers), await response.json()
