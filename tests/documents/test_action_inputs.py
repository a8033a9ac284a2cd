"""What each task action hands the engine: its comment, its target, its people (active ones
only, named by id), in the trail step by step; bad input refused before anything changes."""

from __future__ import annotations

import uuid
from typing import Any

from models.directory import UserStatus
from models.documents import Task
from services import directory
from tests.conftest import gid, key_of
from tests.documents import test_actions
from tests.documents.support import DOC, TASK, Office
from tests.documents.test_actions import fresh

office = test_actions.office
"""The office of test_actions: its flow 拟稿 → 核稿 → 编号 (a pool) → 签发."""

TRAIL = """query($id: ID!) { node(id: $id) { ... on Document { version
  timeline(first: 50) { edges { node { action nodeId comment } } } } } }"""


async def trail(office: Office, doc_id: str) -> list[tuple[str, str | None, str | None]]:
    found = await office.run("admin", TRAIL, {"id": doc_id})
    edges = found.data["node"]["timeline"]["edges"]
    return [(e["node"]["action"], e["node"]["nodeId"], e["node"]["comment"]) for e in edges]


async def version(office: Office, doc_id: str) -> int:
    found = await office.run("admin", TRAIL, {"id": doc_id})
    value: int = found.data["node"]["version"]
    return value


async def test_each_task_action_is_in_the_trail_with_its_comment(office: Office) -> None:
    doc_id = await fresh(office)
    review = await office.open_task("director", doc_id)
    await office.ok(
        "director",
        "delegateTask",
        {"id": review["id"], "toUserId": office.id("finance_head"), "comment": "请代核"},
        TASK,
    )
    await office.approve("finance_head", doc_id, comment="已核")
    back = await office.open_task("director", doc_id)
    await office.ok(
        "director",
        "transferTask",
        {"id": back["id"], "toUserId": office.id("legal_head"), "comment": "转法规"},
        TASK,
    )
    legal = await office.open_task("legal_head", doc_id)
    await office.ok(
        "legal_head",
        "addSigners",
        {
            "id": legal["id"],
            "userIds": [office.id("hr_head")],
            "position": "before",
            "comment": "请人事先看",
        },
        TASK,
    )
    await office.approve("hr_head", doc_id, comment="人事同意")
    await office.approve("legal_head", doc_id, comment="同意")
    number = await office.open_task("clerk", doc_id)
    await office.ok("clerk", "claimTask", {"id": number["id"]}, TASK)
    await office.ok("clerk", "unclaimTask", {"id": number["id"]}, TASK)
    await office.approve("clerk2", doc_id, comment="已编号")
    sign = await office.open_task("leader", doc_id)
    await office.ok(
        "leader",
        "returnTask",
        {"id": sign["id"], "targetNodeId": "review", "comment": "重核"},
        TASK,
    )
    assert (await trail(office, doc_id))[3:] == [
        ("delegate", "review", "请代核"),
        ("approve", "review", "已核"),
        ("transfer", "review", "转法规"),
        ("add_signers", "review", "请人事先看"),
        ("approve", "review", "人事同意"),
        ("approve", "review", "同意"),
        ("claim", "number", None),
        ("unclaim", "number", None),
        ("claim", "number", None),
        ("number_allocated", None, None),
        ("approve", "number", "已编号"),
        ("return", "sign", "重核"),
    ]
    names = {u.id: name for name, u in office.users.items()}
    closed = await office.department.scope.query(Task).filter(document_id=key_of(doc_id))
    assert sorted((names[t.assignee_id], t.status.value, t.comment) for t in closed) == [
        ("clerk2", "completed", "已编号"),
        ("director", "delegated", "请代核"),
        ("director", "transferred", "转法规"),
        ("finance_head", "completed", "已核"),
        ("hr_head", "completed", "人事同意"),
        ("leader", "completed", "重核"),
        ("legal_head", "completed", "同意"),
        ("legal_head", "open", None),
        ("legal_head", "suspended", "请人事先看"),
        ("writer", "completed", None),
    ], "each task closed with the comment of the action that closed it"
    again = await office.open_task("legal_head", doc_id)
    assert again["nodeId"] == "review", "back to the step named (not the one before), its last"


async def test_bad_input_to_an_action_changes_nothing(office: Office) -> None:
    doc_id = await fresh(office)
    review = await office.open_task("director", doc_id)
    await directory.update_user(
        office.department.actor, id=office.users["outsider"].id, status=UserStatus.DISABLED
    )
    nobody = gid("User", uuid.uuid4())
    before = (await trail(office, doc_id), await version(office, doc_id))
    refusals: list[tuple[str, dict[str, Any], str, tuple[str, list[str]]]] = [
        ("delegateTask", {"toUserId": nobody}, TASK, ("NOT_FOUND", ["input", "toUserId"])),
        (
            "delegateTask",
            {"toUserId": office.id("outsider")},
            TASK,
            ("NOT_FOUND", ["input", "toUserId"]),
        ),
        (
            "transferTask",
            {"toUserId": office.id("outsider")},
            TASK,
            ("NOT_FOUND", ["input", "toUserId"]),
        ),
        ("addSigners", {"userIds": []}, TASK, ("REQUIRED", ["input", "userIds"])),
        ("addSigners", {"userIds": [nobody]}, TASK, ("NOT_FOUND", ["input", "userIds"])),
        ("approveTask", {"expectedVersion": 0}, TASK, ("CONFLICT", ["input", "expectedVersion"])),
    ]
    for name, extra, selection, expected in refusals:
        refused = await office.mutate("director", name, {"id": review["id"], **extra}, selection)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [expected], name
    missing = await office.mutate(
        "director", "approveTask", {"id": gid("Task", uuid.uuid4())}, TASK
    )
    assert missing["errors"][0]["message"] == "Task not found"
    other = await fresh(office)
    foreign = await office.open_task("director", other)
    on_document = [
        ("urgeDocument", {"taskId": foreign["id"]}, ("NOT_FOUND", ["input", "taskId"])),
        ("jumpDocument", {"nodeId": "", "reason": "急"}, ("REQUIRED", ["input", "nodeId"])),
        ("jumpDocument", {"nodeId": "sign", "reason": " "}, ("REQUIRED", ["input", "reason"])),
        (
            "jumpDocument",
            {"nodeId": "sign", "reason": "长" * 501},
            ("TOO_LONG", ["input", "reason"]),
        ),
    ]
    for name, extra, expected in on_document:
        refused = await office.mutate("admin", name, {"id": doc_id, **extra}, DOC)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [expected], (name, extra)
    assert (await trail(office, doc_id), await version(office, doc_id)) == before


async def ending(office: Office, doc_id: str) -> tuple[str, str | None, dict[str, Any]]:
    """The trail's last step: its action, comment and the engine's instance_* event."""
    found = await office.run(
        "admin",
        "query($id: ID!) { node(id: $id) { ... on Document { "
        "timeline(first: 50) { edges { node { action comment data } } } } } }",
        {"id": doc_id},
    )
    last = found.data["node"]["timeline"]["edges"][-1]["node"]
    [event] = [e for e in last["data"]["engine"] if e["kind"].startswith("instance_")]
    return last["action"], last["comment"], event


async def test_a_withdrawal_and_a_termination_keep_their_reason(office: Office) -> None:
    doc_id = await fresh(office)
    await office.ok("admin", "terminateDocument", {"id": doc_id, "comment": "作废"}, DOC)
    action, comment, event = await ending(office, doc_id)
    assert (action, comment, event["kind"], event["reason"]) == (
        "terminate",
        "作废",
        "instance_terminated",
        "作废",
    )
    doc_id = await fresh(office)
    await office.ok("writer", "withdrawDocument", {"id": doc_id, "comment": "写错了"}, DOC)
    action, comment, event = await ending(office, doc_id)
    assert (action, comment, event["kind"], event["comment"]) == (
        "withdraw",
        "写错了",
        "instance_withdrawn",
        "写错了",
    )
