"""GraphQL over HTTP: limits, batching off, GET rules, media types, IDE and introspection
only in dev mode, masked unexpected errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from resolvers import directory as directory_resolvers
from server.app import create_app
from server.settings import Settings
from tests.conftest import GraphQL


@pytest.fixture
async def token(gql: GraphQL, make_department) -> str:
    department = await make_department()
    return gql.token(department.admin, department.tenant)


def nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"children {{ name {inner} }}"
    return f"{{ orgUnits {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_deep_alias_heavy_and_huge_queries_are_refused(gql: GraphQL, token: str) -> None:
    assert (await gql(nested(3), token=token)).status == 200
    deep = await gql(nested(20), token=token)
    assert "exceeds maximum operation depth" in deep.errors[0]["message"]
    assert deep.errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert deep.body.get("data") is None

    aliases = " ".join(f"a{i}: viewer {{ user {{ id }} }}" for i in range(40))
    many = await gql(f"{{ {aliases} }}", token=token)
    assert "aliases found" in many.errors[0]["message"]

    huge = "{ " + " ".join("viewer { user { id } }" for _ in range(600)) + " }"
    tokens = await gql(huge, token=token)
    assert "token" in tokens.errors[0]["message"].lower()


async def test_batching_is_off(gql: GraphQL, token: str) -> None:
    async with gql.session.post(
        gql.url,
        json=[{"query": "{ viewer { user { id } } }"}] * 2,
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        body = await response.json()
        assert response.status == 400
        assert body["errors"][0]["message"] == "Batching is not enabled"


async def test_page_size_is_capped(gql: GraphQL, token: str) -> None:
    result = await gql("{ users(first: 500) { edges { node { id } } } }", token=token)
    assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at most 100" in result.errors[0]["message"]
    bad_cursor = await gql(
        '{ users(first: 5, after: "???") { edges { node { id } } } }', token=token
    )
    assert bad_cursor.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "cursor" in bad_cursor.errors[0]["message"]


async def test_queries_over_get_but_never_mutations(gql: GraphQL, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with gql.session.get(
        gql.url, params={"query": "{ viewer { user { username } } }"}, headers=headers
    ) as response:
        assert response.status == 200
        assert (await response.json())["data"]["viewer"]["user"]["username"] == "admin"
    mutation = 'mutation { createOrgUnit(input: {name: "x"}) { errors { code } } }'
    async with gql.session.get(gql.url, params={"query": mutation}, headers=headers) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"
        assert "errors" in await response.json()


async def test_graphql_response_media_type(gql: GraphQL, token: str) -> None:
    invalid = {"query": "{ viewer { nope } }"}
    for accept, status, media in [
        ("application/graphql-response+json", 400, "application/graphql-response+json"),
        (
            "application/graphql-response+json, application/json;q=0.9",
            400,
            "application/graphql-response+json",
        ),
        ("application/json", 200, "application/json"),
    ]:
        async with gql.session.post(
            gql.url, json=invalid, headers={"Accept": accept, "Authorization": f"Bearer {token}"}
        ) as response:
            assert response.status == status, accept
            assert response.content_type == media
            assert (await response.json(content_type=None))["errors"]
    async with gql.session.post(
        gql.url,
        json={"query": "{ viewer { user { username } } }"},
        headers={"Accept": "application/graphql-response+json", "Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 200
        assert response.content_type == "application/graphql-response+json"


async def test_unexpected_errors_are_masked_with_the_request_id(
    gql: GraphQL, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(directory_resolvers, "roles", broken)
    result = await gql("{ roles { edges { node { id } } } }", token=token)
    error = result.errors[0]
    assert error["message"] == "Internal server error"
    assert "hunter2" not in str(result.body)
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": result.headers["X-Request-ID"],
    }


@pytest.fixture
async def production(database: Settings) -> AsyncIterator[str]:
    server = TestServer(create_app(database.model_copy(update={"dev_mode": False})))
    await server.start_server()
    yield str(server.make_url("/graphql"))
    await server.close()


async def test_ide_and_introspection_only_in_dev_mode(gql: GraphQL, production: str) -> None:
    introspect = {"query": "{ __schema { queryType { name } } }"}
    async with ClientSession() as session:
        async with session.post(gql.url, json=introspect) as response:
            assert (await response.json())["data"]["__schema"]["queryType"]["name"] == "Query"
        async with session.post(production, json=introspect) as response:
            body = await response.json()
            assert "introspection" in body["errors"][0]["message"].lower()
        async with session.get(gql.url, headers={"Accept": "text/html"}) as response:
            assert response.status == 200
            assert "graphiql" in (await response.text()).lower()
        async with session.get(production, headers={"Accept": "text/html"}) as response:
            assert response.status == 404
