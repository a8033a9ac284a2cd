"""The audit trail of each everyday action: the events a step reports (kind, actor, node, task,
data), the comment kept on the task it closed, and whether the initiator may still withdraw."""

from __future__ import annotations

from typing import Any

from tests.workflow.support import begin, chain, do, open_task, task
from workflow import (
    Approve,
    Claim,
    Delegate,
    Instance,
    Reject,
    Return,
    Step,
    Submit,
    Transfer,
    Unclaim,
    Urge,
    Withdraw,
)


def _trail(step: Step) -> list[tuple[Any, ...]]:
    return [(e.kind, e.actor, e.node_id, e.task_id, dict(e.data)) for e in step.events]


def _comments(step: Step) -> list[tuple[str, str | None, str | None]]:
    return [(t.node_id, t.acted_by, t.comment) for t in step.closed_tasks]


FLOW = chain(task("draft"), task("review", "r1", rejectTo="draft"), task("sign", "s1"))


def _submitted() -> tuple[Instance, Step]:
    inst = begin(FLOW)
    step = do(FLOW, inst, Submit("ini", comment="请审"))
    return inst, step


def test_submitting_and_approving_keep_the_comment_and_report_each_move() -> None:
    inst, step = _submitted()
    draft = open_task(inst, "draft")
    review = open_task(step.instance, "review")
    assert _comments(step) == [("draft", "ini", "请审")]
    assert step.instance.withdrawable
    assert _trail(step)[:2] == [
        ("submitted", "ini", None, draft, {}),
        ("task_completed", "ini", "draft", draft, {"outcome": "approve"}),
    ]
    assert (
        "task_created",
        None,
        "review",
        review,
        {"assignee": "r1", "candidates": ["r1"], "origin": "assign"},
    ) in _trail(step)
    approved = do(FLOW, step.instance, Approve("r1", review, "同意"))
    assert _comments(approved) == [("review", "r1", "同意")]
    assert not approved.instance.withdrawable, "someone else acted: too late to withdraw"


def test_rejecting_and_returning_keep_the_comment_and_name_the_target() -> None:
    _, step = _submitted()
    review = open_task(step.instance, "review")
    rejected = do(FLOW, step.instance, Reject("r1", review, "不同意"))
    assert _comments(rejected) == [("review", "r1", "不同意")]
    assert not rejected.instance.withdrawable
    returned = do(FLOW, step.instance, Return("r1", review, "draft", "补充材料"))
    assert _comments(returned) == [("review", "r1", "补充材料")]
    [done] = [e for e in returned.events if e.kind == "task_completed"]
    assert done.data["target"] == "draft"
    assert not returned.instance.withdrawable


def test_handing_a_task_over_is_reported_with_who_and_to_whom() -> None:
    _, step = _submitted()
    review = open_task(step.instance, "review")
    moved = do(FLOW, step.instance, Transfer("r1", review, "r2", "请代办"))
    assert _comments(moved) == [("review", "r1", "请代办")]
    [new] = moved.created_tasks
    assert (new.assignee, new.from_user, new.origin) == ("r2", "r1", "transfer")
    assert ("task_transferred", "r1", "review", review, {"to": "r2"}) in _trail(moved)
    assert not moved.instance.withdrawable
    lent = do(FLOW, step.instance, Delegate("r1", review, "r3", return_after=False))
    [new] = lent.created_tasks
    assert (new.assignee, new.from_user, new.origin) == ("r3", "r1", "delegate")
    assert ("task_delegated", "r1", "review", review, {"to": "r3", "return_after": False}) in (
        _trail(lent)
    )
    assert not lent.instance.withdrawable


def test_claiming_and_unclaiming_a_pool_task_are_reported_apart() -> None:
    defn = chain(task("review", "r1", "r2", pool=True))
    inst = begin(defn)
    review = open_task(inst, "review")
    claimed = do(defn, inst, Claim("r1", review))
    assert _trail(claimed) == [("task_claimed", "r1", "review", review, {})]
    unclaimed = do(defn, claimed.instance, Unclaim("r1", review))
    assert _trail(unclaimed) == [("task_unclaimed", "r1", "review", review, {})]


def test_withdrawing_keeps_the_comment_and_urging_names_the_task() -> None:
    _, step = _submitted()
    withdrawn = do(FLOW, step.instance, Withdraw("ini", "写错了"))
    [ended] = [e for e in withdrawn.events if e.kind == "instance_withdrawn"]
    assert (ended.actor, dict(ended.data)) == ("ini", {"comment": "写错了"})
    review = open_task(step.instance, "review")
    urged = do(FLOW, step.instance, Urge("ini", review, "请尽快"))
    assert [(n.kind, n.task_id, n.users) for n in urged.notifications] == [
        ("urge", review, ("r1",))
    ]
    assert urged.instance.withdrawable, "urging is not acting on the document"
