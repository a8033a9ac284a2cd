"""Unit tests of the flow runtime: every action, countersign modes, gateways, timers."""

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
    give,
    graph,
    open_nodes,
    open_task,
    par,
    role_task,
    start_node,
    task,
    xor,
)
from workflow import (
    AddSigner,
    Approve,
    Claim,
    Delegate,
    EngineError,
    Instance,
    InstanceStatus,
    Reject,
    Return,
    Submit,
    TaskAction,
    TaskStatus,
    Terminate,
    Transfer,
    Unclaim,
    Urge,
    Withdraw,
    act,
    allowed_actions,
    assign,
    dispatch_template,
    fire_timer,
    receipt_template,
    resolve_builtin,
    return_targets,
    start,
    validate,
)


def expect(code: str, defn, inst: Instance, action) -> EngineError:
    before = inst.to_json()
    with pytest.raises(EngineError) as info:
        do(defn, inst, action)
    assert info.value.code == code, info.value
    assert inst.to_json() == before  # nothing changed
    return info.value


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


def _parallel_flow():
    return graph(
        [
            start_node(),
            task("draft"),
            par("p"),
            task("a1", "ua"),
            task("a2", "ua2"),
            task("b", "ub"),
            par("j"),
            task("sign", "s"),
            end_node(),
        ],
        [
            edge("start", "draft"),
            edge("draft", "p"),
            edge("p", "a1"),
            edge("a1", "a2"),
            edge("a2", "j"),
            edge("p", "b"),
            edge("b", "j"),
            edge("j", "sign"),
            edge("sign", "end"),
        ],
    )


def test_return_from_branch_to_before_split_cancels_siblings() -> None:
    defn = _parallel_flow()
    inst = do(defn, begin(defn), Submit("ini")).instance
    assert open_nodes(inst) == ["a1", "b"]
    step = do(defn, inst, Return("ub", open_task(inst, "b"), target_node="draft"))
    assert open_nodes(step.instance) == ["draft"]
    assert step.instance.forks == ()
    cancelled = [t.node_id for t in step.closed_tasks if t.status is TaskStatus.CANCELLED]
    assert cancelled == ["a1"]


def test_return_within_branch_keeps_sibling_arrival() -> None:
    defn = _parallel_flow()
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
    defn = _parallel_flow()
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


# ---------------------------------------------------------------------------- delegate / transfer


def test_delegate_with_return_hands_back() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    expect("INVALID_TARGET", defn, inst, Delegate("r1", tid, "r1"))
    expect("INVALID_TARGET", defn, inst, Delegate("r1", tid, ""))
    expect("NOT_ASSIGNEE", defn, inst, Delegate("x", tid, "d1"))
    step = do(defn, inst, Delegate("r1", tid, "d1"))
    assert step.closed_tasks[0].status is TaskStatus.DELEGATED
    new = step.created_tasks[0]
    assert (new.assignee, new.from_user, new.return_stack) == ("d1", "r1", (tid,))
    inst = step.instance
    expect("INVALID_ACTION", defn, inst, Reject("d1", new.id))
    expect("INVALID_ACTION", defn, inst, Return("d1", new.id))
    inst = do(defn, inst, Approve("d1", new.id, comment="looks fine")).instance
    assert open_nodes(inst) == ["review"]
    back = inst.task(open_task(inst, "review"))
    assert (back.assignee, back.origin) == ("r1", "handback")
    inst = do(defn, inst, Approve("r1", back.id)).instance
    assert open_nodes(inst) == ["sign"]


def test_delegate_without_return_and_transfer_replace_holder() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    inst = do(defn, inst, Delegate("r1", tid, "d1", return_after=False)).instance
    t2 = open_task(inst, "review")
    expect("NOT_ASSIGNEE", defn, inst, Approve("r1", t2))
    step = do(defn, inst, Transfer("d1", t2, "x1"))
    assert step.closed_tasks[0].status is TaskStatus.TRANSFERRED
    inst = step.instance
    t3 = open_task(inst, "review")
    assert inst.task(t3).assignee == "x1"
    inst = do(defn, inst, Reject("x1", t3)).instance
    assert inst.status is InstanceStatus.REJECTED


def test_delegate_not_allowed_on_node() -> None:
    defn = chain(task("review", "r1", allowDelegate=False))
    inst = begin(defn)
    expect("INVALID_ACTION", defn, inst, Delegate("r1", open_task(inst, "review"), "d"))
    expect("INVALID_ACTION", defn, inst, Transfer("r1", open_task(inst, "review"), "d"))


# ---------------------------------------------------------------------------- withdraw / urge


def test_withdraw_before_anyone_acted() -> None:
    defn = chain(task("draft"), task("review", "r1", "r2", pool=True))
    inst = do(defn, begin(defn), Submit("ini")).instance
    expect("NOT_INITIATOR", defn, inst, Withdraw("r1"))
    step = do(defn, inst, Withdraw("ini"))
    assert step.instance.status is InstanceStatus.WITHDRAWN
    assert step.closed_tasks[0].status is TaskStatus.CANCELLED
    claimed = do(defn, inst, Claim("r1", open_task(inst, "review"))).instance
    expect("CANNOT_WITHDRAW", defn, claimed, Withdraw("ini"))


def test_urge_changes_nothing_but_notifies() -> None:
    defn = chain(task("review", "r1", "r2"))
    inst = begin(defn)
    step = do(defn, inst, Urge("ini", comment="please"))
    assert step.instance is inst or step.instance == inst
    assert [(n.kind, n.users) for n in step.notifications] == [("urge", ("r1", "r2"))]
    assert [e.kind for e in step.events] == ["task_urged"]


# ---------------------------------------------------------------------------- add signer


def test_add_signer_after_on_task() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    expect("INVALID_TARGET", defn, inst, AddSigner("r1", tid, ("r1",)))
    expect("INVALID_TARGET", defn, inst, AddSigner("r1", tid, ("x", "x")))
    inst = do(defn, inst, AddSigner("r1", tid, ("x1", "x2"), position="after")).instance
    inst = do(defn, inst, Approve("r1", tid)).instance
    assert inst.task(open_task(inst, "review")).assignee == "x1"
    inst = do(defn, inst, Approve("x1", open_task(inst, "review"))).instance
    inst = do(defn, inst, Approve("x2", open_task(inst, "review"))).instance
    assert open_nodes(inst) == ["sign"]


def test_add_signer_before_on_task() -> None:
    defn = chain(task("review", "r1"), task("sign", "s1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = do(defn, inst, AddSigner("r1", tid, ("x1",), position="before"))
    assert step.closed_tasks[0].status is TaskStatus.SUSPENDED
    inst = step.instance
    x = open_task(inst, "review", "x1")
    expect("INVALID_ACTION", defn, inst, Reject("x1", x))
    inst = do(defn, inst, Approve("x1", x)).instance
    back = open_task(inst, "review", "r1")
    inst = do(defn, inst, Approve("r1", back)).instance
    assert open_nodes(inst) == ["sign"]


def test_add_signer_on_countersign_adds_voters() -> None:
    defn = chain(countersign("cs", ["a", "b"], mode="all"), task("sign", "s"))
    inst = begin(defn)
    ta = open_task(inst, "cs", "a")
    expect("INVALID_TARGET", defn, inst, AddSigner("a", ta, ("b",)))
    inst = do(defn, inst, AddSigner("a", ta, ("c",))).instance
    assert inst.tokens[0].voters == ("a", "b", "c")
    inst = do(defn, inst, Approve("a", ta)).instance
    inst = do(defn, inst, Approve("b", open_task(inst, "cs", "b"))).instance
    assert open_nodes(inst) == ["cs"]  # c still has to approve
    inst = do(defn, inst, Approve("c", open_task(inst, "cs", "c"))).instance
    assert open_nodes(inst) == ["sign"]


def test_add_signer_sequential_countersign_appends_to_queue() -> None:
    defn = chain(countersign("cs", ["a", "b"], order="sequential"))
    inst = begin(defn)
    inst = do(defn, inst, AddSigner("a", open_task(inst, "cs", "a"), ("z",))).instance
    assert [t.assignee for t in inst.open_tasks] == ["a"]
    for user in ("a", "b", "z"):
        inst = do(defn, inst, Approve(user, open_task(inst, "cs", user))).instance
    assert inst.status is InstanceStatus.COMPLETED


# ---------------------------------------------------------------------------- terminate


def test_terminate() -> None:
    defn = chain(task("review", "r1"))
    step = do(defn, begin(defn), Terminate("admin", reason="duplicate"))
    assert step.instance.status is InstanceStatus.TERMINATED
    assert step.events[-1].data["reason"] == "duplicate"


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


# ---------------------------------------------------------------------------- misc


def test_json_round_trip_and_determinism() -> None:
    defn = _parallel_flow()
    a = do(defn, begin(defn), Submit("ini")).instance
    b = do(defn, begin(defn), Submit("ini")).instance
    assert a == b
    assert Instance.from_json(a.to_json()) == a
    assert Instance.from_json(a.to_dict()) == a


def test_allowed_actions() -> None:
    defn = chain(task("draft"), task("review", "r1", "r2", pool=True, allowDelegate=False))
    inst = begin(defn)
    draft = open_task(inst, "draft")
    approve, reject, claim = TaskAction.APPROVE, TaskAction.REJECT, TaskAction.CLAIM
    assert allowed_actions(defn, inst, draft, "ini") == [
        approve,
        reject,
        TaskAction.DELEGATE,
        TaskAction.TRANSFER,
        TaskAction.ADD_SIGNERS,
        TaskAction.OPEN,
    ], "nothing to return to from the first step"
    inst = do(defn, inst, Submit("ini")).instance
    assert allowed_actions(defn, inst, draft, "ini") == [TaskAction.TAKE_BACK]
    rid = open_task(inst, "review")
    assert allowed_actions(defn, inst, rid, "r1") == [claim, TaskAction.OPEN]
    assert allowed_actions(defn, inst, rid, "ini") == [], "the initiator withdraws the document"
    inst = do(defn, inst, Claim("r1", rid)).instance
    assert allowed_actions(defn, inst, rid, "r1") == [
        approve,
        reject,
        TaskAction.RETURN,
        TaskAction.UNCLAIM,
        TaskAction.ADD_SIGNERS,
        TaskAction.OPEN,
    ]
    assert allowed_actions(defn, inst, draft, "ini") == [], "claimed: too late to take back"
    assert allowed_actions(defn, inst, rid, "r2") == []
    inst = do(defn, inst, Approve("r1", rid)).instance
    assert allowed_actions(defn, inst, rid, "r1") == [], "closed"


def test_refusals_name_the_node_not_internal_keys() -> None:
    review = {**task("review", "r1"), "name": "核稿"}
    defn = chain(task("draft"), review, {**task("sign", "s1"), "name": "签发"})
    inst = do(defn, begin(defn), Submit("ini")).instance
    rid = open_task(inst, "review")
    refused = expect("NOT_ASSIGNEE", defn, inst, Approve("r2", rid))
    assert refused.message == "The task at 核稿 is not yours"
    ahead = expect("INVALID_TARGET", defn, inst, Return("r1", rid, target_node="sign"))
    assert ahead.message.startswith("核稿 cannot return to 签发")
    ended = do(defn, inst, Reject("r1", rid)).instance
    closed = expect("NOT_RUNNING", defn, ended, Approve("r1", rid))
    assert closed.message == "The document is already rejected"
    inst = do(defn, inst, Return("r1", rid)).instance
    late = expect("TASK_CLOSED", defn, inst, Approve("r1", rid))
    assert late.message == "The task at 核稿 is already completed"
    for error in (refused, ahead, late):
        assert rid not in error.message
        assert "r1" not in error.message


def test_templates_run_to_completion() -> None:
    defn = dispatch_template()
    roles = {"office_director": ["dir"], "leader": ["boss"], "office_clerk": ["c1", "c2"]}
    step = start(defn, {}, {}, "ini", now=NOW)
    inst = step.instance
    numbered = False
    for _ in range(20):
        if inst.status is not InstanceStatus.RUNNING:
            break
        for p in inst.pending:
            inst = give(defn, inst, p.id, *roles[p.rule.role_code])  # type: ignore[union-attr]
        t = inst.open_tasks[0]
        user = t.assignee or t.candidates[0]
        if t.pool and t.assignee is None:
            inst = do(defn, inst, Claim(user, t.id)).instance
        step = do(defn, inst, Approve(user, t.id))
        numbered = numbered or step.allocate_number
        inst = step.instance
    assert inst.status is InstanceStatus.COMPLETED
    assert numbered
    handlers = [t.acted_by for t in inst.tasks if t.node_id == "distribute"]
    numberers = [t.acted_by for t in inst.tasks if t.node_id == "number"]
    assert handlers == numberers  # previous_handler: the clerk who numbered it

    receipt = receipt_template()
    inst = start(receipt, {"handlers": ["h1"]}, {}, "ini", now=NOW).instance
    inst = give(receipt, inst, "sign_for", "c1")
    inst = do(receipt, inst, Claim("c1", open_task(inst, "sign_for"))).instance
    inst = do(receipt, inst, Approve("c1", open_task(inst, "sign_for"))).instance
    assert inst.task(open_task(inst, "register")).assignee == "c1"


def test_adding_signers_is_offered_only_where_the_node_allows_it() -> None:
    closed = chain(task("review", "r1", allowAddSigner=False))
    inst = begin(closed)
    rid = open_task(inst, "review")
    assert TaskAction.ADD_SIGNERS not in allowed_actions(closed, inst, rid, "r1")
    error = expect("INVALID_ACTION", closed, inst, AddSigner("r1", rid, ["x"]))
    assert "Review" in error.message
    opened = chain(task("review", "r1"))
    inst = begin(opened)
    assert TaskAction.ADD_SIGNERS in allowed_actions(opened, inst, open_task(inst, "review"), "r1")


@pytest.mark.parametrize(
    "deadline",
    [{"hours": 10}, {"workingHours": 8}, {"workingDays": 2}],
    ids=["hours", "working-hours", "working-days"],
)
def test_a_deadline_without_remind_before_hours_has_no_reminder(deadline: dict) -> None:
    defn = chain(task("review", "r1", deadline=deadline))
    step = start(defn, {}, {}, "ini", now=NOW)
    assert [t.kind for t in step.timers] == ["deadline"]
    [created] = step.created_tasks
    assert created.due_at is not None
    assert created.due_at > NOW
    assert created.remind_at is None


def test_the_engine_reports_each_node_it_completes_and_each_return() -> None:
    defn = chain(task("draft"), task("review", "r1", rejectTo="draft"), task("sign", "s1"))
    inst = do(defn, begin(defn), Submit("ini")).instance
    step = do(defn, inst, Approve("r1", open_task(inst, "review")))
    [completed] = [e for e in step.events if e.kind == "node_completed"]
    assert completed.node_id == "review"
    assert dict(completed.data) == {
        "outcome": "approved",
        "handlers": ["r1"],
        "allocate_number": False,
    }
    sign = open_task(step.instance, "sign")
    back = do(defn, step.instance, Return("s1", sign, target_node="review"))
    [returned] = [e for e in back.events if e.kind == "returned"]
    again = back.instance.task(open_task(back.instance, "review"))
    assert (returned.actor, returned.node_id) == ("s1", "review")
    assert returned.data == {"visit_id": again.visit_id}
    rejected = do(defn, back.instance, Reject("r1", again.id))
    kinds = [(e.kind, e.node_id, e.data.get("outcome")) for e in rejected.events]
    assert ("node_completed", "review", "rejected") in kinds
    assert open_nodes(rejected.instance) == ["draft"]


def test_an_escalation_with_nobody_to_escalate_to_reports_the_task_overdue() -> None:
    """Validation refuses such a flow (MISSING_ESCALATE_TO); the engine still tells the holder."""
    defn = chain(task("review", "r1", deadline={"hours": 10, "onTimeout": "escalate"}))
    assert "MISSING_ESCALATE_TO" in [p.code for p in validate(defn, set())]
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = fire_timer(defn, inst, tid, "deadline", LATER)
    assert step.activations == []
    assert [(n.kind, n.task_id, n.users) for n in step.notifications] == [("overdue", tid, ("r1",))]
    assert step.instance.task(tid).overdue
    assert step.instance.task(tid).status is TaskStatus.OPEN


def _by_urgency():
    """After review, urgent documents go to the leader, others to the clerk."""
    return graph(
        [
            start_node(),
            task("review", "r1"),
            xor("g"),
            task("lead", "l1"),
            task("file", "c1"),
            end_node(),
        ],
        [
            edge("start", "review"),
            edge("review", "g"),
            edge("g", "lead", 'doc.urgency == "urgent"'),
            edge("g", "file", default=True),
            edge("lead", "end"),
            edge("file", "end"),
        ],
    )


def test_conditions_read_the_document_attributes_given_to_each_call() -> None:
    defn = _by_urgency()
    inst = begin(defn)
    rid = open_task(inst, "review")
    urgent = act(defn, inst, Approve("r1", rid), {}, {"urgency": "urgent"}, now=NOW)
    assert open_nodes(urgent.instance) == ["lead"]
    normal = act(defn, inst, Approve("r1", rid), {}, {"urgency": "normal"}, now=NOW)
    assert open_nodes(normal.instance) == ["file"]
    routed = start(defn, {}, {"urgency": "urgent"}, "ini", now=NOW)
    assert open_nodes(routed.instance) == ["review"]


def test_a_deadline_that_fires_reads_the_document_too() -> None:
    deadline = {"hours": 1, "onTimeout": "approve"}
    defn = graph(
        [
            start_node(),
            task("review", "r1", deadline=deadline),
            xor("g"),
            task("lead", "l1"),
            task("file", "c1"),
            end_node(),
        ],
        [
            edge("start", "review"),
            edge("review", "g"),
            edge("g", "lead", 'doc.urgency == "urgent"'),
            edge("g", "file", default=True),
            edge("lead", "end"),
            edge("file", "end"),
        ],
    )
    inst = begin(defn)
    rid = open_task(inst, "review")
    step = fire_timer(defn, inst, rid, "deadline", LATER, {}, {"urgency": "urgent"})
    assert open_nodes(step.instance) == ["lead"]


def test_an_action_without_an_actor_or_of_an_unknown_kind_is_refused() -> None:
    defn = chain(task("review", "r1"))
    inst = begin(defn)
    rid = open_task(inst, "review")
    error = expect("INVALID_ACTION", defn, inst, Approve("", rid))
    assert error.message == "An action needs an actor"

    class Dance:
        actor = "r1"

    error = expect("INVALID_ACTION", defn, inst, Dance())
    assert error.message == "Unknown action Dance"
    with pytest.raises(EngineError) as refused:
        start(defn, {}, {}, "", now=NOW)
    assert (refused.value.code, refused.value.message) == (
        "INVALID_ACTION",
        "an instance needs an initiator",
    )


def test_assigning_needs_a_waiting_activation_and_somebody() -> None:
    defn = chain(role_task("review", "office_director"))
    step = start(defn, {}, {}, "ini", now=NOW)
    [activation] = step.activations
    with pytest.raises(EngineError) as unknown:
        assign(defn, step.instance, "nowhere", ["u"], now=NOW)
    assert unknown.value.code == "UNKNOWN_ACTIVATION"
    assert "nowhere" in unknown.value.message
    with pytest.raises(EngineError) as nobody:
        assign(defn, step.instance, activation.id, ["", ""], now=NOW)
    assert (nobody.value.code, nobody.value.node_id) == ("NO_ASSIGNEE", "review")
    assert nobody.value.message == "Nobody was found for review"
    given = assign(defn, step.instance, activation.id, ["u2", "u1", "u2"], now=NOW)
    [created] = given.created_tasks
    assert created.candidates == ("u2", "u1")
    assert created.created_at == NOW
