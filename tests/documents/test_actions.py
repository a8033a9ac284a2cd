"""Every action on a running document through GraphQL, checked against the actor's task and
permissions; durable timers fire once however many workers run them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.directory import OrgUnit
from models.documents import DocumentEvent, Timer
from models.outbox import OutboxEvent
from services import directory, offboarding
from services.documents import timers
from tests.conftest import FIXTURES, GraphQL, gid, key_of
from tests.documents.support import DOC, TASK, Office, staff
from tests.flows.support import design, document_type, start_document

BPMN_FILE = FIXTURES / "dispatch-bpmnjs.bpmn"
FLOW: dict[str, Any] = {
    "id": "actions",
    "name": "签报",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "draft", "name": "拟稿", "type": "task", "assignee": {"kind": "previous_handler"}},
        {
            "id": "review",
            "name": "核稿",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_director"},
            "deadline": {"hours": 1, "remindBeforeHours": 0.5, "onTimeout": "approve"},
        },
        {
            "id": "number",
            "name": "编号",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "office_clerk"},
            "pool": True,
            "allocateNumber": True,
        },
        {
            "id": "sign",
            "name": "签发",
            "type": "task",
            "assignee": {"kind": "role", "roleCode": "leader"},
        },
        {"id": "end", "name": "结束", "type": "end"},
    ],
    "transitions": [
        {"id": "a", "source": "start", "target": "draft"},
        {"id": "b", "source": "draft", "target": "review"},
        {"id": "c", "source": "review", "target": "number"},
        {"id": "d", "source": "number", "target": "sign"},
        {"id": "e", "source": "sign", "target": "end"},
    ],
}


@pytest.fixture
async def office(gql: GraphQL, make_department) -> Office:
    office = await staff(await make_department(), gql)
    flow = await design(office, FLOW, key="actions")
    await office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, "flow { id } ")
    office.type_id = await document_type(office, flow["flow"]["id"], code="qb")
    return office


async def fresh(office: Office) -> str:
    document = await start_document(office, office.type_id, 100)
    doc_id: str = document["id"]
    return doc_id


async def status(office: Office, doc_id: str) -> str:
    result = await office.run(
        "writer", "query($id: ID!) { node(id: $id) { ... on Document { status } } }", {"id": doc_id}
    )
    value: str = result.data["node"]["status"]
    return value


async def buttons(office: Office, who: str, doc_id: str) -> dict[str, list[str]]:
    """`allowedActions` of the document and of each of its open tasks, by node, for `who`."""
    result = await office.run(
        who,
        "query($id: ID!) { node(id: $id) { ... on Document { allowedActions "
        "tasks(open: true) { nodeId allowedActions } } } }",
        {"id": doc_id},
    )
    node = result.data["node"]
    return {"document": node["allowedActions"]} | {
        t["nodeId"]: t["allowedActions"] for t in node["tasks"]
    }


async def test_buttons_are_what_each_viewer_may_do(office: Office) -> None:
    doc_id = await fresh(office)
    assert await buttons(office, "writer", doc_id) == {
        "document": ["WITHDRAW", "URGE"],
        "review": [],
    }, "the initiator neither urges through nor submits someone else's task"
    assert await buttons(office, "director", doc_id) == {
        "document": [],
        "review": ["APPROVE", "REJECT", "RETURN", "DELEGATE", "TRANSFER", "ADD_SIGNERS", "OPEN"],
    }
    assert await buttons(office, "admin", doc_id) == {
        "document": ["URGE", "TERMINATE", "JUMP"],
        "review": [],
    }
    await office.approve("director", doc_id)
    assert await buttons(office, "clerk", doc_id) == {
        "document": [],
        "number": ["CLAIM", "OPEN"],
    }
    assert (await buttons(office, "writer", doc_id))["document"] == ["URGE"]


async def test_refusals_name_the_step(office: Office) -> None:
    doc_id = await fresh(office)
    review = await office.open_task("director", doc_id)
    await office.approve("director", doc_id)
    late = await office.mutate("director", "approveTask", {"id": review["id"]}, TASK)
    assert late["errors"] == [
        {"code": "CONFLICT", "message": "The task at 核稿 is already completed", "field": None}
    ]
    number = await office.open_task("clerk", doc_id)
    nosy = await office.mutate("outsider", "claimTask", {"id": number["id"]}, TASK)
    assert nosy["errors"] == [
        {"code": "FORBIDDEN", "message": "You may not claim the task at 编号", "field": None}
    ]


async def test_withdraw_only_before_the_next_handler_acts(office: Office) -> None:
    doc_id = await fresh(office)
    by_other = await office.mutate("director", "withdrawDocument", {"id": doc_id}, DOC)
    assert [e["code"] for e in by_other["errors"]] == ["FORBIDDEN"]
    await office.ok("writer", "withdrawDocument", {"id": doc_id, "comment": "写错了"}, DOC)
    assert await status(office, doc_id) == "WITHDRAWN"

    late = await fresh(office)
    await office.approve("director", late)
    refused = await office.mutate("writer", "withdrawDocument", {"id": late}, DOC)
    assert [e["code"] for e in refused["errors"]] == ["INVALID_STATE"]
    assert await status(office, late) == "IN_PROGRESS"


async def test_delegate_with_return_and_transfer(office: Office) -> None:
    doc_id = await fresh(office)
    task = await office.open_task("director", doc_id)
    await office.ok(
        "director",
        "delegateTask",
        {"id": task["id"], "toUserId": office.id("finance_head"), "returnAfter": True},
        TASK,
    )
    await office.approve("finance_head", doc_id, comment="建议同意")
    back = await office.open_task("director", doc_id)
    assert back["nodeId"] == "review", "a delegated task with return comes back"
    await office.ok(
        "director",
        "transferTask",
        {"id": back["id"], "toUserId": office.id("legal_head")},
        TASK,
    )
    stranger = await office.mutate("director", "approveTask", {"id": back["id"]}, TASK)
    assert stranger["errors"], "the transferred task is no longer the director's"
    await office.approve("legal_head", doc_id)
    clerk_task = await office.open_task("clerk", doc_id)
    assert clerk_task["nodeId"] == "number"


async def test_pool_tasks_are_claimed_before_acting(office: Office) -> None:
    doc_id = await fresh(office)
    await office.approve("director", doc_id)
    task = await office.open_task("clerk", doc_id)
    assert task["pool"]
    unclaimed = await office.mutate("clerk", "approveTask", {"id": task["id"]}, TASK)
    assert unclaimed["errors"], "claim first"
    await office.ok("clerk", "claimTask", {"id": task["id"]}, TASK)
    taken = await office.mutate("clerk2", "claimTask", {"id": task["id"]}, TASK)
    assert [e["code"] for e in taken["errors"]] in (["CONFLICT"], ["FORBIDDEN"])
    await office.ok("clerk", "unclaimTask", {"id": task["id"]}, TASK)
    result = await office.approve("clerk2", doc_id)
    assert result["document"]["number"], "the number is allocated at the 编号 node"


async def test_add_signers_after_and_reject(office: Office) -> None:
    doc_id = await fresh(office)
    await office.approve("director", doc_id)
    await office.approve("clerk", doc_id)
    sign = await office.open_task("leader", doc_id)
    await office.ok(
        "leader",
        "addSigners",
        {"id": sign["id"], "userIds": [office.id("hr_head")], "position": "after"},
        TASK,
    )
    await office.approve("leader", doc_id)
    assert await status(office, doc_id) == "IN_PROGRESS", "the added signer still has to sign"
    last = await office.open_task("hr_head", doc_id)
    await office.ok("hr_head", "rejectTask", {"id": last["id"], "comment": "不同意"}, TASK)
    assert await status(office, doc_id) == "REJECTED"


async def test_urge_and_terminate(office: Office) -> None:
    doc_id = await fresh(office)
    before = await OutboxEvent.filter(topic="task.notified").count()
    await office.ok("writer", "urgeDocument", {"id": doc_id, "comment": "请尽快"}, DOC)
    notified = await OutboxEvent.filter(topic="task.notified").order_by("-id").first()
    assert await OutboxEvent.filter(topic="task.notified").count() == before + 1
    assert notified is not None
    assert notified.payload["userIds"] == [office.id("director")]
    nosy = await office.mutate("outsider", "urgeDocument", {"id": doc_id}, DOC)
    assert nosy["errors"]

    refused = await office.mutate("writer", "terminateDocument", {"id": doc_id}, DOC)
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    await office.ok("admin", "terminateDocument", {"id": doc_id, "comment": "作废"}, DOC)
    assert await status(office, doc_id) == "TERMINATED"
    again = await office.mutate("admin", "terminateDocument", {"id": doc_id}, DOC)
    assert [e["code"] for e in again["errors"]] == ["CONFLICT"]


async def test_the_object_acted_on_is_the_input_id(office: Office) -> None:
    """One naming rule: `id` names what the mutation acts on, and an error about it says
    `["input", "id"]`; other references keep `<type>Id` (README, GraphQL surface)."""
    missing = "00000000-0000-7000-8000-000000000000"
    cases = [
        ("approveTask", {"id": gid("Task", missing)}, TASK),
        ("claimTask", {"id": gid("Task", missing)}, TASK),
        ("withdrawDocument", {"id": gid("Document", missing)}, DOC),
        ("terminateDocument", {"id": gid("Document", missing)}, DOC),
        ("voidDocumentNumber", {"id": gid("Document", missing), "reason": "重号"}, DOC),
        ("publishForm", {"id": gid("Form", missing)}, "form { id } "),
        ("publishFlow", {"id": gid("Flow", missing)}, "flow { id } "),
        ("importBpmn", {"id": gid("Flow", missing), "xml": BPMN_FILE.read_text()}, "flow { id } "),
        (
            "dispatchDocument",
            {"id": gid("Document", missing), "recipients": [{"tenantId": gid("Tenant", missing)}]},
            "dispatch { id } ",
        ),
        ("signIncomingItem", {"id": gid("IncomingItem", missing)}, "incomingItem { id } "),
    ]
    for name, input, selection in cases:
        result = await office.mutate("admin", name, input, selection)
        assert [(e["code"], e["field"]) for e in result["errors"]] == [
            ("NOT_FOUND", ["input", "id"])
        ], name
    doc_id = await fresh(office)
    urged = await office.mutate(
        "writer", "urgeDocument", {"id": doc_id, "taskId": gid("Task", missing)}, DOC
    )
    assert [(e["code"], e["field"]) for e in urged["errors"]] == [
        ("NOT_FOUND", ["input", "taskId"])
    ]


async def test_a_deadline_fires_once_however_many_workers_run(office: Office) -> None:
    doc_id = await fresh(office)
    document = key_of(doc_id)
    due = await office.department.scope.query(Timer).filter(document_id=document).order_by("due_at")
    assert [t.kind for t in due] == ["remind", "deadline"]
    later = datetime.now(UTC) + timedelta(hours=2)

    fired = await asyncio.gather(*[timers.fire_due(now=later) for _ in range(4)])
    mine = await office.department.scope.query(Timer).filter(document_id=document)
    assert all(t.fired_at is not None for t in mine)
    assert sum(fired) >= 2
    events = await office.department.scope.query(DocumentEvent).filter(document_id=document)
    actions = [e.action for e in events]
    assert actions.count("timer_deadline") == 1
    assert actions.count("timer_remind") == 1
    clerk = await office.open_task("clerk", doc_id)
    assert clerk["nodeId"] == "number", "onTimeout approve moved the document on"


async def test_deprovisioning_hands_open_tasks_to_the_unit_leader(office: Office) -> None:
    doc_id = await fresh(office)
    department = office.department
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    await directory.update_org_unit(
        department.actor, id=root.id, leader_id=office.users["leader"].id
    )
    await offboarding.deprovision_user(department.actor, office.users["director"].id)

    task = await office.open_task("leader", doc_id)
    assert task["nodeId"] == "review"
    events = await department.scope.query(DocumentEvent).filter(
        document_id=key_of(doc_id), action="handed_over"
    )
    assert [(e.node_id, e.comment) for e in events] == [("review", "deprovisioned")]
    gone = await office.run("director", "{ viewer { user { id } } }")
    assert gone.status == 403, "a deprovisioned user cannot sign in"


def parallel_flow(unit_id: str) -> dict[str, Any]:
    """Two branches at once: one for an org unit's leader, one for the leaders' role."""
    return {
        "id": "parallel",
        "name": "会办",
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "draft",
                "name": "拟稿",
                "type": "task",
                "assignee": {"kind": "previous_handler"},
            },
            {"id": "split", "type": "parallel_gateway"},
            {
                "id": "finance",
                "name": "财务会办",
                "type": "task",
                "assignee": {"kind": "org_unit_leader", "orgUnitId": unit_id},
            },
            {
                "id": "sign",
                "name": "签发",
                "type": "task",
                "assignee": {"kind": "role", "roleCode": "leader"},
            },
            {"id": "join", "type": "parallel_gateway"},
            {"id": "end", "type": "end"},
        ],
        "transitions": [
            {"id": "a", "source": "start", "target": "draft"},
            {"id": "b", "source": "draft", "target": "split"},
            {"id": "c", "source": "split", "target": "finance"},
            {"id": "d", "source": "split", "target": "sign"},
            {"id": "e", "source": "finance", "target": "join"},
            {"id": "f", "source": "sign", "target": "join"},
            {"id": "g", "source": "join", "target": "end"},
        ],
    }


async def test_an_org_units_leader_gets_its_task_and_one_task_is_urged(
    gql: GraphQL, make_department: Any
) -> None:
    office = await staff(await make_department(), gql)
    department = office.department
    root = await department.scope.query(OrgUnit).get(parent_id=None)
    finance = await directory.create_org_unit(
        department.actor,
        name="财务处",
        parent_id=root.id,
        leader_id=office.users["finance_head"].id,
    )
    flow = await design(office, parallel_flow(str(finance.id)), key="parallel")
    await office.ok("admin", "publishFlow", {"id": flow["flow"]["id"]}, "flow { id } ")
    office.type_id = await document_type(office, flow["flow"]["id"], code="hb")
    doc_id = await fresh(office)
    held = await office.open_task("finance_head", doc_id)
    assert held["nodeId"] == "finance", "the unit's leader holds the unit's task"
    assert (await office.open_task("leader", doc_id))["nodeId"] == "sign"

    before = await OutboxEvent.filter(topic="task.notified").count()
    urge = {"id": doc_id, "taskId": held["id"], "comment": "财务请尽快"}
    await office.ok("writer", "urgeDocument", urge, DOC)
    notified = await OutboxEvent.filter(topic="task.notified").order_by("id").all()
    assert len(notified) == before + 1, "one task urged, one notification"
    assert notified[-1].payload["kind"] == "urge"
    assert notified[-1].payload["userIds"] == [office.id("finance_head")]
    assert notified[-1].payload["comment"] == "财务请尽快"

    await office.ok("writer", "urgeDocument", {"id": doc_id}, DOC)
    everyone = await OutboxEvent.filter(topic="task.notified").order_by("id").all()
    assert len(everyone) == before + 3, "the whole document: one notification per open task"
    assert sorted(e.payload["userIds"][0] for e in everyone[-2:]) == sorted(
        [office.id("finance_head"), office.id("leader")]
    )

    await directory.update_org_unit(department.actor, id=finance.id, leader_id=None)
    draft = await office.ok(
        "writer",
        "createDocument",
        {"documentTypeId": office.type_id, "title": "无人会办", "formData": {"amount": 1}},
        DOC,
    )
    leaderless = await office.mutate(
        "writer", "submitDocument", {"id": draft["document"]["id"]}, DOC
    )
    assert [e["code"] for e in leaderless["errors"]] == ["INVALID_STATE"]
    assert "财务会办" in leaderless["errors"][0]["message"], "names the node nobody can handle"
