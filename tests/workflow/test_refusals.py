"""Every refusal of an action, worded for the person who tried it: the code and the exact
message, with the node named by its name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.workflow.support import begin, chain, do, open_task, task
from workflow import (
    AddSigner,
    Approve,
    Claim,
    Delegate,
    EngineError,
    Instance,
    Open,
    Reject,
    Return,
    Submit,
    Transfer,
    Unclaim,
    Urge,
    Withdraw,
)
from workflow.definition import FlowDefinition

FLOW = chain(task("draft"), task("review", "r1", rejectTo="draft"), task("sign", "s1"))
POOL = chain(task("draft"), task("review", "r1", "r2", pool=True))
STRICT = chain(
    task("draft"),
    task("review", "r1", "ini", allowReturn=False, allowDelegate=False, allowAddSigner=False),
    task("sign", "s1", separateDuties=True),
)
SELF = chain(task("draft"), task("sign", "ini", separateDuties=True))


def _at(defn: FlowDefinition, *steps: Callable[[Instance], Any]) -> Instance:
    inst = do(defn, begin(defn), Submit("ini")).instance
    for make in steps:
        inst = do(defn, inst, make(inst)).instance
    return inst


def _review(user: str = "r1") -> Callable[[Instance], Approve]:
    return lambda inst: Approve(user, open_task(inst, "review"))


CASES: dict[str, tuple[FlowDefinition, Callable[[], Instance], Callable[[Instance], Any]]] = {
    "ended": (
        FLOW,
        lambda: _at(FLOW, _review(), lambda i: Approve("s1", open_task(i, "sign"))),
        lambda i: Withdraw("ini"),
    ),
    "unknown-task": (FLOW, lambda: _at(FLOW), lambda i: Approve("r1", "nope")),
    "not-yours": (FLOW, lambda: _at(FLOW), lambda i: Approve("r2", open_task(i, "review"))),
    "not-claimed": (POOL, lambda: _at(POOL), lambda i: Approve("r1", open_task(i, "review"))),
    "claim-held": (FLOW, lambda: _at(FLOW), lambda i: Claim("r1", open_task(i, "review"))),
    "claim-stranger": (POOL, lambda: _at(POOL), lambda i: Claim("x", open_task(i, "review"))),
    "claim-again": (
        POOL,
        lambda: _at(POOL, lambda i: Claim("r1", open_task(i, "review"))),
        lambda i: Claim("r1", open_task(i, "review")),
    ),
    "unclaim-held": (FLOW, lambda: _at(FLOW), lambda i: Unclaim("r1", open_task(i, "review"))),
    "unclaim-unclaimed": (
        POOL,
        lambda: _at(POOL),
        lambda i: Unclaim("r1", open_task(i, "review")),
    ),
    "unclaim-other": (
        POOL,
        lambda: _at(POOL, lambda i: Claim("r1", open_task(i, "review"))),
        lambda i: Unclaim("r2", open_task(i, "review")),
    ),
    "no-returns": (
        STRICT,
        lambda: _at(STRICT),
        lambda i: Return("r1", open_task(i, "review", "r1"), "draft"),
    ),
    "no-earlier-step": (
        FLOW,
        lambda: begin(FLOW),
        lambda i: Return("ini", open_task(i, "draft")),
    ),
    "no-delegating": (
        STRICT,
        lambda: _at(STRICT),
        lambda i: Transfer("r1", open_task(i, "review", "r1"), "x"),
    ),
    "no-signers": (
        STRICT,
        lambda: _at(STRICT),
        lambda i: AddSigner("r1", open_task(i, "review", "r1"), ("x",)),
    ),
    "separated": (
        STRICT,
        lambda: _at(STRICT, lambda i: Approve("r1", open_task(i, "review", "r1"))),
        lambda i: Transfer("s1", open_task(i, "sign"), "ini"),
    ),
    "opinion": (
        FLOW,
        lambda: _at(FLOW, lambda i: Delegate("r1", open_task(i, "review"), "d1")),
        lambda i: Reject("d1", open_task(i, "review", "d1")),
    ),
    "opened-twice": (
        FLOW,
        lambda: _at(FLOW, lambda i: Open("r1", open_task(i, "review"))),
        lambda i: Open("r1", open_task(i, "review")),
    ),
    "open-other": (FLOW, lambda: _at(FLOW), lambda i: Open("r2", open_task(i, "review"))),
    "withdraw-other": (FLOW, lambda: _at(FLOW), lambda i: Withdraw("r1")),
    "withdraw-late": (FLOW, lambda: _at(FLOW, _review()), lambda i: Withdraw("ini")),
    "urge-nothing": (FLOW, lambda: _at(FLOW), lambda i: Urge("ini", "nope")),
    "approve-own": (SELF, lambda: _at(SELF), lambda i: Approve("ini", open_task(i, "sign"))),
}


EXPECTED = {
    "ended": ("NOT_RUNNING", "The document is already completed"),
    "unknown-task": ("UNKNOWN_TASK", "No such task"),
    "not-yours": ("NOT_ASSIGNEE", "The task at Review is not yours"),
    "not-claimed": ("NOT_CLAIMED", "Claim the task at Review before acting on it"),
    "claim-held": ("INVALID_ACTION", "The task at Review is not one to claim"),
    "claim-stranger": ("NOT_ASSIGNEE", "You may not claim the task at Review"),
    "claim-again": ("ALREADY_CLAIMED", "The task at Review is already claimed"),
    "unclaim-held": ("INVALID_ACTION", "The task at Review is not one to claim"),
    "unclaim-unclaimed": ("NOT_CLAIMED", "Nobody has claimed the task at Review"),
    "unclaim-other": ("NOT_ASSIGNEE", "Someone else claimed the task at Review"),
    "no-returns": ("INVALID_ACTION", "Review does not allow returns"),
    "no-earlier-step": ("INVALID_TARGET", "There is no earlier step to return Draft to"),
    "no-delegating": ("INVALID_ACTION", "Review does not allow delegating or transferring"),
    "no-signers": ("INVALID_ACTION", "Review does not allow adding signers"),
    "separated": (
        "SEPARATION_OF_DUTIES",
        "Sign separates duties: the initiator may not handle her own document there",
    ),
    "opinion": (
        "INVALID_ACTION",
        "The task at Review was handed to you for an opinion: approve to hand it back; "
        "rejecting or returning it is for whoever handed it to you",
    ),
    "opened-twice": ("ALREADY_OPENED", "The task at Review is already open"),
    "open-other": ("NOT_ASSIGNEE", "The task at Review is not yours"),
    "withdraw-other": ("NOT_INITIATOR", "Only the initiator withdraws a document"),
    "withdraw-late": ("CANNOT_WITHDRAW", "Someone has acted on the document since you sent it"),
    "urge-nothing": ("UNKNOWN_TASK", "No such task"),
    "approve-own": (
        "SEPARATION_OF_DUTIES",
        "Sign separates duties: the initiator may not approve her own document there; transfer "
        "or delegate the task",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refused_action_says_why_and_changes_nothing(case: str) -> None:
    defn, state, make = CASES[case]
    inst = state()
    before = inst.to_json()
    with pytest.raises(EngineError) as refused:
        do(defn, inst, make(inst))
    assert (refused.value.code, refused.value.message) == EXPECTED[case]
    assert inst.to_json() == before
