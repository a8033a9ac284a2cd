"""Compiled plans of registered operations (`schema/compiled/`), proven by difference: each
registered operation the compiler handles runs both ways, by its hash (the plan) and as its
text (graphql-core), over Hypothesis-drawn viewers, variables and changes to the data, and the
two answers must be the same bytes, errors included. The compiled inbox's statements do not
grow with the page."""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth.viewer import actor_for
from models.directory import User
from models.documents import DocumentType
from server.settings import Settings
from services.documents import lifecycle
from tests.conftest import GraphQL
from tests.documents.support import dispatching_office
from tests.server.compiled_support import (
    VIEWERS,
    World,
    both,
    counted,
    make_world,
    move_the_data,
    page_variables,
    register,
    sha,
)

INBOX = """query Inbox { myTasks(kind: OPEN, first: 20) { totalCount pageInfo { hasNextPage
  endCursor } edges { node { id nodeName createdAt dueAt document { id title number urgency
  status initiator { displayName } documentType { name } orgUnit { name } } } } } }"""
PAGE = """query Page($kind: TaskList!, $n: Int, $after: String) {
  mine: myTasks(kind: $kind, first: $n, after: $after) { totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...TaskBits document { ...DocBits } } } } }
fragment TaskBits on Task { id nodeId nodeName pool status outcome comment dueAt closedAt
  overdue openedAt createdAt allowedActions assignee { displayName } candidates { username } }
fragment DocBits on Document { id title number urgency secrecy status version formData
  initiator { displayName } documentType { name code } orgUnit { name }
  currentNodes { id name } }"""
DETAIL = """query Detail($id: ID!) { node(id: $id) { __typename id ... on Document {
  title number urgency secrecy status version createdAt submittedAt completedAt archivedAt
  formData allowedActions documentType { id name } initiator { id displayName }
  orgUnit { id name } currentNodes { id name }
  tasks { id nodeName status outcome assignee { displayName } actedBy { displayName } }
  attachments { name } timeline(first: 20) { totalCount edges { node {
    seq action nodeName fromStatus toStatus comment data changes at actor { displayName } } } } }
  ... on Task { nodeName document { title formData } } ... on Node { id } } }"""
TWO = """query Two($a: ID!, $b: ID!) {
  a: node(id: $a) { ... on Document { t: title formData f2: formData } }
  b: node(id: $b) { __typename ... on Document { title secrecy } }
  open: myTasks(first: 3) { edges { node { document { title } } } } __typename }"""
ROWS = """query Rows($kind: TaskList!, $n: Int, $after: String) { __typename
  list: myTasks(kind: $kind, first: $n, after: $after) { __typename totalCount
    info: pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
    edges { __typename cursor node { __typename id nodeId nodeName pool status outcome comment
      dueAt closedAt openedAt createdAt ... on Task { at: createdAt }
      document { __typename id title number urgency secrecy status version createdAt
        submittedAt completedAt archivedAt
        initiator { id username displayName email status } documentType { name code kind }
        orgUnit { name code depth leader { displayName } } }
      assignee { displayName } actedBy { username } delegatedFrom { id } } } }
  again: myTasks(first: 2) { totalCount edges { node { id document { title } } } } }"""
OPERATIONS = {"Inbox": INBOX, "Page": PAGE, "Detail": DETAIL, "Two": TWO, "Rows": ROWS}


@pytest.fixture(scope="module")
async def world(database: Settings, gql: GraphQL, platform_admin: User) -> World:
    return await make_world(gql, platform_admin, list(OPERATIONS.values()))


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@pytest.mark.slow
async def test_registered_operations_answer_the_same_bytes_compiled_or_not(
    world: World, gql: GraphQL, http: aiohttp.ClientSession, data: st.DataObject
) -> None:
    if data.draw(st.integers(0, 2)) == 0:
        await move_the_data(world, data)
    who = data.draw(VIEWERS)
    name = data.draw(st.sampled_from(sorted(OPERATIONS)))
    ids = world.ids()
    variables: dict[str, Any] = {}
    if name in ("Page", "Rows"):
        variables = page_variables(world, data)
    elif name == "Detail":
        variables = {"id": data.draw(st.sampled_from(ids))}
    elif name == "Two":
        variables = {"a": data.draw(st.sampled_from(ids)), "b": data.draw(st.sampled_from(ids))}
    compiled, general = await both(http, gql.url, world.token(who), OPERATIONS[name], variables)
    assert compiled == general, (who, name, variables)


async def test_the_plan_answers_and_gives_way_on_errors(
    world: World, gql: GraphQL, http: aiohttp.ClientSession
) -> None:
    """The differential test would pass with a compiler that never ran: here the row plan is
    seen answering (inbox), the resolver plan (detail, and a list the row plan hands over:
    a field it does not read), and normal execution (an over-large page)."""
    plan, rows, gave_way = counted("plan"), counted("rows"), counted("gave_way")
    for name, variables in (("Detail", {"id": world.documents[3]}), ("Inbox", {})):
        compiled, general = await both(
            http, gql.url, world.token("director"), OPERATIONS[name], variables
        )
        assert compiled == general
        assert compiled[0] == 200
        assert b'"errors"' not in compiled[1]
    assert (counted("plan"), counted("rows")) == (plan + 1, rows + 1)
    variables = {"kind": "DONE", "n": 2, "after": None}
    compiled, general = await both(
        http, gql.url, world.token("director"), OPERATIONS["Page"], variables
    )
    assert compiled == general
    assert compiled[1].count(b'"cursor"') == 2
    assert (counted("plan"), counted("rows")) == (plan + 2, rows + 1)
    variables = {"kind": "OPEN", "n": 101}
    compiled, general = await both(
        http, gql.url, world.token("director"), OPERATIONS["Page"], variables
    )
    assert compiled == general
    assert b"BAD_USER_INPUT" in compiled[1]
    assert counted("gave_way") == gave_way + 1
    assert b"secret-3" not in compiled[1]


async def test_the_compiled_inbox_runs_the_same_statements_for_any_page_size(
    gql: GraphQL,
    make_department: Any,
    platform_admin: User,
    http: aiohttp.ClientSession,
    count_queries: Any,
) -> None:
    office = await dispatching_office(gql, await make_department())
    scope, tenant = office.department.scope, office.department.tenant
    doc_type = await scope.query(DocumentType).get(code="dispatch")
    writer = await actor_for(scope, office.users["writer"], tenant)
    for i in range(25):
        document = await lifecycle.create_document(
            writer, document_type_id=doc_type.id, title=f"请示{i}", form_data={"body": "x"}
        )
        await lifecycle.submit_document(writer, id=document.id)
    await register(gql, platform_admin, PAGE)
    await office.run("director", "{ viewer { user { id } } }")  # first use records a sign-in
    headers = {"Authorization": f"Bearer {office.token('director')}"}
    counts, plan = {}, counted("plan")
    for size in (2, 5, 25):  # the first reads the registered text once per process
        variables = {"kind": "OPEN", "n": size, "after": None}
        body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(PAGE)}}}
        with count_queries() as statements:
            async with http.post(
                gql.url, json={**body, "variables": variables}, headers=headers
            ) as response:
                answer = await response.read()
        assert answer.count(b'"cursor"') == size
        assert b'"errors"' not in answer
        counts[size] = statements()
    assert counted("plan") == plan + 3
    assert counts[5] == counts[25], counts


async def test_the_row_plan_pages_as_the_resolvers_do(
    world: World, gql: GraphQL, http: aiohttp.ClientSession, count_queries: Any
) -> None:
    """Walking 待办 and 已办 page by page through the row plan gives the pages the resolvers
    give, cursor for cursor, in one statement a list (the count rides on its rows), whatever the
    page size."""
    token, rows = world.token("director"), counted("rows")
    await both(http, gql.url, token, OPERATIONS["Rows"], {"kind": "OPEN", "n": 1, "after": None})
    pages, statements = 0, set()
    for kind in ("OPEN", "DONE"):
        after = None
        while True:
            variables = {"kind": kind, "n": 1 + pages % 2, "after": after}
            with count_queries() as counted_statements:
                compiled, general = await both(http, gql.url, token, OPERATIONS["Rows"], variables)
            assert compiled == general
            statements.add(len([s for s in counted_statements.statements if " AS t0" in s]))
            page = orjson.loads(compiled[1])["data"]["list"]
            pages += 1
            if not page["info"]["hasNextPage"]:
                break
            after = page["info"]["endCursor"]
    assert pages >= 4
    assert counted("rows") == rows + 1 + pages
    assert statements == {2}  # two lists (`list`, `again`), the count riding on the rows
