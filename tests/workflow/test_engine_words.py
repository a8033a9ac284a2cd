"""The engine's refusals in the words people read: a flow it cannot route (no start, no way on,
a join outside a split, a failing condition) and every refusal of 撤回, each with its code and
the node it names; and the token that waits at a join."""

from __future__ import annotations

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
    expect,
    graph,
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
    FlowDefinition,
    Instance,
    Reject,
    Return,
    Submit,
    TakeBack,
    countersign_threshold,
    start,
)
from workflow.definition import CountersignConfig
from workflow.state import TokenState


def _start_refused(defn: FlowDefinition, form: dict[str, Any] | None = None) -> EngineError:
    with pytest.raises(EngineError) as refused:
        start(defn, form or {}, {"title": "t"}, "ini", now=NOW)
    return refused.value


def test_a_flow_it_cannot_start_says_why() -> None:
    none = graph([task("a", "u"), end_node()], [edge("a", "end")])
    refused = _start_refused(none)
    assert (refused.code, refused.message) == ("INVALID_DEFINITION", "the flow has no start node")
    two = graph(
        [start_node(), task("a", "u"), task("b", "u"), end_node()],
        [edge("start", "a"), edge("start", "b"), edge("a", "end"), edge("b", "end")],
    )
    refused = _start_refused(two)
    assert (refused.code, refused.message) == (
        "INVALID_DEFINITION",
        "start node start must have exactly one outgoing",
    )


def test_a_parallel_gateway_with_no_way_on_or_no_split_before_it() -> None:
    dead = graph([start_node(), par("p")], [edge("start", "p")])
    refused = _start_refused(dead)
    assert (refused.code, refused.message) == (
        "INVALID_DEFINITION",
        "parallel gateway p has no outgoing",
    )
    lone = graph(
        [start_node(), xor("x"), task("a", "u"), task("b", "u"), par("j"), end_node()],
        [edge("start", "x"), edge("x", "a", "form.n > 1"), edge("x", "b", default=True),
         edge("a", "j"), edge("b", "j"), edge("j", "end")],
    )  # fmt: skip
    inst = start(lone, {"n": 0}, {}, "ini", now=NOW).instance
    refused = expect("INVALID_DEFINITION", lone, inst, Approve("u", open_task(inst, "b")))
    assert (refused.message, refused.node_id) == (
        "parallel join j was reached outside any parallel split",
        "j",
    )


def test_an_exclusive_gateway_with_no_way_on_or_a_failing_condition() -> None:
    named = graph(
        [start_node(), {**xor("x"), "name": "分支"}, task("a", "u"), task("b", "u"), end_node()],
        [edge("start", "x"), {**edge("x", "a", "form.n > 1"), "name": "大于一"},
         edge("x", "b", "form.n < 0"), edge("a", "end"), edge("b", "end")],
    )  # fmt: skip
    refused = _start_refused(named, {"n": 0})
    assert (refused.code, refused.message, refused.node_id) == (
        "NO_ROUTE",
        "No way on from 分支: no condition holds and there is no default",
        "x",
    )
    refused = _start_refused(named, {"n": "zero"})
    assert (refused.code, refused.node_id) == ("CONDITION_ERROR", "x")
    assert refused.message.startswith("The condition of 大于一 at 分支 failed: ")
    refused = _start_refused(named, {"m": 1})
    assert refused.message.startswith("The condition of 大于一 at 分支 failed: ")
    untitled = graph(
        [start_node(), xor("x"), task("a", "u"), task("b", "u"), end_node()],
        [edge("start", "x"), edge("x", "a", " "), edge("x", "b", "form.n > 0"),
         edge("a", "end"), edge("b", "end")],
    )  # fmt: skip
    inst = start(untitled, {"n": 1}, {}, "ini", now=NOW).instance
    assert [t.node_id for t in inst.open_tasks] == ["b"], "a blank condition is no way on"


def test_a_branch_waiting_at_a_join_holds_no_visit() -> None:
    defn = graph(
        [start_node(), par("p"), task("a", "ua"), task("b", "ub"), par("j"), end_node()],
        [edge("start", "p"), edge("p", "a"), edge("p", "b"), edge("a", "j"), edge("b", "j"),
         edge("j", "end")],
    )  # fmt: skip
    inst = begin(defn)
    inst = do(defn, inst, Approve("ua", open_task(inst, "a"))).instance
    waiting = [(k.node_id, k.state, k.visit_id) for k in inst.tokens if k.node_id == "j"]
    assert waiting == [("j", TokenState.ARRIVED, None)]


def test_the_approvals_a_share_needs() -> None:
    share = CountersignConfig.model_validate({"mode": "share", "share": 0.5})
    assert [countersign_threshold(share, n) for n in (0, 1, 2, 3, 4)] == [1, 1, 1, 2, 2]
    whole = CountersignConfig.model_validate({"mode": "share"})
    assert [countersign_threshold(whole, n) for n in (1, 3)] == [1, 3]


# ---------------------------------------------------------------------------- 撤回

FLOW = chain(task("draft"), {**task("review", "r1"), "name": "审核"}, task("sign", "s1"))


def _reviewed(outcome: type[Approve] | type[Reject] = Approve) -> tuple[Instance, str]:
    inst = do(FLOW, begin(FLOW), Submit("ini")).instance
    review = open_task(inst, "review")
    return do(FLOW, inst, outcome("r1", review)).instance, review


def _words(inst: Instance, action: TakeBack, code: str) -> tuple[str, str | None, str | None]:
    refused = expect(code, FLOW, inst, action)
    return refused.message, refused.task_id, refused.node_id


def test_each_refusal_of_a_take_back_names_the_node() -> None:
    inst, review = _reviewed()
    assert _words(inst, TakeBack("s1", review), "NOT_ASSIGNEE") == (
        "You did not complete the task at 审核",
        review,
        "review",
    )
    inst = do(FLOW, inst, Approve("s1", open_task(inst, "sign"))).instance
    assert inst.status.value == "completed"
    inst, review = _reviewed()
    sign = open_task(inst, "sign")
    inst = do(FLOW, inst, Delegate("s1", sign, "d1")).instance
    assert _words(inst, TakeBack("r1", review), "CANNOT_TAKE_BACK") == (
        "Someone has opened, claimed or acted on the step after 审核",
        review,
        "review",
    )


def test_only_an_approval_that_moved_the_document_on_is_taken_back() -> None:
    defn = chain(task("draft"), {**task("review", "r1"), "name": "审核", "rejectTo": "draft"})
    inst = do(defn, begin(defn), Submit("ini")).instance
    review = open_task(inst, "review")
    inst = do(defn, inst, Reject("r1", review)).instance
    refused = expect("INVALID_ACTION", defn, inst, TakeBack("r1", review))
    assert refused.message == "Only an approval that moved 审核 on is taken back"
    lent = chain(task("draft"), {**task("review", "r1"), "name": "审核"}, task("sign", "s1"))
    inst = do(lent, begin(lent), Submit("ini")).instance
    review = open_task(inst, "review")
    inst = do(lent, inst, Delegate("r1", review, "d1")).instance
    opinion = open_task(inst, "review", "d1")
    inst = do(lent, inst, Approve("d1", opinion)).instance
    refused = expect("INVALID_ACTION", lent, inst, TakeBack("d1", opinion))
    assert refused.message == "Only an approval that moved 审核 on is taken back"


def test_a_take_back_after_a_signer_was_added_or_a_task_taken_is_refused() -> None:
    defn = chain(task("draft"), task("review", "r1"), countersign("cs", ["a", "b"]))
    inst = do(defn, begin(defn), Submit("ini")).instance
    review = open_task(inst, "review")
    inst = do(defn, inst, Approve("r1", review)).instance
    added = do(defn, inst, AddSigner("a", open_task(inst, "cs", "a"), ("x",))).instance
    expect("CANNOT_TAKE_BACK", defn, added, TakeBack("r1", review))
    refused = expect(
        "INVALID_TARGET", defn, inst, AddSigner("a", open_task(inst, "cs", "a"), ("b",))
    )
    assert refused.message == "Some of them already vote at cs"
    shared = chain(task("draft"), task("review", "r1"), task("sign", "s1", "s2"))
    inst = do(shared, begin(shared), Submit("ini")).instance
    review = open_task(inst, "review")
    inst = do(shared, inst, Approve("r1", review)).instance
    taken = do(shared, inst, Claim("s1", open_task(inst, "sign"))).instance
    expect("CANNOT_TAKE_BACK", shared, taken, TakeBack("r1", review))


def test_a_countersign_decision_and_a_moved_on_document_are_not_taken_back() -> None:
    defn = chain(task("draft"), {**countersign("cs", ["a"]), "name": "会签"}, task("sign", "s1"))
    inst = do(defn, begin(defn), Submit("ini")).instance
    vote = open_task(inst, "cs")
    inst = do(defn, inst, Approve("a", vote)).instance
    refused = expect("CANNOT_TAKE_BACK", defn, inst, TakeBack("a", vote))
    assert refused.message == "A countersign's decision at 会签 is not taken back"
    inst, review = _reviewed()
    inst = do(FLOW, inst, Approve("s1", open_task(inst, "sign"))).instance
    refused = expect("NOT_RUNNING", FLOW, inst, TakeBack("r1", review))
    draft = chain(task("draft"), {**task("review", "r1"), "name": "审核"}, task("sign", "s1"))
    inst = do(draft, begin(draft), Submit("ini")).instance
    review = open_task(inst, "review")
    inst = do(draft, inst, Approve("r1", review)).instance
    inst = do(draft, inst, TakeBack("r1", review)).instance
    refused = expect("CANNOT_TAKE_BACK", draft, inst, TakeBack("r1", review))
    assert refused.message == "The document has moved on since 审核"


def test_a_failed_countersign_and_a_terminate_end_say_where() -> None:
    defn = chain(countersign("cs", ["a", "b"]))
    inst = begin(defn)
    step = do(defn, inst, Reject("a", open_task(inst, "cs", "a")))
    failed = [(e.node_id, dict(e.data)) for e in step.events if e.kind == "countersign_failed"]
    assert failed == [("cs", {"approvals": 0, "rejections": 1, "voters": 2, "needed": 2})]
    stop = graph(
        [start_node(), task("a", "u"), end_node("stop", terminate=True)],
        [edge("start", "a"), edge("a", "stop")],
    )
    inst = begin(stop)
    step = do(stop, inst, Approve("u", open_task(inst, "a")))
    ended = [(e.kind, e.node_id, dict(e.data)) for e in step.events][-2:]
    assert ended == [("end_reached", "stop", {}), ("instance_completed", "stop", {})]


def test_a_pool_node_returned_to_goes_back_to_its_one_handler() -> None:
    defn = chain(task("draft"), task("review", "r1", "r2", pool=True), task("sign", "s1"))
    inst = do(defn, begin(defn), Submit("ini")).instance
    review = open_task(inst, "review")
    inst = do(defn, inst, Claim("r2", review)).instance
    inst = do(defn, inst, Approve("r2", review)).instance
    back = do(defn, inst, Return("s1", open_task(inst, "sign"), "review")).instance
    [task_] = back.open_tasks
    assert (task_.assignee, task_.candidates, task_.pool, task_.origin) == (
        "r2",
        ("r2",),
        False,
        "return",
    )
    taken = do(defn, inst, TakeBack("r2", review)).instance
    [task_] = taken.open_tasks
    assert (task_.assignee, task_.pool, task_.origin) == ("r2", False, "take_back")
