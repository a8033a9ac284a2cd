"""Compiled plans over drawn query shapes: every query text runs by its compiled plans (the row
plan where it reads only columns, joins and paging, else the resolver plan), so Hypothesis
draws the texts too: selections over tasks, documents, users, units and types, with aliases,
inline fragments, joins three levels deep and fields only resolvers answer, under drawn
viewers, page sizes, cursors and changes to the data. Each answer must be the same bytes as
graphql-core's for the same operation."""

from __future__ import annotations

import itertools
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.directory import User
from server.settings import Settings
from tests.conftest import GraphQL
from tests.server.compiled_support import (
    VIEWERS,
    World,
    both,
    make_world,
    move_the_data,
    page_variables,
)

TASK = "__typename id nodeId nodeName pool status outcome comment dueAt closedAt openedAt"
DOCUMENT = "__typename id title number urgency secrecy status version createdAt submittedAt"
TYPES: dict[str, tuple[list[str], dict[str, str]]] = {
    "Task": (
        [*TASK.split(), "createdAt", "overdue", "allowedActions"],
        {"document": "Document", "assignee": "User", "actedBy": "User", "delegatedFrom": "User"},
    ),
    "Document": (
        [*DOCUMENT.split(), "completedAt", "archivedAt", "formData"],
        {"initiator": "User", "documentType": "DocumentType", "orgUnit": "OrgUnit"},
    ),
    "User": (
        ["__typename", "id", "username", "displayName", "email", "status"],
        {"primaryOrgUnit": "OrgUnit"},
    ),
    "OrgUnit": (
        ["__typename", "id", "name", "code", "depth"],
        {"parent": "OrgUnit", "leader": "User"},
    ),
    "DocumentType": (["__typename", "id", "name", "code", "kind", "active"], {}),
}


def selection(data: st.DataObject, type_name: str, depth: int, names: Any) -> str:
    leaves, joins = TYPES[type_name]
    parts = []
    for name in data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=6, unique=True)):
        parts.append(f"a{next(names)}: {name}" if data.draw(st.booleans()) else name)
    if depth < 3 and joins:
        for name in data.draw(st.lists(st.sampled_from(sorted(joins)), max_size=2, unique=True)):
            inner = selection(data, joins[name], depth + 1, names)
            parts.append(f"{name} {{ {inner} }}")
    if data.draw(st.integers(0, 3)) == 0:
        parts = [f"... on {type_name} {{ {' '.join(parts)} }}"]
    return " ".join(parts)


def operation(data: st.DataObject) -> str:
    names = itertools.count()
    node = selection(data, "Task", 0, names)
    page = data.draw(
        st.lists(
            st.sampled_from(
                [
                    "totalCount",
                    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }",
                    "edges { cursor }",
                    "__typename",
                ]
            ),
            max_size=3,
            unique=True,
        )
    )
    arguments = "kind: $kind, first: $n, after: $after"
    tasks = f"myTasks({arguments}) {{ {' '.join(page)} edges {{ node {{ {node} }} }} }}"
    roots = [f"list: {tasks}" if data.draw(st.booleans()) else tasks]
    if data.draw(st.integers(0, 3)) == 0:
        document = selection(data, "Document", 1, names)
        roots.append(f"one: node(id: $id) {{ ... on Document {{ {document} }} }}")
    variables = "$kind: TaskList!, $n: Int, $after: String" + (
        ", $id: ID!" if len(roots) > 1 else ""
    )
    return f"query Shape({variables}) {{ {' '.join(roots)} }}"


@pytest.fixture(scope="module")
async def world(database: Settings, gql: GraphQL, platform_admin: User) -> World:
    return await make_world(gql, platform_admin, [])


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@pytest.mark.slow
async def test_drawn_queries_answer_the_same_bytes_compiled_or_not(
    world: World, gql: GraphQL, http: aiohttp.ClientSession, data: st.DataObject
) -> None:
    if data.draw(st.integers(0, 3)) == 0:
        await move_the_data(world, data)
    text = operation(data)
    variables = page_variables(world, data)
    if "$id" in text:
        variables["id"] = data.draw(st.sampled_from(world.ids()))
    who = data.draw(VIEWERS)
    compiled, general = await both(http, gql.url, world.token(who), text, variables, by_hash=False)
    assert compiled == general, (who, text, variables)
