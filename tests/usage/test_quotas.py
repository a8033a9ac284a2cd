"""Quotas at the point of use: users, monthly documents and storage over the limit are refused
with QUOTA_EXCEEDED naming the limit, the usage and the package, and nothing is written; the
platform admin's changes hold at once; the API rate answers 429 with Retry-After."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp.test_utils import TestServer

from models.directory import User, UserStatus
from models.documents import Attachment, Document
from models.usage import TenantAllocation
from tests.conftest import GraphQL, gid
from tests.documents.support import Office, upload
from tests.usage.support import create_package, root_unit, set_limits

USER = "user { id username }"


async def test_a_user_over_the_limit_is_refused_until_the_limit_is_raised(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    platform = gql.token(platform_admin, "platform")
    admin = gql.token(department.admin, department.tenant)
    unit = await root_unit(department)
    package = await create_package(gql, platform, code=f"p{department.tenant.code}", name="小")
    assigned = await gql.mutate(
        "assignServicePackage",
        {"id": gid("Tenant", department.tenant.id), "packageId": package},
        "allocation { package { code } } ",
        token=platform,
    )
    assert assigned["errors"] == []
    await set_limits(gql, platform, department.tenant, maxUsers=2)

    async def create(name: str) -> dict[str, Any]:
        input = {"username": name, "displayName": name, "orgUnitIds": [unit]}
        return await gql.mutate("createUser", input, USER, token=admin)

    assert (await create("second"))["errors"] == []
    refused = await create("third")
    assert refused["user"] is None
    [error] = refused["errors"]
    assert error["code"] == "QUOTA_EXCEEDED"
    assert "users" in error["message"]
    assert "limited to 2" in error["message"]
    assert f"package 'p{department.tenant.code}'" in error["message"]
    assert "2 used" in error["message"]
    assert not await department.scope.query(User).filter(username="third").exists()

    await set_limits(gql, platform, department.tenant, maxUsers=3)
    assert (await create("third"))["errors"] == []
    second = await department.scope.query(User).get(username="second")
    disabled = await gql.mutate(
        "updateUser", {"id": gid("User", second.id), "status": "DISABLED"}, USER, token=admin
    )
    assert disabled["errors"] == []
    assert (await create("fourth"))["errors"] == []
    again = await gql.mutate(
        "updateUser", {"id": gid("User", second.id), "status": "ACTIVE"}, USER, token=admin
    )
    assert [e["code"] for e in again["errors"]] == ["QUOTA_EXCEEDED"]
    assert (await department.scope.query(User).get(id=second.id)).status == UserStatus.DISABLED


async def test_documents_over_the_monthly_limit_are_refused(
    dispatch_office: Office, gql: GraphQL, platform_admin: User
) -> None:
    office = dispatch_office
    platform = gql.token(platform_admin, "platform")
    await set_limits(gql, platform, office.department.tenant, maxMonthlyDocuments=2)
    created = []
    for i in range(3):
        created.append(
            await office.mutate(
                "writer",
                "createDocument",
                {"documentTypeId": office.type_id, "title": f"月度{i}"},
                "document { id } ",
            )
        )
    assert [c["errors"] for c in created[:2]] == [[], []]
    [error] = created[2]["errors"]
    assert error["code"] == "QUOTA_EXCEEDED"
    assert "monthly_documents" in error["message"]
    assert "no package" in error["message"]
    assert "2 used" in error["message"]
    assert await office.department.scope.query(Document).count() == 2


async def test_concurrent_uploads_over_the_storage_limit_are_exactly_refused(
    server: TestServer, dispatch_office: Office, gql: GraphQL, platform_admin: User
) -> None:
    office = dispatch_office
    platform = gql.token(platform_admin, "platform")
    await set_limits(gql, platform, office.department.tenant, maxStorageBytes=3000)
    documents = [
        (
            await office.ok(
                "writer",
                "createDocument",
                {"documentTypeId": office.type_id, "title": f"附件{i}"},
                "document { id } ",
            )
        )["document"]["id"]
        for i in range(5)
    ]
    url = str(server.make_url("/graphql"))
    results = await asyncio.gather(
        *[
            upload(
                url, office.token("writer"), doc, f"f{i}.txt", bytes([65 + i]) * 1000, "text/plain"
            )
            for i, doc in enumerate(documents)
        ]
    )
    payloads = [body["data"]["uploadAttachment"] for _, body in results]
    accepted = [p for p in payloads if p["attachment"]]
    refused = [p["errors"][0]["code"] for p in payloads if not p["attachment"]]
    assert len(accepted) == 3
    assert refused == ["QUOTA_EXCEEDED"] * 2
    allocation = await TenantAllocation.get(tenant_id=office.department.tenant.id)
    sizes = await office.department.scope.query(Attachment).values_list("size", flat=True)
    assert allocation.storage_bytes == sum(sizes) == 3000


async def test_the_api_rate_answers_429_with_retry_after(
    gql: GraphQL, make_department: Any, platform_admin: User
) -> None:
    department = await make_department()
    platform = gql.token(platform_admin, "platform")
    admin = gql.token(department.admin, department.tenant)
    if 60 - time.time() % 60 < 20:  # keep the requests in one window, on a busy machine too
        await asyncio.sleep(60 - time.time() % 60 + 0.5)
    await set_limits(gql, platform, department.tenant, apiRequestsPerMinute=3)
    statuses = [(await gql("{ viewer { id } }", token=admin)).status for _ in range(3)]
    refused = await gql("{ viewer { id } }", token=admin)
    assert statuses == [200, 200, 200]
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.errors[0]["extensions"]["code"] == "RATE_LIMITED"
    other = await make_department()
    assert (
        await gql("{ viewer { id } }", token=gql.token(other.admin, other.tenant))
    ).status == 200
    await set_limits(gql, platform, department.tenant, apiRequestsPerMinute=None)
    assert (await gql("{ viewer { id } }", token=admin)).status == 200
