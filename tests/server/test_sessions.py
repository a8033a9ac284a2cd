"""Websockets end when their user is disabled or their tenant suspended, in every process; a
user holds at most `max_websockets_per_user` per process; a trickling request body gets 408;
two deployments on one Redis do not hear each other."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from models.directory import OrgUnit, User
from models.tenants import Tenant
from server.app import create_app
from server.settings import Settings
from services import directory
from subscriptions import bus, sessions
from subscriptions.events import Event
from tests.conftest import GraphQL, gid, ws_url
from tests.processes import server_env, start_server
from tests.ws_client import Socket


@pytest.mark.slow
async def test_disabling_a_user_or_suspending_a_tenant_closes_sockets_in_every_process(
    database: Settings,
    redis_url: str,
    gql: GraphQL,
    http: aiohttp.ClientSession,
    make_department,
    platform_admin: User,
    tmp_path: Path,
) -> None:
    department, other = await make_department(), await make_department()
    admin = gql.token(department.admin, department.tenant)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    user, stays = [
        await directory.create_user(
            department.actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
        for name in ("leaving", "stays")
    ]
    env = server_env(database, redis_url)
    async with (
        start_server(env, tmp_path / "one.log") as one,
        start_server(env, tmp_path / "two.log") as two,
        contextlib.AsyncExitStack() as stack,
    ):

        async def socket(url: str, who: User, tenant: Tenant) -> Socket:
            return await stack.enter_async_context(
                Socket.connect(http, url, gql.token(who, tenant))
            )

        leaving = [await socket(s.ws, user, department.tenant) for s in (one, two)]
        staying = [await socket(s.ws, stays, department.tenant) for s in (one, two)]
        bystander = await socket(one.ws, other.admin, other.tenant)
        disabled = await gql.mutate(
            "updateUser",
            {"id": gid("User", user.id), "status": "DISABLED"},
            "user { status }",
            token=admin,
        )
        assert disabled["errors"] == []
        assert [await s.wait_closed(5) for s in leaving] == [sessions.CLOSE_REVOKED] * 2
        assert not any(s.closed.is_set() for s in staying)

        suspended = await gql.mutate(
            "setTenantStatus",
            {"id": gid("Tenant", department.tenant.id), "status": "SUSPENDED"},
            "tenant { status }",
            token=gql.token(platform_admin, "platform"),
        )
        assert suspended["errors"] == []
        assert [await s.wait_closed(5) for s in staying] == [sessions.CLOSE_REVOKED] * 2
        await asyncio.sleep(0.3)
        assert not bystander.closed.is_set()


async def test_a_user_holds_at_most_the_cap_of_websockets(
    server: TestServer, gql: GraphQL, http: aiohttp.ClientSession, make_department
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    cap = 20
    async with contextlib.AsyncExitStack() as stack:
        held = [
            await stack.enter_async_context(Socket.connect(http, ws_url(server), token))
            for _ in range(cap)
        ]
        async with http.ws_connect(ws_url(server), protocols=["graphql-transport-ws"]) as ws:
            await ws.send_json(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
            message = await ws.receive(timeout=5)
            assert message.type == aiohttp.WSMsgType.CLOSE
            assert ws.close_code == sessions.CLOSE_TOO_MANY
        await held[0].ws.close()
        await asyncio.sleep(0.2)
        async with Socket.connect(http, ws_url(server), token) as again:
            assert not again.closed.is_set()


@contextlib.asynccontextmanager
async def app_with(settings: Settings, **changes: object) -> AsyncIterator[TestServer]:
    server = TestServer(create_app(settings.model_copy(update=changes)), host="127.0.0.1")
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


async def test_a_trickling_body_gets_408(database: Settings, http: aiohttp.ClientSession) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"query": "'
        for _ in range(20):
            await asyncio.sleep(0.2)
            yield b" "

    async with app_with(database, request_body_timeout_seconds=1.0) as server:
        started = asyncio.get_running_loop().time()
        for content_type in ("application/json", "multipart/form-data; boundary=x"):
            async with http.post(
                server.make_url("/graphql"),
                data=trickle(),
                headers={"Content-Type": content_type, "GraphQL-Require-Preflight": "1"},
            ) as response:
                assert response.status == 408, content_type
                body = await response.json()
                assert body["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert asyncio.get_running_loop().time() - started < 4


async def test_deployments_on_one_redis_do_not_hear_each_other(redis_url: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    a = bus.RedisBus(redis_url, 10, f"a-{suffix}")
    b = bus.RedisBus(redis_url, 10, f"b-{suffix}")
    heard: dict[str, list[object]] = {"a": [], "b": []}
    for name, one in (("a", a), ("b", b)):
        one.on_event(heard[name].append)
        one.on_control(heard[name].append)
        await one.start()
    try:
        for _ in range(100):
            if a.connected and b.connected:
                break
            await asyncio.sleep(0.02)
        event = Event(1, uuid.uuid4(), "tenant.updated", {}, datetime.now(UTC))
        await a.publish([event])
        await a.send_control({"type": "noop"})
        await asyncio.sleep(0.3)
    finally:
        await a.close()
        await b.close()
    assert heard["a"] == [event, {"type": "noop"}]
    assert heard["b"] == []
    assert a.channel == f"a-{suffix}:events"
