"""What one step reports beside the new instance: deadlines and reminders at their boundaries,
the tasks it changed, the events of ending, escalations and the signers a node starts with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.workflow.support import (
    LATER,
    NOW,
    begin,
    chain,
    countersign,
    do,
    edge,
    end_node,
    graph,
    open_task,
    start_node,
    task,
    xor,
)
from workflow import (
    Approve,
    EngineError,
    InstanceStatus,
    RemoveSigners,
    Submit,
    TaskStatus,
    Withdraw,
    act,
    assign,
    fire_timer,
    start,
)
from workflow.worktime import WorkCalendar, working_time_between

MONDAY = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, the calendar's zone


def _created(deadline: dict[str, Any]) -> tuple[datetime | None, datetime | None, list[str]]:
    """(due, remind, timer kinds) of the task a deadline gives, created on a Monday at 9."""
    step = start(chain(task("review", "r1", deadline=deadline)), {}, {}, "ini", now=MONDAY)
    [created] = step.created_tasks
    return created.due_at, created.remind_at, [t.kind for t in step.timers]


@pytest.mark.parametrize(
    "deadline",
    [{"hours": 0}, {"workingHours": 0}, {"workingDays": 0}],
    ids=["hours", "working-hours", "working-days"],
)
def test_a_deadline_of_nothing_sets_no_timer(deadline: dict[str, Any]) -> None:
    assert _created(deadline) == (None, None, [])


def test_a_deadline_under_one_working_hour_or_of_one_day_counts() -> None:
    assert _created({"workingHours": 0.5}) == (MONDAY + timedelta(minutes=30), None, ["deadline"])
    due, remind, _ = _created({"workingDays": 1})
    assert due is not None
    assert remind is None
    assert due == datetime(2025, 3, 4, 10, 0, tzinfo=UTC), "the end of the next working day"


@pytest.mark.parametrize(
    "deadline",
    [
        {"hours": 10, "remindBeforeHours": 0},
        {"hours": 10, "remindBeforeHours": 10},
        {"workingHours": 8, "remindBeforeHours": 0},
        {"workingHours": 8, "remindBeforeHours": 8},
    ],
    ids=["hours-0", "hours-all", "working-0", "working-all"],
)
def test_a_reminder_needs_a_time_strictly_inside_the_deadline(deadline: dict[str, Any]) -> None:
    due, remind, kinds = _created(deadline)
    assert due is not None
    assert (remind, kinds) == (None, ["deadline"])


def test_a_reminder_of_a_working_days_deadline_counts_back_in_working_hours() -> None:
    due, remind, kinds = _created({"workingDays": 1, "remindBeforeHours": 2})
    assert kinds == ["remind", "deadline"]
    assert due is not None
    assert remind is not None
    assert working_time_between(WorkCalendar(), remind, due) == timedelta(hours=2)
    assert working_time_between(WorkCalendar(), MONDAY, remind) == timedelta(hours=14)


def test_a_deadline_fired_twice_changes_the_task_once() -> None:
    defn = chain(task("review", "r1", deadline={"hours": 10}))
    inst = begin(defn)
    tid = open_task(inst, "review")
    first = fire_timer(defn, inst, tid, "deadline", LATER)
    assert [t.id for t in first.updated_tasks] == [tid]
    again = fire_timer(defn, first.instance, tid, "deadline", LATER)
    assert [n.kind for n in again.notifications] == ["overdue"]
    assert again.updated_tasks == []


def test_form_data_conditions_cannot_read_is_a_condition_error() -> None:
    defn = graph(
        [start_node(), xor("g"), task("a", "ua"), task("b", "ub"), end_node()],
        [
            edge("start", "g"),
            edge("g", "a", "form.amount > 1"),
            edge("g", "b", default=True),
            edge("a", "end"),
            edge("b", "end"),
        ],
    )
    with pytest.raises(EngineError) as refused:
        start(defn, {"amount": float("nan")}, {}, "ini", now=NOW)
    assert refused.value.code == "CONDITION_ERROR"
    assert "non-finite" in refused.value.message


def test_a_withdrawn_document_cancels_its_open_work_and_names_who_withdrew() -> None:
    defn = chain(task("draft"), task("review", "r1"))
    inst = do(defn, begin(defn), Submit("ini")).instance
    step = do(defn, inst, Withdraw("ini"))
    assert step.instance.status is InstanceStatus.WITHDRAWN
    assert step.instance.ended_at == NOW
    [review] = [v for v in step.instance.visits if v.node_id == "review"]
    assert review.outcome == "cancelled"
    [ended] = [e for e in step.events if e.kind == "instance_withdrawn"]
    assert ended.actor == "ini"
    [cancelled] = [e for e in step.events if e.kind == "task_cancelled"]
    assert (cancelled.actor, cancelled.node_id) == (None, "review")


def test_new_tasks_are_created_by_assignment_unless_said_otherwise() -> None:
    defn = chain(task("review", "r1"))
    [created] = start(defn, {}, {}, "ini", now=NOW).created_tasks
    assert created.origin == "assign"


def test_a_rule_that_sends_a_task_to_a_delegate_is_reported() -> None:
    from workflow import Environment

    defn = chain(task("review", "r1"))
    env = Environment(delegations={"r1": "d1"})
    step = start(defn, {}, {}, "ini", now=NOW, env=env)
    [created] = step.created_tasks
    assert (created.assignee, created.delegated_from) == ("d1", "r1")
    [rule] = [e for e in step.events if e.kind == "task_delegated_by_rule"]
    assert (rule.actor, rule.node_id, rule.task_id) == (None, "review", created.id)
    assert rule.data == {"from": "r1", "to": "d1"}


def _escalating() -> Any:
    deadline = {
        "hours": 10,
        "onTimeout": "escalate",
        "escalateTo": {"kind": "role", "roleCode": "l"},
    }
    return chain(task("review", "r1", deadline=deadline), task("sign", "s1"))


def test_an_escalation_to_several_people_offers_the_task_to_each() -> None:
    defn = _escalating()
    inst = begin(defn)
    tid = open_task(inst, "review")
    [activation] = fire_timer(defn, inst, tid, "deadline", LATER).activations
    overdue = fire_timer(defn, inst, tid, "deadline", LATER).instance
    step = assign(defn, overdue, activation.id, ["b1", "b2"], now=LATER)
    [new] = step.created_tasks
    assert (new.assignee, new.candidates, new.origin) == (None, ("b1", "b2"), "escalate")
    assert new.from_user == "r1"


def test_an_escalation_waiting_for_people_is_dropped_when_the_task_is_done() -> None:
    defn = _escalating()
    inst = begin(defn)
    tid = open_task(inst, "review")
    overdue = fire_timer(defn, inst, tid, "deadline", LATER)
    [activation] = overdue.activations
    assert [p.id for p in overdue.instance.pending] == [activation.id]
    done = act(defn, overdue.instance, Approve("r1", tid), {}, {}, now=LATER)
    assert done.instance.pending == ()
    with pytest.raises(EngineError) as stale:
        assign(defn, done.instance, activation.id, ["boss"], now=LATER)
    assert stale.value.code == "UNKNOWN_ACTIVATION"


def test_a_countersign_after_a_countersign_starts_with_its_own_signers() -> None:
    """Removed slots and added signers belong to the node where they were: the next countersign
    counts all of its own voters."""
    defn = chain(
        task("draft"), countersign("cs1", ["a", "b", "c"]), countersign("cs2", ["x", "y", "z"])
    )
    inst = do(defn, begin(defn), Submit("ini")).instance
    inst = do(defn, inst, RemoveSigners("m", "cs1", ("c",), manager=True)).instance
    for user in ("a", "b"):
        inst = do(defn, inst, Approve(user, open_task(inst, "cs1", user))).instance
    [token] = inst.tokens
    assert (token.node_id, token.voters, token.removed, token.added_by) == (
        "cs2",
        ("x", "y", "z"),
        (),
        (),
    )
    for user in ("x", "y"):
        inst = do(defn, inst, Approve(user, open_task(inst, "cs2", user))).instance
    assert inst.status is InstanceStatus.RUNNING
    assert [t.assignee for t in inst.open_tasks] == ["z"]
    assert inst.task(open_task(inst, "cs2", "z")).status is TaskStatus.OPEN
