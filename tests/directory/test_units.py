"""Org units called as services: created, changed, moved with their subtree, deleted when
empty, and who may change which; every refusal's words
and field, every audit entry and event."""

from __future__ import annotations

import uuid

from models.directory import OrgUnit, RoleAssignment
from services import directory
from tests.directory.support import recorded, refused, root_of, row, unit, unit_admin


async def test_an_org_unit_is_created_under_its_parent_and_recorded(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office = await directory.create_org_unit(
        actor,
        name=" 办公室 ",
        parent_id=str(root.id),
        code=" office ",
        external_id=" ext-1 ",
        leader_id=str(department.admin.id),
        sort_order=3,
    )
    stored = await row(department, office)
    assert (stored.name, stored.code, stored.external_id, stored.sort_order) == (
        "办公室",
        "office",
        "ext-1",
        3,
    )
    assert (stored.parent_id, stored.leader_id, stored.depth, stored.version) == (
        root.id,
        department.admin.id,
        1,
        1,
    )
    assert stored.path == f"{root.path}{office.id.hex}/"
    assert await recorded(actor, "org_unit.created", "OrgUnit", office.id) == [
        {"name": "办公室", "parentId": str(root.id)}
    ]
    child = await unit(department, "秘书科", office)
    stored = await row(department, child)
    assert (stored.depth, stored.code, stored.external_id, stored.leader_id) == (
        2,
        None,
        None,
        None,
    )
    assert (stored.path, stored.sort_order) == (f"{root.path}{office.id.hex}/{child.id.hex}/", 0)
    top = await directory.create_org_unit(actor, name="另一棵", parent_id=None)
    stored = await row(department, top)
    assert (stored.parent_id, stored.depth, stored.path) == (None, 0, f"/{top.id.hex}/")


async def test_an_org_unit_is_refused_with_the_reason(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    await unit(department, "办公室", root, code="office", external_id="ext-1")
    create = directory.create_org_unit
    assert await refused(create(actor, name=" ", parent_id=root.id, code="1x")) == [
        ("REQUIRED", "name must not be empty", ("name",)),
        (
            "INVALID",
            "code must start with a letter and hold only letters, digits, '_' or '-' (at most 64)",
            ("code",),
        ),
    ]
    assert await refused(create(actor, name="x", parent_id=root.id, external_id="e" * 256)) == [
        ("TOO_LONG", "externalId is longer than 255 characters", ("externalId",))
    ]
    assert await refused(create(actor, name="x", parent_id=root.id, code="office")) == [
        ("DUPLICATE", "The org unit code 'office' is taken", ("code",))
    ]
    assert await refused(create(actor, name="x", parent_id=root.id, external_id="ext-1")) == [
        ("DUPLICATE", "The external id 'ext-1' is taken", ("externalId",))
    ]
    assert await refused(create(actor, name="x", parent_id=uuid.uuid4())) == [
        ("NOT_FOUND", "Parent org unit not found", ("parentId",))
    ]
    assert await refused(create(actor, name="x", parent_id=root.id, leader_id=uuid.uuid4())) == [
        ("NOT_FOUND", "Leader not found", ("leaderId",))
    ]
    gone = await unit(department, "撤销处", root)
    await directory.archive_org_unit(actor, id=gone.id)
    assert await refused(create(actor, name="x", parent_id=gone.id)) == [
        ("INVALID_STATE", "The org unit '撤销处' is archived", ("parentId",))
    ]
    assert await refused(create(None, name="x", parent_id=root.id)) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    assert await department.scope.query(OrgUnit).filter(name="x").count() == 0
    made = await create(actor, name="n" * 200, parent_id=root.id, external_id="e" * 255)
    assert (made.name, made.external_id) == ("n" * 200, "e" * 255)
    assert await refused(create(actor, name="n" * 201, parent_id=root.id)) == [
        ("TOO_LONG", "name is longer than 200 characters", ("name",))
    ]


async def test_an_org_unit_changes_and_records_what_changed(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office = await unit(department, "办公室", root, code="office", external_id="ext-1")
    await unit(department, "规划处", root, code="planning", external_id="ext-2")
    same = await directory.update_org_unit(
        actor, id=office.id, name="办公室", code="office", external_id="ext-1", sort_order=0
    )
    assert same.version == 1
    changed = await directory.update_org_unit(
        actor,
        id=str(office.id),
        name=" 综合办 ",
        code=" general ",
        external_id=" ext-9 ",
        leader_id=str(department.admin.id),
        sort_order=5,
        expected_version=1,
    )
    stored = await row(department, office)
    assert (stored.name, stored.code, stored.external_id, stored.leader_id) == (
        "综合办",
        "general",
        "ext-9",
        department.admin.id,
    )
    assert (stored.sort_order, stored.version, changed.version) == (5, 2, 2)
    assert await recorded(actor, "org_unit.updated", "OrgUnit", office.id) == [
        {
            "name": "综合办",
            "code": "general",
            "external_id": "ext-9",
            "leader_id": str(department.admin.id),
            "sort_order": 5,
        }
    ]
    cleared = await directory.update_org_unit(
        actor, id=office.id, code=None, external_id=None, leader_id=None
    )
    stored = await row(department, office)
    assert (stored.code, stored.external_id, stored.leader_id, cleared.version) == (
        None,
        None,
        None,
        3,
    )
    update = directory.update_org_unit
    assert await refused(update(actor, id=office.id, code="planning")) == [
        ("DUPLICATE", "The org unit code 'planning' is taken", ("code",))
    ]
    assert await refused(update(actor, id=office.id, external_id="ext-2")) == [
        ("DUPLICATE", "The external id 'ext-2' is taken", ("externalId",))
    ]
    assert await refused(update(actor, id=office.id, leader_id=uuid.uuid4())) == [
        ("NOT_FOUND", "Leader not found", ("leaderId",))
    ]
    assert await refused(update(actor, id=office.id, name="", code="-", external_id="e" * 256)) == [
        ("REQUIRED", "name must not be empty", ("name",)),
        (
            "INVALID",
            "code must start with a letter and hold only letters, digits, '_' or '-' (at most 64)",
            ("code",),
        ),
        ("TOO_LONG", "externalId is longer than 255 characters", ("externalId",)),
    ]
    assert await refused(update(actor, id=office.id, name="y", expected_version=2)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 3, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(update(actor, id=uuid.uuid4(), name="y")) == [
        ("NOT_FOUND", "Org unit not found", ("id",))
    ]
    assert (await row(department, office)).version == 3


async def test_a_move_rehangs_the_subtree_and_records_it(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office = await unit(department, "办公室", root)
    secretariat = await unit(department, "秘书科", office)
    archive = await unit(department, "档案室", secretariat)
    planning = await unit(department, "规划处", root)
    bystander = await unit(department, "旁观", planning)

    same = await directory.move_org_unit(actor, id=secretariat.id, new_parent_id=office.id)
    assert same.version == 1
    moved = await directory.move_org_unit(
        actor, id=str(secretariat.id), new_parent_id=str(bystander.id), expected_version=1
    )
    assert (moved.parent_id, moved.depth, moved.version) == (bystander.id, 3, 2)
    rows = {u.id: u for u in await department.scope.query(OrgUnit)}
    assert rows[secretariat.id].path == f"{rows[bystander.id].path}{secretariat.id.hex}/"
    assert rows[archive.id].path == f"{rows[secretariat.id].path}{archive.id.hex}/"
    assert (rows[secretariat.id].depth, rows[archive.id].depth) == (3, 4)
    assert (rows[secretariat.id].version, rows[archive.id].version) == (2, 1)
    assert (rows[archive.id].parent_id, rows[office.id].version) == (secretariat.id, 1)
    assert (rows[bystander.id].depth, rows[bystander.id].version) == (2, 1)
    assert await recorded(actor, "org_unit.moved", "OrgUnit", secretariat.id) == [
        {"to": str(bystander.id), "subtree": 2}
    ]
    top = await directory.move_org_unit(actor, id=secretariat.id, new_parent_id=None)
    assert (top.parent_id, top.depth, top.path) == (None, 0, f"/{secretariat.id.hex}/")
    assert (await row(department, archive)).depth == 1
    assert (await recorded(actor, "org_unit.moved", "OrgUnit", secretariat.id))[-1] == {
        "to": None,
        "subtree": 2,
    }
    back = await directory.move_org_unit(actor, id=secretariat.id, new_parent_id=office.id)
    assert (back.depth, (await row(department, archive)).depth) == (2, 3)

    move = directory.move_org_unit
    cycle = [
        (
            "CYCLE",
            "An org unit cannot move under itself or one of its own descendants",
            ("newParentId",),
        )
    ]
    assert await refused(move(actor, id=office.id, new_parent_id=archive.id)) == cycle
    assert await refused(move(actor, id=office.id, new_parent_id=office.id)) == cycle
    assert await refused(move(actor, id=office.id, new_parent_id=uuid.uuid4())) == [
        ("NOT_FOUND", "New parent not found", ("newParentId",))
    ]
    assert await refused(move(actor, id=uuid.uuid4(), new_parent_id=office.id)) == [
        ("NOT_FOUND", "Org unit not found", ("id",))
    ]
    assert await refused(
        move(actor, id=office.id, new_parent_id=planning.id, expected_version=9)
    ) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 1, you sent 9); reload it",
            ("expectedVersion",),
        )
    ]
    await directory.archive_org_unit(actor, id=bystander.id)
    assert await refused(move(actor, id=office.id, new_parent_id=bystander.id)) == [
        ("INVALID_STATE", "The org unit '旁观' is archived", ("newParentId",))
    ]
    assert await refused(move(actor, id=bystander.id, new_parent_id=office.id)) == [
        ("INVALID_STATE", "The org unit '旁观' is archived", ("id",))
    ]


async def test_only_an_empty_unit_is_deleted(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office = await unit(department, "办公室", root)
    child = await unit(department, "秘书科", office)
    assert await refused(directory.delete_org_unit(actor, id=office.id)) == [
        ("IN_USE", "Move or delete its child units first", ("id",))
    ]
    assert await directory.delete_org_unit(actor, id=str(child.id)) == child.id
    assert await recorded(actor, "org_unit.deleted", "OrgUnit", child.id) == [{"name": "秘书科"}]
    clerk = await directory.create_user(
        actor, username="clerk", display_name="文书", org_unit_ids=[office.id, root.id]
    )
    assert await refused(directory.delete_org_unit(actor, id=office.id)) == [
        ("IN_USE", "Move its members to another unit first", ("id",))
    ]
    await directory.update_user(
        actor, id=clerk.id, org_unit_ids=[root.id], primary_org_unit_id=root.id
    )
    member = await department.scope.query(RoleAssignment).get(
        user_id=department.admin.id, role__code="member"
    )
    anchored = await directory.assign_role(
        actor, user_id=clerk.id, role_id=member.role_id, org_unit_id=office.id
    )
    assert await refused(directory.delete_org_unit(actor, id=office.id)) == [
        ("IN_USE", "Roles are still anchored at this unit", ("id",))
    ]
    await directory.unassign_role(actor, id=anchored.id)
    await directory.delete_org_unit(actor, id=office.id)
    assert not await department.scope.query(OrgUnit).filter(id=office.id).exists()
    assert await refused(directory.delete_org_unit(actor, id=office.id)) == [
        ("NOT_FOUND", "Org unit not found", ("id",))
    ]


async def test_a_unit_administrator_changes_only_units_within_reach(make_department) -> None:
    department = await make_department()
    office, _, actor = await unit_admin(department)
    root = await root_of(department)
    planning = await unit(department, "规划处", root)
    inside = await directory.create_org_unit(actor, name="秘书科", parent_id=office.id)
    assert (await row(department, inside)).parent_id == office.id
    assert await recorded(actor, "org_unit.created", "OrgUnit", inside.id) == [
        {"name": "秘书科", "parentId": str(office.id)}
    ]
    archive = await directory.create_org_unit(actor, name="档案室", parent_id=office.id)
    moved = await directory.move_org_unit(actor, id=inside.id, new_parent_id=archive.id)
    assert (moved.parent_id, moved.depth) == (archive.id, 3)
    assert await recorded(actor, "org_unit.moved", "OrgUnit", inside.id) == [
        {"to": str(archive.id), "subtree": 1}
    ]
    await directory.move_org_unit(actor, id=inside.id, new_parent_id=office.id)
    lack = [("FORBIDDEN", "You lack the permission directory.manage", None)]
    assert await refused(directory.create_org_unit(actor, name="x", parent_id=root.id)) == lack
    assert await refused(directory.create_org_unit(actor, name="x", parent_id=None)) == lack
    assert await refused(directory.update_org_unit(actor, id=planning.id, name="x")) == lack
    assert (
        await refused(directory.move_org_unit(actor, id=planning.id, new_parent_id=office.id))
        == lack
    )
    assert await refused(directory.move_org_unit(actor, id=inside.id, new_parent_id=root.id)) == (
        lack
    )
    assert await refused(directory.move_org_unit(actor, id=inside.id, new_parent_id=None)) == (lack)
    assert await refused(directory.delete_org_unit(actor, id=planning.id)) == lack
    assert await refused(directory.archive_org_unit(actor, id=planning.id)) == lack
    assert (await row(department, planning)).version == 1
    assert (await row(department, inside)).parent_id == office.id
    assert await refused(directory.archive_org_unit(None, id=planning.id)) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
