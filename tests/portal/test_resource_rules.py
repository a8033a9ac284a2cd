"""Registering, changing and testing resources called directly: each refusal's words and field,
the edges of every size limit, what is stored, audited and published, and who may manage a
standard resource."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from models.directory import User
from models.portal_components import HttpMethod, PortalResource, ResourceKind
from services import portal
from services.errors import ServiceError
from subscriptions.topics import Topic
from tests.conftest import Department, gid
from tests.portal.support import events, platform_actor, refusal, trail

FEED = ResourceKind.FEED


async def register(actor: Any, url: str = "https://data.example.gov.cn/feed", **extra: Any) -> Any:
    given: dict[str, Any] = {
        "key": f"r{uuid.uuid4().hex[:8]}",
        "name": "值班通知",
        "kind": FEED,
        "endpoint_url": url,
        "allow_loopback": False,
        **extra,
    }
    return await portal.register_resource(actor, **given)


async def refused(call: Any) -> list[tuple[str, str, Any]]:
    with pytest.raises(ServiceError) as error:
        await call
    return refusal(error)


async def test_registration_checks_each_field_at_its_limit(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    assert await refused(register(admin, url="ftp://files.example.gov.cn/x")) == [
        (
            "INVALID",
            "endpointUrl must be an absolute http:// or https:// URL",
            ("endpointUrl",),
        )
    ]
    assert await refused(register(admin, url="http://127.0.0.1:9/x")) == [
        (
            "INVALID",
            "endpointUrl points at 127.0.0.1, a loopback address (allowed only in dev mode)",
            ("endpointUrl",),
        )
    ]
    long_url = "https://example.gov.cn/" + "a" * 1978
    assert await refused(register(admin, url=long_url)) == [
        ("TOO_LONG", "endpointUrl is longer than 2000 characters", ("endpointUrl",))
    ]
    assert await refused(register(admin, url=" ")) == [
        ("REQUIRED", "endpointUrl must not be empty", ("endpointUrl",))
    ]
    assert [(code, field) for code, _, field in await refused(register(admin, key="1 bad"))] == [
        ("INVALID", ("key",))
    ]
    assert await refused(register(admin, name="")) == [
        ("REQUIRED", "name must not be empty", ("name",))
    ]
    assert await refused(register(admin, interface="i" * 20001, help="h" * 20001)) == [
        ("TOO_LONG", "interface is longer than 20000 characters", ("interface",)),
        ("TOO_LONG", "help is longer than 20000 characters", ("help",)),
    ]
    # orjson writes {"x":"…"} in 8 bytes plus the text: 16 KiB is 16376 characters of it.
    assert await refused(register(admin, example={"x": "y" * 16377})) == [
        ("TOO_LONG", "example is larger than 16 KiB", ("example",))
    ]
    assert await refused(register(admin, standard=True)) == [
        ("FORBIDDEN", "You lack the permission platform.admin", None)
    ]
    assert not await department.scope.query(PortalResource).exists()

    made = await register(
        admin,
        url="http://127.0.0.1:9/x",
        key="duty-feed",
        name="  值班通知  ",
        method=HttpMethod.POST,
        interface=" " + "i" * 20000 + " ",
        help="h" * 20000,
        example={"x": "y" * 16376},
        allow_loopback=True,
    )
    row = await department.scope.query(PortalResource).get(id=made.id)
    assert (row.key, row.name, row.kind, row.method, row.standard, row.version) == (
        "duty-feed",
        "值班通知",
        FEED,
        HttpMethod.POST,
        False,
        1,
    )
    assert (len(row.interface), len(row.help), row.example) == (20000, 20000, {"x": "y" * 16376})
    assert await trail(department.tenant.id, "portal.resource_registered") == [
        (
            "PortalResource",
            str(row.id),
            str(admin.user_id),
            {
                "key": "duty-feed",
                "kind": "feed",
                "endpointUrl": "http://127.0.0.1:9/x",
                "standard": False,
            },
        )
    ]
    assert await events(department.tenant.id, Topic.PORTAL_RESOURCE_REGISTERED) == [
        {"id": gid("PortalResource", row.id), "type": "PortalResource"}
    ]
    longest = await register(admin, url=long_url[:-1])
    assert longest.endpoint_url == long_url[:-1]
    assert await refused(register(admin, key="duty-feed")) == [
        ("DUPLICATE", "The resource key 'duty-feed' is taken", ("key",))
    ]


async def test_updates_change_what_was_sent_and_count_versions(make_department) -> None:
    department: Department = await make_department()
    admin = department.actor
    made = await register(admin, interface="GET", help="帮助")

    def update(**values: Any) -> Any:
        return portal.update_resource(admin, id=made.id, allow_loopback=False, **values)

    assert await refused(update(kind=None, method=None)) == [
        ("REQUIRED", "kind must not be null", ("kind",)),
        ("REQUIRED", "method must not be null", ("method",)),
    ]
    assert await refused(
        update(name=" ", endpoint_url="http://10.0.0.1/", interface="i" * 20001)
    ) == [
        ("REQUIRED", "name must not be empty", ("name",)),
        (
            "INVALID",
            "endpointUrl points at 10.0.0.1, a private address",
            ("endpointUrl",),
        ),
        ("TOO_LONG", "interface is longer than 20000 characters", ("interface",)),
    ]
    assert await refused(update(help="h" * 20001, example={"x": "y" * 16377})) == [
        ("TOO_LONG", "help is longer than 20000 characters", ("help",)),
        ("TOO_LONG", "example is larger than 16 KiB", ("example",)),
    ]
    assert await refused(
        portal.update_resource(admin, id=uuid.uuid4(), name="x", allow_loopback=False)
    ) == [("NOT_FOUND", "Resource not found", ("id",))]

    same = await update(name="值班通知", interface="GET", help=" 帮助 ")
    assert same.version == 1
    assert await trail(department.tenant.id, "portal.resource_updated") == []
    changed = await update(
        name=" 新名 ",
        kind=ResourceKind.DATA,
        endpoint_url="https://api.example.gov.cn/v2",
        method=HttpMethod.HEAD,
        interface="",
        help=None,
        example={"n": 1},
        expected_version=1,
    )
    row = await department.scope.query(PortalResource).get(id=made.id)
    assert (row.name, row.kind, row.endpoint_url, row.method) == (
        "新名",
        ResourceKind.DATA,
        "https://api.example.gov.cn/v2",
        HttpMethod.HEAD,
    )
    assert (row.interface, row.help, row.example, row.version) == ("", "", {"n": 1}, 2)
    assert changed.version == 2
    assert await refused(update(name="又改", expected_version=1)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 2, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    assert await trail(department.tenant.id, "portal.resource_updated") == [
        (
            "PortalResource",
            str(row.id),
            str(admin.user_id),
            {
                "changed": [
                    "endpoint_url",
                    "example",
                    "help",
                    "interface",
                    "kind",
                    "method",
                    "name",
                ]
            },
        )
    ]
    assert await events(department.tenant.id, Topic.PORTAL_RESOURCE_UPDATED) == [
        {"id": gid("PortalResource", row.id), "type": "PortalResource"}
    ]


async def test_only_platform_admins_manage_standard_resources(
    make_department, platform_admin: User
) -> None:
    operator = await platform_actor(platform_admin)
    shared = await register(operator, standard=True)
    assert shared.standard is True
    not_platform = dataclasses.replace(operator, is_platform=False)
    forbidden = [("FORBIDDEN", "Only platform administrators manage standard resources", None)]
    assert (
        await refused(
            portal.update_resource(not_platform, id=shared.id, name="x", allow_loopback=False)
        )
        == forbidden
    )
    assert (
        await refused(
            portal.check_resource_connection(not_platform, id=shared.id, allow_loopback=False)
        )
        == forbidden
    )
    renamed = await portal.update_resource(
        operator, id=shared.id, name="共享", allow_loopback=False
    )
    assert (renamed.name, renamed.version) == ("共享", 2)
    department: Department = await make_department()
    assert await refused(
        portal.check_resource_connection(department.actor, id=shared.id, allow_loopback=True)
    ) == [("NOT_FOUND", "Resource not found", ("id",))]


@pytest.fixture
async def answering() -> AsyncIterator[TestServer]:
    async def feed(request: web.Request) -> web.Response:
        return web.json_response({"method": request.method}, status=203)

    app = web.Application()
    app.router.add_route("*", "/feed", feed)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_a_connection_check_is_kept_audited_and_published(
    make_department, answering: TestServer
) -> None:
    department: Department = await make_department()
    admin = department.actor
    url = str(answering.make_url("/feed"))
    made = await register(admin, url=url, allow_loopback=True)
    assert await refused(
        portal.check_resource_connection(admin, id=made.id, allow_loopback=False)
    ) == [
        (
            "FORBIDDEN",
            "The endpoint URL points at 127.0.0.1, a loopback address (allowed only in dev "
            "mode); it is not called",
            None,
        )
    ]
    row, result = await portal.check_resource_connection(
        admin, id=str(made.id), allow_loopback=True
    )
    assert (result.ok, result.status, result.address, result.error) == (
        True,
        203,
        "127.0.0.1",
        None,
    )
    assert result.body == '{"method": "GET"}'
    stored = await department.scope.query(PortalResource).get(id=made.id)
    assert stored.last_check == result.as_dict() == row.last_check
    assert stored.version == 1
    assert await trail(department.tenant.id, "portal.resource_tested") == [
        (
            "PortalResource",
            str(made.id),
            str(admin.user_id),
            {"ok": True, "status": 203, "address": "127.0.0.1", "error": None},
        )
    ]
    assert await events(department.tenant.id, Topic.PORTAL_RESOURCE_TESTED) == [
        {"id": gid("PortalResource", made.id), "type": "PortalResource"}
    ]


async def test_concurrent_registrations_of_a_key_leave_one(make_department) -> None:
    department: Department = await make_department()
    results = await asyncio.gather(
        *(register(department.actor, key="same-key") for _ in range(4)), return_exceptions=True
    )
    made = [r for r in results if isinstance(r, PortalResource)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert (len(made), len(refused)) == (1, 3)
    assert {(p.code.value, p.message, p.field) for r in refused for p in r.problems} == {
        ("DUPLICATE", "The resource key 'same-key' is taken", ("key",))
    }
    assert await department.scope.query(PortalResource).count() == 1
