"""Bad input gets a clear, typed error (or a 400 with a JSON body) and changes nothing, on
PostgreSQL and on the embedded SQLite default alike."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from graphql import GraphQLInputObjectType, get_named_type

from schema import build_schema
from tests.conftest import GraphQL, gid, ws_url
from tests.documents.support import DOC, Office
from tests.processes import env_for, run, serving
from tests.server.unchanged import NUL, refused, snapshot
from tests.ws_client import Socket

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
