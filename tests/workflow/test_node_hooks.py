"""What each node type does with the hooks it has no use for (a task at a gateway, signers at a
task node), 加签 on a task in every position, the hand-over refused at a countersign, and a
definition's schema problems, each with its exact words."""

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
    Delegate,
    EngineError,
    TaskStatus,
    Transfer,
    parse_definition,
    start,
)
from workflow.definition import NodeType
from workflow.nodes import BEHAVIOURS
from workflow.state import Token, TokenState
from workflow.working import Working

# ---------------------------------------------------------------------------- hooks refused

FLOW = graph(
    [start_node(), task("review", "r1"), xor("x"), end_node()],
    [edge("start", "review"), edge("review", "x"), edge("x", "end")],
)


def _working() -> Working:
    return Working(FLOW, begin(FLOW), None, None, NOW, BEHAVIOURS)


def _refusal(call: Any) -> tuple[str, str]:
    with pytest.raises(EngineError) as refused:
        call()
    return refused.value.code, refused.value.message


@pytest.mark.parametrize("node", ["x", "end"])
def test_a_node_without_tasks_refuses_every_task_hook(node: str) -> None:
    w = _working()
    review = w.orig.tasks[0]
    t = review.model_copy(update={"node_id": node})
    token = Token(id="k9", node_id=node, state=TokenState.WAITING)
    kind = w.defn.node(node).type.value
    words = f"{kind} node {node} has no tasks"
    behaviour = BEHAVIOURS[w.defn.node(node).type]
    signers = AddSigner("r1", t.id, ("u",))
    assert _refusal(lambda: behaviour.open(w, token, ("u",), "assign")) == (
        "INVALID_DEFINITION",
        words,
    )
    assert _refusal(lambda: behaviour.approve(w, t, "r1", None)) == ("INVALID_DEFINITION", words)
    assert _refusal(lambda: behaviour.reject(w, t, "r1", None)) == ("INVALID_DEFINITION", words)
    assert _refusal(lambda: behaviour.add_signers(w, t, ("u",), signers)) == (
        "INVALID_DEFINITION",
        words,
    )
    assert _refusal(lambda: behaviour.remove_signers(w, token, (0,), "r1")) == (
        "INVALID_TARGET",
        f"{kind} node {node} has no signers",
    )


def test_only_a_countersign_has_signers_to_remove() -> None:
    w = _working()
    token = w.orig.tokens[0]
    assert _refusal(lambda: BEHAVIOURS[NodeType.TASK].remove_signers(w, token, (0,), "r1")) == (
        "INVALID_TARGET",
        "task node review has no signers",
    )


def test_routing_back_into_the_start_event_is_refused() -> None:
    defn = graph(
        [start_node(), task("review", "r1"), end_node()],
        [edge("start", "review"), edge("review", "start")],
    )
    inst = begin(defn)
    refused = expect("INVALID_DEFINITION", defn, inst, Approve("r1", open_task(inst, "review")))
    assert refused.message == "cannot route into start node start"


def test_a_return_goes_to_the_handlers_of_a_task_and_the_voters_of_a_countersign() -> None:
    w = _working()
    visit = w.orig.visits[0].model_copy(update={"users": ("a", "b"), "handlers": ("b",)})
    assert BEHAVIOURS[NodeType.TASK].return_users(visit) == ("b",)
    assert BEHAVIOURS[NodeType.COUNTERSIGN].return_users(visit) == ("a", "b")
    none = visit.model_copy(update={"users": (), "handlers": ("b",)})
    assert BEHAVIOURS[NodeType.COUNTERSIGN].return_users(none) == ("b",)
    assert BEHAVIOURS[NodeType.TASK].return_users(none.model_copy(update={"handlers": ()})) == ()


# ---------------------------------------------------------------------------- 加签 on a task


def test_adding_signers_before_suspends_the_task_and_queues_them() -> None:
    defn = chain(task("review", "r1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    step = do(defn, inst, AddSigner("r1", tid, ("x1", "x2", "x3"), "before", "先看"))
    [closed] = step.closed_tasks
    assert (closed.id, closed.status, closed.acted_by, closed.comment) == (
        tid,
        TaskStatus.SUSPENDED,
        "r1",
        "先看",
    )
    [new] = step.created_tasks
    assert (new.assignee, new.candidates, new.after, new.return_stack) == (
        "x1",
        ("x1",),
        ("x2", "x3"),
        (tid,),
    )
    assert (new.origin, new.from_user) == ("add_signer", "r1")


def test_signers_go_before_or_after_and_nowhere_else() -> None:
    defn = chain(task("review", "r1"))
    inst = begin(defn)
    tid = open_task(inst, "review")
    where: Any = "instead"
    refused = expect("INVALID_ACTION", defn, inst, AddSigner("r1", tid, ("x",), where))
    assert refused.message == "Add signers 'before' or 'after' you"
    assert (refused.task_id, refused.node_id) == (tid, "review")


# ---------------------------------------------------------------------------- countersign


def test_a_vote_is_not_handed_to_someone_who_votes_or_holds_a_vote() -> None:
    defn = chain(countersign("cs", ["a", "b"], order="sequential"))
    inst = begin(defn)
    ta = open_task(inst, "cs", "a")
    refused = expect("INVALID_TARGET", defn, inst, Transfer("a", ta, "b"))
    assert (refused.message, refused.task_id) == ("That person already votes at cs", ta)
    both = chain(countersign("cs", ["a", "b"]))
    inst = begin(both)
    inst = do(both, inst, Delegate("b", open_task(inst, "cs", "b"), "d")).instance
    ta = open_task(inst, "cs", "a")
    refused = expect("INVALID_TARGET", both, inst, Transfer("a", ta, "d"))
    assert refused.message == "That person already votes at cs"
    moved = do(both, inst, Transfer("a", ta, "e")).instance
    assert sorted(t.assignee or "" for t in moved.open_tasks) == ["d", "e"]


# ---------------------------------------------------------------------------- schema problems

TYPES = "'start', 'task', 'countersign', 'exclusive_gateway', 'parallel_gateway' or 'end'"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"nodes": [start_node("s"), {"id": "x", "type": "script"}], "transitions": []},
            [("nodes.1.type: Input should be " + TYPES, "x", None)],
        ),
        (
            {"nodes": "none", "transitions": []},
            [("nodes: Input should be a valid list", None, None)],
        ),
        (
            {"nodes": ["x"], "transitions": []},
            [("nodes.0: Input should be a valid dictionary or instance of Node", None, None)],
        ),
        (
            {"nodes": [], "transitions": [], "separateDuties": "maybe"},
            [
                (
                    "separateDuties: Input should be a valid boolean, unable to interpret input",
                    None,
                    None,
                )
            ],
        ),
        (
            {"nodes": [], "transitions": [{"id": "t", "source": "a"}]},
            [("transitions.0.target: Field required", None, "t")],
        ),
    ],
)
def test_each_schema_problem_says_where_and_what(
    data: dict[str, Any], expected: list[tuple[str, str | None, str | None]]
) -> None:
    defn, found = parse_definition(data)
    assert defn is None
    assert [(p.code, p.severity) for p in found] == [("SCHEMA", "error")] * len(expected)
    assert [(p.message, p.node_id, p.transition_id) for p in found] == expected


def test_schema_problems_of_json_text_name_no_ids() -> None:
    _, found = parse_definition('{"nodes": [{"id": "x", "type": "script"}], "transitions": []}')
    assert [(p.message, p.node_id) for p in found] == [
        ("nodes.0.type: Input should be " + TYPES, None)
    ]
    _, found = parse_definition("{")
    assert [(p.code, p.message) for p in found] == [
        ("SCHEMA", ": Invalid JSON: EOF while parsing an object at line 1 column 1")
    ]
    assert found[0].to_json() == {
        "code": "SCHEMA",
        "message": ": Invalid JSON: EOF while parsing an object at line 1 column 1",
        "nodeId": None,
        "transitionId": None,
        "severity": "error",
    }


def test_a_split_right_after_a_join_forks_the_merged_token() -> None:
    defn = graph(
        [start_node(), par("p"), task("a", "ua"), task("b", "ub"), par("j"), par("q"),
         task("c", "uc"), task("d", "ud"), par("k"), end_node()],
        [edge("start", "p"), edge("p", "a"), edge("p", "b"), edge("a", "j"), edge("b", "j"),
         edge("j", "q"), edge("q", "c"), edge("q", "d"), edge("c", "k"), edge("d", "k"),
         edge("k", "end")],
    )  # fmt: skip
    started = start(defn, {}, {"title": "t"}, "ini", now=NOW)
    inst = started.instance
    first = [(e.kind, e.node_id, dict(e.data)) for e in started.events]
    assert ("parallel_split", "p", {"fork_id": "f2", "branches": 2}) in first
    inst = do(defn, inst, Approve("ua", open_task(inst, "a"))).instance
    step = do(defn, inst, Approve("ub", open_task(inst, "b")))
    splits = [(e.node_id, dict(e.data)) for e in step.events if e.kind == "parallel_split"]
    [fork] = step.instance.forks
    assert splits == [("q", {"fork_id": fork.id, "branches": 2})]
    assert sorted(t.node_id for t in step.instance.open_tasks) == ["c", "d"]
    assert sorted(k.fork_path for k in step.instance.tokens) == [
        (f"{fork.id}/q__c",),
        (f"{fork.id}/q__d",),
    ]
