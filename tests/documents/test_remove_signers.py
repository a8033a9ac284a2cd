"""减签 through GraphQL on PostgreSQL: whoever added signers (or a documents.manage holder)
removes those who have not voted, with a reason in the trail and the audit log; removing the
last one who held the countersign up decides it; the last signer stays (LAST_SIGNER); of 20
concurrent removals exactly one wins."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.documents.engine_flow import audited, engine_office, of, race, started, tasks, trail
from tests.documents.support import DOC, TASK, Office


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


async def at_countersign(office: Office) -> str:
    doc_id = await started(office)
    await office.approve("director", doc_id)
    return doc_id


def removable(node: dict[str, Any]) -> dict[str, list[str]]:
    return {
        g["node"]["id"]: sorted(u["username"] for u in g["users"]) for g in node["removableSigners"]
    }


async def test_the_adder_removes_her_signers_and_a_manager_anyone_who_has_not_voted(
    office: Office,
) -> None:
    doc_id = await at_countersign(office)
    vote = await office.open_task("finance_head", doc_id)
    await office.ok(
        "finance_head", "addSigners", {"id": vote["id"], "userIds": [office.id("hr_head")]}, TASK
    )
    mine = await tasks(office, "finance_head", doc_id)
    assert removable(mine) == {"cs": ["hr_head"]}
    assert "REMOVE_SIGNERS" in mine["allowedActions"]
    legal = await tasks(office, "legal_head", doc_id)
    assert removable(legal) == {}
    assert "REMOVE_SIGNERS" not in legal["allowedActions"]
    assert removable(await tasks(office, "admin", doc_id)) == {
        "cs": ["finance_head", "hr_head", "legal_head"]
    }

    remove = {"id": doc_id, "nodeId": "cs", "userIds": [office.id("hr_head")], "reason": "不必"}
    nosy = await office.mutate("legal_head", "removeSigners", remove, DOC)
    assert [e["code"] for e in nosy["errors"]] == ["FORBIDDEN"]
    blank = await office.mutate("finance_head", "removeSigners", {**remove, "reason": " "}, DOC)
    assert [(e["code"], e["field"]) for e in blank["errors"]] == [("REQUIRED", ["input", "reason"])]
    await office.ok("finance_head", "removeSigners", remove, DOC)
    node = await tasks(office, "admin", doc_id)
    assert [t["status"] for t in of(node, "cs") if t["assignee"]["username"] == "hr_head"] == [
        "REMOVED"
    ]
    removed = [e for e in await trail(office, doc_id) if e.action == "remove_signers"]
    assert [(e.comment, e.data["engine"][0]["kind"]) for e in removed] == [
        ("不必", "signers_removed")
    ]
    assert [a.data["reason"] for a in await audited(office, "document.remove_signers")] == ["不必"]

    await office.approve("finance_head", doc_id)
    last = {**remove, "userIds": [office.id("legal_head")], "reason": "出差"}
    await office.ok("admin", "removeSigners", last, DOC)
    sign = await office.open_task("leader", doc_id)
    assert sign["nodeId"] == "sign", "removing the last blocker passed the countersign"


async def test_the_last_signer_stays(office: Office) -> None:
    doc_id = await at_countersign(office)
    both = [office.id("finance_head"), office.id("legal_head")]
    remove = {"id": doc_id, "nodeId": "cs", "userIds": both, "reason": "重新安排"}
    refused = await office.mutate("admin", "removeSigners", remove, DOC)
    assert [e["code"] for e in refused["errors"]] == ["LAST_SIGNER"]
    await office.ok("admin", "removeSigners", {**remove, "userIds": both[:1]}, DOC)
    node = await tasks(office, "admin", doc_id)
    assert removable(node) == {}
    assert "REMOVE_SIGNERS" not in node["allowedActions"]
    again = await office.mutate("admin", "removeSigners", {**remove, "userIds": both[1:]}, DOC)
    assert [e["code"] for e in again["errors"]] == ["LAST_SIGNER"]


async def test_twenty_concurrent_removals_one_wins(office: Office) -> None:
    doc_id = await at_countersign(office)
    remove = {"id": doc_id, "nodeId": "cs", "userIds": [office.id("legal_head")], "reason": "x"}
    wins, codes = await race(
        [office.mutate("admin", "removeSigners", remove, DOC) for _ in range(20)]
    )
    assert len(wins) == 1
    assert len(codes) == 19
    assert [e.action for e in await trail(office, doc_id)].count("remove_signers") == 1
