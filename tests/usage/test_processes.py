"""Quotas hold across server processes on one PostgreSQL and one Redis: concurrent uploads
that together exceed the storage limit leave the usage exact and exactly the over-limit ones
refused; a tenant's API rate holds across two processes, and both count its requests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from models.documents import Attachment
from models.usage import Meter, TenantAllocation, UsageDay
from server.settings import Settings
from services import usage
from tests.conftest import GraphQL
from tests.documents.support import Office, upload
from tests.processes import budget, free_port, server_env, start_server, throwaway_redis
from tests.usage.support import set_limits

SIZE = 1000


@pytest.mark.slow
async def test_uploads_and_the_api_rate_hold_across_two_processes(
    database: Settings,
    redis_url: str,
    gql: GraphQL,
    dispatch_office: Office,
    platform_admin: object,
    tmp_path: Path,
) -> None:
    office = dispatch_office
    tenant = office.department.tenant
    platform = gql.token(platform_admin, "platform")  # type: ignore[arg-type]
    await set_limits(gql, platform, tenant, maxStorageBytes=5 * SIZE, apiRequestsPerMinute=30)
    documents = [
        (
            await office.ok(
                "writer",
                "createDocument",
                {"documentTypeId": office.type_id, "title": f"并发{i}"},
                "document { id } ",
            )
        )["document"]["id"]
        for i in range(12)
    ]
    await usage.requests.flush()  # what the test's own server counted so far
    before = await counted(office)
    env = server_env(
        database,
        redis_url,
        OFFICECLOUD_TENANT_RATE_WINDOW_SECONDS="3600",
        OFFICECLOUD_USAGE_FLUSH_SECONDS="0.2",
    )
    async with (
        start_server(env, tmp_path / "one.log") as one,
        start_server(env, tmp_path / "two.log") as two,
    ):
        urls = [f"{one.base}/graphql", f"{two.base}/graphql"]
        token = office.token("writer")
        results = await asyncio.gather(
            *[
                upload(urls[i % 2], token, doc, f"f{i}.txt", bytes([65 + i]) * SIZE, "text/plain")
                for i, doc in enumerate(documents)
            ]
        )
        payloads = [body["data"]["uploadAttachment"] for _, body in results]
        codes = sorted(p["errors"][0]["code"] for p in payloads if p["errors"])
        assert sum(1 for p in payloads if p["attachment"]) == 5
        assert codes == ["QUOTA_EXCEEDED"] * 7
        allocation = await TenantAllocation.get(tenant_id=tenant.id)
        sizes = await office.department.scope.query(Attachment).values_list("size", flat=True)
        assert allocation.storage_bytes == sum(sizes) == 5 * SIZE

        # 30 a window: the uploads took 12 of them
        async with aiohttp.ClientSession() as http:
            statuses = []
            for i in range(24):
                async with http.post(
                    urls[i % 2],
                    json={"query": "{ viewer { id } }"},
                    headers={"Authorization": f"Bearer {token}"},
                ) as response:
                    statuses.append((i % 2, response.status, response.headers.get("Retry-After")))
        assert [s for _, s, _ in statuses[:18]] == [200] * 18
        assert {(p, s) for p, s, _ in statuses[18:]} == {(0, 429), (1, 429)}
        assert all(1 <= int(r or 0) <= 3600 for _, _, r in statuses[18:])

        for _ in range(int(budget(10) / 0.2)):  # each process flushes every 0.2 s
            if await counted(office) >= before + 36:
                break
            await asyncio.sleep(0.2)
        assert await counted(office) == before + 12 + 24  # refused requests count too


async def counted(office: Office) -> int:
    rows = (
        await office.department.scope.query(UsageDay)
        .filter(meter=Meter.API_REQUESTS)
        .values_list("value", flat=True)
    )
    return sum(rows)  # type: ignore[arg-type]


@pytest.mark.slow
async def test_the_api_rate_is_not_checked_while_redis_is_down(
    database: Settings,
    gql: GraphQL,
    make_department: Any,
    platform_admin: object,
    tmp_path: Path,
) -> None:
    department = await make_department()
    platform = gql.token(platform_admin, "platform")  # type: ignore[arg-type]
    await set_limits(gql, platform, department.tenant, apiRequestsPerMinute=2)
    port = free_port()
    env = server_env(
        database, f"redis://127.0.0.1:{port}/0", OFFICECLOUD_TENANT_RATE_WINDOW_SECONDS="3600"
    )
    token = gql.token(department.admin, department.tenant)
    async with (
        throwaway_redis(port) as redis,
        start_server(env, tmp_path / "server.log") as served,
        aiohttp.ClientSession() as http,
    ):

        async def ask() -> int:
            async with http.post(
                f"{served.base}/graphql",
                json={"query": "{ viewer { id } }"},
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                return response.status

        assert [await ask() for _ in range(3)] == [200, 200, 429]
        redis.terminate()
        await redis.wait()
        assert [await ask() for _ in range(3)] == [200, 200, 200]
    assert "tenant API rate not checked, Redis is unreachable" in served.log.read_text()
