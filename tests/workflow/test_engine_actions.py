"""The engine's newer actions, pure: 减签 (remove signers), 撤回 (take back by the previous
handler), 跳转 (jump), opening a task, out-of-office rules and separation of duties."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.workflow.support import (
    NOW,
    begin,
    chain,
    countersign,
    do,
    edge,
    end_node,
    graph,
    open_nodes,
    open_task,
    par,
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
    Environment,
    FlowDefinition,
    Instance,
    InstanceStatus,
    Jump,
    Open,
    Reject,
    RemoveSigners,
    Submit,
    TakeBack,
    TaskStatus,
    Transfer,
    act,
    fire_timer,
    removable_signers,
    start,
    validate,
)
from workflow.actions import Action


def expect(code: str, defn: FlowDefinition, inst: Instance, action: Action) -> EngineError:
    before = inst.to_json()
    with pytest.raises(EngineError) as refused:
        do(defn, inst, action)
    assert refused.value.code == code, refused.value
    assert inst.to_json() == before
    return refused.value


def submitted(defn: FlowDefinition) -> Instance:
    return do(defn, begin(defn), Submit("ini")).instance


def holders(inst: Instance, node_id: str) -> list[str | None]:
    return [t.assignee for t in inst.open_tasks if t.node_id == node_id]


# ---------------------------------------------------------------------------- 减签


@pytest.mark.parametrize("order", ["parallel", "sequential"])
@pytest.mark.parametrize(
    ("mode", "share"), [("all", None), ("any", None), ("share", 0.5), ("share", 0.75)]
)
def test_removing_the_last_blockers_decides_the_countersign(
    mode: str, share: float | None, order: str
) -> None:
    defn = chain(task("draft"), countersign("cs", ["a", "b", "c", "d"], mode, share, order))
    inst = submitted(defn)
    vote = Reject if mode == "any" else Approve
    inst = do(defn, inst, vote("a", open_task(inst, "cs", "a"))).instance
    blockers = ("c", "d") if mode == "share" and share == 0.5 else ("b", "c", "d")
    if mode == "any":
        blockers = ("b", "c")
    step = do(defn, inst, RemoveSigners("boss", "cs", blockers, "出差", manager=True))
    removed = {t.assignee for t in step.closed_tasks if t.status is TaskStatus.REMOVED}
    assert removed <= set(blockers)
    kinds = [e.kind for e in step.events]
    assert "signers_removed" in kinds
    if mode == "any":
        assert "countersign_vote" in kinds, "d still has to approve"
        assert holders(step.instance, "cs") == ["d"]
    else:
        assert "countersign_passed" in kinds, (mode, share)
        assert step.instance.status is InstanceStatus.COMPLETED


def test_only_the_adder_or_a_manager_removes_and_only_those_who_have_not_voted() -> None:
    defn = chain(task("draft"), countersign("cs", ["a", "b"], "all"))
    inst = submitted(defn)
    inst = do(defn, inst, AddSigner("a", open_task(inst, "cs", "a"), ("x", "y"))).instance
    assert removable_signers(defn, inst, "a") == {"cs": ("x", "y")}
    assert removable_signers(defn, inst, "b") == {}
    assert removable_signers(defn, inst, "boss", manager=True) == {"cs": ("a", "b", "x", "y")}
    expect("NOT_ASSIGNEE", defn, inst, RemoveSigners("b", "cs", ("x",)))
    expect("NOT_ASSIGNEE", defn, inst, RemoveSigners("a", "cs", ("b",)))
    inst = do(defn, inst, Approve("x", open_task(inst, "cs", "x"))).instance
    expect("INVALID_TARGET", defn, inst, RemoveSigners("a", "cs", ("x",)))
    expect("INVALID_TARGET", defn, inst, RemoveSigners("a", "cs", ("nobody",)))
    expect("INVALID_TARGET", defn, inst, RemoveSigners("a", "draft", ("y",)))
    step = do(defn, inst, RemoveSigners("a", "cs", ("y",), "不需要"))
    assert sorted(filter(None, holders(step.instance, "cs"))) == ["a", "b"]
    expect("NOT_ASSIGNEE", defn, step.instance, RemoveSigners("a", "cs", ("y",)))
    again = RemoveSigners("m", "cs", ("y",), manager=True)
    assert "does not sign" in expect("INVALID_TARGET", defn, step.instance, again).message


def test_the_last_signer_stays() -> None:
    defn = chain(task("draft"), countersign("cs", ["a", "b"], "all", order="sequential"))
    inst = submitted(defn)
    refused = expect("LAST_SIGNER", defn, inst, RemoveSigners("m", "cs", ("a", "b"), manager=True))
    assert "at least one signer" in refused.message
    inst = do(defn, inst, RemoveSigners("m", "cs", ("a",), manager=True)).instance
    assert holders(inst, "cs") == ["b"], "the sequence moves on to the next signer"
    assert removable_signers(defn, inst, "m", manager=True) == {}
    expect("LAST_SIGNER", defn, inst, RemoveSigners("m", "cs", ("b",), manager=True))


def test_removed_slots_of_a_sequential_countersign_are_skipped_and_can_be_added_again() -> None:
    defn = chain(task("draft"), countersign("cs", ["a", "b", "c"], "all", order="sequential"))
    inst = submitted(defn)
    inst = do(defn, inst, RemoveSigners("m", "cs", ("b",), manager=True)).instance
    inst = do(defn, inst, Approve("a", open_task(inst, "cs", "a"))).instance
    assert holders(inst, "cs") == ["c"]
    inst = do(defn, inst, AddSigner("c", open_task(inst, "cs", "c"), ("b",))).instance
    inst = do(defn, inst, Approve("c", open_task(inst, "cs", "c"))).instance
    assert holders(inst, "cs") == ["b"], "b votes again, added by c"
    assert removable_signers(defn, inst, "c") == {"cs": ("b",)}
    assert do(defn, inst, Approve("b", open_task(inst, "cs", "b"))).instance.status is (
        InstanceStatus.COMPLETED
    )


def test_removing_every_undecided_signer_after_a_rejection_fails_an_any_countersign() -> None:
    defn = chain(task("draft"), countersign("cs", ["a", "b", "c"], "any"))
    inst = submitted(defn)
    inst = do(defn, inst, Reject("a", open_task(inst, "cs", "a"))).instance
    step = do(defn, inst, RemoveSigners("m", "cs", ("b", "c"), manager=True))
    assert "countersign_failed" in [e.kind for e in step.events]
    assert step.instance.status is InstanceStatus.REJECTED


# ---------------------------------------------------------------------------- opening


def test_opening_is_recorded_once_by_someone_who_may_act() -> None:
    defn = chain(task("draft"), task("review", "r1", "r2", pool=True))
    inst = submitted(defn)
    review = open_task(inst, "review")
    expect("NOT_ASSIGNEE", defn, inst, Open("ini", review))
    step = do(defn, inst, Open("r2", review))
    assert step.updated_tasks[0].opened_by == "r2"
    assert step.updated_tasks[0].opened_at == NOW
    assert step.instance.withdrawable, "opening is not acting"
    expect("ALREADY_OPENED", defn, step.instance, Open("r1", review))


# ---------------------------------------------------------------------------- 撤回


def test_take_back_while_the_next_step_is_untouched() -> None:
    defn = chain(task("draft"), task("review", "r1"), task("sign", "s1"))
    inst = submitted(defn)
    inst = do(defn, inst, Approve("r1", open_task(inst, "review"))).instance
    done = next(t for t in inst.tasks if t.node_id == "review")
    expect("NOT_ASSIGNEE", defn, inst, TakeBack("s1", done.id))
    step = do(defn, inst, TakeBack("r1", done.id, "还要改"))
    assert [(t.node_id, t.status) for t in step.closed_tasks] == [("sign", TaskStatus.WITHDRAWN)]
    assert holders(step.instance, "review") == ["r1"]
    assert open_nodes(step.instance) == ["review"]
    expect("CANNOT_TAKE_BACK", defn, step.instance, TakeBack("r1", done.id))
    again = do(defn, step.instance, Approve("r1", open_task(step.instance, "review"))).instance
    assert holders(again, "sign") == ["s1"]


@pytest.mark.parametrize("touch", ["open", "claim", "add_signer", "approve", "delegate"])
def test_take_back_is_refused_once_the_next_step_was_touched(touch: str) -> None:
    defn = chain(
        task("draft"), task("review", "r1"), task("sign", "s1", "s2", pool=True), task("end2", "z")
    )
    inst = submitted(defn)
    inst = do(defn, inst, Approve("r1", open_task(inst, "review"))).instance
    done = next(t for t in inst.tasks if t.node_id == "review")
    sign = open_task(inst, "sign")
    claimed = do(defn, inst, Claim("s1", sign)).instance
    actions: dict[str, tuple[Instance, Action]] = {
        "open": (inst, Open("s1", sign)),
        "claim": (inst, Claim("s1", sign)),
        "add_signer": (claimed, AddSigner("s1", sign, ("x",), "after")),
        "approve": (claimed, Approve("s1", sign)),
        "delegate": (claimed, Delegate("s1", sign, "x")),
    }
    base, action = actions[touch]
    after = do(defn, base, action).instance
    expect("CANNOT_TAKE_BACK", defn, after, TakeBack("r1", done.id))


def test_take_back_through_a_split_and_from_a_branch_waiting_at_the_join() -> None:
    defn = graph(
        [start_node(), task("draft"), task("review", "r1"), par("split"), task("a", "ua"),
         task("b", "ub"), par("join"), task("sign", "s1"), end_node()],
        [edge("start", "draft"), edge("draft", "review"), edge("review", "split"),
         edge("split", "a"), edge("split", "b"), edge("a", "join"), edge("b", "join"),
         edge("join", "sign"), edge("sign", "end")],
    )  # fmt: skip
    inst = submitted(defn)
    inst = do(defn, inst, Approve("r1", open_task(inst, "review"))).instance
    review = next(t for t in inst.tasks if t.node_id == "review")
    back = do(defn, inst, TakeBack("r1", review.id)).instance
    assert open_nodes(back) == ["review"]
    assert back.forks == (), "the split it led to is undone"

    inst = do(defn, inst, Approve("ua", open_task(inst, "a"))).instance
    expect("CANNOT_TAKE_BACK", defn, inst, TakeBack("r1", review.id))
    a_done = next(t for t in inst.tasks if t.node_id == "a")
    branch = do(defn, inst, TakeBack("ua", a_done.id)).instance
    assert open_nodes(branch) == ["a", "b"]
    assert holders(branch, "a") == ["ua"]
    joined = do(defn, branch, Approve("ua", open_task(branch, "a"))).instance
    joined = do(defn, joined, Approve("ub", open_task(joined, "b"))).instance
    assert open_nodes(joined) == ["sign"]
    b_done = next(t for t in joined.tasks if t.node_id == "b")
    refused = expect("CANNOT_TAKE_BACK", defn, joined, TakeBack("ub", b_done.id))
    assert "moved on" in refused.message, "after a join other branches took part"


def test_a_countersign_decision_is_not_taken_back() -> None:
    defn = chain(task("draft"), countersign("cs", ["a"], "all"), task("sign", "s1"))
    inst = submitted(defn)
    inst = do(defn, inst, Approve("a", open_task(inst, "cs"))).instance
    vote = next(t for t in inst.tasks if t.node_id == "cs")
    expect("CANNOT_TAKE_BACK", defn, inst, TakeBack("a", vote.id))


def test_the_initiator_takes_back_her_submission() -> None:
    defn = chain(task("draft"), task("review", "r1", pool=True))
    inst = submitted(defn)
    draft = next(t for t in inst.tasks if t.node_id == "draft")
    inst = do(defn, inst, TakeBack("ini", draft.id)).instance
    assert holders(inst, "draft") == ["ini"]


# ---------------------------------------------------------------------------- 跳转


def regions_flow() -> FlowDefinition:
    return graph(
        [start_node(), task("draft"), par("split"), task("a1", "ua"), task("a2", "ua2"),
         countersign("b", ["b1", "b2"]), par("join"), task("sign", "s1"), end_node()],
        [edge("start", "draft"), edge("draft", "split"), edge("split", "a1"),
         edge("a1", "a2"), edge("a2", "join"), edge("split", "b"), edge("b", "join"),
         edge("join", "sign"), edge("sign", "end")],
    )  # fmt: skip


def test_jump_within_a_branch_leaves_the_other_branch_alone() -> None:
    defn = regions_flow()
    inst = submitted(defn)
    inst = do(defn, inst, Approve("b1", open_task(inst, "b", "b1"))).instance
    step = do(defn, inst, Jump("boss", "a2", "跳过"))
    assert [(t.node_id, t.status) for t in step.closed_tasks] == [("a1", TaskStatus.JUMPED)]
    assert open_nodes(step.instance) == ["a2", "b"]
    assert holders(step.instance, "b") == ["b2"], "the countersign keeps its vote"
    inst = do(defn, step.instance, Approve("ua2", open_task(step.instance, "a2"))).instance
    inst = do(defn, inst, Approve("b2", open_task(inst, "b", "b2"))).instance
    assert open_nodes(inst) == ["sign"]


def test_jump_out_of_a_region_stops_every_branch() -> None:
    defn = regions_flow()
    inst = submitted(defn)
    step = do(defn, inst, Jump("boss", "sign", "直接签发"))
    assert {t.status for t in step.closed_tasks} == {TaskStatus.JUMPED}
    assert open_nodes(step.instance) == ["sign"]
    assert step.instance.forks == ()
    assert [e.data["left"] for e in step.events if e.kind == "jumped"] == [["a1", "b"]]


def test_jump_into_a_branch_counts_the_other_branches_done() -> None:
    defn = regions_flow()
    inst = submitted(defn)
    inst = do(defn, inst, Jump("boss", "sign", "先签发")).instance
    inst = do(defn, inst, Jump("boss", "a2", "补一步")).instance
    assert open_nodes(inst) == ["a2"]
    inst = do(defn, inst, Approve("ua2", open_task(inst, "a2"))).instance
    assert open_nodes(inst) == ["sign"], "the join completes with the other branch counted done"


def test_jump_back_to_the_draft_and_to_the_end() -> None:
    defn = chain(task("draft"), task("review", "r1", deadline={"hours": 8}), task("sign", "s1"))
    inst = submitted(defn)
    back = do(defn, inst, Jump("boss", "draft", "重拟"))
    assert holders(back.instance, "draft") == ["ini"], "previous handler as at its last visit"
    forward = do(defn, back.instance, Jump("boss", "review", "回到核稿"))
    assert [timer.kind for timer in forward.timers] == ["deadline"], "fresh deadline"
    ended = do(defn, forward.instance, Jump("boss", "end", "办结"))
    assert ended.instance.status is InstanceStatus.COMPLETED
    for target, code in (("nowhere", "INVALID_TARGET"), ("start", "INVALID_TARGET")):
        expect(code, defn, inst, Jump("boss", target, "x"))
    expect("INVALID_ACTION", defn, inst, Jump("boss", "sign", "  "))


def test_jump_across_an_exclusive_gateway() -> None:
    defn = graph(
        [start_node(), task("draft"), xor("x"), task("big", "b"), task("small", "s"),
         end_node()],
        [edge("start", "draft"), edge("draft", "x"), edge("x", "big", "has(form.n)"),
         edge("x", "small", default=True), edge("big", "end"), edge("small", "end")],
    )  # fmt: skip
    inst = submitted(defn)
    assert open_nodes(inst) == ["small"]
    inst = do(defn, inst, Jump("boss", "big", "金额有误")).instance
    assert open_nodes(inst) == ["big"]


# ---------------------------------------------------------------------------- 委托规则


def run_with(defn: FlowDefinition, env: Environment, *actions: Any) -> Instance:
    inst = start(defn, {}, {}, "ini", now=NOW, env=env).instance
    inst = act(defn, inst, Submit("ini"), now=NOW, env=env).instance
    for make in actions:
        inst = act(defn, inst, make(inst), now=NOW, env=env).instance
    return inst


def test_out_of_office_rules_send_new_tasks_to_the_delegate_along_chains_and_cycles() -> None:
    defn = chain(task("draft"), task("review", "r1"), countersign("cs", ["a", "b"]))
    env = Environment(delegations={"r1": "d1", "d1": "d2", "a": "b", "b": "a"})
    inst = run_with(defn, env)
    review = next(t for t in inst.open_tasks if t.node_id == "review")
    assert (review.assignee, review.delegated_from) == ("d2", "r1")
    expect("NOT_ASSIGNEE", defn, inst, Approve("r1", review.id))
    inst = act(defn, inst, Approve("d2", review.id), now=NOW, env=env).instance
    votes = {t.delegated_from: t.assignee for t in inst.open_tasks}
    assert votes == {"a": "b", "b": "a"}, "a cycle stops at its last new person"


def test_a_handed_back_task_of_someone_away_goes_to_her_delegate() -> None:
    defn = chain(task("draft"), task("review", "r1"))
    away = Environment(delegations={"r1": "d"})
    inst = run_with(defn, Environment())
    review = open_task(inst, "review")
    inst = act(defn, inst, Delegate("r1", review, "x"), now=NOW).instance
    inst = act(defn, inst, Approve("x", open_task(inst, "review")), now=NOW, env=away).instance
    back = next(t for t in inst.open_tasks if t.node_id == "review")
    assert (back.origin, back.assignee, back.delegated_from) == ("handback", "d", "r1")


# ---------------------------------------------------------------------------- 职责分离


def hr_flow(**review: Any) -> FlowDefinition:
    return chain(task("draft"), task("hr", "ini", "hr1", **review), task("sign", "s1"))


def test_the_initiator_does_not_approve_her_own_document_where_duties_are_separated() -> None:
    plain = submitted(hr_flow())
    assert holders(plain, "hr") == [None], "offered to both"
    defn = hr_flow(separateDuties=True)
    inst = submitted(defn)
    assert holders(inst, "hr") == ["hr1"], "the initiator is left out of the rule's users"
    solo = chain(task("draft"), task("hr", "ini", separateDuties=True))
    mine = submitted(solo)
    refused = expect("SEPARATION_OF_DUTIES", solo, mine, Approve("ini", open_task(mine, "hr")))
    assert "separates duties" in refused.message
    assert do(solo, mine, Transfer("ini", open_task(mine, "hr"), "x")).instance
    hr = open_task(inst, "hr")
    for action in (
        Delegate("hr1", hr, "ini"),
        Transfer("hr1", hr, "ini"),
        AddSigner("hr1", hr, ("ini",), "after"),
    ):
        expect("SEPARATION_OF_DUTIES", defn, inst, action)


def test_a_delegate_may_not_approve_a_document_she_initiated() -> None:
    defn = hr_flow(separateDuties=True)
    env = Environment(delegations={"hr1": "ini"})
    inst = run_with(defn, env)
    hr = next(t for t in inst.open_tasks if t.node_id == "hr")
    assert (hr.assignee, hr.delegated_from) == ("hr1", None), "the rule stops before her"
    loose = run_with(chain(task("draft"), task("hr", "hr1")), env)
    assert holders(loose, "hr") == ["ini"], "without separation the rule applies"


def test_separating_duties_at_the_initiators_own_step_is_refused_at_publish() -> None:
    defn = chain(task("draft"), task("review", "r1"))
    flow = FlowDefinition.model_validate({**defn.to_json(), "separateDuties": True})
    assert [p.code for p in validate(flow)] == ["SEPARATION_BLOCKS_INITIATOR"]
    nodes = [
        {**n, "separateDuties": False} if n["id"] == "draft" else n for n in flow.to_json()["nodes"]
    ]
    assert validate(FlowDefinition.model_validate({**flow.to_json(), "nodes": nodes})) == []
    expect("SEPARATION_OF_DUTIES", flow, begin(flow), Submit("ini"))


# ---------------------------------------------------------------------------- timers


def test_a_node_entered_again_in_a_loop_gets_fresh_timers_and_the_old_go_quiet() -> None:
    review = task("review", "r1", deadline={"hours": 4, "remindBeforeHours": 1})
    defn = graph(
        [start_node(), task("draft"), review, xor("again"), end_node()],
        [edge("start", "draft"), edge("draft", "review"), edge("review", "again"),
         edge("again", "review", "form.n > 0"), edge("again", "end", default=True)],
    )  # fmt: skip
    inst = submitted(defn)
    first = open_task(inst, "review")
    step = do(defn, inst, Approve("r1", first), {"n": 1})
    (second,) = [t.id for t in step.created_tasks]
    assert {t.task_id for t in step.timers} == {second}
    assert sorted(t.kind for t in step.timers) == ["deadline", "remind"]
    assert [t.id for t in step.closed_tasks] == [first]
    quiet = fire_timer(defn, step.instance, first, "remind", NOW + timedelta(hours=5))
    assert (quiet.instance, quiet.events) == (step.instance, [])
    loud = fire_timer(defn, step.instance, second, "remind", NOW + timedelta(hours=3))
    assert [e.kind for e in loud.events] == ["task_reminded"]
