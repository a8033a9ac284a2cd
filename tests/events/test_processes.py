"""Live events across real server processes (`officecloud serve`, one of them `--workers 2`) on
PostgreSQL and Redis: cross-process delivery and tenant isolation, revocation from another
process, a process killed between commit and publish, and Redis going away for a while."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from auth.dev_issuer import DevIssuer
from models.directory import OrgUnit
from models.outbox import OutboxEvent
from server.settings import Settings
from subscriptions import publisher, sessions
from tests.conftest import Department, GraphQL, gid
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
from tests.ws_client import Socket, ids

pytestmark = pytest.mark.slow  # real `officecloud serve` processes and a Redis of their own


@pytest.fixture(scope="module")
async def pair(
    database: Settings,
    redis_url: str,
    dev_issuer: DevIssuer,
    server: TestServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Served, Served]]:
    """Two servers on the test database and Redis; the second runs two workers."""
    logs = tmp_path_factory.mktemp("pair")
    env = server_env(database, redis_url)
    async with (
        start_server(env, logs / "one.log") as one,
        start_server(env, logs / "two.log", "--workers", "2") as two,
    ):
        yield one, two


async def rename_root(gql: GraphQL, department: Department, name: str) -> dict[str, object]:
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    return await gql.mutate(
        "updateOrgUnit",
        {"id": gid("OrgUnit", root.id), "name": name},
        "orgUnit { name }",
        token=gql.token(department.admin, department.tenant),
    )


async def tenant_ids(department: Department, topic: str) -> list[int]:
    return list(
        await OutboxEvent.filter(tenant_id=department.tenant.id, topic=topic)
        .order_by("id")
        .values_list("id", flat=True)
    )


async def test_an_event_reaches_subscribers_of_its_tenant_in_every_process_and_no_other(
    pair: tuple[Served, Served], gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    one, two = pair
    a, b = await make_department(), await make_department()
    token_a, token_b = gql.token(a.admin, a.tenant), gql.token(b.admin, b.tenant)
    async with (
        Socket.connect(http, two.ws, token_a) as a_on_two,
        Socket.connect(http, one.ws, token_a) as a_on_one,
        Socket.connect(http, two.ws, token_b) as b_on_two,
        Socket.connect(http, one.ws, token_b) as b_on_one,
    ):
        at_a, at_b = await position(a), await position(b)
        subscribed = [
            (a_on_two, await a_on_two.subscribe(variables=at_a)),
            (a_on_one, await a_on_one.subscribe(variables=at_a)),
            (b_on_two, await b_on_two.subscribe(variables=at_b)),
            (b_on_one, await b_on_one.subscribe(variables=at_b)),
        ]
        assert (await rename_root(client(http, one, gql), a, "甲"))["errors"] == []
        assert (await rename_root(client(http, two, gql), b, "乙"))["errors"] == []
        for socket, op in subscribed:
            await socket.events(op, 1)
        await asyncio.sleep(0.5)
        received = {s: s.received[op] for s, op in subscribed}
    updated = "directory.org_unit.updated"
    for socket in (a_on_two, a_on_one):
        assert ids(received[socket]) == await tenant_ids(a, updated)
    for socket in (b_on_two, b_on_one):
        assert ids(received[socket]) == await tenant_ids(b, updated)
        assert {e["tenantId"] for e in received[socket]} == {gid("Tenant", b.tenant.id)}


async def test_revoking_a_user_closes_its_sockets_in_every_process(
    pair: tuple[Served, Served], gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    one, two = pair
    department, other = await make_department(), await make_department()
    token = gql.token(department.admin, department.tenant)
    async with (
        Socket.connect(http, one.ws, token) as on_one,
        Socket.connect(http, two.ws, token) as on_two,
        Socket.connect(http, two.ws, token) as again_on_two,
        Socket.connect(http, one.ws, gql.token(other.admin, other.tenant)) as bystander,
    ):
        await on_one.subscribe()
        await sessions.revoke_user(department.tenant.id, department.admin.id)
        for socket in (on_one, on_two, again_on_two):
            assert await socket.wait_closed(5) == sessions.CLOSE_REVOKED
        await asyncio.sleep(0.3)
        assert not bystander.closed.is_set()


async def test_an_event_committed_by_a_process_killed_before_publishing_is_relayed(
    pair: tuple[Served, Served],
    database: Settings,
    redis_url: str,
    gql: GraphQL,
    http: aiohttp.ClientSession,
    make_department,
    tmp_path: Path,
) -> None:
    one, _ = pair
    department = await make_department()
    topic = "directory.org_unit.updated"
    env = server_env(database, redis_url, OFFICECLOUD_TEST_EXIT_AFTER_COMMIT_TOPIC=topic)
    token = gql.token(department.admin, department.tenant)
    async with (
        start_server(env, tmp_path / "doomed.log") as doomed,
        Socket.connect(http, one.ws, token) as socket,
    ):
        op = await socket.subscribe(variables=await position(department))
        with pytest.raises(aiohttp.ClientError):
            await rename_root(client(http, doomed, gql), department, "提交后崩溃")
        exit_code = await asyncio.wait_for(doomed.process.wait(), budget(10))
        assert exit_code == publisher.CRASH_EXIT_CODE
        (event,) = await socket.events(op, 1, seconds=budget(10))
    assert ids([event]) == await tenant_ids(department, topic)
    # The relay publishes inside its transaction, before the stamp commits.
    for _ in range(int(budget(5) / 0.1)):
        row = await OutboxEvent.get(id=int(event["id"]))
        if row.published_at is not None:
            break
        await asyncio.sleep(0.1)
    assert row.published_at is not None
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    assert root.name == "提交后崩溃"


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server to run a throwaway Redis")
async def test_nothing_is_lost_while_redis_is_down(
    database: Settings,
    dev_issuer: DevIssuer,
    gql: GraphQL,
    http: aiohttp.ClientSession,
    make_department,
    tmp_path: Path,
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    port = free_port()
    env = server_env(database, f"redis://127.0.0.1:{port}/0")
    changes = 200
    async with (
        throwaway_redis(port) as redis,
        start_server(env, tmp_path / "x.log") as x,
        start_server(env, tmp_path / "y.log", "--workers", "2") as y,
        Socket.connect(http, x.ws, token) as on_x,
        Socket.connect(http, y.ws, token) as on_y,
    ):
        gql_x, gql_y = client(http, x, gql), client(http, y, gql)
        at = await position(department)
        x_op, y_op = await on_x.subscribe(variables=at), await on_y.subscribe(variables=at)
        assert (await rename_root(gql_x, department, "before"))["errors"] == []
        (seen,) = await on_y.events(y_op, 1)

        async with Socket.connect(http, y.ws, token) as dropping:
            drop_op = await dropping.subscribe(variables={"after": seen["id"]})
            redis.terminate()
            await redis.wait()
            for n in range(0, changes, 4):
                done = await asyncio.gather(
                    *(
                        rename_root((gql_x, gql_y)[i % 2], department, f"变更 {n + i}")
                        for i in range(4)
                    )
                )
                assert all(d["errors"] == [] for d in done)
            assert dropping.received[drop_op] == [], "nothing goes live while Redis is down"
        async with throwaway_redis(port):
            expected = (await tenant_ids(department, "directory.org_unit.updated"))[1:]
            assert len(expected) == changes
            async with Socket.connect(http, y.ws, token) as resumed:
                resumed_op = await resumed.subscribe(variables={"after": seen["id"]})
                got = await resumed.events(resumed_op, changes, seconds=budget(20))
                x_events = await on_x.events(x_op, changes + 1, seconds=budget(20))
                y_events = await on_y.events(y_op, changes + 1, seconds=budget(20))
                await asyncio.sleep(1.0)
                extra = {
                    "x": len(on_x.received[x_op]),
                    "y": len(on_y.received[y_op]),
                    "resumed": len(resumed.received[resumed_op]),
                }
    assert ids(x_events)[1:] == ids(y_events)[1:] == expected
    assert ids(got) == expected
    assert extra == {"x": changes + 1, "y": changes + 1, "resumed": changes}, "no repeats"
    assert await OutboxEvent.filter(id__in=expected, published_at=None).count() == 0
