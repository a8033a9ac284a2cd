"""Faults against real server processes: PostgreSQL cut behind a TCP proxy, a connection lost
right after COMMIT. Each ends by checking the invariants from the database and that the
service recovered by itself."""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bench.proxy import Proxy, proxy_to
from models.outbox import OutboxEvent
from server.settings import Settings
from subscriptions.topics import Topic
from tests.documents.support import DOC, Office
from tests.events.support import position
from tests.processes import (
    REDIS_SERVER,
    Served,
    budget,
    client,
    free_port,
    server_env,
    start_server,
    throwaway_redis,
)
from tests.server.invariants import Follower, assert_delivered, assert_invariants, caught_up
from tests.ws_client import Socket

pytestmark = pytest.mark.slow

QUIET = {
    "OFFICECLOUD_TIMER_INTERVAL_SECONDS": "3600",
    "OFFICECLOUD_OUTBOX_RELAY_INTERVAL_SECONDS": "3600",
    "OFFICECLOUD_SESSION_CHECK_SECONDS": "3600",
    "OFFICECLOUD_USAGE_FLUSH_SECONDS": "3600",
    "OFFICECLOUD_ROLLUP_INTERVAL_SECONDS": "0",
    "OFFICECLOUD_ALERT_INTERVAL_SECONDS": "3600",
}
"""No background loop commits on its own after start: the next COMMIT is the test's."""
BRISK = {
    "OFFICECLOUD_TIMER_INTERVAL_SECONDS": "0.2",
    "OFFICECLOUD_SESSION_CHECK_SECONDS": "0.5",
    "OFFICECLOUD_ALERT_INTERVAL_SECONDS": "0.5",
    "OFFICECLOUD_ROLLUP_INTERVAL_SECONDS": "0",
}


def proxied(settings: Settings, proxy: Proxy) -> Settings:
    """The settings with the database reached through `proxy`."""
    url = str(settings.database_url)
    rest = url.split("@", 1)[1].split("/", 1)[1]
    return replace_url(settings, f"postgres://postgres@127.0.0.1:{proxy.port}/{rest}")


def replace_url(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={"database_url": url})


async def on(office: Office, served: Served, http: aiohttp.ClientSession) -> Office:
    """The same people, talking to another server."""
    return Office(office.department, client(http, served, office.gql), office.users, office.type_id)


async def start(office: Office, title: str) -> str:
    made = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": title, "formData": {"body": title}},
        DOC,
    )
    document_id: str = made["document"]["id"]
    await office.ok("writer", "submitDocument", {"id": document_id}, DOC)
    return document_id


async def until(check: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + budget(seconds)
    while time.monotonic() < deadline:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        await asyncio.sleep(0.1)
    pytest.fail(f"not within {budget(seconds):.0f}s: {what}")


async def readiness(http: aiohttp.ClientSession, served: Served) -> tuple[int, dict[str, Any]]:
    async with http.get(f"{served.base}/readyz") as response:
        return response.status, await response.json()


async def test_a_database_cut_is_survived_by_every_loop_and_answered_with_503(
    database: Settings,
    redis_url: str,
    dispatch_office: Office,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    department = dispatch_office.department
    token = dispatch_office.token("admin")
    async with proxy_to("127.0.0.1", 5432) as proxy:
        env = server_env(proxied(database, proxy), redis_url, **BRISK)
        async with start_server(env, tmp_path / "server.log") as served:
            office = await on(dispatch_office, served, http)
            async with Socket.connect(http, served.ws, token) as socket:
                after = await position(department)
                op = await socket.subscribe(variables=after)
                first = await start(office, "断线之前")
                await office.approve("director", first)

                cut = proxy.cut_after(b"COMMIT\x00")
                await asyncio.wait_for(cut.wait(), budget(5))
                proxy.cut()
                refused = await office.gql(
                    "mutation($i: CreateDocumentInput!) { createDocument(input: $i) { errors "
                    "{ code } } }",
                    {"i": {"documentTypeId": office.type_id, "title": "断线之中"}},
                    token=office.token("writer"),
                )
                status, ready = await readiness(http, served)
                await asyncio.sleep(1.5)
                proxy.restore()
                restored = time.time()

                assert refused.status == 503
                assert refused.headers["Retry-After"].isdigit()
                assert [e["extensions"]["code"] for e in refused.errors] == ["SERVICE_UNAVAILABLE"]
                assert refused.body.get("data") is None
                assert status == 503
                assert ready["database"] is False

                async def every_loop_recovered() -> bool:
                    code, body = await readiness(http, served)
                    loops = body["loopStatus"].values()
                    return code == 200 and all(
                        loop["failures"] == 0
                        and (loop["intervalSeconds"] > 1 or loop["lastSuccess"] > restored)
                        for loop in loops
                    )

                await until(every_loop_recovered, 10, "every loop succeeds again")
                second = await start(office, "断线之后")
                await office.approve("director", second)
                orphan = await _committed_elsewhere(department)  # no later event reveals it
                expected = await OutboxEvent.filter(
                    tenant_id=department.tenant.id, id__gt=int(after["after"])
                ).count()
                got = await socket.events(op, expected, budget(10))
    assert orphan.id in [int(e["id"]) for e in got], "the relay published the orphan"
    assert (await OutboxEvent.get(id=orphan.id)).published_at is not None
    await assert_delivered(department, socket.received[op], int(after["after"]))
    await assert_invariants(department, database)
    assert "connection has been released back to the pool" not in served.log.read_text()


async def _committed_elsewhere(department: Any) -> OutboxEvent:
    """An event committed by a process that died before publishing it: only a relay sends it."""
    from tortoise.transactions import in_transaction

    from subscriptions.outbox import writer

    async with in_transaction():
        (event,) = await writer.record_all(
            department.tenant.id,
            [(Topic.TENANT_UPDATED, {"tenantId": str(uuid.uuid4()), "orphan": True})],
        )
    return await OutboxEvent.get(id=event.id)


async def test_a_connection_lost_right_after_commit_does_not_fail_the_mutation(
    database: Settings,
    redis_url: str,
    dispatch_office: Office,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    department = dispatch_office.department
    async with proxy_to("127.0.0.1", 5432) as proxy:
        env = server_env(proxied(database, proxy), redis_url, **QUIET)
        async with start_server(env, tmp_path / "server.log") as served:
            office = await on(dispatch_office, served, http)
            await office.run("writer", "{ viewer { user { id } } }")  # signs in first
            cut = proxy.cut_after(b"COMMIT\x00")
            made = await office.mutate(
                "writer",
                "createDocument",
                {
                    "documentTypeId": office.type_id,
                    "title": "提交后断线",
                    "formData": {"body": "x"},
                },
                DOC,
            )
            assert cut.is_set(), "the connection was cut right after the mutation's COMMIT"
            assert made["errors"] == []
            assert made["document"]["title"] == "提交后断线"
            again = await start(office, "断线之后")
            await office.approve("director", again)
    await assert_invariants(department, database)


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server to run a throwaway Redis")
async def test_redis_stopped_and_restarted_loses_nothing(
    database: Settings, dispatch_office: Office, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    department = dispatch_office.department
    port = free_port()
    env = server_env(database, f"redis://127.0.0.1:{port}/0", **BRISK)
    async with (
        throwaway_redis(port) as redis,
        start_server(env, tmp_path / "server.log", "--workers", "2") as served,
    ):
        office = await on(dispatch_office, served, http)
        after = await position(department)
        received: list[dict[str, Any]] = []
        async with Follower(http, served.ws, office.token("admin"), after, received):
            documents = [await start(office, f"Redis 之前 {i}") for i in range(2)]
            redis.terminate()
            await redis.wait()
            status, ready = await readiness(http, served)
            assert status == 503
            assert ready["bus"] is False
            documents += [await start(office, f"Redis 停了 {i}") for i in range(3)]
            for document in documents:
                await office.approve("director", document)
            async with throwaway_redis(port):
                await until(lambda: caught_up(department, received), 15, "caught up")

                async def ready_again() -> bool:
                    return (await readiness(http, served))[0] == 200

                await until(ready_again, 10, "ready again")
    await assert_delivered(department, received, int(after["after"]))
    await assert_invariants(department, database)
