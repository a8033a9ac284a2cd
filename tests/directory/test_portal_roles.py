"""The portal's role names for a person (SCIM `roles`, a sign-in's roles claim): kept as sent,
and the roles the map owns granted or taken away to match, each change recorded."""

from __future__ import annotations

import uuid

from models.access import DataScope
from models.audit import AuditEntry
from models.directory import Role, RoleAssignment, User
from services import directory
from tests.conftest import Department
from tests.directory.support import recorded, refused, root_of, unit_admin

MAP = {"处长": "chief", "科员": "clerk", "无此角色": "missing"}


async def held(department: Department, user: User) -> list[tuple[str, str]]:
    rows = await department.scope.query(RoleAssignment).filter(user_id=user.id)
    codes = {r.id: r.code for r in await department.scope.query(Role)}
    return sorted((codes[a.role_id], str(a.org_unit_id or "")) for a in rows)


async def test_portal_roles_grant_and_take_away_only_the_mapped_roles(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    for code in ("chief", "clerk", "other"):
        await directory.create_role(
            actor, code=code, name=code, permissions=[], data_scope=DataScope.SELF
        )
    user = await directory.create_user(
        actor, username="chen", display_name="陈", org_unit_ids=[root.id]
    )
    roles = {r.code: r for r in await department.scope.query(Role)}
    await directory.assign_role(actor, user_id=user.id, role_id=roles["other"].id)
    anchored = await directory.assign_role(
        actor, user_id=user.id, role_id=roles["clerk"].id, org_unit_id=root.id
    )

    names = ["科员", "", "处长", "科员", "外部角色", "无此角色"]
    assert await directory.set_portal_roles(actor, user_id=str(user.id), names=names, role_map=MAP)
    assert await held(department, user) == [
        ("chief", ""),
        ("clerk", ""),
        ("clerk", str(root.id)),
        ("other", ""),
    ]
    row = await department.scope.query(User).get(id=user.id)
    assert (row.portal_roles, row.version) == (["科员", "处长", "外部角色", "无此角色"], 2)
    grants = await department.scope.query(RoleAssignment).filter(
        user_id=user.id, org_unit_id=None, role_id__in=[roles["chief"].id, roles["clerk"].id]
    )
    by_role = {a.role_id: a for a in grants}
    for code in ("chief", "clerk"):
        assert await recorded(
            actor, "role.assigned", "RoleAssignment", by_role[roles[code].id].id
        ) == [{"userId": str(user.id), "role": code, "source": "portal"}]
    entries = await AuditEntry.filter(
        tenant_id=department.tenant.id, action="role.assigned", data__contains={"source": "portal"}
    ).order_by("seq")
    assert [e.data["role"] for e in entries] == ["chief", "clerk"], "in the order of the codes"
    assert await recorded(actor, "user.updated", "User", user.id) == [
        {"portalRoles": ["科员", "处长", "外部角色", "无此角色"]}
    ]

    same = ["科员", "处长", "外部角色", "无此角色"]
    assert not await directory.set_portal_roles(actor, user_id=user.id, names=same, role_map=MAP)
    assert (await department.scope.query(User).get(id=user.id)).version == 2

    chief = by_role[roles["chief"].id]
    assert await directory.set_portal_roles(actor, user_id=user.id, names=["科员"], role_map=MAP)
    assert await held(department, user) == [("clerk", ""), ("clerk", str(root.id)), ("other", "")]
    assert await recorded(actor, "role.unassigned", "RoleAssignment", chief.id) == [
        {"userId": str(user.id), "role": "chief", "source": "portal"}
    ]
    assert (await department.scope.query(User).get(id=user.id)).portal_roles == ["科员"]

    assert await directory.set_portal_roles(actor, user_id=user.id, names=[""], role_map=MAP)
    row = await department.scope.query(User).get(id=user.id)
    assert (row.portal_roles, row.version) == (None, 4)
    assert await held(department, user) == [("clerk", str(root.id)), ("other", "")]
    assert (await recorded(actor, "user.updated", "User", user.id))[-1] == {"portalRoles": []}
    assert anchored.org_unit_id == root.id
    assert not await directory.set_portal_roles(actor, user_id=user.id, names=[], role_map=MAP)


async def test_a_role_already_held_is_not_granted_twice(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    clerk = await directory.create_role(
        actor, code="clerk", name="clerk", permissions=[], data_scope=DataScope.SELF
    )
    user = await directory.create_user(
        actor, username="li", display_name="李", org_unit_ids=[root.id]
    )
    await directory.assign_role(actor, user_id=user.id, role_id=clerk.id)
    await User.filter(id=user.id).update(portal_roles=["科员"])
    assert not await directory.set_portal_roles(
        actor, user_id=user.id, names=["科员"], role_map=MAP
    )
    assert await department.scope.query(RoleAssignment).filter(role_id=clerk.id).count() == 1


async def test_only_tenant_administrators_set_portal_roles(make_department) -> None:
    department = await make_department()
    _, head, head_actor = await unit_admin(department)
    assert await refused(
        directory.set_portal_roles(head_actor, user_id=head.id, names=["x"], role_map={})
    ) == [("FORBIDDEN", "You lack the permission tenant.admin", None)]
    assert await refused(
        directory.set_portal_roles(department.actor, user_id=uuid.uuid4(), names=[], role_map={})
    ) == [("NOT_FOUND", "User not found", ("id",))]
    assert (await department.scope.query(User).get(id=head.id)).portal_roles is None
