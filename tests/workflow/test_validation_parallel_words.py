"""Parallel regions at publish time, word for word: each way a split is unbalanced, and the
shapes inside a branch that are fine (a diamond, a terminate end, a nested block that splits
again or goes on through a task); and the flow-level problems of starts and ends."""

from __future__ import annotations

from typing import Any

from tests.workflow.support import FIELDS, edge, end_node, graph, par, start_node, task, xor
from workflow import FlowDefinition, validate


def _found(defn: FlowDefinition, code: str) -> dict[str | None, str]:
    return {p.node_id: p.message for p in validate(defn, FIELDS) if p.code == code}


def _flow(nodes: list[dict[str, Any]], edges: list[tuple[str, ...]]) -> FlowDefinition:
    made = [edge(*e) if len(e) == 2 else edge(e[0], e[1], e[2] or None, not e[2]) for e in edges]
    return graph([start_node(), par("p"), end_node(), *nodes], made)


def test_branches_that_never_reach_a_join() -> None:
    defn = _flow(
        [task("a", "u"), task("b", "u")],
        [("start", "p"), ("p", "a"), ("p", "b"), ("a", "end"), ("b", "end")],
    )
    assert _found(defn, "PARALLEL_UNBALANCED") == {
        "p": "parallel split node 'p': the branch through transition 'p__a' (p -> a) reaches "
        "end node 'end' before a join"
    }
    ends = graph(
        [start_node(), par("p"), task("a", "u"), task("b", "u"), end_node(terminate=True)],
        [edge("start", "p"), edge("p", "a"), edge("p", "b"), edge("a", "end"), edge("b", "end")],
    )
    assert _found(ends, "PARALLEL_UNBALANCED") == {
        "p": "parallel split node 'p': its branches never reach a parallel join"
    }


def test_branches_meeting_at_two_joins_name_both() -> None:
    defn = _flow(
        [task("a", "u"), task("b", "u"), par("j1"), par("j2"), par("q"), task("c", "u")],
        [("start", "q"), ("q", "p"), ("q", "c"), ("p", "a"), ("p", "b"), ("a", "j1"),
         ("b", "j2"), ("c", "j1"), ("j1", "j2"), ("j2", "end")],
    )  # fmt: skip
    assert _found(defn, "PARALLEL_UNBALANCED")["p"] == (
        "parallel split node 'p': its branches reach different joins (j1, j2); all branches "
        "must meet at one join"
    )


def test_a_split_reached_again_from_its_nested_split_is_unbalanced_not_endless() -> None:
    defn = _flow(
        [task("c", "u"), par("p2"), task("b1", "u"), task("b2", "u")],
        [("p", "c"), ("p", "p2"), ("p2", "b1"), ("p2", "b2"), ("b2", "p"), ("start", "end")],
    )
    found = _found(defn, "PARALLEL_UNBALANCED")
    assert found["p2"] == "parallel split node 'p2': the nested split node 'p' is not balanced"
    assert found["p"] == "parallel split node 'p': the nested split node 'p2' is not balanced"


def test_a_lone_join_is_reported_beside_a_balanced_split() -> None:
    defn = _flow(
        [task("a", "u"), task("b", "u"), par("j"), xor("x"), task("c", "u"), task("d", "u"),
         par("k")],
        [("start", "p"), ("p", "a"), ("p", "b"), ("a", "j"), ("b", "j"), ("j", "x"),
         ("x", "c", "form.amount > 1"), ("x", "d", ""), ("c", "k"), ("d", "k"), ("k", "end")],
    )  # fmt: skip
    assert _found(defn, "PARALLEL_UNBALANCED") == {}
    assert _found(defn, "JOIN_WITHOUT_SPLIT") == {
        "k": "parallel join node 'k' is not closed by a parallel split: tokens reaching it from "
        "exclusive branches would wait forever; use an exclusive gateway to merge"
    }


def test_a_diamond_inside_a_branch_is_part_of_its_region() -> None:
    defn = _flow(
        [xor("x"), task("a", "u"), task("b", "u"), task("c", "u"), xor("m"), par("j"),
         task("d", "u")],
        [("start", "p"), ("p", "x"), ("p", "d"), ("x", "a", "form.amount > 1"),
         ("x", "b", "form.amount > 2"), ("x", "c", ""), ("a", "m"), ("b", "m"), ("c", "j"),
         ("m", "j"), ("d", "j"), ("j", "end")],
    )  # fmt: skip
    assert validate(defn, FIELDS) == []


def test_a_branch_may_end_everything_at_a_terminate_end() -> None:
    defn = _flow(
        [task("a", "u"), xor("x"), task("b", "u"), task("c", "u"), par("j"),
         end_node("t", terminate=True)],
        [("start", "p"), ("p", "a"), ("p", "c"), ("a", "x"), ("x", "b", ""),
         ("x", "t", "form.amount > 1"), ("b", "j"), ("c", "j"), ("j", "end")],
    )  # fmt: skip
    assert validate(defn, FIELDS) == []


def test_a_nested_block_may_split_again_and_go_on_through_a_task() -> None:
    defn = _flow(
        [task("a", "u"), par("p2"), task("b1", "u"), task("b2", "u"), par("j2"),
         task("c1", "u"), task("c2", "u"), par("j3"), task("c", "u"), par("j")],
        [("start", "p"), ("p", "a"), ("p", "p2"), ("p2", "b1"), ("p2", "b2"), ("b1", "j2"),
         ("b2", "j2"), ("j2", "c1"), ("j2", "c2"), ("c1", "j3"), ("c2", "j3"), ("j3", "c"),
         ("c", "j"), ("a", "j"), ("j", "end")],
    )  # fmt: skip
    assert validate(defn, FIELDS) == []


def test_the_flow_names_its_missing_start_and_end_and_a_second_start() -> None:
    bare = graph([task("a", "u")], [edge("a", "a")])
    assert _found(bare, "NO_START") == {None: "the flow has no start node"}
    assert _found(bare, "NO_END") == {None: "the flow has no end node"}
    two = graph(
        [start_node(), start_node("s2"), task("a", "u"), end_node()],
        [edge("start", "a"), edge("s2", "a"), edge("a", "end")],
    )
    assert _found(two, "MULTIPLE_START") == {"s2": "node 's2' is a second start node"}
