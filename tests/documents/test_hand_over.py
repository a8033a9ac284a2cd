"""Who takes over the open tasks of someone who leaves (`hand_over`, run by deprovisioning): the
nearest active leader above them who is not themselves, else a tenant administrator, else
nobody (refused, nothing moves)."""

from __future__ import annotations

import pytest

from models.directory import OrgUnit, User, UserStatus
from models.documents import DocumentEvent, Task
from services import directory
from services.documents.actions import hand_over
from services.errors import ServiceError
from services.uow import transaction
from tests.conftest import gid, key_of
from tests.documents import test_actions
from tests.documents.support import TASK, Office
from tests.documents.test_actions import fresh
from workflow import TaskStatus

office = test_actions.office
"""The office of test_actions: its 核稿 step is the director's."""


async def handed(office: Office, user: User) -> int:
    async with transaction(office.department.actor) as work:
        return await hand_over(work, user, "离职")


async def held_by(office: Office, who: User) -> str:
    """A new document whose 核稿 task the director transfers to `who`."""
    doc_id = await fresh(office)
    task = await office.open_task("director", doc_id)
    await office.ok(
        "director", "transferTask", {"id": task["id"], "toUserId": gid("User", who.id)}, TASK
    )
    return doc_id


async def test_the_nearest_active_leader_else_an_administrator_else_nobody(
    office: Office,
) -> None:
    actor, scope = office.department.actor, office.department.scope
    root = await scope.query(OrgUnit).get(parent_id=None)
    finance = await directory.create_org_unit(actor, name="财务处", parent_id=root.id)
    staff = [
        await directory.create_user(
            actor, username=f"accountant{i}", display_name="会计", org_unit_ids=[finance.id]
        )
        for i in range(3)
    ]
    users = office.users

    async def leaders(of_finance: User | None, of_root: User | None) -> None:
        await directory.update_org_unit(
            actor, id=finance.id, leader_id=of_finance.id if of_finance else None
        )
        await directory.update_org_unit(
            actor, id=root.id, leader_id=of_root.id if of_root else None
        )

    doc_id = await held_by(office, staff[0])
    await leaders(staff[0], users["leader"])
    assert await handed(office, staff[0]) == 1
    assert (await office.open_task("leader", doc_id))["nodeId"] == "review", (
        "the unit's leader is the one leaving: the leader above"
    )
    events = await scope.query(DocumentEvent).filter(
        document_id=key_of(doc_id), action="handed_over"
    )
    assert [(e.node_id, e.comment) for e in events] == [("review", "离职")]
    left = await scope.query(Task).get(document_id=key_of(doc_id), assignee_id=staff[0].id)
    assert (left.status, left.comment) == (TaskStatus.TRANSFERRED, "离职")

    doc_id = await held_by(office, staff[1])
    await leaders(users["finance_head"], users["leader"])
    assert await handed(office, staff[1]) == 1
    assert (await office.open_task("finance_head", doc_id))["nodeId"] == "review", "the nearest"

    doc_id = await held_by(office, staff[2])
    await directory.update_user(actor, id=users["legal_head"].id, status=UserStatus.DISABLED)
    await leaders(users["legal_head"], None)
    assert await handed(office, staff[2]) == 1
    assert (await office.open_task("admin", doc_id))["nodeId"] == "review", (
        "no active leader: a tenant administrator"
    )

    assert await handed(office, users["outsider"]) == 0, "nothing to hand over, no heir needed"
    await leaders(office.department.admin, office.department.admin)
    admin = office.department.admin
    with pytest.raises(ServiceError) as refused:
        await handed(office, admin)
    assert [(p.code.value, p.message) for p in refused.value.problems] == [
        ("INVALID_STATE", f"Nobody can take over the open tasks of {admin.username}")
    ]
    assert (await office.open_task("admin", doc_id))["nodeId"] == "review", "nothing moved"
