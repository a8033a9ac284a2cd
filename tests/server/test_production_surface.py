"""What a production server shows the world: no schema hints without introspection, a capped
query document, GraphQL-over-HTTP request errors without `data`, a rate-limited registration
whose applicant can learn the decision, and (in dev mode) a GraphiQL that needs no internet."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from tortoise import connections

from auth.clients import RateLimiter, Rule, client_address, networks
from models.directory import User
from server import graphiql
from server.app import create_app
from server.settings import Settings
from tests.conftest import GraphQL, ws_url
from tests.tenants.support import application_input
from tests.ws_client import Socket


@pytest.fixture
async def production(database: Settings) -> AsyncIterator[TestServer]:
    server = TestServer(create_app(database.model_copy(update={"dev_mode": False})))
    await server.start_server()
    yield server
    await server.close()


async def post(url: Any, body: Any, token: str | None = None, **headers: str) -> tuple[int, Any]:
    sent = {"Authorization": f"Bearer {token}"} if token else {}
    sent["Accept-Language"] = "en"  # the language the expected messages are written in
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=body, headers={**sent, **headers}) as response,
    ):
        return response.status, await response.json(content_type=None)


UNKNOWN = [
    ("{ documentz { edges { cursor } } }", {}),
    ("{ documents(fist: 1) { edges { cursor } } }", {}),
    ("{ documents(kind: READABEL) { edges { cursor } } }", {}),
    ("query($k: DocumentList!) { documents(kind: $k) { edges { cursor } } }", {"k": "READABEL"}),
    (
        "query($f: DocumentFilter) { documents(filter: $f) { edges { cursor } } }",
        {"f": {"serch": "x"}},
    ),
    ("query($f: DocumentFiltr) { documents(filter: $f) { edges { cursor } } }", {}),
]


async def test_no_suggestions_outside_dev_mode(
    gql: GraphQL, production: TestServer, make_department: Any
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    for query, variables in UNKNOWN:
        # Dev tokens are not accepted outside dev mode; anonymous requests are validated alike.
        status, body = await post(
            production.make_url("/graphql"), {"query": query, "variables": variables}
        )
        assert status == 200
        [error] = body["errors"]
        assert "Did you mean" not in error["message"], error
        assert error["extensions"]["code"] in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT")
        dev = await gql(query, variables, token=token)
        assert "Did you mean" in dev.errors[0]["message"], (query, dev.errors)


CAP = 2048


@pytest.fixture
async def capped(database: Settings) -> AsyncIterator[TestServer]:
    server = TestServer(create_app(database.model_copy(update={"max_query_bytes": CAP})))
    await server.start_server()
    yield server
    await server.close()


async def test_the_query_document_is_capped_before_parsing(
    capped: TestServer, gql: GraphQL, make_department: Any
) -> None:
    """Comments cost no tokens, so the cap on bytes is what bounds the parser's work."""
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    small = "{ viewer { user { id } } }"
    huge = "#" * CAP + "\n" + small
    url = capped.make_url("/graphql")
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def too_large(status: int, body: Any) -> None:
        assert status == 413, body
        assert body == {
            "errors": [
                {
                    "message": f"The query document is larger than {CAP} bytes",
                    "extensions": {"code": "QUERY_TOO_LARGE"},
                }
            ]
        }

    assert (await post(url, {"query": "#" * 1900 + "\n" + small}, token))[0] == 200
    too_large(*await post(url, {"query": huge}, token))
    too_large(*await post(url, {"query": huge}, token, Accept="application/graphql-response+json"))
    too_large(*await post(url, {"query": "#" + "字" * 700 + "\n" + small}, token))
    async with aiohttp.ClientSession() as http:
        async with http.get(url, params={"query": huge}, headers=auth) as got:
            too_large(got.status, await got.json())
        async with http.get(url, params={"query": small}, headers=auth) as got:
            assert got.status == 200
        form = aiohttp.FormData(default_to_multipart=True)
        form.add_field("operations", json.dumps({"query": huge, "variables": {}}))
        form.add_field("map", "{}")
        async with http.post(
            url, data=form, headers={**auth, "GraphQL-Require-Preflight": "1"}
        ) as response:
            too_large(response.status, await response.json())
        async with Socket.connect(http, ws_url(capped), token) as socket:
            op = await socket.subscribe("#" * CAP + "\nsubscription { tenantEvents { id } }")
            [error] = await socket.error(op)
            assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
            fine = await socket.subscribe("subscription { tenantEvents { id } }")
            await asyncio.sleep(0.3)
            assert fine not in socket.errors
            assert socket.close_code is None


async def test_request_errors_omit_data_in_graphql_response_json(
    gql: GraphQL, make_department: Any
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    media = "application/graphql-response+json"
    for query in (
        "{ viewer { nope } }",
        "{ viewer {",
        '{ tenants(filter: {search: "\\u0000"}) { edges { cursor } } }',
    ):
        status, body = await post(gql.url, {"query": query}, token, Accept=media)
        assert status == 400
        assert "data" not in body, body
        assert body["errors"]
        status, body = await post(gql.url, {"query": query}, token, Accept="application/json")
        assert status == 200
        assert body["data"] is None
    # A field error during execution keeps `data` (partial results) and 200.
    status, body = await post(
        gql.url, {"query": "{ users(first: 500) { edges { cursor } } }"}, token, Accept=media
    )
    assert status == 200
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_the_client_address_believes_only_trusted_proxies() -> None:
    proxies = networks(["127.0.0.1", "10.0.0.0/8"])
    assert client_address("203.0.113.7", "198.51.100.1", proxies) == "203.0.113.7"
    assert client_address("127.0.0.1", "198.51.100.1", proxies) == "198.51.100.1"
    assert client_address("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3", proxies) == (
        "198.51.100.1"
    )
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", "not-an-ip, 10.0.0.1", proxies) == "not-an-ip"


async def test_rate_limits_count_in_process_without_redis() -> None:
    limiter = RateLimiter({"r": Rule(2, 60)})
    assert [await limiter.hit("r", "a", now=120.0) for _ in range(3)] == [None, None, 60]
    assert await limiter.hit("r", "b", now=150.0) is None
    assert await limiter.hit("r", "a", now=179.5) == 1
    assert await limiter.hit("r", "a", now=180.0) is None, "a new window"


APPLY = """mutation($input: ApplyForTenantInput!) { applyForTenant(input: $input) {
  application { id status } statusSecret errors { code message field retryAfterSeconds } } }"""
STATUS = "query($s: String!) { tenantApplicationStatus(secret: $s) { status reason decidedAt } }"


async def count(table: str) -> int:
    rows = await connections.get("default").execute_query_dict(
        f"SELECT count(*) AS n FROM {table}"  # noqa: S608
    )
    return int(rows[0]["n"])


async def test_apply_for_tenant_is_rate_limited_per_client_across_processes(
    database: Settings,
) -> None:
    """Two app instances (as two processes would) share the count through Redis; the client
    is told apart by X-Forwarded-For from a trusted proxy."""
    limited = database.model_copy(update={"apply_rate_limit": 2, "trusted_proxies": ["127.0.0.1"]})
    one, two = TestServer(create_app(limited)), TestServer(create_app(limited))
    await one.start_server()
    await two.start_server()
    client = f"198.51.100.{uuid.uuid4().int % 250}"
    other = f"2001:db8::{uuid.uuid4().hex[:4]}"
    try:

        async def apply(server: TestServer, address: str, code: str) -> dict[str, Any]:
            variables = {"input": application_input(code)}
            status, body = await post(
                server.make_url("/graphql"),
                {"query": APPLY, "variables": variables},
                **{"X-Forwarded-For": f"6.6.6.6, {address}"},
            )
            assert status == 200
            payload: dict[str, Any] = body["data"]["applyForTenant"]
            return payload

        assert (await apply(one, client, f"rl{uuid.uuid4().hex[:8]}"))["errors"] == []
        refused_input = await apply(two, client, "9 not a code")
        assert [e["code"] for e in refused_input["errors"]] == ["INVALID"]
        before = (await count("tenant_application"), await count("tenant"))
        for server in (one, two):
            limited_out = await apply(server, client, f"rl{uuid.uuid4().hex[:8]}")
            assert limited_out["application"] is None
            assert limited_out["statusSecret"] is None
            [error] = limited_out["errors"]
            assert error["code"] == "RATE_LIMITED"
            assert 0 < error["retryAfterSeconds"] <= limited.apply_rate_window_seconds
            assert f"{error['retryAfterSeconds']} seconds" in error["message"]
        assert (await count("tenant_application"), await count("tenant")) == before
        assert (await apply(two, other, f"rl{uuid.uuid4().hex[:8]}"))["errors"] == []
    finally:
        await one.close()
        await two.close()


async def test_the_applicant_learns_the_decision_with_its_secret(
    gql: GraphQL, platform_admin: User
) -> None:
    applied = (await gql(APPLY, {"input": application_input(f"st{uuid.uuid4().hex[:8]}")})).data[
        "applyForTenant"
    ]
    secret = applied["statusSecret"]
    assert len(secret) >= 40
    status = await gql(STATUS, {"s": secret})
    assert status.data["tenantApplicationStatus"] == {
        "status": "PENDING",
        "reason": None,
        "decidedAt": None,
    }
    for wrong in (secret[:-1], secret + "x", "", "x" * 5000, applied["application"]["id"]):
        assert (await gql(STATUS, {"s": wrong})).data == {"tenantApplicationStatus": None}

    events = await count("outbox_event")
    operator = gql.token(platform_admin, "platform")
    reviewed = await gql.mutate(
        "reviewTenantApplication",
        {"id": applied["application"]["id"], "approve": False, "reason": "材料不全"},
        "application { status } ",
        token=operator,
    )
    assert reviewed["errors"] == []
    decided = (await gql(STATUS, {"s": secret})).data["tenantApplicationStatus"]
    assert decided["status"] == "REJECTED"
    assert decided["reason"] == "材料不全"
    assert decided["decidedAt"]
    rows = await connections.get("default").execute_query_dict(
        "SELECT topic, payload FROM outbox_event WHERE topic = 'tenant.application_decided' "
        "ORDER BY id DESC LIMIT 1"
    )
    payload = rows[0]["payload"]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    assert payload["status"] == "rejected"
    assert await count("outbox_event") == events + 1
    # The secret is not part of any listing the reviewer sees.
    listed = await gql(
        "{ tenantApplications(last: 100) { edges { node { id details } } } }", token=operator
    )
    assert secret not in json.dumps(listed.body)


HOST_RE = re.compile(r'(?:src|href)="(?P<url>[^"]+)"')


async def test_graphiql_loads_nothing_from_the_internet(
    server: TestServer, production: TestServer
) -> None:
    """Dev mode's IDE page names only this server's files (run `make graphiql` first), each
    served with the content its Subresource Integrity hash pins."""
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/graphql"), headers={"Accept": "text/html"}) as page:
            assert page.status == 200
            html = await page.text()
        assert html != graphiql.MISSING, "GraphiQL's files are missing: run `make graphiql`"
        urls = [m["url"] for m in HOST_RE.finditer(html)]
        assert all(url.startswith((graphiql.PREFIX, "data:")) for url in urls), [
            u for u in urls if not u.startswith(graphiql.PREFIX)
        ]
        scripts = [u for u in urls if u.startswith(graphiql.PREFIX)]
        assert len(scripts) == len(graphiql.assets()) == 7
        for asset in graphiql.assets():
            assert asset.url in scripts
            assert f'integrity="{asset.integrity}"' in html
            async with http.get(server.make_url(asset.url)) as response:
                assert response.status == 200, asset.url
                assert graphiql.matches(await response.read(), asset.integrity), asset.url
        for path in ("/graphiql/../server/settings.py", "/graphiql/react@18.2.0/package.json"):
            async with http.get(server.make_url(path)) as response:
                assert response.status == 404
        async with http.get(production.make_url(graphiql.assets()[0].url)) as response:
            assert response.status == 404
