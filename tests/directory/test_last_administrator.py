"""A tenant keeps an active administrator whoever acts: a directory manager who is not one may
neither disable nor delete the last, and an assignment that holds nobody up may go."""

from __future__ import annotations

from auth.viewer import actor_for
from models.access import DataScope
from models.directory import Role, RoleAssignment, User, UserStatus
from services import directory
from tests.conftest import Department
from tests.directory.support import recorded, refused, root_of, snapshot

LAST = "A tenant keeps at least one active administrator"


async def personnel(department: Department):
    """人事: manages the whole directory, holds no `tenant.admin`."""
    root = await root_of(department)
    clerk = await directory.create_user(
        department.actor, username="hr", display_name="人事", org_unit_ids=[root.id]
    )
    role = await directory.create_role(
        department.actor,
        code="personnel",
        name="人事",
        permissions=["directory.manage"],
        data_scope=DataScope.TENANT,
    )
    await directory.assign_role(department.actor, user_id=clerk.id, role_id=role.id)
    return await actor_for(department.scope, clerk, department.tenant)


async def test_the_last_administrator_is_neither_disabled_nor_deleted(make_department) -> None:
    department = await make_department()
    hr = await personnel(department)
    admin = department.admin
    before = await snapshot(department)
    for status in (UserStatus.DISABLED, UserStatus.DEPROVISIONED):
        assert await refused(directory.update_user(hr, id=admin.id, status=status)) == [
            ("INVALID_STATE", LAST, ("status",))
        ]
    assert await refused(directory.delete_user(hr, id=admin.id)) == [
        ("INVALID_STATE", LAST, ("id",))
    ]
    assert await snapshot(department) == before
    assert (await User.get(id=admin.id)).status == UserStatus.ACTIVE
    # Other changes to the administrator are not refused.
    await directory.update_user(hr, id=admin.id, title="局长")
    await directory.update_user(hr, id=admin.id, status=UserStatus.ACTIVE)

    root = await root_of(department)
    deputy = await directory.create_user(
        department.actor, username="deputy", display_name="副局长", org_unit_ids=[root.id]
    )
    role = await department.scope.query(Role).get(code="tenant_admin")
    await directory.assign_role(department.actor, user_id=deputy.id, role_id=role.id)
    disabled = await directory.update_user(hr, id=admin.id, status=UserStatus.DISABLED)
    assert disabled.status == UserStatus.DISABLED
    assert await recorded(hr, "user.updated", "User", admin.id) == [
        {"title": "局长"},
        {"status": "disabled"},
    ]
    assert await refused(directory.update_user(hr, id=deputy.id, status="disabled")) == [
        ("INVALID_STATE", LAST, ("status",))
    ]


async def test_an_assignment_that_holds_nobody_up_may_go(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    role = await department.scope.query(Role).get(code="tenant_admin")
    second = await directory.create_role(
        actor,
        code="admin2",
        name="admin2",
        permissions=["tenant.admin"],
        data_scope=DataScope.TENANT,
    )
    mine = await department.scope.query(RoleAssignment).get(
        user_id=department.admin.id, role_id=role.id
    )
    # One holder with two administrator roles keeps one of them.
    spare = await directory.assign_role(actor, user_id=department.admin.id, role_id=second.id)
    await directory.unassign_role(actor, id=mine.id)
    assert await refused(directory.unassign_role(actor, id=spare.id)) == [
        ("INVALID_STATE", LAST, ("id",))
    ]
    # A disabled holder's assignment holds nobody up: the active administrator stays.
    former = await directory.create_user(
        actor, username="former", display_name="前任", org_unit_ids=[root.id]
    )
    theirs = await directory.assign_role(actor, user_id=former.id, role_id=second.id)
    await directory.update_user(actor, id=former.id, status=UserStatus.DISABLED)
    await directory.unassign_role(actor, id=theirs.id)
    assert not await RoleAssignment.filter(id=theirs.id).exists()
