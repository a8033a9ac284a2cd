"""A tenant administrator of A can neither read nor change anything of B, whatever ids it sends."""

from __future__ import annotations

from models.directory import OrgUnit, Role, RoleAssignment, User
from tests.conftest import GraphQL, gid
from tests.directory.support import snapshot


async def test_tenant_a_cannot_read_or_change_tenant_b(gql: GraphQL, make_department) -> None:
    a, b = await make_department(), await make_department()
    token = gql.token(a.admin, a.tenant)
    b_unit = await b.scope.query(OrgUnit).get(parent_id=None)
    b_role = await b.scope.query(Role).get(code="tenant_admin")
    b_assignment = await b.scope.query(RoleAssignment).filter(user_id=b.admin.id).first()
    assert b_assignment is not None
    b_ids = {
        "Tenant": gid("Tenant", b.tenant.id),
        "OrgUnit": gid("OrgUnit", b_unit.id),
        "User": gid("User", b.admin.id),
        "Role": gid("Role", b_role.id),
    }
    before = await snapshot(b)

    for type_name, global_id in b_ids.items():
        found = await gql(
            "query($id: ID!) { node(id: $id) { id } }", {"id": global_id}, token=token
        )
        assert found.data["node"] is None, type_name

    lists = await gql(
        "{ users(first: 100) { edges { node { id } } }"
        " roles(first: 100) { edges { node { id } } }"
        " orgUnits(first: 100) { edges { node { id } } }"
        " tenants(first: 100) { edges { node { id } } } }",
        token=token,
    )
    assert not set(b_ids.values()) & {
        edge["node"]["id"] for conn in lists.data.values() for edge in conn["edges"]
    }
    users_of_b = await gql(
        "query($u: ID!) { users(filter: {orgUnitId: $u}) { totalCount } }",
        {"u": b_ids["OrgUnit"]},
        token=token,
    )
    assert users_of_b.data["users"]["totalCount"] == 0

    a_unit = gid("OrgUnit", (await a.scope.query(OrgUnit).get(parent_id=None)).id)
    attempts = [
        ("updateOrgUnit", {"id": b_ids["OrgUnit"], "name": "hijacked"}, "orgUnit { id } "),
        ("moveOrgUnit", {"id": b_ids["OrgUnit"], "newParentId": a_unit}, "orgUnit { id } "),
        ("deleteOrgUnit", {"id": b_ids["OrgUnit"]}, "deletedId "),
        ("createOrgUnit", {"name": "planted", "parentId": b_ids["OrgUnit"]}, "orgUnit { id } "),
        ("updateUser", {"id": b_ids["User"], "displayName": "hijacked"}, "user { id } "),
        ("deleteUser", {"id": b_ids["User"]}, "deletedId "),
        (
            "createUser",
            {"username": "spy", "displayName": "spy", "orgUnitIds": [b_ids["OrgUnit"]]},
            "user { id } ",
        ),
        ("updateRole", {"id": b_ids["Role"], "name": "hijacked"}, "role { id } "),
        ("deleteRole", {"id": b_ids["Role"]}, "deletedId "),
        (
            "assignRole",
            {"userId": gid("User", a.admin.id), "roleId": b_ids["Role"]},
            "roleAssignment { id } ",
        ),
        ("unassignRole", {"id": gid("RoleAssignment", b_assignment.id)}, "roleAssignment { id } "),
        ("updateTenant", {"id": b_ids["Tenant"], "name": "hijacked"}, "tenant { id } "),
    ]
    for name, given, selection in attempts:
        result = await gql.mutate(name, given, selection, token=token)
        codes = {e["code"] for e in result["errors"]}
        assert codes, (name, result)
        assert codes <= {"NOT_FOUND", "FORBIDDEN"}, (name, result)
    assert await snapshot(b) == before
    assert not await a.scope.query(User).filter(username="spy").exists()
