"""Requests refused before GraphQL runs, changing nothing: malformed bodies, multipart uploads
with control characters, tokens whose time claims are not numeric dates."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import GraphQL
from tests.documents.support import DOC, Office
from tests.server.unchanged import NUL, snapshot


async def post_raw(server: TestServer, body: bytes, token: str, **headers: str) -> Any:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.make_url("/graphql"),
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                **headers,
            },
        ) as response,
    ):
        text = await response.text()
        assert response.content_type in ("application/json", "application/graphql-response+json")
        return response.status, json.loads(text)


async def test_malformed_bodies_are_400_with_a_json_error(
    server: TestServer, gql: GraphQL, make_department: Any
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    await gql("{ viewer { user { id } } }", token=token)
    before = await snapshot([department.tenant.id])
    deep = b"[" * 50_000 + b"]" * 50_000
    deep_object = b'{"query": "{ viewer { user { id } } }", "variables": {"a": ' + deep + b"}}"
    bodies = [
        deep,
        deep_object,
        b'"x"',
        b"[1, 2]",
        b"1",
        b"null",
        b"\xff\xfe{}",
        b'{"query": "\xc3"}',
        b'{"query": "{ viewer { user { id } } }", "variables": {"a": "\\ud800"}}',
    ]
    for body in bodies:
        for accept in ("application/json", "application/graphql-response+json"):
            status, answer = await post_raw(server, body, token, Accept=accept)
            assert status == 400, (body[:20], answer)
            assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
            assert "data" not in answer
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            server.make_url("/graphql"),
            params={"query": "{ viewer { user { id } } }", "variables": "[" * 2000},
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status == 400
        assert (await response.json())["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert await snapshot([department.tenant.id]) == before


UPLOAD = """mutation($input: UploadAttachmentInput!) {
  uploadAttachment(input: $input) { attachment { id } errors { code message } } }"""


async def multipart(
    server: TestServer, token: str, operations: Any, disposition: str
) -> tuple[int, Any]:
    """Written by hand: aiohttp's FormData refuses control characters in a file name."""
    boundary = "----officecloud-test"
    parts = [
        ('name="operations"', json.dumps(operations)),
        ('name="map"', json.dumps({"0": ["variables.input.file"]})),
        (f'name="0"; {disposition}\r\nContent-Type: text/plain', "hi"),
    ]
    body = "".join(
        f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n{content}\r\n"
        for head, content in parts
    )
    headers = {
        "Accept-Language": "en",
        "Authorization": f"Bearer {token}",
        "GraphQL-Require-Preflight": "1",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.make_url("/graphql"),
            data=(body + f"--{boundary}--\r\n").encode(),
            headers=headers,
        ) as response,
    ):
        return response.status, await response.json(content_type=None)


async def test_uploads_with_control_characters_are_refused(
    dispatch_office: Office, server: TestServer, database: Any
) -> None:
    tenant = dispatch_office.department.tenant.id
    made = await dispatch_office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": dispatch_office.type_id, "title": "t", "formData": {"body": "x"}},
        DOC,
    )
    doc_id = made["document"]["id"]
    token = dispatch_office.token("writer")
    staging = database.data_dir / "blobs"
    operations = {"query": UPLOAD, "variables": {"input": {"documentId": doc_id, "file": None}}}
    assert (await multipart(server, token, operations, 'filename="ok.txt"'))[0] == 200
    files_before = sorted(p.name for p in staging.rglob("*") if p.is_file())
    before = await snapshot([tenant])
    for disposition in (
        "filename*=UTF-8''a%00.txt",
        "filename*=UTF-8''esc%1B%5B2J.txt",
        'filename="bell\x07.txt"',
    ):
        status, body = await multipart(server, token, operations, disposition)
        assert status == 400, body
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert body["errors"][0]["message"] in (
            "The file name holds the character U+0000",
            "The file name holds the character U+001B",
            "The multipart body is malformed",
        )
    operations = {
        "query": UPLOAD,
        "variables": {"input": {"documentId": f"{doc_id}{NUL}", "file": None}},
    }
    status, body = await multipart(server, token, operations, 'filename="ok.txt"')
    assert status == 200
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "variable": ["input", "documentId"],
    }
    assert await snapshot([tenant]) == before
    assert sorted(p.name for p in staging.rglob("*") if p.is_file()) == files_before


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": "9999999999"},
        {"exp": True},
        {"nbf": "0"},
        {"iat": "0"},
        {"iat": False},
        {"exp": [9999999999]},
        {"nbf": None},
    ],
)
async def test_time_claims_must_be_numeric_dates(
    gql: GraphQL, make_department: Any, claims: dict[str, Any]
) -> None:
    department = await make_department()
    before = await snapshot([department.tenant.id])
    token = gql.token(department.admin, department.tenant, **claims)
    mutation = 'mutation { createOrgUnit(input: {name: "x"}) { errors { code } } }'
    for query in ("{ viewer { user { id } } }", mutation):
        result = await gql(query, token=token)
        assert result.status == 401, result.body
        assert "NumericDate" in result.errors[0]["message"]
        assert "NumericDate" in result.headers["WWW-Authenticate"]
    assert await snapshot([department.tenant.id]) == before


async def test_non_finite_time_claims_are_refused(gql: GraphQL, make_department: Any) -> None:
    """JSON has no Infinity or NaN; a token that carries them anyway is malformed."""
    department = await make_department()
    for value in (float("inf"), float("nan")):
        token = gql.token(department.admin, department.tenant, exp=value)
        result = await gql("{ viewer { user { id } } }", token=token)
        assert result.status == 401, result.body
