"""Bad input gets a clear, typed error (or a 400 with a JSON body) and changes nothing, on
PostgreSQL and on the embedded SQLite default alike."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from graphql import GraphQLInputObjectType, get_named_type
from tortoise import connections

from schema import build_schema
from tests.conftest import GraphQL, gid, ws_url
from tests.documents.support import DOC, Office
from tests.processes import env_for, run, serving
from tests.ws_client import Socket

NUL = "\x00"
TENANT_TABLES = (
    "org_unit",
    "app_user",
    "role",
    "role_assignment",
    "document_type",
    "document_template",
    "document",
    "document_event",
    "task",
    "attachment",
    "form_definition",
    "form_version",
    "flow_definition",
    "flow_version",
    "audit_entry",
    "exchange_dispatch",
    "exchange_incoming",
)
GLOBAL_TABLES = ("tenant", "tenant_application")


async def snapshot(tenant_ids: Iterable[uuid.UUID]) -> dict[str, Any]:
    """Count and checksum of every row of the tables a request could touch: of the given
    tenants for tenant-owned ones, all rows of the global ones; events by count."""
    db = connections.get("default")
    ids = [str(t) for t in tenant_ids]
    found: dict[str, Any] = {}
    for table in (*TENANT_TABLES, *GLOBAL_TABLES, "outbox_event"):
        where = "WHERE tenant_id::text = ANY($1::text[])" if table in TENANT_TABLES else ""
        digest = (
            "''" if table == "outbox_event" else "md5(string_agg(t::text, ',' ORDER BY t::text))"
        )
        rows = await db.execute_query_dict(
            f"SELECT count(*) AS n, {digest} AS digest FROM {table} t {where}",  # noqa: S608
            [ids] if where else None,
        )
        found[table] = (rows[0]["n"], rows[0]["digest"])
    return found


def refused(result: Any, code: str = "BAD_USER_INPUT") -> dict[str, Any]:
    """The one typed GraphQL error of a request that did not run."""
    assert result.status == 200, result.body
    assert result.body.get("data") is None, result.body
    [error] = result.errors
    assert error["extensions"]["code"] == code, error
    assert "Internal" not in error["message"]
    return dict(error)


CREATE = """mutation($input: CreateDocumentInput!) {
  createDocument(input: $input) { document { id } errors { code message field } } }"""

SEARCHES = [
    "tenants.filter.search",
    "orgUnits.filter.search",
    "users.filter.search",
    "roles.search",
    "forms.search",
    "flows.search",
    "myTasks.filter.search",
    "documents.filter.search",
    "portalComponents.filter.search",
    "portalResources.filter.search",
    "exchangeRecipients.search",
    "incomingItems.filter.search",
    "auditLog.filter.actionPrefix",
    "auditLog.filter.targetType",
    "auditLog.filter.targetId",
    "notices.filter.category",
    "publications.filter.kinds",
    "myNotes.search",
    "contacts.search",
    "partnerDepartments.search",
]
LISTS = {"partnerDepartments": "{ code }"}
"""Search fields that answer a plain list rather than a connection, with what to select."""


LIST_FILTERS = {"publications.filter.kinds"}
"""Filters that take a list of strings (a single literal string is a list of one)."""


def search_query(key: str, value: str) -> str:
    field, argument, *inner = key.split(".")
    given = f"{{{inner[0]}: {value}}}" if inner else value
    return f"{field}({argument}: {given}) {LISTS.get(field, '{ edges { cursor } }')}"


def test_the_list_holds_every_string_search_and_filter_argument() -> None:
    schema = build_schema()._schema
    assert schema.query_type is not None
    found = set()
    for name, field in schema.query_type.fields.items():
        for arg_name, arg in field.args.items():
            arg_type = get_named_type(arg.type)
            if arg_name == "search" and arg_type.name == "String":
                found.add(f"{name}.{arg_name}")
            if isinstance(arg_type, GraphQLInputObjectType) and arg_name == "filter":
                found |= {
                    f"{name}.{arg_name}.{sub}"
                    for sub, sub_field in arg_type.fields.items()
                    if get_named_type(sub_field.type).name == "String"
                }
    assert found == set(SEARCHES)


async def test_control_characters_are_refused_in_every_search_argument_on_postgresql(
    dispatch_office: Office,
) -> None:
    tenant = dispatch_office.department.tenant.id
    await dispatch_office.run("admin", "{ viewer { user { id } } }")
    before = await snapshot([tenant])
    for key in SEARCHES:
        name, *argument = key.split(".")
        many = key in LIST_FILTERS
        query = f"query($s: {'[String!]' if many else 'String'}) {{ {search_query(key, '$s')} }}"
        value: Any = ["x"] if many else "x"
        assert (await dispatch_office.run("admin", query, {"s": value})).data[name] is not None
        for bad in (f"a{NUL}b", "\x1b[31m", "\x0c"):
            sent = {"s": [bad] if many else bad}
            error = refused(await dispatch_office.run("admin", query, sent))
            assert error["extensions"]["variable"] == (["s", "0"] if many else ["s"]), key
        literal = f"{{ {search_query(key, json.dumps('a' + NUL))} }}"
        assert "\\u0000" in literal
        error = refused(await dispatch_office.run("admin", literal))
        assert error["extensions"]["argument"] == argument, key
    assert await snapshot([tenant]) == before


async def test_control_characters_are_refused_in_titles_and_form_values(
    dispatch_office: Office,
) -> None:
    tenant = dispatch_office.department.tenant.id
    good = {"documentTypeId": dispatch_office.type_id, "title": "通知", "formData": {"body": "x"}}
    await dispatch_office.ok("writer", "createDocument", good, DOC)
    before = await snapshot([tenant])
    cases = [
        ({**good, "title": f"通知{NUL}"}, ["input", "title"]),
        ({**good, "formData": {"body": f"正文{NUL}"}}, ["input", "formData", "body"]),
        ({**good, "formData": {"body": "ok", "subject": "\x07"}}, ["input", "formData", "subject"]),
        ({**good, "formData": {f"bo{NUL}dy": "x"}}, ["input", "formData"]),
        ({**good, "formData": {"body": {"deep": [[["\x0b"]]]}}}, None),
    ]
    for data, path in cases:
        error = refused(await dispatch_office.run("writer", CREATE, {"input": data}))
        if path:
            assert error["extensions"]["variable"] == path, error
    literal = (
        f'mutation {{ createDocument(input: {{documentTypeId: "{dispatch_office.type_id}", '
        'title: "a\\u0000b"}) { errors { code } } }'
    )
    error = refused(await dispatch_office.run("writer", literal))
    assert error["extensions"]["argument"] == ["input", "title"]
    assert "U+0000" in error["message"]
    deep: Any = "x"
    for _ in range(150):
        deep = [deep]
    error = refused(
        await dispatch_office.run("writer", CREATE, {"input": {**good, "formData": {"a": deep}}})
    )
    assert "nests deeper" in error["message"]
    assert await snapshot([tenant]) == before
    # Tab, line feed and carriage return are text.
    fine = {**good, "title": "第一行\r\n第二行\t完", "formData": {"body": "段落一\n\n段落二"}}
    made = await dispatch_office.ok("writer", "createDocument", fine, DOC)
    assert made["document"]["title"] == "第一行\r\n第二行\t完"


async def test_control_characters_are_refused_over_websockets(
    dispatch_office: Office, server: TestServer
) -> None:
    query = "subscription($after: ID) { tenantEvents(after: $after) { id } }"
    literal = 'subscription { tenantEvents(topics: ["a\\u0000"]) { id } }'
    async with aiohttp.ClientSession() as http:
        token = dispatch_office.token("admin")
        async with Socket.connect(http, ws_url(server), token) as socket:
            bad = await socket.subscribe(query, {"after": f"1{NUL}"})
            [error] = await socket.error(bad)
            assert error["extensions"] == {"code": "BAD_USER_INPUT", "variable": ["after"]}
            assert bad not in socket.failed_midway
            [error] = await socket.error(await socket.subscribe(literal))
            assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": ["topics"]}
            fine = await socket.subscribe(query)
            await asyncio.sleep(0.3)
            assert fine not in socket.errors
            assert socket.close_code is None


async def test_form_data_that_is_not_an_object_is_refused(dispatch_office: Office) -> None:
    tenant = dispatch_office.department.tenant.id
    await dispatch_office.run("writer", "{ viewer { user { id } } }")
    before = await snapshot([tenant])
    for form_data in ("x", [1, 2], 3, True):
        input = {"documentTypeId": dispatch_office.type_id, "title": "t", "formData": form_data}
        result = await dispatch_office.mutate("writer", "createDocument", input, DOC)
        assert result["document"] is None
        assert result["errors"] == [
            {
                "code": "INVALID",
                "message": "formData must be a JSON object",
                "field": ["input", "formData"],
            }
        ]
    assert await snapshot([tenant]) == before


async def test_a_template_must_fit_the_form(dispatch_office: Office) -> None:
    tenant = dispatch_office.department.tenant.id
    await dispatch_office.run("admin", "{ viewer { user { id } } }")
    before = await snapshot([tenant])
    base = {"documentTypeId": dispatch_office.type_id, "name": "通知"}
    cases = [
        ({"defaults": {"pageCount": "many"}}, ["input", "defaults", "pageCount"]),
        ({"defaults": {"pageCount": 0}}, ["input", "defaults", "pageCount"]),
        ({"defaults": {"nope": 1}}, ["input", "defaults", "nope"]),
        ({"defaults": {"subject": "s" * 201}}, ["input", "defaults", "subject"]),
        ({"defaults": [1]}, ["input", "defaults"]),
        ({"title": "t" * 301}, ["input", "title"]),
    ]
    for extra, field in cases:
        result = await dispatch_office.mutate(
            "admin", "createDocumentTemplate", {**base, **extra}, "documentTemplate { id } "
        )
        assert result["documentTemplate"] is None
        assert [e["field"] for e in result["errors"]] == [field], result["errors"]
        assert result["errors"][0]["code"] in ("INVALID", "TOO_LONG")
    assert await snapshot([tenant]) == before
    # A template that fits: every document made from it starts valid.
    ok = await dispatch_office.ok(
        "admin",
        "createDocumentTemplate",
        {
            **base,
            "title": "通知",
            "defaults": {"pageCount": 2, "subject": "安全"},
            "body": "各处室：",
        },
        "documentTemplate { id } ",
    )
    made = await dispatch_office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": dispatch_office.type_id, "templateId": ok["documentTemplate"]["id"]},
        DOC,
    )
    assert made["document"]["formData"] == {"pageCount": 2, "subject": "安全", "body": "各处室："}


async def test_statistics_time_zone_and_unfetchable_nodes_are_typed_answers(
    gql: GraphQL, make_department: Any, platform_admin: Any
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    await gql("{ viewer { user { id } } }", token=token)
    before = await snapshot([department.tenant.id])
    query = "query($z: String!) { statistics(timeZone: $z) { timeZone } }"
    for zone in ("a" * 300, "../../etc/passwd", "Mars/Olympus"):
        error = refused(await gql(query, {"z": zone}, token=token), "INVALID")
        assert "Unknown time zone" in error["message"]
    assert await snapshot([department.tenant.id]) == before

    secret = await gql(
        'mutation { createScimToken(input: {name: "portal"}) { scimToken { id } errors '
        "{ code } } }",
        token=token,
    )
    scim_id = secret.data["createScimToken"]["scimToken"]["id"]
    node = "query($id: ID!) { node(id: $id) { id } }"
    for node_id in (scim_id, gid("NoSuchType", uuid.uuid4()), gid("Query", "x")):
        assert (await gql(node, {"id": node_id}, token=token)).data == {"node": None}
    assert (await gql(node, {"id": gid("User", "not-a-uuid")}, token=token)).data == {"node": None}
    garbage = await gql(node, {"id": "%%% not base64"}, token=token)
    assert garbage.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    own = gid("User", department.admin.id)
    assert (await gql(node, {"id": own}, token=token)).data == {"node": {"id": own}}


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


@pytest.mark.slow
async def test_nul_is_refused_on_the_embedded_sqlite_default(tmp_path: Path) -> None:
    env = env_for(tmp_path / "data")
    run(env, "demo")
    token = run(env, "dev-token", "--user", "li.na", "--tenant", "jxw").strip()
    database = tmp_path / "data" / "officecloud.sqlite3"

    def counts() -> dict[str, int]:
        with sqlite3.connect(database) as db:
            return {
                table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("document", "document_event", "audit_entry", "outbox_event")
            }

    async with serving(env) as base, aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {token}"}

        async def ask(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            payload = {"query": query, "variables": variables}
            async with http.post(f"{base}/graphql", json=payload, headers=headers) as response:
                assert response.status == 200
                answer: dict[str, Any] = await response.json()
                return answer

        types = await ask("{ documentTypes { edges { node { id } } } }", {})
        type_id = types["data"]["documentTypes"]["edges"][0]["node"]["id"]
        before = counts()
        for variables in (
            {"input": {"documentTypeId": type_id, "title": f"a{NUL}b"}},
            {"input": {"documentTypeId": type_id, "title": "t", "formData": {"body": NUL}}},
        ):
            answer = await ask(CREATE, variables)
            assert answer["data"] is None
            assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        for key in SEARCHES:
            many = key in LIST_FILTERS
            query = (
                f"query($s: {'[String!]' if many else 'String'}) {{ {search_query(key, '$s')} }}"
            )
            answer = await ask(query, {"s": [NUL] if many else NUL})
            assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", key
            literal = f"{{ {search_query(key, json.dumps(NUL))} }}"
            answer = await ask(literal, {})
            assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", key
        assert counts() == before
