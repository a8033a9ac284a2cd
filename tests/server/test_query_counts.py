"""DataLoaders keep the number of SQL statements flat as pages grow (no N+1)."""

from __future__ import annotations

from models.directory import OrgUnit, Role
from services import directory
from tests.conftest import GraphQL

USERS = """
query($n: Int!) { users(first: $n) { totalCount edges { node {
  username primaryOrgUnit { name parent { name } }
  orgUnits { name leader { displayName } }
  roleAssignments { role { code } orgUnit { name } user { username } }
} } } }
"""


async def test_user_list_statements_do_not_grow_with_the_page(
    gql: GraphQL, make_department, count_queries
) -> None:
    department = await make_department()
    actor, scope = department.actor, department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    units = [
        await directory.create_org_unit(actor, name=f"处室{i}", parent_id=root.id) for i in range(4)
    ]
    role = await scope.query(Role).get(code="member")
    for i in range(40):
        user = await directory.create_user(
            actor,
            username=f"user{i:02d}",
            display_name=f"用户{i:02d}",
            org_unit_ids=[units[i % 4].id, root.id],
        )
        await directory.assign_role(
            actor, user_id=user.id, role_id=role.id, org_unit_id=units[i % 4].id
        )
    token = gql.token(department.admin, department.tenant)

    await gql("{ viewer { user { id } } }", token=token)  # the first use records a sign-in
    counts = {}
    for size in (5, 40):
        with count_queries() as counted:
            result = await gql(USERS, {"n": size}, token=token)
        assert len(result.data["users"]["edges"]) == size
        counts[size] = counted()
    assert counts[5] == counts[40], counts
    assert 3 < counts[40] <= 14, counts
