"""A draft's life before and beside the flow, through GraphQL on PostgreSQL: what creating one
refuses (with the field and the words), the event that announces it, who edits the headers and
who the fields (the holder of an open task, or each candidate of an unclaimed one)."""

from __future__ import annotations

from typing import Any

import pytest

from models.directory import User
from models.documents import Task, Timer
from models.outbox import OutboxEvent
from subscriptions.topics import Topic
from tests.conftest import GraphQL, key_of
from tests.documents.engine_flow import FLOW, engine_office, of, publish, tasks, trail
from tests.documents.support import DOC, TASK, Office
from tests.flows.support import design, document_type

CREATE = "createDocument"
HEADERS = "document { title status version urgency secrecy } "


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


def refusals(result: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(e["code"], e["message"], e["field"]) for e in result["errors"]]


async def draft(office: Office, **extra: Any) -> dict[str, Any]:
    made = await office.ok(
        "writer",
        CREATE,
        {"documentTypeId": office.type_id, "title": "关于采购的请示", **extra},
        DOC,
    )
    document: dict[str, Any] = made["document"]
    return document


async def test_a_draft_is_announced_and_has_no_signers_to_remove(office: Office) -> None:
    document = await draft(office, formData={"amount": 1})
    events = await OutboxEvent.filter(
        tenant_id=office.department.tenant.id, topic=Topic.DOCUMENT_STATUS_CHANGED
    ).values_list("payload", flat=True)
    assert events == [
        {"documentId": document["id"], "from": None, "to": "draft", "action": "created"}
    ]
    seen = await tasks(office, "writer", document["id"])
    assert (seen["status"], seen["tasks"], seen["removableSigners"]) == ("DRAFT", [], [])


async def test_what_creating_a_draft_refuses(office: Office) -> None:
    other = await publish(office, {**FLOW, "id": "other"}, "other")
    template = await office.ok(
        "admin",
        "createDocumentTemplate",
        {"documentTypeId": other, "name": "通知", "title": "通知"},
        "documentTemplate { id } ",
    )
    foreign = {"templateId": template["documentTemplate"]["id"]}
    assert refusals(await office.mutate("writer", CREATE, _typed(office, **foreign), DOC)) == [
        ("NOT_FOUND", "Template not found", ["input", "templateId"])
    ]
    untitled = await office.mutate("writer", CREATE, _typed(office), DOC)
    assert refusals(untitled) == [("REQUIRED", "title must not be empty", ["input", "title"])]
    unit = await office.ok(
        "admin", "createOrgUnit", {"name": "财务处", "code": "finance"}, "orgUnit { id } "
    )
    elsewhere = _typed(office, title="请示", orgUnitId=unit["orgUnit"]["id"])
    assert refusals(await office.mutate("writer", CREATE, elsewhere, DOC)) == [
        ("INVALID", "The document's org unit must be one of yours", ["input", "orgUnitId"])
    ]
    writer = office.users["writer"].id
    await office.department.scope.query(User).filter(id=writer).update(primary_org_unit_id=None)
    unplaced = await office.mutate("writer", CREATE, _typed(office, title="请示"), DOC)
    assert refusals(unplaced) == [
        ("REQUIRED", "You belong to no org unit; name one", ["input", "orgUnitId"])
    ]

    designed = await design(office, {**FLOW, "id": "later"}, key="later")
    unpublished = await document_type(office, designed["flow"]["id"], code="later")
    refused = await office.mutate(
        "clerk", CREATE, {"documentTypeId": unpublished, "title": "请示"}, DOC
    )
    assert refusals(refused) == [
        (
            "INVALID_STATE",
            "The flow '发文' of this type is not published yet",
            ["input", "documentTypeId"],
        )
    ]


def _typed(office: Office, **extra: Any) -> dict[str, Any]:
    return {"documentTypeId": office.type_id, **extra}


async def test_the_initiator_edits_the_headers_of_her_draft_only(office: Office) -> None:
    document = await draft(office, formData={"amount": 1})
    same = await office.ok(
        "writer", "updateDocument", {"id": document["id"], "title": "关于采购的请示"}, DOC
    )
    assert same["document"]["version"] == document["version"], "nothing changed, nothing saved"
    edited = await office.ok(
        "writer",
        "updateDocument",
        {"id": document["id"], "title": " 关于采购的报告 ", "urgency": "URGENT"},
        HEADERS,
    )
    assert edited["document"]["title"] == "关于采购的报告"
    assert (edited["document"]["urgency"], edited["document"]["secrecy"]) == ("URGENT", "INTERNAL")
    assert edited["document"]["version"] == document["version"] + 1
    (event,) = [e for e in await trail(office, document["id"]) if e.action == "edited"]
    assert event.changes == {
        "title": ["关于采购的请示", "关于采购的报告"],
        "urgency": ["normal", "urgent"],
    }
    blank = await office.mutate(
        "writer", "updateDocument", {"id": document["id"], "title": " "}, DOC
    )
    assert refusals(blank) == [("REQUIRED", "title must not be empty", ["input", "title"])]

    await office.ok("writer", "submitDocument", {"id": document["id"]}, DOC)
    for name, value in (("title", "改名"), ("urgency", "FLASH"), ("secrecy", "SECRET")):
        late = await office.mutate(
            "writer", "updateDocument", {"id": document["id"], name: value}, DOC
        )
        assert refusals(late) == [
            (
                "FORBIDDEN",
                f"Only the initiator changes {name}, before submitting",
                ["input", name],
            )
        ], name
    assert (
        await office.ok(
            "writer", "updateDocument", {"id": document["id"], "urgency": "URGENT"}, DOC
        )
    )["document"]["status"] == "IN_PROGRESS", "an unchanged header is no change"


async def test_each_candidate_of_an_unclaimed_task_edits_its_fields(office: Office) -> None:
    """The review task is the clerks' pool: both may edit 金额 until one claims it; the
    initiator, holding no task, may not; the deadline is the task's own."""
    pooled = {
        **FLOW,
        "id": "pooled",
        "nodes": [
            {
                **n,
                "assignee": {"kind": "role", "roleCode": "office_clerk"},
                "fieldAccess": {"amount": "editable", "body": "readonly"},
            }
            if n["id"] == "review"
            else n
            for n in FLOW["nodes"]
        ],
    }
    type_id = await publish(office, pooled, "pooled")
    document = await office.ok(
        "writer",
        CREATE,
        {"documentTypeId": type_id, "title": "请示", "formData": {"amount": 1}},
        DOC,
    )
    doc_id = document["document"]["id"]
    await office.ok("writer", "submitDocument", {"id": doc_id}, DOC)
    (review,) = of(await tasks(office, "clerk", doc_id), "review", "OPEN")
    assert review["assignee"] is None

    async def edit(who: str, amount: int, **extra: Any) -> list[tuple[str, str, list[str]]]:
        data = {"amount": amount, **extra}
        return refusals(
            await office.mutate(who, "updateDocument", {"id": doc_id, "formData": data}, DOC)
        )

    assert await edit("clerk", 2) == []
    assert await edit("clerk2", 3) == []
    assert await edit("clerk2", 3, body="正文") == [
        (
            "FORBIDDEN",
            "The field 'body' is not editable at this step",
            ["input", "formData", "body"],
        )
    ]
    assert await edit("writer", 4) == [
        ("FORBIDDEN", "You may not edit this document now", ["input", "formData"])
    ]
    await office.ok("clerk2", "claimTask", {"id": review["id"]}, TASK)
    assert await edit("clerk", 5) == [
        ("FORBIDDEN", "You may not edit this document now", ["input", "formData"])
    ], "a claimed task is no longer the other candidates'"
    assert await edit("clerk2", 6) == []
    scope = office.department.scope
    row = await scope.query(Task).get(id=key_of(review["id"]))
    deadline = await scope.query(Timer).get(task_key=row.key, kind="deadline")
    assert row.due_at is not None
    assert row.due_at == deadline.due_at, "the task is due when its deadline fires"
