"""撤回 by the previous handler and opening a task, through GraphQL on PostgreSQL: the step
comes back while the next one is untouched, its timers go, the trail and the audit log keep the
reason; once the next holder opened the task it is too late; of 20 concurrent attempts (and of
take-backs racing opens) exactly one wins."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.documents.engine_flow import (
    audited,
    engine_office,
    of,
    race,
    started,
    tasks,
    timers,
    trail,
)
from tests.documents.support import TASK, Office


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


async def draft_of(office: Office, doc_id: str) -> str:
    node = await tasks(office, "writer", doc_id)
    (draft,) = of(node, "draft", "COMPLETED")
    task_id: str = draft["id"]
    return task_id


async def test_the_previous_handler_takes_the_step_back_while_it_is_untouched(
    office: Office,
) -> None:
    doc_id = await started(office)
    draft = await draft_of(office, doc_id)
    node = await tasks(office, "writer", doc_id)
    assert of(node, "draft")[0]["allowedActions"] == ["TAKE_BACK"]
    assert len(of(node, "review", "OPEN")) == 1
    assert [kind for _, kind in await timers(office, doc_id)] == ["deadline", "remind"]

    nosy = await office.mutate("director", "takeBackTask", {"id": draft}, TASK)
    assert [e["code"] for e in nosy["errors"]] == ["FORBIDDEN"]
    back = await office.ok("writer", "takeBackTask", {"id": draft, "comment": "还要改"}, TASK)
    assert back["task"]["id"] == draft

    node = await tasks(office, "writer", doc_id)
    assert [t["status"] for t in of(node, "review")] == ["WITHDRAWN"]
    (again,) = of(node, "draft", "OPEN")
    assert again["assignee"]["username"] == "writer"
    assert await timers(office, doc_id) == [], "the withdrawn step's timers are cancelled"
    taken = [e for e in await trail(office, doc_id) if e.action == "take_back"]
    assert [(e.node_id, e.comment) for e in taken] == [("draft", "还要改")]
    assert [a.data["reason"] for a in await audited(office, "document.take_back")] == ["还要改"]

    await office.ok("writer", "approveTask", {"id": again["id"]}, TASK)
    assert len(await timers(office, doc_id)) == 2, "the step entered again has fresh timers"


async def test_once_the_next_holder_opened_the_task_it_is_too_late(office: Office) -> None:
    doc_id = await started(office)
    draft = await draft_of(office, doc_id)
    review = await office.open_task("director", doc_id)
    assert "OPEN" in review["allowedActions"]
    refused = await office.mutate("writer", "openTask", {"id": review["id"]}, TASK)
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    await office.ok("director", "openTask", {"id": review["id"]}, TASK)
    node = await tasks(office, "director", doc_id)
    (opened,) = of(node, "review")
    assert opened["openedAt"] is not None
    assert "OPEN" not in opened["allowedActions"]
    assert of(await tasks(office, "writer", doc_id), "draft")[0]["allowedActions"] == []
    late = await office.mutate("writer", "takeBackTask", {"id": draft}, TASK)
    assert [e["code"] for e in late["errors"]] == ["CONFLICT"]
    assert "opened" in late["errors"][0]["message"]


async def test_twenty_concurrent_take_backs_one_wins(office: Office) -> None:
    doc_id = await started(office)
    draft = await draft_of(office, doc_id)
    wins, codes = await race(
        [office.mutate("writer", "takeBackTask", {"id": draft}, TASK) for _ in range(20)]
    )
    assert len(wins) == 1
    assert set(codes) == {"CONFLICT"}
    node = await tasks(office, "writer", doc_id)
    assert len(of(node, "draft", "OPEN")) == 1
    assert [e.action for e in await trail(office, doc_id)].count("take_back") == 1


async def test_twenty_concurrent_opens_one_wins(office: Office) -> None:
    doc_id = await started(office)
    review = await office.open_task("director", doc_id)
    wins, codes = await race(
        [office.mutate("director", "openTask", {"id": review["id"]}, TASK) for _ in range(20)]
    )
    assert len(wins) == 1
    assert set(codes) == {"CONFLICT"}
    assert [e.action for e in await trail(office, doc_id)].count("open") == 1


async def test_take_backs_racing_the_next_holder_opening_one_wins(office: Office) -> None:
    doc_id = await started(office)
    draft = await draft_of(office, doc_id)
    review = await office.open_task("director", doc_id)
    attempts = [office.mutate("writer", "takeBackTask", {"id": draft}, TASK) for _ in range(10)]
    attempts += [
        office.mutate("director", "openTask", {"id": review["id"]}, TASK) for _ in range(10)
    ]
    wins, codes = await race(attempts)
    assert len(wins) == 1
    assert set(codes) == {"CONFLICT"}
    node = await tasks(office, "writer", doc_id)
    if wins[0]["task"]["nodeId"] == "draft":  # taken back: the review was withdrawn unopened
        assert [(t["status"], t["openedAt"]) for t in of(node, "review")] == [("WITHDRAWN", None)]
    else:
        assert of(node, "review", "OPEN")[0]["openedAt"] is not None
