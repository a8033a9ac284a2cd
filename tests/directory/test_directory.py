"""Org units as a tree, users, roles and assignments: changes, typed errors, data scope."""

from __future__ import annotations

from typing import Any

from models.directory import OrgUnit, Role, RoleAssignment, User
from tests.conftest import Department, GraphQL, gid
from tests.directory.support import snapshot

UNIT = "orgUnit { id name code depth version parent { name } } "
USER = "user { id username displayName orgUnits { name } primaryOrgUnit { name } version } "


async def tree(gql: GraphQL, department: Department) -> list[tuple[str, int, str | None]]:
    result = await gql(
        "{ orgUnits(first: 100) { edges { node { name depth parent { name } } } } }",
        token=gql.token(department.admin, department.tenant),
    )
    return sorted(
        (n["node"]["name"], n["node"]["depth"], (n["node"]["parent"] or {}).get("name"))
        for n in result.data["orgUnits"]["edges"]
    )


async def test_org_units_form_a_tree_that_moves_with_its_subtree(gql: GraphQL, make_department):
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    root = await department.scope.query(OrgUnit).get(parent_id=None)

    async def create(name: str, parent: str | None, code: str) -> dict[str, Any]:
        made = await gql.mutate(
            "createOrgUnit", {"name": name, "parentId": parent, "code": code}, UNIT, token=token
        )
        assert made["errors"] == []
        unit: dict[str, Any] = made["orgUnit"]
        return unit

    office = await create("办公室", gid("OrgUnit", root.id), "office")
    secretariat = await create("秘书科", office["id"], "secretariat")
    archive = await create("档案室", secretariat["id"], "archive")
    planning = await create("规划处", gid("OrgUnit", root.id), "planning")
    assert (office["depth"], secretariat["depth"], archive["depth"]) == (1, 2, 3)

    moved = await gql.mutate(
        "moveOrgUnit", {"id": secretariat["id"], "newParentId": planning["id"]}, UNIT, token=token
    )
    assert moved["errors"] == []
    assert moved["orgUnit"]["parent"] == {"name": "规划处"}
    assert ("档案室", 3, "秘书科") in await tree(gql, department)
    archive_row = await department.scope.query(OrgUnit).get(code="archive")
    planning_row = await department.scope.query(OrgUnit).get(code="planning")
    assert archive_row.path.startswith(planning_row.path)

    ancestors = await gql(
        "query($id: ID!) { node(id: $id) { ... on OrgUnit { ancestors { name } } } }",
        {"id": archive["id"]},
        token=token,
    )
    assert [a["name"] for a in ancestors.data["node"]["ancestors"]] == [
        root.name,
        "规划处",
        "秘书科",
    ]


async def test_invalid_directory_input_returns_typed_errors_and_changes_nothing(
    gql: GraphQL, make_department
) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    made = await gql.mutate(
        "createOrgUnit",
        {"name": "办公室", "parentId": gid("OrgUnit", root.id), "code": "office"},
        UNIT,
        token=token,
    )
    office = made["orgUnit"]
    child = (
        await gql.mutate(
            "createOrgUnit", {"name": "秘书科", "parentId": office["id"]}, UNIT, token=token
        )
    )["orgUnit"]
    before = await snapshot(department)

    cases: list[tuple[str, dict[str, Any], str, list[tuple[str, str]]]] = [
        ("createOrgUnit", {"name": "   ", "parentId": office["id"]}, UNIT, [("REQUIRED", "name")]),
        (
            "createOrgUnit",
            {"name": "重复", "parentId": office["id"], "code": "office"},
            UNIT,
            [("DUPLICATE", "code")],
        ),
        (
            "moveOrgUnit",
            {"id": office["id"], "newParentId": child["id"]},
            UNIT,
            [("CYCLE", "newParentId")],
        ),
        (
            "moveOrgUnit",
            {"id": office["id"], "newParentId": office["id"]},
            UNIT,
            [("CYCLE", "newParentId")],
        ),
        ("updateOrgUnit", {"id": office["id"], "name": ""}, UNIT, [("REQUIRED", "name")]),
        (
            "updateOrgUnit",
            {"id": office["id"], "name": "新名", "expectedVersion": 99},
            UNIT,
            [("CONFLICT", "expectedVersion")],
        ),
        ("deleteOrgUnit", {"id": office["id"]}, "deletedId ", [("IN_USE", "id")]),
        (
            "createUser",
            {"username": "bad name!", "displayName": "", "orgUnitIds": []},
            USER,
            [("INVALID", "username"), ("REQUIRED", "displayName"), ("REQUIRED", "orgUnitIds")],
        ),
        (
            "createUser",
            {"username": "admin", "displayName": "重名", "orgUnitIds": [office["id"]]},
            USER,
            [("DUPLICATE", "username")],
        ),
        (
            "createRole",
            {"code": "tenant_admin", "name": "x", "permissions": [], "dataScope": "SELF"},
            "role { id } ",
            [("DUPLICATE", "code")],
        ),
        (
            "createRole",
            {"code": "ops", "name": "x", "permissions": ["PLATFORM_ADMIN"], "dataScope": "SELF"},
            "role { id } ",
            [("INVALID", "permissions")],
        ),
    ]
    for name, given, selection, expected in cases:
        result = await gql.mutate(name, given, selection, token=token)
        got = [(e["code"], e["field"][-1]) for e in result["errors"]]
        assert got == expected, (name, given, result)
        assert all(e["message"] for e in result["errors"])
    assert await snapshot(department) == before


async def test_users_and_roles_round_trip(gql: GraphQL, make_department) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    root = gid("OrgUnit", (await department.scope.query(OrgUnit).get(parent_id=None)).id)
    office = (
        await gql.mutate("createOrgUnit", {"name": "办公室", "parentId": root}, UNIT, token=token)
    )["orgUnit"]
    created = await gql.mutate(
        "createUser",
        {
            "username": "chen.jing",
            "displayName": "陈静",
            "orgUnitIds": [office["id"], root],
            "primaryOrgUnitId": office["id"],
            "email": "chen.jing@example.gov.cn",
        },
        USER,
        token=token,
    )
    assert created["errors"] == []
    user = created["user"]
    assert user["primaryOrgUnit"] == {"name": "办公室"}
    assert len(user["orgUnits"]) == 2

    role = await gql.mutate(
        "createRole",
        {
            "code": "dispatcher",
            "name": "收发员",
            "permissions": ["DIRECTORY_MANAGE"],
            "dataScope": "ORG_UNIT_AND_BELOW",
        },
        "role { id code permissions dataScope } ",
        token=token,
    )
    assert role["role"]["dataScope"] == "ORG_UNIT_AND_BELOW"
    assigned = await gql.mutate(
        "assignRole",
        {"userId": user["id"], "roleId": role["role"]["id"], "orgUnitId": office["id"]},
        "roleAssignment { id role { code } orgUnit { name } user { username } } ",
        token=token,
    )
    assert assigned["roleAssignment"]["orgUnit"] == {"name": "办公室"}
    twice = await gql.mutate(
        "assignRole",
        {"userId": user["id"], "roleId": role["role"]["id"], "orgUnitId": office["id"]},
        "roleAssignment { id } ",
        token=token,
    )
    assert [e["code"] for e in twice["errors"]] == ["DUPLICATE"]

    held = await gql.mutate("deleteRole", {"id": role["role"]["id"]}, "deletedId ", token=token)
    assert [e["code"] for e in held["errors"]] == ["IN_USE"]
    updated = await gql.mutate(
        "updateUser",
        {"id": user["id"], "displayName": "陈静怡", "status": "DISABLED", "expectedVersion": 1},
        "user { displayName status version } ",
        token=token,
    )
    assert updated["user"] == {"displayName": "陈静怡", "status": "DISABLED", "version": 2}
    filtered = await gql(
        "query($r: ID!) { users(filter: {roleId: $r, status: DISABLED})"
        " { edges { node { username } } } }",
        {"r": role["role"]["id"]},
        token=token,
    )
    assert [e["node"]["username"] for e in filtered.data["users"]["edges"]] == ["chen.jing"]


async def test_unit_administrators_manage_only_their_subtree(gql: GraphQL, make_department):
    department = await make_department()
    admin = gql.token(department.admin, department.tenant)
    root = gid("OrgUnit", (await department.scope.query(OrgUnit).get(parent_id=None)).id)
    units = {}
    for name in ("办公室", "规划处"):
        units[name] = (
            await gql.mutate("createOrgUnit", {"name": name, "parentId": root}, UNIT, token=admin)
        )["orgUnit"]["id"]
    manager = (
        await gql.mutate(
            "createUser",
            {"username": "office.head", "displayName": "主任", "orgUnitIds": [units["办公室"]]},
            USER,
            token=admin,
        )
    )["user"]
    role = (
        await gql.mutate(
            "createRole",
            {
                "code": "unit_admin",
                "name": "处室管理员",
                "permissions": ["DIRECTORY_MANAGE"],
                "dataScope": "ORG_UNIT_AND_BELOW",
            },
            "role { id } ",
            token=admin,
        )
    )["role"]["id"]
    await gql.mutate(
        "assignRole",
        {"userId": manager["id"], "roleId": role},
        "roleAssignment { id } ",
        token=admin,
    )
    head = await department.scope.query(User).get(username="office.head")
    token = gql.token(head, department.tenant)

    inside = await gql.mutate(
        "createUser",
        {"username": "new.clerk", "displayName": "新文书", "orgUnitIds": [units["办公室"]]},
        USER,
        token=token,
    )
    assert inside["errors"] == []
    outside = await gql.mutate(
        "createUser",
        {"username": "intruder", "displayName": "越权", "orgUnitIds": [units["规划处"]]},
        USER,
        token=token,
    )
    assert [e["code"] for e in outside["errors"]] == ["FORBIDDEN"]
    escalate = await gql.mutate(
        "assignRole",
        {
            "userId": inside["user"]["id"],
            "roleId": gid("Role", (await department.scope.query(Role).get(code="tenant_admin")).id),
        },
        "roleAssignment { id } ",
        token=token,
    )
    assert [e["code"] for e in escalate["errors"]] == ["FORBIDDEN"]
    assert not await department.scope.query(User).filter(username="intruder").exists()


async def test_a_tenant_keeps_one_administrator(gql: GraphQL, make_department) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    assignment = await department.scope.query(RoleAssignment).get(
        user_id=department.admin.id, role__code="tenant_admin"
    )
    result = await gql.mutate(
        "unassignRole",
        {"id": gid("RoleAssignment", assignment.id)},
        "roleAssignment { id } ",
        token=token,
    )
    assert [e["code"] for e in result["errors"]] == ["INVALID_STATE"]
    assert await department.scope.query(RoleAssignment).filter(id=assignment.id).exists()
