"""The working-day calendar and deadlines in working time, through GraphQL on PostgreSQL: the
platform's calendar comes seeded from chinesecalendar (national holidays and make-up workdays
调休) and its administrator edits it; a tenant overrides days and hours for itself; a deadline
in working hours falls in working time on that calendar and its timers fire then. Timers across
a return (RuoYi-Vue-Pro #1018): the step entered again gets fresh ones, the old ones are
cancelled, and no reminder is lost or doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import workflow
from models.directory import User
from models.documents import Document
from services import workdays
from services.documents import timers as timer_worker
from tests.conftest import GraphQL, key_of
from tests.documents.engine_flow import FLOW, engine_office, of, publish, race, tasks, trail
from tests.documents.support import TASK, Office
from tests.flows.support import start_document

CALENDAR = (
    "query($from: Date!, $to: Date!, $only: Boolean!) { workCalendar(from: $from, to: $to, "
    "onlySet: $only) { timezone hours { start end } weekend days { date working name setBy "
    "hours { start end } } } }"
)
PAYLOAD = "calendar { days { date working name setBy hours { start end } } } "


@pytest.fixture
async def office(gql: GraphQL, make_department: Any) -> Office:
    return await engine_office(gql, make_department)


async def calendar(office: Office, who: str, first: str, last: str, only: bool = False) -> Any:
    result = await office.run(who, CALENDAR, {"from": first, "to": last, "only": only})
    return result.data["workCalendar"]


async def test_the_platform_calendar_is_seeded_from_chinesecalendar(office: Office) -> None:
    seen = await calendar(office, "writer", "2026-09-30", "2026-10-11")
    assert (seen["timezone"], seen["weekend"]) == ("Asia/Shanghai", [5, 6])
    assert seen["hours"] == [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]
    days = {d["date"]: (d["working"], d["name"], d["setBy"]) for d in seen["days"]}
    assert days["2026-09-30"] == (True, "", "WEEK")
    assert days["2026-10-01"] == (False, "National Day", "PLATFORM")
    assert days["2026-10-10"] == (True, "National Day", "PLATFORM"), "a Saturday made a workday"
    assert days["2026-10-11"] == (False, "", "WEEK")
    too_long = await office.run(
        "writer", CALENDAR, {"from": "2026-01-01", "to": "2027-06-01", "only": False}
    )
    assert too_long.body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_platform_admin_enters_next_years_holidays(
    office: Office, gql: GraphQL, platform_admin: User
) -> None:
    token = gql.token(platform_admin, "platform")
    days = [
        {"date": "2031-01-01", "kind": "HOLIDAY", "name": "元旦"},
        {"date": "2031-01-04", "kind": "WORKDAY", "name": "元旦调休"},
    ]
    set_days = await gql.mutate("setCalendarDays", {"days": days}, PAYLOAD, token=token)
    assert set_days["errors"] == []
    seen = await calendar(office, "writer", "2031-01-01", "2031-01-05", only=True)
    assert [(d["date"], d["working"], d["setBy"]) for d in seen["days"]] == [
        ("2031-01-01", False, "PLATFORM"),
        ("2031-01-04", True, "PLATFORM"),
    ]
    tenant_admin = await office.mutate("admin", "setCalendarDays", {"days": days}, PAYLOAD)
    assert tenant_admin["errors"] == [], "a tenant admin sets her own tenant's days"
    assert {
        d["setBy"]
        for d in (await calendar(office, "writer", "2031-01-01", "2031-01-04", True))["days"]
    } == {"TENANT"}
    cleared = await gql.mutate(
        "clearCalendarDays", {"dates": ["2031-01-01", "2031-01-04"]}, PAYLOAD, token=token
    )
    assert [d["setBy"] for d in cleared["calendar"]["days"]] == ["WEEK", "WEEK"]
    assert await workdays.seed() == 0, "seeding again adds nothing and keeps what was entered"


async def test_a_tenant_overrides_days_and_hours_for_itself_only(
    office: Office, gql: GraphQL, make_department: Any
) -> None:
    forbidden = await office.mutate(
        "writer", "setCalendarDays", {"days": [{"date": "2030-05-06", "kind": "HOLIDAY"}]}, PAYLOAD
    )
    assert [e["code"] for e in forbidden["errors"]] == ["FORBIDDEN"]
    local = {"date": "2030-05-06", "kind": "HOLIDAY", "name": "区庆"}
    half = {"date": "2030-05-07", "kind": "WORKDAY", "hours": [{"start": "09:00", "end": "12:00"}]}
    await office.ok("admin", "setCalendarDays", {"days": [local, half]}, PAYLOAD)
    bad = {"hours": [{"start": "13:00", "end": "12:00"}]}
    wrong = await office.mutate("admin", "setWorkingHours", bad, PAYLOAD)
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [("INVALID", ["input", "hours"])]
    summer = {"hours": [{"start": "08:30", "end": "12:00"}, {"start": "14:30", "end": "17:30"}]}
    await office.ok("admin", "setWorkingHours", summer, PAYLOAD)
    seen = await calendar(office, "writer", "2030-05-06", "2030-05-08")
    assert [(d["date"], d["working"], d["setBy"], len(d["hours"])) for d in seen["days"]] == [
        ("2030-05-06", False, "TENANT", 0),
        ("2030-05-07", True, "TENANT", 1),
        ("2030-05-08", True, "WEEK", 2),
    ]
    assert seen["hours"][0] == {"start": "08:30", "end": "12:00"}
    other = Office(await make_department(), gql)
    assert (await calendar(other, "admin", "2030-05-06", "2030-05-06"))["days"][0]["working"]


async def test_twenty_concurrent_edits_of_one_day_leave_one(office: Office) -> None:
    day = {"days": [{"date": "2030-06-03", "kind": "HOLIDAY", "name": "x"}]}
    wins, codes = await race(
        [office.mutate("admin", "setCalendarDays", day, PAYLOAD) for _ in range(20)]
    )
    assert (len(wins), codes) == (20, []), "each edit replaces the day"
    seen = await calendar(office, "writer", "2030-06-01", "2030-06-30", only=True)
    assert [d["date"] for d in seen["days"]] == ["2030-06-03"]


WORKING: dict[str, Any] = {
    **FLOW,
    "id": "working",
    "nodes": [
        {**n, "deadline": {"workingHours": 2, "remindBeforeHours": 1}} if n["id"] == "review" else n
        for n in FLOW["nodes"]
    ],
}


async def instance_task(office: Office, doc_id: str, node_id: str) -> workflow.Task:
    row = await office.department.scope.query(Document).get(id=key_of(doc_id))
    instance = workflow.Instance.from_json(row.instance or {})
    return [t for t in instance.tasks if t.node_id == node_id][-1]


async def test_a_deadline_in_working_hours_falls_in_working_time(office: Office) -> None:
    today = datetime.now(UTC).astimezone(workflow.WorkCalendar().zone).date()
    off = [{"date": (today + timedelta(days=i)).isoformat(), "kind": "HOLIDAY"} for i in (1, 2, 3)]
    await office.ok("admin", "setCalendarDays", {"days": off}, PAYLOAD)
    type_id = await publish(office, WORKING, "working")
    doc_id = (await start_document(office, type_id, 1))["id"]
    task = await instance_task(office, doc_id, "review")
    assert task.due_at is not None
    assert task.remind_at is not None
    cal = await workdays.calendar_for(office.department.tenant.id, task.created_at)
    assert task.due_at == workflow.add_working_hours(cal, task.created_at, 2)
    assert task.remind_at == workflow.add_working_hours(cal, task.created_at, 1)
    assert workflow.is_working_time(cal, task.due_at)
    assert cal.local_day(task.due_at) not in {today + timedelta(days=i) for i in (1, 2, 3)}
    node = await tasks(office, "director", doc_id)
    assert of(node, "review", "OPEN")[0]["status"] == "OPEN"

    await timer_worker.fire_due(now=task.remind_at - timedelta(seconds=1))
    assert "timer_remind" not in [e.action for e in await trail(office, doc_id)]
    await timer_worker.fire_due(now=task.remind_at)
    assert [e.action for e in await trail(office, doc_id)].count("timer_remind") == 1


async def test_timers_across_a_return_none_lost_none_doubled(office: Office) -> None:
    """RuoYi-Vue-Pro #1018: a node with a reminder, reminded, returned to the draft and
    submitted again, is reminded again; the first visit's deadline never fires."""
    doc_id = (await start_document(office, office.type_id, 1))["id"]
    first = await instance_task(office, doc_id, "review")
    assert first.remind_at is not None
    assert first.due_at is not None
    await timer_worker.fire_due(now=first.remind_at)
    review = await office.open_task("director", doc_id)
    await office.ok("director", "returnTask", {"id": review["id"], "comment": "补充"}, TASK)
    await office.approve("writer", doc_id)
    second = await instance_task(office, doc_id, "review")
    assert second.id != first.id
    assert second.remind_at is not None
    assert second.due_at is not None
    for moment in sorted([first.due_at, second.remind_at, second.due_at + timedelta(hours=1)]):
        await timer_worker.fire_due(now=moment)  # the first visit's deadline is cancelled
    fired = [e.action for e in await trail(office, doc_id) if e.action.startswith("timer_")]
    assert fired.count("timer_remind") == 2, "one reminder per visit: none lost, none doubled"
    overdue = [e for e in await trail(office, doc_id) if e.action == "timer_deadline"]
    assert len(overdue) == 1
    late = [e["taskId"] for e in overdue[0].data["engine"] if e["kind"] == "task_overdue"]
    assert late == [second.id]
