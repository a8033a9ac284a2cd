"""A person's e-mail and phone lists (SCIM's multi-valued attributes) and the directory's shared
lookups: pure functions first, then through `create_user`."""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError

from models.directory import User, UserStatus
from services import directory
from services.directory.common import save_new
from services.directory.contacts import contact_list, primary_value, with_primary
from tests.directory.support import recorded, refused, root_of

A, B, C = ({"value": "a", "type": "work"}, {"value": "b", "primary": True}, {"value": "c"})


def test_the_primary_value_is_the_primary_entrys_else_the_firsts() -> None:
    assert primary_value(None) is None
    assert primary_value([]) is None
    assert primary_value([A, C]) == "a"
    assert primary_value([A, B, C]) == "b"
    assert primary_value([A, {"value": "x", "primary": False}]) == "a"


def test_a_new_scalar_replaces_the_primary_entry_or_removes_it() -> None:
    assert with_primary(None, "z") is None
    assert with_primary([], "z") is None
    assert with_primary([A, B, C], "z") == [A, {"value": "z", "primary": True}, C]
    assert with_primary([A, C], "z") == [{"value": "z", "type": "work"}, C]
    assert with_primary([A, B, C], None) == [A, C]
    assert with_primary([A, C], None) == [C]
    assert with_primary([B], None) is None


def test_the_entries_shown_are_the_list_else_the_scalar() -> None:
    assert contact_list([A], "x") == [A]
    assert contact_list(None, "x") == [{"value": "x", "type": "work", "primary": True}]
    assert contact_list([], "x", "mobile") == [{"value": "x", "type": "mobile", "primary": True}]
    assert contact_list(None, None) == []
    assert contact_list(None, "") == []


async def test_a_race_lost_to_a_unique_constraint_is_a_duplicate() -> None:
    async def insert() -> None:
        raise IntegrityError("duplicate key")

    assert await refused(save_new(insert(), "username")) == [
        ("DUPLICATE", "The username is already taken", ("username",))
    ]

    async def fine() -> str:
        return "row"

    assert await save_new(fine(), "code") == "row"


async def test_lists_are_cleaned_and_decide_the_scalars(make_department) -> None:
    department = await make_department()
    root = await root_of(department)
    user = await directory.create_user(
        department.actor,
        username="li",
        display_name="李",
        org_unit_ids=[root.id],
        email="ignored@example.gov.cn",
        phone="000",
        emails=[
            {"value": " a@x.cn ", "type": " work ", "display": "dropped"},
            {"value": "b@x.cn", "primary": 1},
            {"value": "c@x.cn", "type": "  ", "primary": False},
        ],
        phones=[{"value": " 010 "}, {"value": "139", "type": "mobile"}],
    )
    stored = await department.scope.query(User).get(id=user.id)
    assert stored.emails == [
        {"value": "a@x.cn", "type": "work"},
        {"value": "b@x.cn", "primary": True},
        {"value": "c@x.cn", "primary": False},
    ]
    assert stored.phones == [{"value": "010"}, {"value": "139", "type": "mobile"}]
    assert (stored.email, stored.phone) == ("b@x.cn", "010")
    ten = [{"value": f"{i}@x.cn"} for i in range(10)]
    made = await directory.create_user(
        department.actor, username="ten", display_name="十", org_unit_ids=[root.id], emails=ten
    )
    assert (made.emails, made.email) == (ten, "0@x.cn")
    empty = await directory.create_user(
        department.actor,
        username="none",
        display_name="无",
        org_unit_ids=[root.id],
        emails=[],
        phones=[],
        email="n@x.cn",
        phone=" 1 ",
    )
    assert (empty.emails, empty.phones, empty.email, empty.phone) == (None, None, "n@x.cn", "1")


async def test_bad_lists_are_refused_with_the_entry(make_department) -> None:
    department = await make_department()
    root = await root_of(department)

    def create(**lists):
        return directory.create_user(
            department.actor, username="x", display_name="x", org_unit_ids=[root.id], **lists
        )

    assert await refused(create(emails=[{"value": f"{i}@x.cn"} for i in range(11)])) == [
        ("INVALID", "At most 10 entries", ("emails",))
    ]
    assert await refused(
        create(
            emails=[{"value": "bad"}, {"type": "home"}, {"value": "a@x.cn", "type": "t" * 33}],
            phones=[{"value": "1", "primary": True}, {"value": "2", "primary": True}],
        )
    ) == [
        ("INVALID", "'bad' is not an email address", ("emails",)),
        ("REQUIRED", "Every entry has a value", ("emails", "1")),
        ("TOO_LONG", "type is longer than 32 characters", ("emails", "2", "type")),
        ("INVALID", "At most one entry is primary", ("phoneNumbers",)),
    ]
    assert await refused(create(phones=[{"value": "1" * 33}, {"value": " "}])) == [
        ("TOO_LONG", "phoneNumbers is longer than 32 characters", ("phoneNumbers",)),
        ("REQUIRED", "Every entry has a value", ("phoneNumbers", "1")),
    ]
    made = await create(phones=[{"value": "1" * 32, "type": "t" * 32}])
    assert made.phones == [{"value": "1" * 32, "type": "t" * 32}]


async def test_active_users_are_found_by_id_or_username_in_the_order_given(make_department):
    department = await make_department()
    root = await root_of(department)
    chen, wang = [
        await directory.create_user(
            department.actor, username=name, display_name=name, org_unit_ids=[root.id]
        )
        for name in ("chen", "wang")
    ]
    await User.filter(id=wang.id).update(status=UserStatus.DISABLED)
    names = ["nobody", str(chen.id), "admin", "wang", str(uuid.uuid4()), "chen"]
    assert await directory.active_user_ids(department.scope, names) == {
        str(chen.id): str(chen.id),
        "admin": str(department.admin.id),
        "chen": str(chen.id),
    }
    assert list(await directory.active_user_ids(department.scope, ["chen", "admin"])) == [
        "chen",
        "admin",
    ]
    assert await directory.active_user_ids(department.scope, []) == {}


async def test_lists_follow_the_scalars_and_the_scalars_the_lists(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    emails = [{"value": "a@x.cn", "type": "work"}, {"value": "b@x.cn", "primary": True}]
    phones = [{"value": "010"}, {"value": "139"}]
    user = await directory.create_user(
        actor,
        username="li",
        display_name="李",
        org_unit_ids=[root.id],
        emails=emails,
        phones=phones,
    )
    assert (user.email, user.phone) == ("b@x.cn", "010")
    await directory.update_user(actor, id=user.id, email="c@x.cn", phone="020")
    row = await department.scope.query(User).get(id=user.id)
    assert row.emails == [emails[0], {"value": "c@x.cn", "primary": True}]
    assert row.phones == [{"value": "020"}, phones[1]]
    assert (row.email, row.phone) == ("c@x.cn", "020")
    await directory.update_user(actor, id=user.id, email=None, phone=None)
    row = await department.scope.query(User).get(id=user.id)
    assert (row.emails, row.phones, row.email, row.phone) == ([emails[0]], [phones[1]], None, None)
    listed = await directory.update_user(
        actor,
        id=user.id,
        emails=[{"value": "d@x.cn"}, {"value": "e@x.cn", "primary": True}],
        phones=[{"value": "1"}],
        email="ignored@x.cn",
        phone="ignored",
    )
    row = await department.scope.query(User).get(id=user.id)
    assert (row.email, row.phone) == ("e@x.cn", "1")
    assert row.phones == [{"value": "1"}]
    kept = await directory.update_user(actor, id=user.id, email="e@x.cn", phone="1")
    assert kept.version == listed.version
    await directory.update_user(actor, id=user.id, emails=None, phones=[])
    row = await department.scope.query(User).get(id=user.id)
    assert (row.emails, row.phones, row.email, row.phone) == (None, None, None, None)
    assert (await recorded(actor, "user.updated", "User", user.id))[-1] == {
        "email": None,
        "phone": None,
        "emails": None,
        "phones": None,
    }
