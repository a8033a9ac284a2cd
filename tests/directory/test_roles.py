"""Roles and their assignment, called as services: every refusal's words and field, every audit
entry and event, nobody handing out more than they hold, and the last administrator kept."""

from __future__ import annotations

import uuid

from auth.viewer import actor_for
from models.access import DataScope
from models.directory import OrgUnit, Role, RoleAssignment, User, UserStatus
from services import directory
from tests.directory.support import recorded, refused, root_of, unit_admin


async def test_a_role_is_created_with_sorted_permissions_and_recorded(make_department) -> None:
    department = await make_department()
    role = await directory.create_role(
        department.actor,
        code=" clerk ",
        name=" 文书 ",
        description="  收发文件 ",
        permissions=["forms.manage", "documents.read", "forms.manage"],
        data_scope=DataScope.ORG_UNIT,
    )
    row = await department.scope.query(Role).get(id=role.id)
    assert (row.code, row.name, row.description, row.permissions, row.data_scope) == (
        "clerk",
        "文书",
        "收发文件",
        ["documents.read", "forms.manage"],
        DataScope.ORG_UNIT,
    )
    assert (row.is_system, row.version) == (False, 1)
    assert await recorded(department.actor, "role.created", "Role", role.id) == [
        {
            "code": "clerk",
            "permissions": ["documents.read", "forms.manage"],
            "dataScope": "org_unit",
        }
    ]
    assert await refused(
        directory.create_role(
            department.actor, code="clerk", name="x", permissions=[], data_scope=DataScope.SELF
        )
    ) == [("DUPLICATE", "The role code 'clerk' is taken", ("code",))]
    assert await refused(
        directory.create_role(
            department.actor,
            code="",
            name="n" * 101,
            permissions=["nope", "platform.admin"],
            data_scope=DataScope.SELF,
        )
    ) == [
        ("REQUIRED", "code must not be empty", ("code",)),
        ("TOO_LONG", "name is longer than 100 characters", ("name",)),
        ("INVALID", "Unknown permission 'nope'", ("permissions",)),
        ("INVALID", "Unknown permission 'platform.admin'", ("permissions",)),
    ]
    made = await directory.create_role(
        department.actor, code="n100", name="n" * 100, permissions=[], data_scope=DataScope.SELF
    )
    assert (made.name, made.description) == ("n" * 100, "")


async def test_only_tenant_admins_keep_roles_and_hand_out_only_what_they_hold(
    make_department,
) -> None:
    department = await make_department()
    _, _, head = await unit_admin(department)
    forbidden = [("FORBIDDEN", "You lack the permission tenant.admin", None)]
    role_input = {"code": "x", "name": "x", "permissions": [], "data_scope": DataScope.SELF}
    assert await refused(directory.create_role(head, **role_input)) == forbidden
    member = await department.scope.query(Role).get(code="member")
    assert await refused(directory.update_role(head, id=member.id, name="y")) == forbidden
    assert await refused(directory.delete_role(head, id=member.id)) == forbidden
    assert await refused(directory.create_role(None, **role_input)) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    # An administrator of the tenant without `bookings.manage` cannot give it either.
    admin = await department.scope.query(Role).get(code="tenant_admin")
    admin.permissions = [p for p in admin.permissions if p != "bookings.manage"]
    await admin.save()
    narrower = await actor_for(department.scope, department.admin, department.tenant)
    assert await refused(
        directory.create_role(narrower, **{**role_input, "permissions": ["bookings.manage"]})
    ) == [
        (
            "FORBIDDEN",
            "You cannot hand out 'bookings.manage': you do not hold it",
            ("permissions",),
        )
    ]


async def test_a_role_changes_and_a_system_role_keeps_its_grants(make_department) -> None:
    department = await make_department()
    actor = department.actor
    role = await directory.create_role(
        actor, code="clerk", name="文书", permissions=[], data_scope=DataScope.SELF
    )
    same = await directory.update_role(actor, id=role.id, name="文书", description="")
    assert same.version == 1, "nothing changed: no new version"
    changed = await directory.update_role(
        actor,
        id=role.id,
        name=" 收发员 ",
        description=" 管收发 ",
        permissions=["forms.manage", "documents.read"],
        data_scope=DataScope.ORG_UNIT,
        expected_version=1,
    )
    row = await department.scope.query(Role).get(id=role.id)
    assert (row.name, row.description, row.permissions, row.data_scope, row.version) == (
        "收发员",
        "管收发",
        ["documents.read", "forms.manage"],
        DataScope.ORG_UNIT,
        2,
    )
    assert changed.version == 2
    assert await recorded(actor, "role.updated", "Role", role.id) == [
        {
            "name": "收发员",
            "description": "管收发",
            "permissions": ["documents.read", "forms.manage"],
            "data_scope": "org_unit",
        }
    ]
    cleared = await directory.update_role(actor, id=role.id, description=None)
    assert (cleared.description, cleared.version) == ("", 3)
    assert await refused(directory.update_role(actor, id=role.id, name="", permissions=["x"])) == [
        ("REQUIRED", "name must not be empty", ("name",)),
        ("INVALID", "Unknown permission 'x'", ("permissions",)),
    ]
    assert await refused(directory.update_role(actor, id=role.id, expected_version=2)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 3, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(directory.update_role(actor, id=uuid.uuid4(), name="x")) == [
        ("NOT_FOUND", "Role not found", ("id",))
    ]
    system = await department.scope.query(Role).get(code="member")
    keeps = [("INVALID", "A system role keeps its permissions and data scope", ("permissions",))]
    assert await refused(directory.update_role(actor, id=system.id, permissions=[])) == keeps
    assert (
        await refused(directory.update_role(actor, id=system.id, data_scope=DataScope.SELF))
        == keeps
    )
    renamed = await directory.update_role(actor, id=system.id, name="普通用户")
    assert (renamed.name, renamed.version) == ("普通用户", 2)


async def test_a_role_is_deleted_only_unheld_and_never_a_system_one(make_department) -> None:
    department = await make_department()
    actor = department.actor
    role = await directory.create_role(
        actor, code="clerk", name="文书", permissions=[], data_scope=DataScope.SELF
    )
    held = await directory.assign_role(actor, user_id=department.admin.id, role_id=role.id)
    assert await refused(directory.delete_role(actor, id=role.id)) == [
        ("IN_USE", "Unassign the role from its holders first", ("id",))
    ]
    await directory.unassign_role(actor, id=held.id)
    assert await directory.delete_role(actor, id=role.id) == role.id
    assert not await department.scope.query(Role).filter(id=role.id).exists()
    assert await recorded(actor, "role.deleted", "Role", role.id) == [{"code": "clerk"}]
    system = await department.scope.query(Role).get(code="member")
    assert await refused(directory.delete_role(actor, id=system.id)) == [
        ("INVALID", "A system role cannot be deleted", ("id",))
    ]
    assert await refused(directory.delete_role(actor, id="nope")) == [
        ("NOT_FOUND", "Role not found", ("id",))
    ]


async def test_a_role_is_assigned_anchored_or_not_and_recorded(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    user = await directory.create_user(
        actor, username="chen", display_name="陈", org_unit_ids=[root.id]
    )
    role = await directory.create_role(
        actor, code="clerk", name="文书", permissions=["forms.manage"], data_scope=DataScope.SELF
    )
    plain = await directory.assign_role(actor, user_id=user.id, role_id=role.id)
    anchored = await directory.assign_role(
        actor, user_id=str(user.id), role_id=str(role.id), org_unit_id=str(root.id)
    )
    rows = await department.scope.query(RoleAssignment).filter(role_id=role.id).order_by("id")
    assert [(a.id, a.user_id, a.org_unit_id) for a in rows] == [
        (plain.id, user.id, None),
        (anchored.id, user.id, root.id),
    ]
    assert await recorded(actor, "role.assigned", "RoleAssignment", plain.id) == [
        {"userId": str(user.id), "role": "clerk", "orgUnitId": None}
    ]
    assert await recorded(actor, "role.assigned", "RoleAssignment", anchored.id) == [
        {"userId": str(user.id), "role": "clerk", "orgUnitId": str(root.id)}
    ]
    duplicate = [("DUPLICATE", "The user already holds this role there", ("roleId",))]
    assert await refused(directory.assign_role(actor, user_id=user.id, role_id=role.id)) == (
        duplicate
    )
    assert (
        await refused(
            directory.assign_role(actor, user_id=user.id, role_id=role.id, org_unit_id=root.id)
        )
        == duplicate
    )
    missing = uuid.uuid4()
    assert await refused(directory.assign_role(actor, user_id=missing, role_id=role.id)) == [
        ("NOT_FOUND", "User not found", ("userId",))
    ]
    assert await refused(directory.assign_role(actor, user_id=user.id, role_id=missing)) == [
        ("NOT_FOUND", "Role not found", ("roleId",))
    ]
    assert await refused(
        directory.assign_role(actor, user_id=user.id, role_id=role.id, org_unit_id=missing)
    ) == [("NOT_FOUND", "Org unit not found", ("orgUnitId",))]
    assert await refused(directory.assign_role(None, user_id=user.id, role_id=role.id)) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    assert await department.scope.query(RoleAssignment).filter(role_id=role.id).count() == 2


async def test_a_unit_administrator_assigns_within_their_units_and_grants(make_department):
    department = await make_department()
    office, head, actor = await unit_admin(department)
    root = await root_of(department)
    clerk = await directory.create_user(
        department.actor, username="clerk", display_name="文书", org_unit_ids=[office.id]
    )
    outsider = await directory.create_user(
        department.actor, username="out", display_name="外人", org_unit_ids=[root.id]
    )
    same = await department.scope.query(Role).get(code="unit_admin")
    granted = await directory.assign_role(
        actor, user_id=clerk.id, role_id=same.id, org_unit_id=office.id
    )
    assert await recorded(actor, "role.assigned", "RoleAssignment", granted.id) == [
        {"userId": str(clerk.id), "role": "unit_admin", "orgUnitId": str(office.id)}
    ]
    lack = [("FORBIDDEN", "You lack the permission directory.manage", None)]
    assert await refused(directory.assign_role(actor, user_id=outsider.id, role_id=same.id)) == (
        lack
    )
    assert (
        await refused(
            directory.assign_role(actor, user_id=clerk.id, role_id=same.id, org_unit_id=root.id)
        )
        == lack
    )
    tenant_admin = await department.scope.query(Role).get(code="tenant_admin")
    assert await refused(
        directory.assign_role(actor, user_id=clerk.id, role_id=tenant_admin.id)
    ) == [
        (
            "FORBIDDEN",
            "The role 'tenant_admin' reaches further than your own grants",
            ("roleId",),
        )
    ]
    # The same permissions, scope by scope: up to the actor's own scope, not one step wider.
    for scope, allowed in [
        (DataScope.SELF, True),
        (DataScope.ORG_UNIT, True),
        (DataScope.ORG_UNIT_AND_BELOW, True),
        (DataScope.TENANT, False),
    ]:
        role = await directory.create_role(
            department.actor,
            code=f"r_{scope.value}",
            name=scope.value,
            permissions=["directory.manage"],
            data_scope=scope,
        )
        call = directory.assign_role(actor, user_id=clerk.id, role_id=role.id)
        if allowed:
            assert (await call).role_id == role.id
        else:
            assert [r[0] for r in await refused(call)] == ["FORBIDDEN"]
    reader = await directory.create_role(
        department.actor,
        code="reader",
        name="reader",
        permissions=["documents.read"],
        data_scope=DataScope.SELF,
    )
    assert [
        r[2]
        for r in await refused(directory.assign_role(actor, user_id=clerk.id, role_id=reader.id))
    ] == [("roleId",)]
    # One with no directory.manage at all manages no one.
    none = await actor_for(department.scope, outsider, department.tenant)
    assert await refused(directory.assign_role(none, user_id=outsider.id, role_id=reader.id)) == (
        lack
    )
    assert head.id != clerk.id


async def test_unassigning_is_recorded_and_keeps_one_active_administrator(make_department):
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    admin_role = await department.scope.query(Role).get(code="tenant_admin")
    mine = await department.scope.query(RoleAssignment).get(
        user_id=department.admin.id, role_id=admin_role.id
    )
    last = [("INVALID_STATE", "A tenant keeps at least one active administrator", ("id",))]
    assert await refused(directory.unassign_role(actor, id=mine.id)) == last
    deputy = await directory.create_user(
        actor, username="deputy", display_name="副", org_unit_ids=[root.id]
    )
    # Another role granting tenant.admin counts too, but only for an active holder.
    other = await directory.create_role(
        actor,
        code="admin2",
        name="admin2",
        permissions=["tenant.admin"],
        data_scope=DataScope.TENANT,
    )
    theirs = await directory.assign_role(actor, user_id=deputy.id, role_id=other.id)
    await User.filter(id=deputy.id).update(status=UserStatus.DISABLED)
    assert await refused(directory.unassign_role(actor, id=mine.id)) == last
    await User.filter(id=deputy.id).update(status=UserStatus.ACTIVE)
    gone = await directory.unassign_role(actor, id=str(mine.id))
    assert gone.id == mine.id
    assert not await department.scope.query(RoleAssignment).filter(id=mine.id).exists()
    assert await recorded(actor, "role.unassigned", "RoleAssignment", mine.id) == [
        {"userId": str(department.admin.id), "role": "tenant_admin"}
    ]
    assert await refused(directory.unassign_role(actor, id=theirs.id)) == last
    assert await refused(directory.unassign_role(actor, id=mine.id)) == [
        ("NOT_FOUND", "Role assignment not found", ("id",))
    ]
    member = await department.scope.query(Role).get(code="member")
    plain = await department.scope.query(RoleAssignment).get(
        user_id=department.admin.id, role_id=member.id
    )
    await directory.unassign_role(actor, id=plain.id)
    assert await recorded(actor, "role.unassigned", "RoleAssignment", plain.id) == [
        {"userId": str(department.admin.id), "role": "member"}
    ]


async def test_a_unit_administrator_unassigns_only_within_reach(make_department) -> None:
    department = await make_department()
    office, _, actor = await unit_admin(department)
    root = await root_of(department)
    outsider = await directory.create_user(
        department.actor, username="out", display_name="外人", org_unit_ids=[root.id]
    )
    clerk = await directory.create_user(
        department.actor, username="clerk", display_name="文书", org_unit_ids=[office.id]
    )
    member = await department.scope.query(Role).get(code="member")
    theirs = await directory.assign_role(department.actor, user_id=outsider.id, role_id=member.id)
    assert await refused(directory.unassign_role(actor, id=theirs.id)) == [
        ("FORBIDDEN", "You lack the permission directory.manage", None)
    ]
    admin_role = await department.scope.query(Role).get(code="tenant_admin")
    strong = await directory.assign_role(department.actor, user_id=clerk.id, role_id=admin_role.id)
    assert await refused(directory.unassign_role(actor, id=strong.id)) == [
        (
            "FORBIDDEN",
            "The role 'tenant_admin' reaches further than your own grants",
            ("roleId",),
        )
    ]
    assert await department.scope.query(RoleAssignment).filter(id=strong.id).exists()
    assert await OrgUnit.filter(id=office.id).exists()
