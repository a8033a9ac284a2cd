"""Messages for people come in the language the request asks for (`Accept-Language`, or
`language` in a websocket's `connection_init`), zh-CN by default; codes never change."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import GraphQL, gid, ws_url
from tests.ws_client import Socket

CREATE = """mutation($input: CreateDocumentInput!) {
  createDocument(input: $input) { document { id } errors { code message field } } }"""
PAGE = "{ documents(first: -1) { edges { node { id } } } }"
ENGLISH = "Document type not found"
CHINESE = "公文类型不存在"


async def create_error(gql: GraphQL, token: str, headers: dict[str, str]) -> dict[str, Any]:
    variables = {"input": {"documentTypeId": gid("DocumentType", uuid.uuid4())}}
    result = await gql(CREATE, variables, token=token, headers=headers)
    payload = result.data["createDocument"]
    assert payload["document"] is None
    [error] = payload["errors"]
    return dict(error)


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        (None, CHINESE),
        ("zh-CN", CHINESE),
        ("zh", CHINESE),
        ("en", ENGLISH),
        ("en-GB,en;q=0.9,zh-CN;q=0.8", ENGLISH),
        ("fr-FR, en;q=0.5", ENGLISH),
        ("fr-FR", CHINESE),
        ("en;q=0, zh-CN;q=0.1", CHINESE),
    ],
)
async def test_errors_as_data_follow_accept_language(
    gql: GraphQL, make_department: Any, accept: str | None, message: str
) -> None:
    dept = await make_department()
    token = gql.token(dept.admin, dept.tenant)
    # The test client sends `Accept-Language: en` unless told otherwise; "" sends none.
    error = await create_error(gql, token, {"Accept-Language": accept or ""})
    assert error == {"code": "NOT_FOUND", "message": message, "field": ["input", "documentTypeId"]}


async def test_graphql_errors_are_translated_with_their_code(
    gql: GraphQL, make_department: Any
) -> None:
    dept = await make_department()
    token = gql.token(dept.admin, dept.tenant)
    chinese = await gql(PAGE, token=token, headers={"Accept-Language": "zh-CN"})
    english = await gql(PAGE, token=token, headers={"Accept-Language": "en"})
    [zh] = chinese.errors
    [en] = english.errors
    assert en["message"] == "first and last must not be negative"
    assert zh["message"] == "first 和 last 不能为负数"
    assert zh["extensions"] == en["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_http_refusals_are_translated(
    server: TestServer, http: aiohttp.ClientSession
) -> None:
    """A refusal before parsing (server/refusals.py): the query is over the size limit."""
    query = "{ viewer { id } }" + " " * 200_000
    bodies = {}
    for language in ("zh-CN", "en"):
        async with http.post(
            server.make_url("/graphql"),
            json={"query": query},
            headers={"Accept-Language": language},
        ) as response:
            assert response.status == 413
            bodies[language] = await response.json()
    [zh] = bodies["zh-CN"]["errors"]
    [en] = bodies["en"]["errors"]
    assert en["message"].startswith("The query document is larger than ")
    assert zh["message"].startswith("查询文档超过 ")
    assert zh["extensions"] == en["extensions"] == {"code": "QUERY_TOO_LARGE"}


@pytest.mark.parametrize(("language", "message"), [("en", ENGLISH), ("zh-CN", CHINESE)])
async def test_websocket_takes_the_language_of_connection_init(
    server: TestServer,
    http: aiohttp.ClientSession,
    gql: GraphQL,
    make_department: Any,
    language: str,
    message: str,
) -> None:
    dept = await make_department()
    token = gql.token(dept.admin, dept.tenant)
    variables = {"input": {"documentTypeId": gid("DocumentType", uuid.uuid4())}}
    async with Socket.connect(http, ws_url(server), token, language=language) as socket:
        op = await socket.subscribe(CREATE, variables)
        [result] = await socket.events(op, 1)
    [error] = result["errors"]
    assert (error["code"], error["message"]) == ("NOT_FOUND", message)


async def test_websocket_takes_accept_language_of_its_upgrade(
    server: TestServer, http: aiohttp.ClientSession, gql: GraphQL, make_department: Any
) -> None:
    """A browser cannot set headers on a websocket but sends its own Accept-Language."""
    dept = await make_department()
    token = gql.token(dept.admin, dept.tenant)
    async with http.ws_connect(
        ws_url(server), protocols=["graphql-transport-ws"], headers={"Accept-Language": "en"}
    ) as ws:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await ws.send_str(orjson.dumps(init).decode())
        assert orjson.loads((await ws.receive(timeout=10)).data)["type"] == "connection_ack"
        big = {"query": "subscription { x }" + " " * 200_000}
        await ws.send_str(orjson.dumps({"id": "1", "type": "subscribe", "payload": big}).decode())
        reply = orjson.loads((await ws.receive(timeout=10)).data)
    assert reply["type"] == "error"
    assert reply["payload"][0]["extensions"] == {"code": "QUERY_TOO_LARGE"}
    assert reply["payload"][0]["message"].startswith("The query document is larger than ")
