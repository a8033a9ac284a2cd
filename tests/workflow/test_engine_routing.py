"""The flow runtime routing work: countersign modes, gateways, deadlines and their timers."""

from __future__ import annotations

from datetime import timedelta

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
    expect,
    graph,
    open_nodes,
    open_task,
    par,
    start_node,
    task,
    xor,
)
from workflow import (
    Approve,
    Delegate,
    EngineError,
    Instance,
    InstanceStatus,
    Reject,
    Submit,
    TaskStatus,
    act,
    assign,
    fire_timer,
    start,
    validate,
)

# ---------------------------------------------------------------------------- countersign


def _votes(defn, inst, votes: dict[str, bool]) -> Instance:
    for user, yes in votes.items():
        tid = open_task(inst, "cs", user)
        inst = do(defn, inst, (Approve if yes else Reject)(user, tid)).instance
    return inst


def test_countersign_all_passes_only_when_everyone_approves() -> None:
    defn = chain(countersign("cs", ["a", "b", "c"]), task("sign", "s"))
    inst = _votes(defn, begin(defn), {"a": True, "b": True})
    assert open_nodes(inst) == ["cs"]
    inst = _votes(defn, inst, {"c": True})
    assert open_nodes(inst) == ["sign"]
    rejected = _votes(defn, begin(defn), {"a": True, "b": False})
    assert rejected.status is InstanceStatus.REJECTED
    assert rejected.task(open_task(begin(defn), "cs", "c")).status is TaskStatus.CANCELLED


def test_countersign_any_first_approve_passes_and_cancels_others() -> None:
    defn = chain(countersign("cs", ["a", "b", "c"], mode="any"), task("sign", "s"))
    inst = _votes(defn, begin(defn), {"a": False})
    assert open_nodes(inst) == ["cs"]
    step = do(defn, inst, Approve("b", open_task(inst, "cs", "b")))
    assert open_nodes(step.instance) == ["sign"]
    assert [t.assignee for t in step.closed_tasks if t.status is TaskStatus.CANCELLED] == ["c"]
    failed = _votes(defn, begin(defn), {"a": False, "b": False, "c": False})
    assert failed.status is InstanceStatus.REJECTED


@pytest.mark.parametrize(
    ("voters", "share", "needed"),
    [(5, 0.6, 3), (3, 0.5, 2), (4, 0.5, 2), (3, 2 / 3, 2), (3, 0.67, 3), (1, 0.1, 1), (4, 1.0, 4)],
)
def test_countersign_share_exact_threshold(voters: int, share: float, needed: int) -> None:
    users = [f"v{i}" for i in range(voters)]
    defn = chain(countersign("cs", users, mode="share", share=share), task("sign", "s"))
    inst = begin(defn)
    # approvals one short of the threshold do not pass
    inst = _votes(defn, inst, {u: True for u in users[: needed - 1]})
    assert open_nodes(inst) == ["cs"]
    inst = _votes(defn, inst, {users[needed - 1]: True})
    assert open_nodes(inst) == ["sign"]
    # fails as soon as the share is out of reach
    inst = begin(defn)
    rejections = voters - needed + 1
    inst = _votes(defn, inst, {u: False for u in users[: rejections - 1]})
    assert inst.status is InstanceStatus.RUNNING
    inst = _votes(defn, inst, {users[rejections - 1]: False})
    assert inst.status is InstanceStatus.REJECTED


def test_countersign_sequential_opens_in_order() -> None:
    defn = chain(countersign("cs", ["a", "b", "c"], mode="any", order="sequential"))
    inst = begin(defn)
    assert [t.assignee for t in inst.open_tasks] == ["a"]
    inst = _votes(defn, inst, {"a": False})
    assert [t.assignee for t in inst.open_tasks] == ["b"]
    inst = _votes(defn, inst, {"b": True})
    assert inst.status is InstanceStatus.COMPLETED
    assert not any(t.assignee == "c" for t in inst.tasks)


def test_countersign_delegated_vote_counts_once() -> None:
    defn = chain(countersign("cs", ["a", "b"]), task("sign", "s"))
    inst = begin(defn)
    ta = open_task(inst, "cs", "a")
    expect("INVALID_TARGET", defn, inst, Delegate("a", ta, "b"))
    inst = do(defn, inst, Delegate("a", ta, "d")).instance
    inst = do(defn, inst, Approve("d", open_task(inst, "cs", "d"))).instance
    assert open_nodes(inst) == ["cs"]
    inst = _votes(defn, inst, {"a": True, "b": True})
    assert open_nodes(inst) == ["sign"]


# ---------------------------------------------------------------------------- gateways


def _xor_flow():
    return graph(
        [start_node(), task("draft"), xor("g"), task("big", "b"), task("small", "s"), end_node()],
        [
            edge("start", "draft"),
            edge("draft", "g"),
            edge("g", "big", condition="form.amount > 10000"),
            edge("g", "small", default=True),
            edge("big", "end"),
            edge("small", "end"),
        ],
    )


def test_exclusive_gateway_routes_by_condition_or_default() -> None:
    defn = _xor_flow()
    inst = begin(defn)
    step = act(defn, inst, Submit("ini"), {"amount": 20000.5}, {}, now=NOW)
    assert open_nodes(step.instance) == ["big"]
    routed = next(e for e in step.events if e.kind == "gateway_routed")
    assert routed.data["transition_id"] == "g__big"
    step = act(defn, inst, Submit("ini"), {"amount": 5}, {}, now=NOW)
    assert open_nodes(step.instance) == ["small"]


def test_condition_error_refuses_action() -> None:
    defn = _xor_flow()
    inst = begin(defn)
    with pytest.raises(EngineError) as info:
        act(defn, inst, Submit("ini"), {"amount": "lots"}, {}, now=NOW)
    assert info.value.code == "CONDITION_ERROR"
    assert "g__big" in info.value.message
    with pytest.raises(EngineError) as info:
        act(defn, inst, Submit("ini"), {}, {}, now=NOW)
    assert "amount" in info.value.message


def test_no_route_without_default() -> None:
    defn = graph(
        [start_node(), xor("g"), task("a", "u"), end_node()],
        [edge("start", "g"), edge("g", "a", condition="form.x == 1"), edge("a", "end")],
    )
    with pytest.raises(EngineError) as info:
        start(defn, {"x": 2}, {}, "ini", now=NOW)
    assert info.value.code == "NO_ROUTE"


def test_terminate_end_event_cancels_other_branches() -> None:
    defn = graph(
        [
            start_node(),
            par("p"),
            task("a", "ua"),
            task("b", "ub"),
            par("j"),
            end_node(),
            end_node("stop", terminate=True),
            xor("g"),
        ],
        [
            edge("start", "p"),
            edge("p", "a"),
            edge("p", "b"),
            edge("a", "j"),
            edge("b", "g"),
            edge("g", "stop", condition="form.stop == true"),
            edge("g", "j", default=True),
            edge("j", "end"),
        ],
    )
    assert validate(defn, {"stop"}) == []
    inst = start(defn, {"stop": True}, {}, "ini", now=NOW).instance
    step = act(defn, inst, Approve("ub", open_task(inst, "b")), {"stop": True}, now=NOW)
    assert step.instance.status is InstanceStatus.COMPLETED
    assert step.instance.open_tasks == []


# ---------------------------------------------------------------------------- timers


def _deadline_flow(on_timeout: str, **extra):
    deadline = {"hours": 10, "remindBeforeHours": 2, "onTimeout": on_timeout, **extra}
    return chain(task("review", "r1", deadline=deadline), task("sign", "s1"))


def test_timers_scheduled_and_reminder() -> None:
    defn = _deadline_flow("none")
    step = start(defn, {}, {}, "ini", now=NOW)
    assert [(t.kind, t.at - NOW) for t in step.timers] == [
        ("remind", timedelta(hours=8)),
        ("deadline", timedelta(hours=10)),
    ]
    inst = step.instance
    tid = open_task(inst, "review")
    early = fire_timer(defn, inst, tid, "remind", NOW)
    assert early.instance is inst
    assert early.events == []
    rem = fire_timer(defn, inst, tid, "remind", NOW + timedelta(hours=8))
    assert [(n.kind, n.users) for n in rem.notifications] == [("remind", ("r1",))]
    due = fire_timer(defn, inst, tid, "deadline", LATER)
    assert due.instance.task(tid).overdue
    assert [n.kind for n in due.notifications] == ["overdue"]
    assert due.instance.task(tid).status is TaskStatus.OPEN


def test_deadline_auto_approve_and_reject() -> None:
    defn = _deadline_flow("approve")
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = fire_timer(defn, inst, tid, "deadline", LATER)
    assert open_nodes(step.instance) == ["sign"]
    assert step.instance.task(tid).acted_by == "system"
    stale = fire_timer(defn, step.instance, tid, "deadline", LATER)
    assert stale.instance is step.instance
    defn_r = _deadline_flow("reject")
    inst = begin(defn_r)
    step = fire_timer(defn_r, inst, open_task(inst, "review"), "deadline", LATER)
    assert step.instance.status is InstanceStatus.REJECTED


def test_deadline_escalation_two_phase() -> None:
    defn = _deadline_flow("escalate", escalateTo={"kind": "role", "roleCode": "leader"})
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = fire_timer(defn, inst, tid, "deadline", LATER)
    [activation] = step.activations
    assert (activation.purpose, activation.task_id) == ("escalate", tid)
    step = assign(defn, step.instance, activation.id, ["boss"], now=LATER)
    assert step.closed_tasks[0].status is TaskStatus.ESCALATED
    new = step.created_tasks[0]
    assert (new.assignee, new.from_user) == ("boss", "r1")
    inst = do(defn, step.instance, Approve("boss", new.id)).instance
    assert open_nodes(inst) == ["sign"]
