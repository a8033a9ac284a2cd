"""跳转 through GraphQL on PostgreSQL: a documents.manage holder moves a document to any step
with a reason; open tasks close as JUMPED and their timers go, the target gets fresh ones;
parallel branches the target does not share carry on; of 20 concurrent jumps from one version
exactly one wins."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.documents.engine_flow import (
    FLOW,
    audited,
    engine_office,
    of,
    publish,
    race,
    started,
    tasks,
    timers,
    trail,
)
from tests.documents.support import DOC, Office
from tests.flows.support import start_document


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


async def test_a_manager_jumps_with_a_reason_and_the_timers_follow(office: Office) -> None:
    doc_id = await started(office)
    assert "JUMP" in (await tasks(office, "admin", doc_id))["allowedActions"]
    assert "JUMP" not in (await tasks(office, "writer", doc_id))["allowedActions"]
    jump = {"id": doc_id, "nodeId": "sign", "reason": "领导急需"}
    refused = await office.mutate("writer", "jumpDocument", jump, DOC)
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    for bad, code in (({"reason": ""}, "REQUIRED"), ({"nodeId": "nowhere"}, "INVALID")):
        wrong = await office.mutate("admin", "jumpDocument", {**jump, **bad}, DOC)
        assert [e["code"] for e in wrong["errors"]] == [code]
    assert len(await timers(office, doc_id)) == 2

    await office.ok("admin", "jumpDocument", jump, DOC)
    node = await tasks(office, "admin", doc_id)
    assert [t["status"] for t in of(node, "review")] == ["JUMPED"]
    assert of(node, "sign", "OPEN")[0]["assignee"]["username"] == "leader"
    assert await timers(office, doc_id) == [], "the jumped task's reminder and deadline are gone"
    jumped = [e for e in await trail(office, doc_id) if e.action == "jump"]
    assert [(e.comment, e.data["engine"][0]["kind"]) for e in jumped] == [("领导急需", "jumped")]
    assert [a.data["reason"] for a in await audited(office, "document.jump")] == ["领导急需"]

    await office.ok("admin", "jumpDocument", {**jump, "nodeId": "review", "reason": "重核"}, DOC)
    assert len(await timers(office, doc_id)) == 2, "fresh timers at the step jumped to"
    await office.ok("admin", "jumpDocument", {**jump, "nodeId": "cs", "reason": "会签"}, DOC)
    node = await tasks(office, "admin", doc_id)
    voters = sorted(t["assignee"]["username"] for t in of(node, "cs", "OPEN"))
    assert voters == ["finance_head", "legal_head"]
    done = await office.ok(
        "admin", "jumpDocument", {**jump, "nodeId": "end", "reason": "办结"}, DOC
    )
    assert done["document"]["status"] == "COMPLETED"


def users(*ids: str) -> dict[str, Any]:
    return {"kind": "users", "ids": list(ids)}


PARALLEL: dict[str, Any] = {
    **FLOW,
    "id": "parallel",
    "nodes": [
        *[n for n in FLOW["nodes"] if n["id"] in ("start", "draft", "sign", "end")],
        {"id": "split", "type": "parallel_gateway"},
        {"id": "legal", "name": "法务", "type": "task", "assignee": users("legal_head")},
        {"id": "finance", "name": "财务", "type": "task", "assignee": users("finance_head")},
        {"id": "join", "type": "parallel_gateway"},
    ],
    "transitions": [
        {"id": "a", "source": "start", "target": "draft"},
        {"id": "b", "source": "draft", "target": "split"},
        {"id": "c", "source": "split", "target": "legal"},
        {"id": "d", "source": "split", "target": "finance"},
        {"id": "e", "source": "legal", "target": "join"},
        {"id": "f", "source": "finance", "target": "join"},
        {"id": "g", "source": "join", "target": "sign"},
        {"id": "h", "source": "sign", "target": "end"},
    ],
}  # fmt: skip


async def test_jumps_keep_parallel_branches_consistent(office: Office) -> None:
    type_id = await publish(office, PARALLEL, "parallel")
    doc_id = (await start_document(office, type_id, 100))["id"]
    await office.ok("admin", "jumpDocument", {"id": doc_id, "nodeId": "sign", "reason": "急"}, DOC)
    back = {"id": doc_id, "nodeId": "finance", "reason": "补财务意见"}
    await office.ok("admin", "jumpDocument", back, DOC)
    node = await tasks(office, "admin", doc_id)
    assert sorted({t["nodeId"] for t in node["tasks"] if t["status"] == "OPEN"}) == ["finance"]
    await office.approve("finance_head", doc_id)
    assert (await office.open_task("leader", doc_id))["nodeId"] == "sign", (
        "the branch not jumped into counts as done at the join"
    )


async def test_twenty_concurrent_jumps_from_one_version_one_wins(office: Office) -> None:
    doc_id = await started(office)
    version = (await tasks(office, "admin", doc_id))["version"]
    jump = {"id": doc_id, "nodeId": "sign", "reason": "急", "expectedVersion": version}
    wins, codes = await race([office.mutate("admin", "jumpDocument", jump, DOC) for _ in range(20)])
    assert len(wins) == 1
    assert set(codes) == {"CONFLICT"}
    assert [e.action for e in await trail(office, doc_id)].count("jump") == 1
    assert len(of(await tasks(office, "admin", doc_id), "sign", "OPEN")) == 1
