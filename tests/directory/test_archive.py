"""An org unit the portal deleted (SCIM DELETE, or a pull that no longer lists it), archived: its
children move up to its parent, its members are released, each change recorded once."""

from __future__ import annotations

from models.directory import Membership, OrgUnit, User
from services import directory
from tests.directory.support import recorded, refused, root_of, row, unit


async def test_archiving_moves_children_up_and_releases_members(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office = await unit(department, "办公室", root)
    gone = await unit(department, "撤销处", office)
    child = await unit(department, "下属科", gone)
    grandchild = await unit(department, "下属组", child)
    only = await directory.create_user(
        actor, username="only", display_name="只在此", org_unit_ids=[gone.id]
    )
    both = await directory.create_user(
        actor,
        username="both",
        display_name="两处",
        org_unit_ids=[gone.id, child.id, root.id],
        primary_org_unit_id=gone.id,
    )
    kept = await directory.create_user(
        actor,
        username="kept",
        display_name="主在别处",
        org_unit_ids=[gone.id, root.id],
        primary_org_unit_id=root.id,
    )
    archived, moved = await directory.archive_org_unit(actor, id=str(gone.id), expected_version=1)
    assert (archived.id, moved, archived.version) == (gone.id, 3, 2)
    rows = {u.id: u for u in await department.scope.query(OrgUnit)}
    assert rows[gone.id].archived_at is not None
    assert (rows[child.id].parent_id, rows[child.id].depth, rows[child.id].version) == (
        office.id,
        2,
        2,
    )
    assert rows[child.id].path == f"{rows[office.id].path}{child.id.hex}/"
    assert (rows[grandchild.id].parent_id, rows[grandchild.id].depth) == (child.id, 3)
    assert (rows[grandchild.id].path, rows[grandchild.id].version) == (
        f"{rows[child.id].path}{grandchild.id.hex}/",
        1,
    )
    assert await recorded(actor, "org_unit.archived", "OrgUnit", gone.id) == [
        {"name": "撤销处", "children": 2, "members": 3}
    ]
    units = {
        u: {m.org_unit_id for m in await department.scope.query(Membership).filter(user_id=u)}
        for u in (only.id, both.id, kept.id)
    }
    assert units == {only.id: {office.id}, both.id: {child.id, root.id}, kept.id: {root.id}}
    users = {u.id: u for u in await department.scope.query(User)}
    assert [
        (users[u].primary_org_unit_id, users[u].version) for u in (only.id, both.id, kept.id)
    ] == [
        (office.id, 2),
        (child.id, 2),
        (root.id, 2),
    ]
    data = {
        u: await recorded(actor, "user.updated", "User", u) for u in (only.id, both.id, kept.id)
    }
    assert data == {
        only.id: [{"orgUnitIds": [str(office.id)], "archivedOrgUnitId": str(gone.id)}],
        both.id: [{"orgUnitIds": [str(child.id), str(root.id)], "archivedOrgUnitId": str(gone.id)}],
        kept.id: [{"orgUnitIds": [str(root.id)], "archivedOrgUnitId": str(gone.id)}],
    }
    again, none = await directory.archive_org_unit(actor, id=gone.id)
    assert (again.version, none) == (2, 0)
    assert len(await recorded(actor, "org_unit.archived", "OrgUnit", gone.id)) == 1


async def test_archiving_an_empty_leaf_and_what_is_refused(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    leaf = await unit(department, "空处", root)
    archived, moved = await directory.archive_org_unit(actor, id=leaf.id)
    assert (moved, archived.version) == (0, 2)
    assert await recorded(actor, "org_unit.archived", "OrgUnit", leaf.id) == [
        {"name": "空处", "children": 0, "members": 0}
    ]
    assert await refused(directory.archive_org_unit(actor, id=root.id)) == [
        ("INVALID", "The tenant's root unit cannot be archived", ("id",))
    ]
    other = await unit(department, "另一处", root)
    assert await refused(directory.archive_org_unit(actor, id=other.id, expected_version=2)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 1, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    assert (await row(department, other)).archived_at is None
    assert (await row(department, root)).archived_at is None
