"""Deadlines and reminders as they fire: who is reminded, what the trail says, the comment an
automatic decision leaves, a delegate's deadline handing back, and the timers that are stale
(an unknown task, a deadline the flow no longer has)."""

from __future__ import annotations

from typing import Any, Literal

from tests.workflow.support import LATER, NOW, begin, chain, do, open_task, task
from workflow import Claim, Delegate, InstanceStatus, Step, TaskStatus, fire_timer


def _flow(on_timeout: str, *users: str, **extra: Any) -> Any:
    deadline = {"hours": 10, "remindBeforeHours": 2, "onTimeout": on_timeout}
    return chain(
        task("review", *(users or ("r1",)), deadline=deadline, **extra), task("sign", "s1")
    )


def _trail(step: Step) -> list[tuple[Any, ...]]:
    return [(e.kind, e.actor, e.node_id, e.task_id, dict(e.data)) for e in step.events]


def _closed(step: Step) -> list[tuple[Any, ...]]:
    return [(t.id, t.status, t.acted_by, t.comment) for t in step.closed_tasks]


def test_a_reminder_goes_to_whoever_may_act_and_is_in_the_trail() -> None:
    defn = _flow("none", "a", "b")
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = fire_timer(defn, inst, tid, "remind", LATER)
    assert [(n.kind, n.task_id, n.users) for n in step.notifications] == [
        ("remind", tid, ("a", "b"))
    ]
    assert _trail(step) == [("task_reminded", None, "review", tid, {})]
    pool = _flow("none", "a", "b", pool=True)
    inst = begin(pool)
    tid = open_task(inst, "review")
    inst = do(pool, inst, Claim("b", tid)).instance
    step = fire_timer(pool, inst, tid, "remind", LATER)
    assert [(n.kind, n.users) for n in step.notifications] == [("remind", ("b",))]


def test_an_automatic_approval_and_rejection_say_so_on_the_task() -> None:
    defn = _flow("approve")
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = fire_timer(defn, inst, tid, "deadline", LATER)
    assert _closed(step) == [
        (tid, TaskStatus.COMPLETED, "system", "approved automatically at the deadline")
    ]
    assert _trail(step)[0] == ("task_overdue", None, "review", tid, {"on_timeout": "approve"})
    defn = _flow("reject")
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = fire_timer(defn, inst, tid, "deadline", LATER)
    assert _closed(step) == [
        (tid, TaskStatus.COMPLETED, "system", "rejected automatically at the deadline")
    ]
    assert step.instance.status is InstanceStatus.REJECTED


def test_a_delegates_deadline_hands_the_task_back_to_decide() -> None:
    defn = _flow("reject")
    inst = begin(defn)
    tid = open_task(inst, "review")
    inst = do(defn, inst, Delegate("r1", tid, "d1")).instance
    lent = open_task(inst, "review", "d1")
    step = fire_timer(defn, inst, lent, "deadline", LATER)
    assert _closed(step) == [(lent, TaskStatus.COMPLETED, "system", "handed back at the deadline")]
    assert step.instance.status is InstanceStatus.RUNNING
    [back] = step.instance.open_tasks
    assert (back.assignee, back.origin) == ("r1", "handback")
    assert ("task_handed_back", None, "review", lent, {"to": "r1"}) in _trail(step)


def test_a_timer_of_an_unknown_task_is_stale() -> None:
    defn = _flow("approve")
    inst = begin(defn)
    kinds: tuple[Literal["deadline", "remind"], ...] = ("deadline", "remind")
    for kind in kinds:
        step = fire_timer(defn, inst, "t999", kind, LATER)
        assert step.instance is inst
        assert (step.events, step.notifications, step.closed_tasks) == ([], [], [])


def test_a_deadline_the_flow_no_longer_has_is_stale_but_its_reminder_still_fires() -> None:
    inst = begin(_flow("approve"))
    tid = open_task(inst, "review")
    now = chain(task("review", "r1"), task("sign", "s1"))
    stale = fire_timer(now, inst, tid, "deadline", LATER)
    assert stale.instance is inst
    assert stale.events == []
    remind = fire_timer(now, inst, tid, "remind", NOW.replace(hour=18))
    assert [(n.kind, n.users) for n in remind.notifications] == [("remind", ("r1",))]
