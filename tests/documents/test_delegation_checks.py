"""What an out-of-office rule (委托规则) refuses, through GraphQL on PostgreSQL: every problem at
once, each with its field and words (the delegate, the flow, the period's time zone, order,
end and length, the reason), and what an edit keeps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.audit import AuditEntry
from models.directory import User, UserStatus
from tests.conftest import GraphQL, gid, key_of
from tests.documents.engine_flow import engine_office
from tests.documents.support import Office

RULE = "delegationRule { id version reason startsAt endsAt delegate { username } flow { key } } "
CREATE = "createDelegationRule"


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


def period(start: datetime, length: timedelta) -> dict[str, str]:
    return {"startsAt": start.isoformat(), "endsAt": (start + length).isoformat()}


async def refused(office: Office, **input: Any) -> list[tuple[str, str, str]]:
    result = await office.mutate("director", CREATE, input, RULE)
    return [(e["code"], e["message"], e["field"][-1]) for e in result["errors"]]


async def test_every_problem_of_a_rule_is_reported_at_once(office: Office) -> None:
    soon = datetime.now(UTC) + timedelta(days=1)
    assert await refused(
        office,
        delegateId=gid("User", uuid.uuid4()),
        flowId=gid("Flow", uuid.uuid4()),
        reason="出差" * 101,
        **period(soon, timedelta(0)),
    ) == [
        ("NOT_FOUND", "Active user not found", "delegateId"),
        ("NOT_FOUND", "Flow not found", "flowId"),
        ("INVALID", "A rule ends after it starts", "endsAt"),
        ("TOO_LONG", "reason is longer than 200 characters", "reason"),
    ]
    clerk = office.id("clerk")
    naive = {"startsAt": "2031-01-01T08:00:00", "endsAt": "2031-01-02T08:00:00"}
    assert await refused(office, delegateId=clerk, **naive) == [
        ("INVALID", "Give times with their time zone", "startsAt")
    ]
    half = {"startsAt": "2031-01-01T08:00:00+08:00", "endsAt": "2031-01-02T08:00:00"}
    assert await refused(office, delegateId=clerk, **half) == [
        ("INVALID", "Give times with their time zone", "startsAt")
    ]
    past = datetime.now(UTC) - timedelta(days=3)
    assert await refused(office, delegateId=clerk, **period(past, timedelta(days=2))) == [
        ("INVALID", "The rule would be over already", "endsAt")
    ]
    year = "A rule lasts at most a year; transfer the tasks instead"
    assert await refused(
        office, delegateId=clerk, **period(soon, timedelta(days=366, seconds=1))
    ) == [("INVALID", year, "endsAt")]
    await (
        office.department.scope.query(User)
        .filter(id=office.users["clerk2"].id)
        .update(status=UserStatus.DISABLED)
    )
    assert await refused(office, delegateId=office.id("clerk2"), **period(soon, timedelta(1))) == [
        ("NOT_FOUND", "Active user not found", "delegateId")
    ]


async def test_a_rule_of_a_year_at_most_and_an_edit_keeps_what_it_does_not_name(
    office: Office,
) -> None:
    soon = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    made = await office.ok(
        "director",
        CREATE,
        {"delegateId": office.id("clerk"), "reason": "  出差  ", **period(soon, timedelta(366))},
        RULE,
    )
    rule = made["delegationRule"]
    assert rule["reason"] == "出差"
    assert rule["flow"] is None
    assert datetime.fromisoformat(rule["endsAt"]) - datetime.fromisoformat(
        rule["startsAt"]
    ) == timedelta(366)
    edited = await office.ok(
        "director",
        "updateDelegationRule",
        {"id": rule["id"], "reason": "", "expectedVersion": rule["version"]},
        RULE,
    )
    assert edited["delegationRule"] == {**rule, "reason": "", "version": rule["version"] + 1}
    flows = await office.run("admin", "{ flows(first: 5) { edges { node { id key } } } }")
    (engine,) = [e["node"]["id"] for e in flows.data["flows"]["edges"]]
    moved = await office.ok(
        "director",
        "updateDelegationRule",
        {"id": rule["id"], "flowId": engine, "endsAt": (soon + timedelta(2)).isoformat()},
        RULE,
    )
    assert moved["delegationRule"]["flow"] == {"key": "engine"}
    assert moved["delegationRule"]["delegate"] == {"username": "clerk"}
    assert moved["delegationRule"]["startsAt"] == rule["startsAt"]
    bare = await office.ok(
        "finance_head",
        CREATE,
        {"delegateId": office.id("clerk"), **period(soon, timedelta(1))},
        RULE,
    )
    assert bare["delegationRule"]["reason"] == ""


async def test_anothers_rule_is_not_found_and_a_deleted_one_is_audited(office: Office) -> None:
    soon = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    made = await office.ok(
        "director", CREATE, {"delegateId": office.id("clerk"), **period(soon, timedelta(1))}, RULE
    )
    rule_id = made["delegationRule"]["id"]
    for who, target in (("outsider", rule_id), ("director", gid("DelegationRule", uuid.uuid4()))):
        gone = await office.mutate(who, "deleteDelegationRule", {"id": target}, "deletedId ")
        assert [(e["code"], e["message"], e["field"]) for e in gone["errors"]] == [
            ("NOT_FOUND", "Delegation rule not found", ["input", "id"])
        ], who
    await office.ok("director", "deleteDelegationRule", {"id": rule_id}, "deletedId ")
    scope = office.department.scope
    (entry,) = await scope.query(AuditEntry).filter(action="delegation_rule.deleted")
    assert (entry.target_type, entry.target_id) == ("DelegationRule", str(key_of(rule_id)))
    assert entry.data == {
        "user": str(office.users["director"].id),
        "delegate": str(office.users["clerk"].id),
        "flow": None,
        "startsAt": soon.isoformat(),
        "endsAt": (soon + timedelta(1)).isoformat(),
        "reason": "",
    }


async def test_periods_that_touch_do_not_clash_and_a_rule_is_audited(office: Office) -> None:
    """Two rules clash when each starts before the other ends: one ending as the next starts,
    or lying wholly before it, is allowed; one inside it, or straddling either end, is not."""
    start = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    made = await office.ok(
        "director", CREATE, {"delegateId": office.id("clerk"), **period(start, timedelta(5))}, RULE
    )
    rule_id = key_of(made["delegationRule"]["id"])
    (entry,) = await AuditEntry.filter(
        tenant_id=office.department.tenant.id, action="delegation_rule.created"
    )
    assert (entry.target_type, entry.target_id, entry.actor_id) == (
        "DelegationRule",
        str(rule_id),
        office.users["director"].id,
    )
    assert entry.data["startsAt"] == start.isoformat()
    taken = [
        (
            "CONFLICT",
            "Another rule of this user covers part of that time for the same flows",
            "startsAt",
        )
    ]
    for offset, length in ((-1, 2), (4, 2), (1, 1), (-1, 7)):
        clashing = period(start + timedelta(offset), timedelta(length))
        assert await refused(office, delegateId=office.id("clerk"), **clashing) == taken, offset
    before = period(start - timedelta(3), timedelta(2))
    touching = period(start + timedelta(5), timedelta(1))
    for free in (before, touching):
        await office.ok("director", CREATE, {"delegateId": office.id("clerk"), **free}, RULE)
