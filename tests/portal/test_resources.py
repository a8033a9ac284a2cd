"""Resource integration (资源接入): registration, "test connection" against a real HTTP server
started here, the caps on time and size, and the refusal of loopback, private and other
non-public addresses outside dev mode (with DNS answers checked and pinned). No test sends a
packet anywhere but to 127.0.0.1."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import ResolveResult
from aiohttp.test_utils import TestServer

from models.audit import AuditEntry
from models.directory import User
from models.portal_components import PortalResource, ResourceKind
from server.app import create_app
from server.settings import Settings
from services import directory
from services.errors import ServiceError
from services.portal import probe
from tests.conftest import Department, GraphQL, gid

RESOURCE = "resource { id key kind endpointUrl method version lastCheck { status ok } }"
CHECK = (
    "resource { id lastCheck { status } } check { ok status contentType body bodyBytes "
    "truncated location address elapsedMs error url }"
)


class Upstream:
    """A small HTTP service standing in for an external resource."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        self.app = web.Application()
        self.app.router.add_get("/feed", self.feed)
        self.app.router.add_post("/fn", self.echo)
        self.app.router.add_get("/big", self.big)
        self.app.router.add_get("/slow", self.slow)
        self.app.router.add_get("/moved", self.moved)
        self.app.router.add_get("/odd", self.odd)
        self.server = TestServer(self.app, host="127.0.0.1")

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server.port}{path}"

    def _hit(self, request: web.Request) -> None:
        self.hits.append((request.path, request.headers.get("Host", "")))

    async def feed(self, request: web.Request) -> web.Response:
        self._hit(request)
        items = {"items": [{"title": "关于节假日值班的通知"}]}
        return web.json_response(items, dumps=lambda d: json.dumps(d, ensure_ascii=False))

    async def echo(self, request: web.Request) -> web.Response:
        self._hit(request)
        return web.json_response({"received": await request.json()}, status=201)

    async def big(self, request: web.Request) -> web.Response:
        self._hit(request)
        return web.Response(text="x" * 200_000, content_type="text/plain")

    async def slow(self, request: web.Request) -> web.Response:
        self._hit(request)
        await asyncio.sleep(3)
        return web.Response(text="late")

    async def odd(self, request: web.Request) -> web.Response:
        self._hit(request)
        return web.Response(
            body="状态正常".encode(), headers={"Content-Type": "text/plain; charset=klingon"}
        )

    async def moved(self, request: web.Request) -> web.Response:
        self._hit(request)
        raise web.HTTPFound("/elsewhere")


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    service = Upstream()
    await service.server.start_server()
    yield service
    await service.server.close()


@pytest.fixture
async def production(
    database: Settings, server: TestServer, gql: GraphQL
) -> AsyncIterator[GraphQL]:
    """A second app with dev mode off, trusting the dev issuer's keys as a real provider's."""
    settings = database.model_copy(
        update={
            "dev_mode": False,
            "oidc_issuer": database.dev_issuer,
            "oidc_jwks_url": str(server.make_url("/auth/dev/jwks.json")),
        }
    )
    app_server = TestServer(create_app(settings), host="127.0.0.1")
    await app_server.start_server()
    yield GraphQL(gql.session, str(app_server.make_url("/graphql")), gql.issuer)
    await app_server.close()


async def register(gql: GraphQL, token: str, url: str, **extra: Any) -> dict[str, Any]:
    given = {
        "key": f"r{uuid.uuid4().hex[:8]}",
        "name": "值班通知 Duty notices",
        "kind": "FEED",
        "endpointUrl": url,
        "interface": "GET returns {items: [{title}]}",
        "help": "The office's duty notices as JSON.",
        **extra,
    }
    return await gql.mutate("registerPortalResource", given, RESOURCE, token=token)


async def test_connection_reports_what_the_resource_answered(
    gql: GraphQL, make_department, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)

    async def test(url: str, **extra: Any) -> dict[str, Any]:
        made = await register(gql, token, url, **extra)
        assert made["errors"] == [], made
        result = await gql.mutate(
            "testPortalResourceConnection", {"id": made["resource"]["id"]}, CHECK, token=token
        )
        assert result["errors"] == []
        check: dict[str, Any] = result["check"]
        return check

    feed = await test(upstream.url("/feed"))
    assert feed["ok"] is True
    assert (feed["status"], feed["address"], feed["truncated"]) == (200, "127.0.0.1", False)
    assert feed["contentType"].startswith("application/json")
    assert "关于节假日值班的通知" in feed["body"]
    assert 0 <= feed["elapsedMs"] < 5000

    posted = await test(upstream.url("/fn"), kind="FUNCTION", method="POST", example={"n": 7})
    assert (posted["status"], posted["ok"]) == (201, True)
    assert '"received":{"n":7}' in posted["body"].replace(" ", "")

    big = await test(upstream.url("/big"))
    assert (big["truncated"], big["bodyBytes"], len(big["body"])) == (True, 64 * 1024, 4000)

    moved = await test(upstream.url("/moved"))
    assert (moved["status"], moved["location"], moved["ok"]) == (302, "/elsewhere", True)
    assert "/elsewhere" not in [path for path, _ in upstream.hits], "redirects are not followed"

    odd = await test(upstream.url("/odd"))
    assert (odd["status"], odd["body"]) == (200, "状态正常")

    huge = await register(gql, token, upstream.url("/feed"), example={"x": "y" * 20000})
    assert [(e["code"], e["field"]) for e in huge["errors"]] == [("TOO_LONG", ["input", "example"])]

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    refused = await test(f"http://127.0.0.1:{closed_port}/feed")
    assert (refused["ok"], refused["status"]) == (False, None)
    assert refused["error"]

    monkeypatch.setattr(probe, "TIMEOUT_SECONDS", 0.3)
    slow = await test(upstream.url("/slow"))
    assert (slow["ok"], slow["error"]) == (False, "No answer within 0.3 s")
    assert slow["elapsedMs"] < 2000

    listed = await gql(
        "{ portalResources(filter: {kind: FEED}, first: 50) { edges { node { endpointUrl"
        " availability lastCheck { status } } } } }",
        token=token,
    )
    nodes = {e["node"]["endpointUrl"]: e["node"] for e in listed.data["portalResources"]["edges"]}
    assert nodes[upstream.url("/feed")]["lastCheck"] == {"status": 200}
    assert nodes[upstream.url("/feed")]["availability"] == "OWNED"
    tested = await department.scope.query(AuditEntry).filter(action="portal.resource_tested")
    assert len(tested) == 7
    assert {e.data["status"] for e in tested} == {200, 201, 302, None}


async def test_non_public_addresses_are_refused_outside_dev_mode(
    gql: GraphQL, production: GraphQL, make_department, upstream: Upstream
) -> None:
    department = await make_department()
    await directory.update_user(
        department.actor, id=department.admin.id, external_subject=str(department.admin.id)
    )
    token = gql.token(department.admin, department.tenant)
    me = await production("{ viewer { user { username } } }", token=token)
    assert me.data["viewer"]["user"]["username"] == "admin"

    for url, reason in [
        ("http://10.1.2.3/feed", "private"),
        ("http://192.168.10.20:8080/x", "private"),
        (upstream.url("/feed"), "loopback"),
        (upstream.url("/feed", host="localhost"), "localhost"),
        (f"http://[::1]:{upstream.server.port}/feed", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://224.0.0.251/", "multicast"),
        ("ftp://files.example.gov.cn/x", "http"),
    ]:
        refused = await register(production, token, url)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("INVALID", ["input", "endpointUrl"])
        ], url
        assert reason in refused["errors"][0]["message"], (url, refused["errors"])
    assert not await department.scope.query(PortalResource).exists()

    in_dev = await register(gql, token, upstream.url("/feed"))
    assert in_dev["errors"] == []
    outside = await production.mutate(
        "testPortalResourceConnection", {"id": in_dev["resource"]["id"]}, CHECK, token=token
    )
    assert [e["code"] for e in outside["errors"]] == ["FORBIDDEN"]
    assert "loopback" in outside["errors"][0]["message"]
    assert outside["check"] is None

    private = await department.scope.create(
        PortalResource,
        key="legacy-intranet",
        name="Registered before the rules",
        kind=ResourceKind.DATA,
        endpoint_url="http://10.20.30.40/api",
    )

    blocked = await production.mutate(
        "testPortalResourceConnection",
        {"id": gid("PortalResource", private.id)},
        CHECK,
        token=token,
    )
    assert [e["code"] for e in blocked["errors"]] == ["FORBIDDEN"]
    assert "private" in blocked["errors"][0]["message"]
    assert upstream.hits == []
    await private.refresh_from_db()
    assert private.last_check is None

    allowed_in_dev = await gql.mutate(
        "testPortalResourceConnection", {"id": in_dev["resource"]["id"]}, CHECK, token=token
    )
    assert allowed_in_dev["check"]["status"] == 200


def _answers(*addresses: str) -> list[ResolveResult]:
    return [
        probe.resolved(
            "host",
            a,
            0,
            socket.AF_INET6 if ipaddress.ip_address(a).version == 6 else socket.AF_INET,
        )
        for a in addresses
    ]


async def test_every_resolved_address_is_checked_and_the_connection_is_pinned(
    upstream: Upstream,
) -> None:
    asked: list[str] = []

    def resolver(*answers: list[ResolveResult]) -> Any:
        queue = list(answers)

        async def resolve(host: str, port: int) -> list[ResolveResult]:
            asked.append(host)
            return queue.pop(0) if len(queue) > 1 else queue[0]

        return resolve

    mixed = resolver(_answers("93.184.216.34", "10.0.0.7"))
    with pytest.raises(ServiceError) as refused:
        await probe.check("http://intranet.example/x", allow_loopback=True, resolve=mixed)
    assert "10.0.0.7, a private address" in str(refused.value)

    rebinding = resolver(_answers("127.0.0.1"), _answers("10.0.0.9"))
    url = f"http://rebind.test:{upstream.server.port}/feed"
    result = await probe.check(url, allow_loopback=True, resolve=rebinding)
    assert (result.status, result.address) == (200, "127.0.0.1")
    assert upstream.hits == [("/feed", f"rebind.test:{upstream.server.port}")]
    assert asked == ["intranet.example", "rebind.test"], "resolved once, then pinned"

    with pytest.raises(ServiceError):
        await probe.check(url, allow_loopback=False, resolve=resolver(_answers("127.0.0.1")))
    assert len(upstream.hits) == 1


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address under test, not a bind
        ("::", "unspecified"),
        ("100.64.0.1", "reserved"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:0a00:0001::1", "private"),
    ],
)
def test_address_ranges(address: str, reason: str | None) -> None:
    found = probe.refusal(ipaddress.ip_address(address), allow_loopback=False)
    assert (found is None) if reason is None else (found is not None and reason in found)


async def test_shared_resources_are_applied_for_and_placed(
    gql: GraphQL, make_department, platform_admin: User
) -> None:
    department: Department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    operator = gql.token(platform_admin, "platform")
    shared = await register(
        gql, operator, "https://data.example.gov.cn/notices", standard=True, kind="PAGE"
    )
    assert shared["errors"] == []
    resource_id = shared["resource"]["id"]
    refused = await gql.mutate(
        "testPortalResourceConnection", {"id": resource_id}, CHECK, token=admin
    )
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]

    placement = {"template": "ONE_COLUMN", "placements": [{"resourceId": resource_id}]}
    early = await gql.mutate(
        "publishPortalLayout", placement, "layoutVersion { number }", token=admin
    )
    assert [e["code"] for e in early["errors"]] == ["FORBIDDEN"]
    applied = await gql.mutate(
        "applyForPortalService", {"resourceId": resource_id}, "application { id kind }", token=admin
    )
    assert applied["application"]["kind"] == "RESOURCE"
    await gql.mutate(
        "reviewPortalServiceApplication",
        {"id": applied["application"]["id"], "approve": True},
        "application { status }",
        token=operator,
    )
    with_settings = {
        "template": "ONE_COLUMN",
        "placements": [{"resourceId": resource_id, "settings": {"a": 1}}],
    }
    bad = await gql.mutate(
        "publishPortalLayout", with_settings, "layoutVersion { number }", token=admin
    )
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [
        ("INVALID", ["input", "placements", "0", "settings"])
    ]
    published = await gql.mutate(
        "publishPortalLayout", placement, "layoutVersion { number }", token=admin
    )
    assert published["errors"] == []
    portal = await gql(
        "{ portal { placements { resource { key kind availability lastCheck { ok } } } } }",
        token=admin,
    )
    assert portal.data["portal"]["placements"] == [
        {
            "resource": {
                "key": shared["resource"]["key"],
                "kind": "PAGE",
                "availability": "APPROVED",
                "lastCheck": None,
            }
        }
    ]
    changed = await gql.mutate(
        "updatePortalResource", {"id": resource_id, "name": "改名"}, RESOURCE, token=admin
    )
    assert [e["code"] for e in changed["errors"]] == ["NOT_FOUND"]
