"""Publish-time validation of parallel regions: every split closed by its own join, nothing
entering or leaving a region from the side."""

from __future__ import annotations

from typing import Any

from tests.workflow.support import (
    FIELDS,
    edge,
    end_node,
    graph,
    only,
    par,
    problems,
    start_node,
    task,
    xor,
)
from workflow import (
    FlowDefinition,
    validate,
)

# ---------------------------------------------------------------------------- parallel


def _split_join(*extra_nodes: dict[str, Any], edges_: list[dict[str, Any]]) -> FlowDefinition:
    return graph([start_node(), par("p"), par("j"), end_node(), *extra_nodes], edges_)


def test_balanced_parallel_is_valid_including_nesting() -> None:
    nested = _split_join(
        task("a", "u"),
        par("p2"),
        task("b1", "u"),
        task("b2", "u"),
        par("j2"),
        task("c", "u"),
        edges_=[
            edge("start", "p"),
            edge("p", "a"),
            edge("p", "p2"),
            edge("p2", "b1"),
            edge("p2", "b2"),
            edge("b1", "j2"),
            edge("b2", "j2"),
            edge("j2", "j"),
            edge("a", "j"),
            edge("j", "c"),
            edge("c", "end"),
        ],
    )
    assert validate(nested, FIELDS) == []


def test_branch_reaching_end_is_unbalanced() -> None:
    defn = _split_join(
        task("a", "u"),
        task("b", "u"),
        xor("x"),
        edges_=[
            edge("start", "p"),
            edge("p", "a"),
            edge("p", "b"),
            edge("a", "j"),
            edge("b", "x"),
            edge("x", "j", "form.amount > 1"),
            edge("x", "end", default=True),
            edge("j", "end"),
        ],
    )
    p = only(defn, "PARALLEL_UNBALANCED", node="p")
    assert "'end'" in p.message


def test_join_without_split() -> None:
    defn = graph(
        [
            start_node(),
            task("a", "u"),
            xor("x"),
            task("b", "u"),
            task("c", "u"),
            par("j"),
            end_node(),
        ],
        [
            edge("start", "a"),
            edge("a", "x"),
            edge("x", "b", "form.amount > 1"),
            edge("x", "c", default=True),
            edge("b", "j"),
            edge("c", "j"),
            edge("j", "end"),
        ],
    )
    only(defn, "JOIN_WITHOUT_SPLIT", node="j")


def test_branches_meeting_different_joins() -> None:
    defn = graph(
        [
            start_node(),
            par("p"),
            task("a", "u"),
            task("b", "u"),
            task("c", "u"),
            par("j1"),
            par("j2"),
            task("d", "u"),
            end_node(),
            par("p0"),
        ],
        [
            edge("start", "p0"),
            edge("p0", "p"),
            edge("p0", "c"),
            edge("p", "a"),
            edge("p", "b"),
            edge("a", "j1"),
            edge("b", "j2"),
            edge("c", "j1"),
            edge("j1", "j2"),
            edge("j2", "d"),
            edge("d", "end"),
        ],
    )
    msgs = [p.message for p in problems(defn) if p.code == "PARALLEL_UNBALANCED"]
    assert any("'p'" in m and "different joins" in m for m in msgs)


def test_region_entered_from_outside() -> None:
    defn = graph(
        [
            start_node(),
            task("pre", "u"),
            xor("x"),
            par("p"),
            task("a", "u"),
            task("b", "u"),
            par("j"),
            end_node(),
        ],
        [
            edge("start", "pre"),
            edge("pre", "x"),
            edge("x", "p", "form.amount > 1"),
            edge("x", "b", default=True),
            edge("p", "a"),
            edge("p", "b"),
            edge("a", "j"),
            edge("b", "j"),
            edge("j", "end"),
        ],
    )
    p = only(defn, "PARALLEL_UNBALANCED", node="p")
    assert "from outside" in p.message


def test_branch_looping_back_to_split() -> None:
    defn = _split_join(
        task("a", "u"),
        task("b", "u"),
        xor("x"),
        edges_=[
            edge("start", "p"),
            edge("p", "a"),
            edge("p", "b"),
            edge("a", "j"),
            edge("b", "x"),
            edge("x", "p", "form.amount > 1"),
            edge("x", "j", default=True),
            edge("j", "end"),
        ],
    )
    assert "loops back" in only(defn, "PARALLEL_UNBALANCED", node="p").message


def test_an_unbalanced_nested_split_makes_its_outer_split_unbalanced() -> None:
    defn = _split_join(
        task("a", "u"),
        par("p2"),
        task("b1", "u"),
        task("b2", "u"),
        par("j2"),
        edges_=[
            edge("start", "p"),
            edge("p", "a"),
            edge("p", "p2"),
            edge("p2", "b1"),
            edge("p2", "b2"),
            edge("b1", "j2"),
            edge("b2", "end"),
            edge("j2", "j"),
            edge("a", "j"),
            edge("j", "end"),
        ],
    )
    messages = {p.node_id: p.message for p in problems(defn) if p.code == "PARALLEL_UNBALANCED"}
    assert set(messages) == {"p", "p2"}
    assert "'p2__b2'" in messages["p2"]
    assert "reaches end node 'end'" in messages["p2"]
    assert "the nested split node 'p2' is not balanced" in messages["p"]


def test_a_join_shared_by_two_splits_is_refused_at_both() -> None:
    defn = graph(
        [
            start_node(),
            par("p1"),
            par("p2"),
            task("a", "u"),
            task("b", "u"),
            task("c", "u"),
            task("d", "u"),
            par("j"),
            xor("x"),
            end_node(),
        ],
        [
            edge("start", "x"),
            edge("x", "p1", "form.amount > 1"),
            edge("x", "p2", default=True),
            edge("p1", "a"),
            edge("p1", "b"),
            edge("p2", "c"),
            edge("p2", "d"),
            edge("a", "j"),
            edge("b", "j"),
            edge("c", "j"),
            edge("d", "j"),
            edge("j", "end"),
        ],
    )
    found = {p.node_id: p.message for p in problems(defn) if p.code == "PARALLEL_UNBALANCED"}
    assert set(found) == {"p1", "p2"}
    assert "'c__j' (c -> j) enters the parallel region" in found["p1"]
    assert "'a__j' (a -> j) enters the parallel region" in found["p2"]
    assert "JOIN_WITHOUT_SPLIT" not in [p.code for p in problems(defn)]
