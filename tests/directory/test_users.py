"""A user deleted (only one without history, never oneself or a unit's leader) and a user's
phone and units changed, through GraphQL on PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from auth.viewer import actor_for
from models.access import DataScope
from models.directory import Membership, OrgUnit, User
from services import directory
from services.errors import Code, ServiceError
from tests.conftest import Department, GraphQL, gid, key_of
from tests.directory.support import recorded, refused, root_of, unit_admin

USER = "user { id phone orgUnits { name } primaryOrgUnit { name } version } "


async def person(gql: GraphQL, department: Department, name: str, *units: str) -> dict[str, Any]:
    root = gid("OrgUnit", (await department.scope.query(OrgUnit).get(parent_id=None)).id)
    made = await gql.mutate(
        "createUser",
        {"username": name, "displayName": name, "orgUnitIds": list(units) or [root]},
        USER,
        token=gql.token(department.admin, department.tenant),
    )
    assert made["errors"] == []
    user: dict[str, Any] = made["user"]
    return user


def refusals(result: dict[str, Any]) -> list[tuple[str, str, list[str] | None]]:
    return [(e["code"], e["message"], e["field"]) for e in result["errors"]]


async def test_only_a_user_without_history_is_deleted(gql: GraphQL, make_department: Any) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)

    async def delete(user_id: str) -> dict[str, Any]:
        return await gql.mutate("deleteUser", {"id": user_id}, "deletedId ", token=token)

    assert refusals(await delete(gid("User", uuid.uuid4()))) == [
        ("NOT_FOUND", "User not found", ["input", "id"])
    ]
    assert refusals(await delete(gid("User", department.admin.id))) == [
        ("INVALID", "You cannot delete yourself", ["input", "id"])
    ]
    leader = await person(gql, department, "leader")
    await (
        department.scope.query(OrgUnit)
        .filter(parent_id=None)
        .update(leader_id=key_of(leader["id"]))
    )
    assert refusals(await delete(leader["id"])) == [
        ("IN_USE", "The user leads an org unit; name another leader", None)
    ]
    acted = await person(gql, department, "acted")
    feed = await gql.mutate(
        "createCalendarFeed",
        {"name": "手机"},
        "feed { id } ",
        token=gql.token(await User.get(id=key_of(acted["id"])), department.tenant),
    )
    assert feed["errors"] == [], "an audited action: she has history now"
    assert refusals(await delete(acted["id"])) == [
        ("IN_USE", "The user has history; set the status to disabled instead", ["input", "id"])
    ]
    fresh = await person(gql, department, "fresh")
    assert await delete(fresh["id"]) == {"deletedId": fresh["id"], "errors": []}
    assert not await department.scope.query(User).filter(id=key_of(fresh["id"])).exists()
    assert await recorded(department.actor, "user.deleted", "User", key_of(fresh["id"])) == [
        {"username": "fresh"}
    ]


async def test_a_unit_administrator_deletes_only_users_within_reach(make_department) -> None:
    department = await make_department()
    office, _, actor = await unit_admin(department)
    root = await root_of(department)
    inside, outside = [
        await directory.create_user(
            department.actor, username=name, display_name=name, org_unit_ids=[unit.id]
        )
        for name, unit in (("inside", office), ("outside", root))
    ]
    assert await refused(directory.delete_user(actor, id=outside.id)) == [
        ("FORBIDDEN", "You lack the permission directory.manage", None)
    ]
    assert await refused(directory.delete_user(None, id=outside.id)) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    assert await directory.delete_user(actor, id=str(inside.id)) == inside.id
    assert await recorded(actor, "user.deleted", "User", inside.id) == [{"username": "inside"}]
    remaining = {u.username for u in await department.scope.query(User)}
    assert remaining == {"admin", "head", "outside"}


async def test_a_users_phone_and_units_change(gql: GraphQL, make_department: Any) -> None:
    department = await make_department()
    token = gql.token(department.admin, department.tenant)
    root = gid("OrgUnit", (await department.scope.query(OrgUnit).get(parent_id=None)).id)
    office = await gql.mutate(
        "createOrgUnit", {"name": "办公室", "parentId": root}, "orgUnit { id } ", token=token
    )
    user = await person(gql, department, "chen")

    async def update(**values: Any) -> dict[str, Any]:
        return await gql.mutate("updateUser", {"id": user["id"], **values}, USER, token=token)

    assert (await update(phone=" 13900000000 "))["user"]["phone"] == "13900000000"
    assert refusals(await update(phone="1" * 33)) == [
        ("TOO_LONG", "phone is longer than 32 characters", ["input", "phone"])
    ]
    assert (await update(phone="1" * 32))["user"]["phone"] == "1" * 32
    moved = await update(orgUnitIds=[root, office["orgUnit"]["id"]])
    assert sorted(u["name"] for u in moved["user"]["orgUnits"]) == sorted(
        [(await department.scope.query(OrgUnit).get(parent_id=None)).name, "办公室"]
    )
    members = department.scope.query(Membership).filter(user_id=key_of(user["id"]))
    assert await members.count() == 2


async def test_the_portals_renames_and_phone_lists_reach_the_user(make_department: Any) -> None:
    """What SCIM sends that GraphQL does not: a new username (unique, ignoring case) and the
    list of phones, whose primary one is the phone."""
    department = await make_department()
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    made = await directory.create_user(
        department.actor, username="li.na", display_name="李娜", org_unit_ids=[root.id]
    )
    with pytest.raises(ServiceError) as taken:
        await directory.update_user(department.actor, id=made.id, username="ADMIN")
    assert [(p.code, p.field) for p in taken.value.problems] == [(Code.DUPLICATE, ("username",))]
    phones = [{"value": "010-1", "type": "work"}, {"value": "139", "primary": True}]
    user = await directory.update_user(
        department.actor, id=made.id, username="li.na2", phones=phones
    )
    assert (user.username, user.phones, user.phone) == ("li.na2", phones, "139")


async def test_a_unit_administrator_moves_users_only_between_units_within_reach(
    make_department,
) -> None:
    department = await make_department()
    office, _, actor = await unit_admin(department)
    root = await root_of(department)
    archive = await directory.create_org_unit(actor, name="档案室", parent_id=office.id)
    clerk = await directory.create_user(
        actor, username="clerk", display_name="文书", org_unit_ids=[office.id]
    )
    moved = await directory.update_user(
        actor, id=clerk.id, org_unit_ids=[archive.id, office.id], primary_org_unit_id=archive.id
    )
    assert (moved.primary_org_unit_id, moved.version) == (archive.id, 2)
    assert await refused(
        directory.update_user(
            actor, id=clerk.id, org_unit_ids=[root.id], primary_org_unit_id=root.id
        )
    ) == [("FORBIDDEN", "You lack the permission directory.manage", None)]
    members = department.scope.query(Membership).filter(user_id=clerk.id)
    assert sorted(str(m.org_unit_id) for m in await members) == sorted(
        [str(archive.id), str(office.id)]
    )


async def test_a_self_scoped_grant_reaches_only_oneself(make_department) -> None:
    department = await make_department()
    root = await root_of(department)
    own = await directory.create_role(
        department.actor,
        code="self_service",
        name="自助",
        permissions=["directory.manage"],
        data_scope=DataScope.SELF,
    )
    users = [
        await directory.create_user(
            department.actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
        for name in ("me", "other")
    ]
    await directory.assign_role(department.actor, user_id=users[0].id, role_id=own.id)
    me = await actor_for(department.scope, users[0], department.tenant)
    changed = await directory.update_user(me, id=users[0].id, title="科员")
    assert (changed.title, changed.version) == ("科员", 2)
    assert await refused(directory.update_user(me, id=users[1].id, title="科员")) == [
        ("FORBIDDEN", "You lack the permission directory.manage", None)
    ]
