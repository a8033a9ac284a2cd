"""Users called as services: what is stored and recorded on creation and on each change, every
refusal's words and field, the portal's lists kept in step with the scalars, reactivation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from models.directory import Membership, User, UserStatus
from models.usage import TenantAllocation
from services import directory
from tests.conftest import Department
from tests.directory.support import recorded, refused, root_of


async def stored(department: Department, user: User) -> User:
    return await department.scope.query(User).get(id=user.id)


async def units_of(department: Department, user: User) -> set[uuid.UUID]:
    rows = await department.scope.query(Membership).filter(user_id=user.id)
    return {m.org_unit_id for m in rows}


async def limit_users(department: Department, maximum: int) -> None:
    allocation, _ = await TenantAllocation.get_or_create(tenant_id=department.tenant.id)
    allocation.max_users = maximum
    await allocation.save()


async def test_a_user_is_created_with_every_field_and_recorded(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office = await directory.create_org_unit(actor, name="办公室", parent_id=root.id)
    user = await directory.create_user(
        actor,
        username=" chen.jing ",
        display_name=" 陈静 ",
        org_unit_ids=[str(root.id), office.id, root.id],
        primary_org_unit_id=str(office.id),
        email=" chen@example.gov.cn ",
        phone=" 139 ",
        title=" 科员 ",
        external_subject=" sub-1 ",
        given_name=" 静 ",
        family_name=" 陈 ",
    )
    row = await stored(department, user)
    assert (row.username, row.display_name, row.given_name, row.family_name) == (
        "chen.jing",
        "陈静",
        "静",
        "陈",
    )
    assert (row.email, row.phone, row.title, row.external_subject) == (
        "chen@example.gov.cn",
        "139",
        "科员",
        "sub-1",
    )
    assert (row.primary_org_unit_id, row.status, row.version) == (office.id, "active", 1)
    assert (row.emails, row.phones) == (None, None)
    assert await units_of(department, user) == {root.id, office.id}
    assert await recorded(actor, "user.created", "User", user.id) == [
        {"username": "chen.jing", "orgUnitIds": [str(root.id), str(office.id)]}
    ]
    plain = await directory.create_user(
        actor, username="wang", display_name="王", org_unit_ids=[office.id, root.id]
    )
    row = await stored(department, plain)
    assert (row.primary_org_unit_id, row.email, row.phone, row.title) == (
        office.id,
        None,
        None,
        None,
    )
    assert (row.given_name, row.family_name, row.external_subject) == (None, None, None)


async def test_a_user_is_refused_with_the_reason(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office = await directory.create_org_unit(actor, name="办公室", parent_id=root.id)
    await directory.create_user(
        actor, username="chen", display_name="陈", org_unit_ids=[root.id], external_subject="s1"
    )

    def create(**values):
        given = {"username": "new", "display_name": "新", "org_unit_ids": [root.id]}
        return directory.create_user(actor, **{**given, **values})

    assert await refused(create(username="CHEN")) == [
        ("DUPLICATE", "The username 'CHEN' is taken", ("username",))
    ]
    assert await refused(create(external_subject="s1")) == [
        ("DUPLICATE", "Another user already has the subject 's1'", ("externalSubject",))
    ]
    assert await refused(create(org_unit_ids=["nope"])) == [
        ("NOT_FOUND", "Org unit not found", ("orgUnitIds",))
    ]
    missing = uuid.uuid4()
    assert await refused(create(org_unit_ids=[root.id, missing])) == [
        ("NOT_FOUND", f"Org unit {missing} not found", ("orgUnitIds",))
    ]
    assert await refused(create(primary_org_unit_id=office.id)) == [
        (
            "INVALID",
            "The primary org unit must be one of the user's units",
            ("primaryOrgUnitId",),
        )
    ]
    await directory.archive_org_unit(actor, id=office.id)
    assert await refused(create(org_unit_ids=[office.id])) == [
        ("NOT_FOUND", f"Org unit {office.id} not found", ("orgUnitIds",))
    ]
    assert await refused(
        create(
            username="",
            display_name="d" * 101,
            given_name="g" * 101,
            family_name="f" * 101,
            email="bad",
            phone="1" * 33,
            title="t" * 101,
            external_subject="s" * 256,
            org_unit_ids=[],
        )
    ) == [
        ("REQUIRED", "username must not be empty", ("username",)),
        ("TOO_LONG", "displayName is longer than 100 characters", ("displayName",)),
        ("TOO_LONG", "givenName is longer than 100 characters", ("givenName",)),
        ("TOO_LONG", "familyName is longer than 100 characters", ("familyName",)),
        ("INVALID", "'bad' is not an email address", ("email",)),
        ("TOO_LONG", "phone is longer than 32 characters", ("phone",)),
        ("TOO_LONG", "title is longer than 100 characters", ("title",)),
        ("TOO_LONG", "externalSubject is longer than 255 characters", ("externalSubject",)),
        ("REQUIRED", "A user belongs to at least one org unit", ("orgUnitIds",)),
    ]
    edges = await create(
        display_name="d" * 100,
        given_name="g" * 100,
        family_name="f" * 100,
        phone="1" * 32,
        title="t" * 100,
        external_subject="s" * 255,
    )
    assert (edges.display_name, edges.title, edges.external_subject) == (
        "d" * 100,
        "t" * 100,
        "s" * 255,
    )
    assert await refused(
        directory.create_user(None, username="x", display_name="x", org_unit_ids=[root.id])
    ) == [("UNAUTHENTICATED", "Sign in first", None)]


async def test_the_user_quota_refuses_one_more_active_user(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    await limit_users(department, 2)
    second = await directory.create_user(
        actor, username="second", display_name="二", org_unit_ids=[root.id]
    )
    full = await refused(
        directory.create_user(actor, username="third", display_name="三", org_unit_ids=[root.id])
    )
    assert [(code, field) for code, _, field in full] == [("QUOTA_EXCEEDED", ("username",))]
    await directory.update_user(actor, id=second.id, status=UserStatus.DISABLED)
    third = await directory.create_user(
        actor, username="third", display_name="三", org_unit_ids=[root.id]
    )
    again = await refused(directory.update_user(actor, id=second.id, status=UserStatus.ACTIVE))
    assert [(code, field) for code, _, field in again] == [("QUOTA_EXCEEDED", ("status",))]
    assert (await stored(department, second)).status == UserStatus.DISABLED
    same = await directory.update_user(actor, id=third.id, status=UserStatus.ACTIVE)
    assert same.version == 1, "already active: not admitted again, nothing changed"


async def test_a_user_changes_and_records_what_changed(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    user = await directory.create_user(
        actor, username="chen", display_name="陈", org_unit_ids=[root.id], email="a@x.cn"
    )
    same = await directory.update_user(
        actor, id=user.id, username="chen", display_name="陈", email="a@x.cn", title=None
    )
    assert same.version == 1
    changed = await directory.update_user(
        actor,
        id=str(user.id),
        username=" Chen ",
        display_name=" 陈静 ",
        given_name=" 静 ",
        family_name=" 陈 ",
        email=" b@x.cn ",
        phone=" 139 ",
        title=" 科长 ",
        status=UserStatus.DISABLED,
        external_subject=" sub-9 ",
        expected_version=1,
    )
    row = await stored(department, user)
    assert (row.username, row.display_name, row.given_name, row.family_name) == (
        "Chen",
        "陈静",
        "静",
        "陈",
    )
    assert (row.email, row.phone, row.title, row.status, row.external_subject) == (
        "b@x.cn",
        "139",
        "科长",
        UserStatus.DISABLED,
        "sub-9",
    )
    assert (row.version, changed.version, row.emails, row.phones) == (2, 2, None, None)
    assert await recorded(actor, "user.updated", "User", user.id) == [
        {
            "username": "Chen",
            "display_name": "陈静",
            "given_name": "静",
            "family_name": "陈",
            "email": "b@x.cn",
            "phone": "139",
            "title": "科长",
            "status": "disabled",
            "external_subject": "sub-9",
        }
    ]
    cleared = await directory.update_user(
        actor,
        id=user.id,
        given_name=None,
        family_name=" ",
        email=None,
        phone=None,
        title="",
        external_subject=None,
    )
    row = await stored(department, user)
    assert (row.given_name, row.family_name, row.email, row.phone, row.title) == (None,) * 5
    assert (row.external_subject, cleared.version) == (None, 3)


async def test_a_user_change_is_refused_with_the_reason(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    await directory.create_user(
        actor, username="wang", display_name="王", org_unit_ids=[root.id], external_subject="s1"
    )
    user = await directory.create_user(
        actor, username="chen", display_name="陈", org_unit_ids=[root.id], external_subject="s2"
    )
    update = directory.update_user
    assert await refused(update(actor, id=user.id, username="WANG")) == [
        ("DUPLICATE", "The username 'WANG' is taken", ("username",))
    ]
    assert await refused(update(actor, id=user.id, external_subject="s1")) == [
        ("DUPLICATE", "Another user already has the subject 's1'", ("externalSubject",))
    ]
    assert (await update(actor, id=user.id, external_subject="s2")).version == 1
    assert await refused(
        update(
            actor,
            id=user.id,
            username="a b",
            display_name="",
            given_name="g" * 101,
            family_name="f" * 101,
            email="bad",
            phone="1" * 33,
            title="t" * 101,
            external_subject="s" * 256,
            status="gone",
            org_unit_ids=[],
        )
    ) == [
        (
            "INVALID",
            "username may hold letters, digits, '.', '_', '@' or '-' (at most 64)",
            ("username",),
        ),
        ("REQUIRED", "displayName must not be empty", ("displayName",)),
        ("TOO_LONG", "givenName is longer than 100 characters", ("givenName",)),
        ("TOO_LONG", "familyName is longer than 100 characters", ("familyName",)),
        ("INVALID", "'bad' is not an email address", ("email",)),
        ("TOO_LONG", "phone is longer than 32 characters", ("phone",)),
        ("TOO_LONG", "title is longer than 100 characters", ("title",)),
        ("TOO_LONG", "externalSubject is longer than 255 characters", ("externalSubject",)),
        ("INVALID", "Unknown status gone", ("status",)),
        ("REQUIRED", "A user belongs to at least one org unit", ("orgUnitIds",)),
    ]
    assert await refused(update(actor, id=user.id, title="x", expected_version=2)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 1, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(update(actor, id=uuid.uuid4(), title="x")) == [
        ("NOT_FOUND", "User not found", ("id",))
    ]
    me = department.admin.id
    for status in (UserStatus.DISABLED, UserStatus.DEPROVISIONED):
        assert await refused(update(actor, id=me, status=status)) == [
            ("INVALID", "You cannot deactivate yourself", ("status",))
        ]
    assert (await update(actor, id=me, status=UserStatus.ACTIVE)).version == 1
    assert (await stored(department, user)).version == 1


async def test_a_user_made_active_again_is_no_longer_deleted_at_the_portal(make_department):
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    user = await directory.create_user(
        actor, username="back", display_name="回", org_unit_ids=[root.id]
    )
    deleted = datetime(2026, 1, 1, tzinfo=UTC)
    await User.filter(id=user.id).update(status=UserStatus.DISABLED, deleted_at=deleted)
    still = await directory.update_user(actor, id=user.id, title="x")
    assert ((await stored(department, still)).deleted_at, still.version) == (deleted, 2)
    back = await directory.update_user(actor, id=user.id, status="active")
    row = await stored(department, back)
    assert (row.status, row.deleted_at, row.version) == (UserStatus.ACTIVE, None, 3)
    assert (await recorded(actor, "user.updated", "User", user.id))[-1] == {
        "status": "active",
        "deletedAt": None,
    }


async def test_a_users_units_and_primary_unit_change(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office, planning = [
        await directory.create_org_unit(actor, name=name, parent_id=root.id)
        for name in ("办公室", "规划处")
    ]
    user = await directory.create_user(
        actor, username="chen", display_name="陈", org_unit_ids=[root.id, office.id]
    )
    primary = await directory.update_user(actor, id=user.id, primary_org_unit_id=office.id)
    assert (primary.primary_org_unit_id, primary.version) == (office.id, 2)
    assert await units_of(department, user) == {root.id, office.id}
    same = await directory.update_user(
        actor, id=user.id, org_unit_ids=[office.id, root.id], primary_org_unit_id=office.id
    )
    assert same.version == 2
    moved = await directory.update_user(
        actor, id=user.id, org_unit_ids=[str(planning.id), office.id]
    )
    assert await units_of(department, user) == {planning.id, office.id}
    assert (moved.primary_org_unit_id, moved.version) == (office.id, 3)
    data = await recorded(actor, "user.updated", "User", user.id)
    assert data == [
        {"primaryOrgUnitId": str(office.id)},
        {"orgUnitIds": sorted([str(planning.id), str(office.id)])},
    ]
    assert await refused(directory.update_user(actor, id=user.id, org_unit_ids=[root.id])) == [
        (
            "INVALID",
            "The primary org unit must be one of the user's units",
            ("primaryOrgUnitId",),
        )
    ]
    assert await refused(
        directory.update_user(actor, id=user.id, org_unit_ids=[uuid.uuid4().hex[:5]])
    ) == [("NOT_FOUND", "Org unit not found", ("orgUnitIds",))]
    assert await units_of(department, user) == {planning.id, office.id}
