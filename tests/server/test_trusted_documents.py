"""Trusted documents (`server/operations.py`, `services/operations.py`): registered by a
platform administrator or the command line, named by hash or id on the wire (Apollo's
`persistedQuery`, `documentId`), answered with the same bytes as the text, and the only thing
a server in registered-only mode runs, over HTTP and websockets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from models.directory import User
from server.app import create_app
from server.settings import Settings
from services import operations
from services.errors import ServiceError
from tests.conftest import GraphQL
from tests.processes import env_for, run
from tests.ws_client import Socket

VIEWER = "query Me { viewer { user { username } permissions } }"
REGISTER = """mutation($input: RegisterOperationsInput!) { registerOperations(input: $input) {
  documents { hash documentId name } errors { code field } } }"""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def post(http: aiohttp.ClientSession, url: str, body: dict[str, Any], token: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(url, json=body, headers=headers) as response:
        return response.status, await response.read()


async def register(gql: GraphQL, admin: str, *documents: dict[str, Any]) -> dict[str, Any]:
    result = await gql(REGISTER, {"input": {"documents": list(documents)}}, token=admin)
    answer: dict[str, Any] = result.data["registerOperations"]
    return answer


async def test_registered_operations_run_by_hash_or_id_with_the_same_bytes(
    gql: GraphQL, http: aiohttp.ClientSession, make_department, platform_admin: User
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    operator = gql.token(platform_admin, "platform")
    relay_id = f"relay-{sha(department.tenant.code)[:12]}"
    body = VIEWER + f" # {department.tenant.code}"  # a document of this test alone

    refused = await register(gql, token, {"body": body})
    assert refused["errors"][0]["code"] == "FORBIDDEN", "tenant admins do not register"
    bad = await register(gql, operator, {"body": body}, {"body": "query {"})
    assert bad["errors"] == [{"code": "INVALID", "field": ["input", "documents", "1"]}]
    assert bad["documents"] == [], "nothing is registered when one document is bad"

    done = await register(gql, operator, {"body": body, "documentId": relay_id})
    assert done == {
        "documents": [{"hash": sha(body), "documentId": relay_id, "name": "Me"}],
        "errors": [],
    }
    assert (await register(gql, operator, {"body": body}))["documents"][0]["hash"] == sha(body)

    url = gql.url
    expected = await post(http, url, {"query": body}, token)
    assert expected[0] == 200
    assert json.loads(expected[1])["data"]["viewer"]["user"]["username"]
    apollo = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(body)}}}
    for named in (apollo, {"documentId": f"sha256:{sha(body)}"}, {"documentId": relay_id}):
        assert await post(http, url, named, token) == expected, named
    async with http.get(
        url,
        params={"documentId": relay_id},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    ) as response:
        assert (response.status, await response.read()) == expected

    unknown = await post(http, url, {"documentId": f"sha256:{'0' * 64}"}, token)
    assert unknown[0] == 404
    assert json.loads(unknown[1])["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    wrong = {"query": VIEWER, **apollo}
    mismatch = await post(http, url, wrong, token)
    assert json.loads(mismatch[1])["errors"][0]["extensions"]["code"] == (
        "PERSISTED_QUERY_HASH_MISMATCH"
    )
    # A client's retry after PersistedQueryNotFound: its text, with a hash nothing is
    # registered under (urql prints the text otherwise than the build hashed it).
    retry = {
        "query": VIEWER,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "1" * 64}},
    }
    ran = await post(http, url, retry, token)
    assert ran[0] == 200
    assert json.loads(ran[1])["data"]["viewer"]["user"]["username"]


@pytest.fixture
async def registered_only(database: Settings) -> AsyncIterator[TestServer]:
    settings = database.model_copy(update={"trusted_documents_only": True})
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_a_registered_only_server_runs_nothing_else(
    registered_only: TestServer,
    gql: GraphQL,
    http: aiohttp.ClientSession,
    make_department,
    platform_admin: User,
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    body = VIEWER + f" # only {department.tenant.code}"
    url = str(registered_only.make_url("/graphql"))

    status, answer = await post(http, url, {"query": body}, token)
    assert status == 400
    assert json.loads(answer)["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    await register(gql, gql.token(platform_admin, "platform"), {"body": body})
    assert (await post(http, url, {"query": body}, token))[0] == 200, "its text, registered"
    assert (await post(http, url, {"documentId": f"sha256:{sha(body)}"}, token))[0] == 200

    ws = url.replace("http://", "ws://")
    async with Socket.connect(http, ws, token) as socket:
        op = await socket.subscribe()
        error = await socket.error(op)
        assert error[0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"


@pytest.mark.slow  # the command line, as another process
def test_the_command_line_registers_a_client_manifest(database: Settings, tmp_path: Path) -> None:
    body = "query CliRegistered { viewer { user { id } } }"
    manifest = tmp_path / "persisted-query-manifest.json"
    operations = [{"id": sha(body), "name": "CliRegistered", "type": "query", "body": body}]
    manifest.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    env = env_for(database.data_dir, DATABASE_URL=str(database.database_url))
    assert run(env, "operations", "register", str(manifest)).split() == [sha(body), "CliRegistered"]


def test_client_manifests_are_read_in_every_format_and_bad_ones_refused() -> None:
    body, other = "query A { viewer { user { id } } }", "query B { viewer { tenant { id } } }"
    apollo = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": sha(body), "name": "A", "type": "query", "body": body}],
    }
    assert operations.from_manifest(apollo) == [operations.Operation(body)]
    relay = {"a1b2": body, sha(other): other}
    assert operations.from_manifest(relay) == [
        operations.Operation(body, "a1b2"),
        operations.Operation(other),
    ]
    assert operations.from_manifest([body]) == [operations.Operation(body)]
    forged = {**apollo, "operations": [{"id": sha(other), "body": body}]}
    for bad in (forged, {"a": 1}, "query A { x }", None):
        with pytest.raises(ServiceError):
            operations.from_manifest(bad)


async def test_a_multipart_request_names_its_operation_by_hash(
    gql: GraphQL, http: aiohttp.ClientSession, make_department, platform_admin: User
) -> None:
    """The console sends uploads as multipart requests, with the hash and no text."""
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    body = VIEWER + f" # multipart {department.tenant.code}"
    await register(gql, gql.token(platform_admin, "platform"), {"body": body})
    form = aiohttp.FormData(default_to_multipart=True)
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha(body)}}
    form.add_field("operations", json.dumps({"extensions": persisted, "variables": {}}))
    form.add_field("map", "{}")
    headers = {"Authorization": f"Bearer {token}", "GraphQL-Require-Preflight": "1"}
    async with http.post(gql.url, data=form, headers=headers) as response:
        assert response.status == 200
        answer = await response.json()
    assert answer["data"]["viewer"]["user"]["username"] == department.admin.username


async def test_the_console_build_is_registered_at_start(tmp_path: Path, database: Settings) -> None:
    """`web/dist/persisted-documents.json` (GraphQL Code Generator's `{hash: text}`), as every
    process registers it when it starts: again changes nothing; no build, nothing."""
    from models.operations import TrustedDocument
    from server.operations import console_manifest, register_console

    texts = [f"query Console{i} {{ viewer {{ __typename }} }} # {tmp_path.name}" for i in (1, 2)]
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({sha(t): t for t in texts}))
    found = console_manifest(manifest)
    assert sorted(op.body for op in found) == sorted(texts)
    for _ in (1, 2):
        await register_console(found)
    rows = await TrustedDocument.filter(hash__in=[sha(t) for t in texts])
    assert sorted(r.name or "" for r in rows) == ["Console1", "Console2"]
    assert all(r.document_id is None for r in rows)
    assert console_manifest(tmp_path / "missing.json") == []
