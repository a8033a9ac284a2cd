"""Off-boarding (离职) as a service: the user deactivated and never deleted, their browser
sessions ended, their open tasks handed over, each step recorded once (it is idempotent)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from models.directory import OrgUnit, User, UserStatus
from models.documents import DocumentEvent, Task, TaskStatus
from models.sso import PortalSession
from services import directory, offboarding
from tests.conftest import Department, GraphQL, key_of
from tests.directory.support import recorded, refused, root_of, unit_admin
from tests.documents.engine_flow import engine_office, started


async def session(department: Department, user: User, revoked: bool = False) -> PortalSession:
    now = datetime.now(UTC)
    return await department.scope.create(
        PortalSession,
        user_id=user.id,
        token_hash=uuid.uuid4().hex,
        csrf_token="csrf",
        subject="sub",
        expires_at=now + timedelta(hours=1),
        revoked_at=now - timedelta(hours=1) if revoked else None,
        revoked_reason="signed_out" if revoked else None,
    )


async def test_a_user_leaves_once_and_their_sessions_end(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    user = await directory.create_user(
        actor, username="leaving", display_name="离职", org_unit_ids=[root.id]
    )
    live, ended = await session(department, user), await session(department, user, True)
    mine = await session(department, department.admin)
    gone = await offboarding.deprovision_user(actor, str(user.id), expected_version=1)
    row = await department.scope.query(User).get(id=user.id)
    assert (row.status, row.deleted_at, row.version, gone.version) == (
        UserStatus.DEPROVISIONED,
        None,
        2,
        2,
    )
    sessions = {s.id: s for s in await department.scope.query(PortalSession)}
    assert sessions[live.id].revoked_reason == "deprovisioned"
    assert sessions[live.id].revoked_at is not None
    assert sessions[ended.id].revoked_reason == "signed_out"
    assert sessions[ended.id].revoked_at == ended.revoked_at
    assert (sessions[mine.id].revoked_at, sessions[mine.id].revoked_reason) == (None, None)
    assert await recorded(actor, "user.deprovisioned", "User", user.id) == [{"from": "active"}]

    again = await offboarding.deprovision_user(actor, user.id)
    assert again.version == 2
    assert len(await recorded(actor, "user.deprovisioned", "User", user.id)) == 1

    deleted = await offboarding.deprovision_user(actor, user.id, deleted=True)
    row = await department.scope.query(User).get(id=user.id)
    assert (row.status, row.version, deleted.version) == (UserStatus.DEPROVISIONED, 3, 3)
    assert row.deleted_at is not None
    assert await recorded(actor, "user.updated", "User", user.id) == [
        {"deletedAt": row.deleted_at.isoformat()}
    ]
    assert len(await recorded(actor, "user.deprovisioned", "User", user.id)) == 1
    once = await offboarding.deprovision_user(actor, user.id, deleted=True)
    assert (once.version, once.deleted_at) == (3, row.deleted_at)
    assert len(await recorded(actor, "user.updated", "User", user.id)) == 1


async def test_a_disabled_user_deleted_at_the_portal_leaves_in_one_step(make_department):
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    user = await directory.create_user(
        actor, username="away", display_name="停用", org_unit_ids=[root.id]
    )
    await directory.update_user(actor, id=user.id, status=UserStatus.DISABLED)
    gone = await offboarding.deprovision_user(actor, user.id, deleted=True)
    row = await department.scope.query(User).get(id=user.id)
    assert (row.status, row.version, gone.version) == (UserStatus.DEPROVISIONED, 3, 3)
    assert row.deleted_at is not None
    assert await recorded(actor, "user.deprovisioned", "User", user.id) == [
        {"from": "disabled", "deleted": True}
    ]
    assert await recorded(actor, "user.updated", "User", user.id) == [{"status": "disabled"}]


async def test_who_may_deprovision_whom(make_department) -> None:
    department = await make_department()
    actor = department.actor
    root = await root_of(department)
    office, head, head_actor = await unit_admin(department)
    outsider = await directory.create_user(
        actor, username="out", display_name="外人", org_unit_ids=[root.id]
    )
    deprovision = offboarding.deprovision_user
    assert await refused(deprovision(actor, department.admin.id)) == [
        ("INVALID", "You cannot deprovision yourself", ("id",))
    ]
    assert await refused(deprovision(actor, outsider.id, expected_version=2)) == [
        (
            "CONFLICT",
            "The record changed meanwhile (version 1, you sent 2); reload it",
            ("expectedVersion",),
        )
    ]
    assert await refused(deprovision(actor, uuid.uuid4())) == [
        ("NOT_FOUND", "User not found", ("id",))
    ]
    assert await refused(deprovision(None, outsider.id)) == [
        ("UNAUTHENTICATED", "Sign in first", None)
    ]
    assert await refused(deprovision(head_actor, outsider.id)) == [
        ("FORBIDDEN", "You lack the permission directory.manage", None)
    ]
    statuses = await department.scope.query(User).filter(id__in=[outsider.id, head.id])
    assert {u.status for u in statuses} == {UserStatus.ACTIVE}
    assert await OrgUnit.filter(id=office.id).exists()


async def test_a_leavers_open_tasks_go_to_their_units_leader(gql: GraphQL, make_department) -> None:
    office = await engine_office(gql, make_department)
    document_id = await started(office)
    department = office.department
    root = await root_of(department)
    director, leader = office.users["director"], office.users["leader"]
    await directory.update_org_unit(department.actor, id=root.id, leader_id=leader.id)
    await offboarding.deprovision_user(department.actor, director.id)

    tasks = await department.scope.query(Task).filter(
        document_id=key_of(document_id), status=TaskStatus.OPEN
    )
    assert [(t.node_id, t.assignee_id) for t in tasks] == [("review", leader.id)]
    events = await department.scope.query(DocumentEvent).filter(
        document_id=key_of(document_id), action="handed_over"
    )
    assert [(e.node_id, e.comment) for e in events] == [("review", "deprovisioned")]
