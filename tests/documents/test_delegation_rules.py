"""Out-of-office rules (委托规则) and separation of duties through GraphQL on PostgreSQL: a rule
in force sends new tasks to the delegate (recorded as delegatedFrom, the original holder still
sees them), a rule for one flow wins over one for every flow, rules of one user do not overlap
(of 20 concurrent creations exactly one wins); the initiator does not approve her own document
where duties are separated, not even as a delegate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.documents.engine_flow import FLOW, engine_office, of, publish, race, started, tasks
from tests.documents.support import TASK, Office
from tests.flows.support import design, start_document

RULE = "delegationRule { id version reason user { username } delegate { username } flow { key } } "
MINE = "{ myDelegationRules(first: 10) { edges { node { reason delegate { username } } } } }"


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


def period(days: float = 7, since: float = -1) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "startsAt": (now + timedelta(hours=since)).isoformat(),
        "endsAt": (now + timedelta(days=days)).isoformat(),
    }


async def rule(office: Office, who: str, to: str, **extra: Any) -> dict[str, Any]:
    made = await office.ok(
        who, "createDelegationRule", {"delegateId": office.id(to), **period(), **extra}, RULE
    )
    found: dict[str, Any] = made["delegationRule"]
    return found


async def test_a_rule_in_force_sends_new_tasks_to_the_delegate(office: Office) -> None:
    await rule(office, "director", "finance_head", reason="出差")
    mine = (await office.run("director", MINE)).data["myDelegationRules"]["edges"]
    assert [(e["node"]["reason"], e["node"]["delegate"]["username"]) for e in mine] == [
        ("出差", "finance_head")
    ]
    doc_id = await started(office)
    node = await tasks(office, "director", doc_id)
    (review,) = of(node, "review", "OPEN")
    assert review["assignee"]["username"] == "finance_head"
    assert review["delegatedFrom"]["username"] == "director"
    assert review["allowedActions"] == [], "the original holder sees it but does not act"
    delegated = await office.run(
        "director", "{ myTasks(kind: DELEGATED) { edges { node { id nodeId } } } }"
    )
    assert [e["node"]["id"] for e in delegated.data["myTasks"]["edges"]] == [review["id"]]
    await office.approve("finance_head", doc_id)
    assert (await office.open_task("legal_head", doc_id))["nodeId"] == "cs"


async def test_whose_task_a_rule_sent_away_stood_at_its_node(office: Office) -> None:
    """The hidden-fields rule: she stood where the task was hers, delegated or not."""
    hidden = {
        **FLOW,
        "id": "hidden",
        "nodes": [
            {**n, "fieldAccess": {"amount": "hidden"}} if n["id"] == "cs" else n
            for n in FLOW["nodes"]
        ],
    }
    type_id = await publish(office, hidden, "hidden")
    await rule(office, "director", "clerk")
    doc_id = (await start_document(office, type_id, 5000))["id"]
    seen = await office.run(
        "director",
        "query($id: ID!) { node(id: $id) { ... on Document { formData } } }",
        {"id": doc_id},
    )
    assert seen.data["node"]["formData"]["amount"] == 5000


async def test_a_rule_for_the_flow_wins_and_the_acting_user_is_never_away(office: Office) -> None:
    await rule(office, "director", "finance_head")
    flows = await office.run("admin", "{ flows(first: 5) { edges { node { id key } } } }")
    engine = next(
        e["node"]["id"] for e in flows.data["flows"]["edges"] if e["node"]["key"] == "engine"
    )
    await rule(office, "director", "legal_head", flowId=engine)
    await rule(office, "writer", "clerk", reason="away, but she submits herself")
    doc_id = await started(office)
    node = await tasks(office, "writer", doc_id)
    assert of(node, "draft")[0]["status"] == "COMPLETED", "her own submission is not delegated"
    assert of(node, "review", "OPEN")[0]["assignee"]["username"] == "legal_head"


async def test_rules_of_a_user_do_not_overlap_and_only_she_or_a_manager_sets_them(
    office: Office,
) -> None:
    made = await rule(office, "director", "finance_head")
    clash = await office.mutate(
        "director",
        "createDelegationRule",
        {"delegateId": office.id("legal_head"), **period()},
        RULE,
    )
    assert [e["code"] for e in clash["errors"]] == ["CONFLICT"]
    for bad, code, field in (
        ({"delegateId": office.id("director")}, "INVALID", "delegateId"),
        (period(days=-1, since=-48), "INVALID", "endsAt"),
        ({"userId": office.id("director")}, "FORBIDDEN", "userId"),
    ):
        refused = await office.mutate(
            "outsider" if "userId" in bad else "director",
            "createDelegationRule",
            {"delegateId": office.id("clerk"), **period(days=30, since=24 * 20), **bad},
            RULE,
        )
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [(code, ["input", field])]
    by_admin = await rule(office, "admin", "clerk2", userId=office.id("clerk"))
    assert by_admin["user"]["username"] == "clerk"
    hidden = await office.run(
        "outsider", "query($id: ID!) { node(id: $id) { id } }", {"id": made["id"]}
    )
    assert hidden.data["node"] is None
    stale = await office.mutate(
        "director",
        "updateDelegationRule",
        {"id": made["id"], "reason": "x", "expectedVersion": 0},
        RULE,
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    moved = await office.ok(
        "director",
        "updateDelegationRule",
        {"id": made["id"], "delegateId": office.id("legal_head"), "expectedVersion": 1},
        RULE,
    )
    assert moved["delegationRule"]["delegate"]["username"] == "legal_head"
    await office.ok("director", "deleteDelegationRule", {"id": made["id"]}, "deletedId ")
    doc_id = await started(office)
    assert (await office.open_task("director", doc_id))["nodeId"] == "review"


async def test_twenty_concurrent_overlapping_rules_one_wins(office: Office) -> None:
    attempts = [
        office.mutate(
            "director",
            "createDelegationRule",
            {"delegateId": office.id(to), **period()},
            RULE,
        )
        for to in ["finance_head", "legal_head", "hr_head", "clerk"] * 5
    ]
    wins, codes = await race(attempts)
    assert len(wins) == 1
    assert set(codes) == {"CONFLICT"}


def leave(*hr: str, **flow: Any) -> dict[str, Any]:
    """draft → 人事 (the users ``hr``, duties separated) → end."""
    nodes = [n for n in FLOW["nodes"] if n["id"] in ("start", "draft", "end")]
    step = {"id": "hr", "name": "人事", "type": "task", "separateDuties": True}
    return {
        **FLOW,
        "id": "leave",
        "nodes": [*nodes, {**step, "assignee": {"kind": "users", "ids": list(hr)}}],
        "transitions": [
            {"id": "a", "source": "start", "target": "draft"},
            {"id": "b", "source": "draft", "target": "hr"},
            {"id": "c", "source": "hr", "target": "end"},
        ],
        **flow,
    }


async def test_the_initiator_does_not_approve_her_own_leave_even_as_a_delegate(
    office: Office,
) -> None:
    type_id = await publish(office, leave("writer", "hr_head"), "leave")
    await rule(office, "hr_head", "writer")
    doc_id = (await start_document(office, type_id, 1))["id"]
    hr = of(await tasks(office, "hr_head", doc_id), "hr", "OPEN")[0]
    assert hr["assignee"]["username"] == "hr_head", "the initiator is left out of the users"
    assert hr["delegatedFrom"] is None, "the rule stops before the initiator"
    handed = await office.mutate(
        "hr_head", "delegateTask", {"id": hr["id"], "toUserId": office.id("writer")}, TASK
    )
    assert [e["code"] for e in handed["errors"]] == ["SEPARATION_OF_DUTIES"]

    solo = await publish(office, leave("writer"), "leave-solo")
    mine_id = (await start_document(office, solo, 1))["id"]
    mine = await office.open_task("writer", mine_id)
    assert "APPROVE" not in mine["allowedActions"]
    assert "TRANSFER" in mine["allowedActions"]
    refused = await office.mutate("writer", "approveTask", {"id": mine["id"]}, TASK)
    assert [e["code"] for e in refused["errors"]] == ["SEPARATION_OF_DUTIES"]
    await office.ok(
        "writer", "transferTask", {"id": mine["id"], "toUserId": office.id("hr_head")}, TASK
    )
    done = await office.approve("hr_head", mine_id)
    assert done["document"]["status"] == "COMPLETED"


async def test_separated_duties_at_the_initiators_own_step_are_refused_at_publish(
    office: Office,
) -> None:
    made = await design(office, leave("hr_head", separateDuties=True), key="strict")
    refused = await office.mutate(
        "admin", "publishFlow", {"id": made["flow"]["id"]}, "flow { id } "
    )
    assert [e["field"][-1] for e in refused["errors"]] == ["draft"]
    assert "separates duties" in refused["errors"][0]["message"]
