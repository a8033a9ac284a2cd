"""The address book through the service: each field's limit, what is stored (trimmed, cleared
to ""), who may change a personal or a shared contact, and the audit entry and
`calendar.contact_changed` event of each change."""

from __future__ import annotations

import uuid

import pytest

from models.calendar import Contact
from server.settings import Settings
from services.calendar import contacts
from tests.calendar.support import Office, office, refused
from tests.conftest import GraphQL, gid

LIMITS = {"name": 100, "organisation": 200, "title": 100, "phone": 50, "remark": 500}
NOT_FOUND = ("NOT_FOUND", "Contact not found", ("id",))
FORBIDDEN = ("FORBIDDEN", "You lack the permission directory.manage", None)


@pytest.fixture
async def desk(database: Settings, gql: GraphQL) -> Office:
    return await office(gql)


def values(row: Contact) -> tuple[object, ...]:
    return (row.owner_id, row.name, row.organisation, row.title, row.phone, row.email, row.remark)


async def test_each_field_is_trimmed_and_bounded(desk: Office) -> None:
    leader = await desk.actor("leader")
    full = {name: "x" * limit for name, limit in LIMITS.items()}
    made = await contacts.create_contact(leader, **full, email=" a@b.cn ")
    stored = await desk.department.scope.query(Contact).get(id=made.id)
    assert values(stored) == (desk.leader.id, *list(full.values())[:4], "a@b.cn", "x" * 500)
    assert stored.version == 1
    longer = {name: "y" * (limit + 1) for name, limit in LIMITS.items()}
    assert await refused(contacts.create_contact(leader, **longer, email="bad")) == [
        ("TOO_LONG", "name is longer than 100 characters", ("name",)),
        ("TOO_LONG", "organisation is longer than 200 characters", ("organisation",)),
        ("TOO_LONG", "title is longer than 100 characters", ("title",)),
        ("TOO_LONG", "phone is longer than 50 characters", ("phone",)),
        ("INVALID", "'bad' is not an email address", ("email",)),
        ("TOO_LONG", "remark is longer than 500 characters", ("remark",)),
    ]
    assert await refused(contacts.update_contact(leader, id=made.id, phone="1" * 51)) == [
        ("TOO_LONG", "phone is longer than 50 characters", ("phone",))
    ]
    assert await refused(contacts.create_contact(leader, name=" ")) == [
        ("REQUIRED", "name must not be empty", ("name",))
    ]
    bare = await contacts.create_contact(leader, name=" 王律师 ", phone=" ")
    assert values(bare) == (desk.leader.id, "王律师", "", "", "", "", "")
    assert await desk.department.scope.query(Contact).count() == 2


async def test_a_personal_contact_is_changed_by_its_owner_alone(desk: Office) -> None:
    leader, secretary = await desk.actor("leader"), await desk.actor("secretary")
    made = await contacts.create_contact(
        leader, name="王律师", organisation="律所", phone="13800000000", email="w@lawyer.cn"
    )
    changed = await contacts.update_contact(
        leader, id=made.id, phone=None, title=" 主任 ", expected_version=1
    )
    stored = await desk.department.scope.query(Contact).get(id=made.id)
    assert values(stored) == (desk.leader.id, "王律师", "律所", "主任", "", "w@lawyer.cn", "")
    assert (changed.version, stored.version) == (2, 2)
    assert await refused(
        contacts.update_contact(leader, id=made.id, name="x", expected_version=1)
    ) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 2, you sent 1); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(contacts.update_contact(secretary, id=made.id, name="x")) == [NOT_FOUND]
    assert await refused(contacts.delete_contact(secretary, id=made.id)) == [NOT_FOUND]
    assert await refused(contacts.delete_contact(leader, id=str(made.id))) == [NOT_FOUND]
    assert await refused(contacts.delete_contact(leader, id=uuid.uuid4())) == [NOT_FOUND]
    await contacts.delete_contact(leader, id=made.id)
    assert not await desk.department.scope.query(Contact).exists()

    target = ("Contact", str(made.id), desk.leader.id, {"name": "王律师"})
    assert await desk.audit("contact.") == [
        ("contact.created", *target),
        ("contact.updated", *target),
        ("contact.deleted", *target),
    ]
    contact_id = gid("Contact", made.id)
    assert [p for _, p in await desk.topics("calendar.contact_changed")] == [
        {"contactId": contact_id, "action": action, "shared": False}
        for action in ("created", "updated", "deleted")
    ]


async def test_a_shared_contact_is_kept_by_directory_managers(desk: Office) -> None:
    leader, admin = await desk.actor("leader"), await desk.actor("admin")
    assert await refused(contacts.create_contact(leader, name="物业", shared=True)) == [FORBIDDEN]
    shared = await contacts.create_contact(admin, name="物业", shared=True, phone="12345")
    assert shared.owner_id is None
    assert await refused(contacts.update_contact(leader, id=shared.id, phone="1")) == [FORBIDDEN]
    assert await refused(contacts.delete_contact(leader, id=shared.id)) == [FORBIDDEN]
    renamed = await contacts.update_contact(admin, id=shared.id, name="物业公司")
    assert (renamed.name, renamed.phone, renamed.owner_id) == ("物业公司", "12345", None)
    own = await contacts.create_contact(admin, name="私人")
    assert own.owner_id == desk.department.admin.id
    await contacts.delete_contact(admin, id=shared.id)
    assert await desk.audit("contact.") == [
        ("contact.created", "Contact", str(shared.id), desk.department.admin.id, {"name": "物业"}),
        (
            "contact.updated",
            "Contact",
            str(shared.id),
            desk.department.admin.id,
            {"name": "物业公司"},
        ),
        ("contact.created", "Contact", str(own.id), desk.department.admin.id, {"name": "私人"}),
        (
            "contact.deleted",
            "Contact",
            str(shared.id),
            desk.department.admin.id,
            {"name": "物业公司"},
        ),
    ]
    assert [(p["action"], p["shared"]) for _, p in await desk.topics("calendar.contact")] == [
        ("created", True),
        ("updated", True),
        ("created", False),
        ("deleted", True),
    ]
