"""Unit tests of the flow runtime: starting, assigning, approving, claiming, rejecting and
returning."""

from __future__ import annotations

import pytest

from tests.workflow.support import (
    NOW,
    begin,
    chain,
    do,
    edge,
    end_node,
    expect,
    graph,
    open_nodes,
    open_task,
    par,
    parallel_flow,
    role_task,
    start_node,
    task,
)
from workflow import (
    Approve,
    Claim,
    EngineError,
    InstanceStatus,
    Reject,
    Return,
    Submit,
    TaskStatus,
    Unclaim,
    Urge,
    assign,
    resolve_builtin,
    return_targets,
    start,
)

# ---------------------------------------------------------------------------- start / submit


def test_start_routes_to_first_task_assigned_to_initiator() -> None:
    defn = chain(task("draft"), task("review", "r1"))
    step = start(defn, {}, {}, "ini", now=NOW)
    assert step.status_change == (None, InstanceStatus.RUNNING)
    assert [(t.node_id, t.assignee) for t in step.created_tasks] == [("draft", "ini")]
    assert step.events[0].kind == "instance_started"
    assert step.activations == []


def test_submit_is_initiator_only_and_moves_on() -> None:
    defn = chain(task("draft"), role_task("review", "office_director"))
    inst = begin(defn)
    expect("NOT_INITIATOR", defn, inst, Submit("mallory"))
    step = do(defn, inst, Submit("ini"))
    assert [e.kind for e in step.events][:2] == ["submitted", "task_completed"]
    assert [(a.id, a.rule.kind) for a in step.activations] == [("review", "role")]
    assert step.created_tasks == []
    assert step.instance.tokens[0].state == "assigning"


def test_submit_without_draft_task_is_invalid() -> None:
    defn = chain(task("review", "r1"))
    inst = begin(defn)
    expect("INVALID_ACTION", defn, inst, Submit("ini"))


# ---------------------------------------------------------------------------- assign


def test_assign_two_phase_and_errors() -> None:
    defn = chain(role_task("review", "office_director"))
    inst = begin(defn)
    with pytest.raises(EngineError) as info:
        assign(defn, inst, "nope", ["u"], now=NOW)
    assert info.value.code == "UNKNOWN_ACTIVATION"
    with pytest.raises(EngineError) as info:
        assign(defn, inst, "review", ["", ""], now=NOW)
    assert info.value.code == "NO_ASSIGNEE"
    step = assign(defn, inst, "review", ["d1", "d1"], now=NOW)
    assert [(t.assignee, t.candidates) for t in step.created_tasks] == [("d1", ("d1",))]
    assert step.instance.pending == ()


def test_non_pool_task_with_several_users_any_may_act() -> None:
    defn = chain(task("review", "a", "b"), task("sign", "s"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    t = inst.task(tid)
    assert t.assignee is None
    assert t.candidates == ("a", "b")
    expect("NOT_ASSIGNEE", defn, inst, Approve("c", tid))
    inst = do(defn, inst, Approve("b", tid)).instance
    assert open_nodes(inst) == ["sign"]
    assert inst.task(tid).acted_by == "b"


def test_form_field_rule_resolved_by_engine() -> None:
    defn = chain(
        {"id": "handle", "type": "task", "assignee": {"kind": "form_field", "field": "handler.ids"}}
    )
    inst = begin(defn, {"handler": {"ids": [{"id": "h1"}, "h2", "h1"]}})
    assert inst.task(open_task(inst, "handle")).candidates == ("h1", "h2")
    with pytest.raises(EngineError) as info:
        start(defn, {"handler": {}}, {}, "ini", now=NOW)
    assert info.value.code == "NO_ASSIGNEE"
    assert "handler.ids" in info.value.message


def test_resolve_builtin_helper_and_manual_mode() -> None:
    defn = chain(
        task("draft"),
        {"id": "h", "type": "task", "assignee": {"kind": "form_field", "field": "who"}},
    )
    step = start(defn, {"who": "u9"}, {}, "ini", now=NOW, auto_assign=False)
    [activation] = step.activations
    assert resolve_builtin(defn, step.instance, activation, {}) == ["ini"]
    role = role_task("r", "x")
    defn2 = chain(role)
    step2 = start(defn2, {}, {}, "ini", now=NOW)
    assert resolve_builtin(defn2, step2.instance, step2.activations[0], {}) is None


# ---------------------------------------------------------------------------- approve / checks


def test_approve_checks_actor_and_task_state() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    expect("NOT_ASSIGNEE", defn, inst, Approve("r2", tid))
    expect("UNKNOWN_TASK", defn, inst, Approve("r1", "t999"))
    inst2 = do(defn, inst, Approve("r1", tid)).instance
    expect("TASK_CLOSED", defn, inst2, Approve("r1", tid))


def test_completion_and_not_running() -> None:
    defn = chain(task("review", "r1", allocateNumber=True))
    inst = begin(defn)
    step = do(defn, inst, Approve("r1", open_task(inst, "review")))
    assert step.status_change == (InstanceStatus.RUNNING, InstanceStatus.COMPLETED)
    assert step.allocate_number
    assert [c.node_id for c in step.completed_nodes] == ["review"]
    assert step.completed_nodes[0].handlers == ("r1",)
    assert step.instance.tokens == ()
    expect("NOT_RUNNING", defn, step.instance, Urge("x"))


# ---------------------------------------------------------------------------- claim / unclaim


def test_pool_claim_unclaim() -> None:
    defn = chain(task("sign_for", "c1", "c2", pool=True))
    inst = begin(defn)
    tid = open_task(inst, "sign_for")
    expect("NOT_CLAIMED", defn, inst, Approve("c1", tid))
    expect("NOT_ASSIGNEE", defn, inst, Claim("x", tid))
    expect("NOT_CLAIMED", defn, inst, Unclaim("c1", tid))
    step = do(defn, inst, Claim("c1", tid))
    assert step.updated_tasks[0].assignee == "c1"
    inst = step.instance
    expect("ALREADY_CLAIMED", defn, inst, Claim("c2", tid))
    expect("NOT_ASSIGNEE", defn, inst, Unclaim("c2", tid))
    expect("NOT_ASSIGNEE", defn, inst, Approve("c2", tid))
    inst = do(defn, inst, Unclaim("c1", tid)).instance
    inst = do(defn, inst, Claim("c2", tid)).instance
    assert do(defn, inst, Approve("c2", tid)).instance.status is InstanceStatus.COMPLETED


def test_claim_on_single_assignee_task_is_invalid() -> None:
    defn = chain(task("review", "r1"))
    inst = begin(defn)
    expect("INVALID_ACTION", defn, inst, Claim("r1", open_task(inst, "review")))


# ---------------------------------------------------------------------------- reject


def test_reject_ends_instance_and_cancels_everything() -> None:
    defn = graph(
        [start_node(), par("p"), task("a", "ua"), task("b", "ub"), par("j"), end_node()],
        [
            edge("start", "p"),
            edge("p", "a"),
            edge("p", "b"),
            edge("a", "j"),
            edge("b", "j"),
            edge("j", "end"),
        ],
    )
    inst = begin(defn)
    step = do(defn, inst, Reject("ua", open_task(inst, "a")))
    assert step.instance.status is InstanceStatus.REJECTED
    assert step.status_change == (InstanceStatus.RUNNING, InstanceStatus.REJECTED)
    assert {t.node_id: t.status for t in step.closed_tasks} == {
        "a": TaskStatus.COMPLETED,
        "b": TaskStatus.CANCELLED,
    }
    assert step.instance.open_tasks == []


def test_reject_to_goes_back_to_drafter() -> None:
    defn = chain(task("draft"), task("review", "r1", rejectTo="draft"))
    inst = begin(defn)
    inst = do(defn, inst, Submit("ini")).instance
    step = do(defn, inst, Reject("r1", open_task(inst, "review"), comment="redo"))
    assert step.instance.status is InstanceStatus.RUNNING
    assert open_nodes(step.instance) == ["draft"]
    assert step.instance.task(open_task(step.instance, "draft")).assignee == "ini"


# ---------------------------------------------------------------------------- return


def test_return_to_previous_and_to_earlier_node() -> None:
    defn = chain(task("draft"), task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    inst = do(defn, inst, Submit("ini")).instance
    inst = do(defn, inst, Approve("r1", open_task(inst, "review"))).instance
    sign = open_task(inst, "sign")
    assert return_targets(defn, inst, sign) == ["review", "draft"]
    back = do(defn, inst, Return("s1", sign)).instance
    assert open_nodes(back) == ["review"]
    assert back.task(open_task(back, "review")).assignee == "r1"
    back2 = do(defn, inst, Return("s1", sign, target_node="draft")).instance
    assert open_nodes(back2) == ["draft"]
    assert back2.task(open_task(back2, "draft")).assignee == "ini"
    expect("INVALID_TARGET", defn, inst, Return("s1", sign, target_node="sign"))
    expect("INVALID_TARGET", defn, inst, Return("s1", sign, target_node="nowhere"))


def test_return_from_first_node_has_no_target() -> None:
    defn = chain(task("draft"))
    inst = begin(defn)
    expect("INVALID_TARGET", defn, inst, Return("ini", open_task(inst, "draft")))


def test_return_not_allowed_on_node() -> None:
    defn = chain(task("draft"), task("review", "r1", allowReturn=False))
    inst = do(defn, begin(defn), Submit("ini")).instance
    expect("INVALID_ACTION", defn, inst, Return("r1", open_task(inst, "review")))


def test_return_from_branch_to_before_split_cancels_siblings() -> None:
    defn = parallel_flow()
    inst = do(defn, begin(defn), Submit("ini")).instance
    assert open_nodes(inst) == ["a1", "b"]
    step = do(defn, inst, Return("ub", open_task(inst, "b"), target_node="draft"))
    assert open_nodes(step.instance) == ["draft"]
    assert step.instance.forks == ()
    cancelled = [t.node_id for t in step.closed_tasks if t.status is TaskStatus.CANCELLED]
    assert cancelled == ["a1"]


def test_return_within_branch_keeps_sibling_arrival() -> None:
    defn = parallel_flow()
    inst = do(defn, begin(defn), Submit("ini")).instance
    inst = do(defn, inst, Approve("ub", open_task(inst, "b"))).instance  # b arrived at j
    inst = do(defn, inst, Approve("ua", open_task(inst, "a1"))).instance
    a2 = open_task(inst, "a2")
    assert return_targets(defn, inst, a2) == ["a1", "draft"]  # not b: a sibling branch
    expect("INVALID_TARGET", defn, inst, Return("ua2", a2, target_node="b"))
    inst = do(defn, inst, Return("ua2", a2)).instance
    assert open_nodes(inst) == ["a1"]
    assert any(t.state == "arrived" and t.node_id == "j" for t in inst.tokens)
    inst = do(defn, inst, Approve("ua", open_task(inst, "a1"))).instance
    inst = do(defn, inst, Approve("ua2", open_task(inst, "a2"))).instance
    assert open_nodes(inst) == ["sign"]


def test_parallel_join_waits_for_every_branch() -> None:
    defn = parallel_flow()
    inst = do(defn, begin(defn), Submit("ini")).instance
    inst = do(defn, inst, Approve("ua", open_task(inst, "a1"))).instance
    step = do(defn, inst, Approve("ua2", open_task(inst, "a2")))
    assert "join_completed" not in [e.kind for e in step.events]
    assert open_nodes(step.instance) == ["b"]
    step = do(defn, step.instance, Approve("ub", open_task(step.instance, "b")))
    kinds = [e.kind for e in step.events]
    assert kinds.index("join_arrived") < kinds.index("join_completed")
    assert open_nodes(step.instance) == ["sign"]
    # previous handlers of both branches meet at the join
    assert set(step.instance.tokens[0].prev_handlers) == {"ua2", "ub"}
