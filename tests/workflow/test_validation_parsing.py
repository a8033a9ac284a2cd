"""Definitions as data: parsing with problems named by id, stored JSON, the lookups a copy
rebuilds; and a cycle of gateways."""

from __future__ import annotations

import json

import pytest

from tests.workflow.support import (
    chain,
    edge,
    end_node,
    graph,
    problems,
    start_node,
    task,
    xor,
)
from workflow import (
    FlowDefinition,
    load_definition,
    parse_definition,
)

# ---------------------------------------------------------------------------- parsing


def test_parse_definition_reports_schema_problems_with_ids() -> None:
    defn, probs = parse_definition(
        {
            "nodes": [{"id": "s", "type": "start"}, {"id": "x", "type": "script"}],
            "transitions": [],
        }
    )
    assert defn is None
    assert probs[0].code == "SCHEMA"
    assert probs[0].node_id == "x"
    defn, probs = parse_definition('{"nodes": [], "transitions": []}')
    assert defn is not None
    assert probs == []


def test_camel_and_snake_case_both_accepted() -> None:
    a = FlowDefinition.model_validate(
        {
            "nodes": [
                {
                    "id": "t",
                    "type": "task",
                    "allocateNumber": True,
                    "fieldAccess": {"x": "readonly"},
                    "assignee": {"kind": "org_unit_leader", "orgUnitId": "ou1"},
                }
            ],
            "transitions": [],
        }
    )
    b = FlowDefinition.model_validate(
        {
            "nodes": [
                {
                    "id": "t",
                    "type": "task",
                    "allocate_number": True,
                    "field_access": {"x": "readonly"},
                    "assignee": {"kind": "org_unit_leader", "org_unit_id": "ou1"},
                }
            ],
            "transitions": [],
        }
    )
    assert a == b
    assert a.to_json()["nodes"][0]["assignee"] == {"kind": "org_unit_leader", "orgUnitId": "ou1"}
    assert FlowDefinition.from_json(a.to_json()) == a


def test_definition_helpers() -> None:
    defn = chain(task("a", "u"))
    assert [t.target for t in defn.outgoing("start")] == ["a"]
    assert [t.source for t in defn.incoming("end")] == ["a"]
    assert defn.node("a").type == "task"
    with pytest.raises(KeyError):
        defn.node("zz")


def test_model_copy_does_not_keep_stale_lookups() -> None:
    defn = chain(task("a", "u"))
    assert [t.target for t in defn.outgoing("start")] == ["a"]
    assert [t.source for t in defn.incoming("a")] == ["start"]
    assert defn.has_node("a")
    copy = defn.model_copy(update={"transitions": defn.transitions[1:], "nodes": defn.nodes[:2]})
    assert copy.outgoing("start") == []
    assert copy.incoming("a") == []
    assert not copy.has_node("end")
    assert [t.target for t in defn.outgoing("start")] == ["a"]
    assert defn.model_copy().nodes is defn.nodes, "a plain copy shares the immutable parts"
    deep = defn.model_copy(deep=True)
    assert deep == defn
    assert deep.nodes is not defn.nodes


def test_a_definition_is_stored_as_plain_json_without_its_defaults() -> None:
    defn = chain(task("review", "r1", deadline={"hours": 1.5}))
    stored = defn.to_json()
    assert stored == {
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "review",
                "name": "Review",
                "type": "task",
                "assignee": {"ids": ["r1"], "kind": "users"},
                "deadline": {"hours": 1.5},
            },
            {"id": "end", "type": "end"},
        ],
        "transitions": [
            {"id": "start__review", "source": "start", "target": "review"},
            {"id": "review__end", "source": "review", "target": "end"},
        ],
    }
    assert {type(n["type"]) for n in stored["nodes"]} == {str}
    assert FlowDefinition.from_json(json.dumps(stored).encode()) == defn


def test_a_cycle_of_three_gateways_is_one_problem_naming_all_three() -> None:
    defn = graph(
        [start_node(), task("a", "u"), xor("g1"), xor("g2"), xor("g3"), end_node()],
        [
            edge("start", "a"),
            edge("a", "g1"),
            edge("g1", "g2", "form.amount > 1"),
            edge("g1", "end", default=True),
            edge("g2", "g3", "form.amount > 2"),
            edge("g2", "end", default=True),
            edge("g3", "g1", "form.amount > 3"),
            edge("g3", "end", default=True),
        ],
    )
    [cycle] = [p for p in problems(defn) if p.code == "GATEWAY_CYCLE"]
    assert cycle.node_id == "g1"
    assert "g1, g2, g3" in cycle.message
    through_a_task = graph(
        [start_node(), task("a", "u"), xor("g1"), xor("g2"), task("b", "u"), end_node()],
        [
            edge("start", "a"),
            edge("a", "g1"),
            edge("g1", "g2", "form.amount > 1"),
            edge("g1", "end", default=True),
            edge("g2", "b", "form.amount > 2"),
            edge("g2", "end", default=True),
            edge("b", "g1"),
        ],
    )
    assert "GATEWAY_CYCLE" not in [p.code for p in problems(through_a_task)]


@pytest.mark.parametrize("bad", ["1t", "t x", "t" * 129, ""])
def test_a_transition_id_must_be_a_name(bad: str) -> None:
    defn = graph(
        [start_node(), task("a", "u"), end_node()],
        [{"id": bad, "source": "start", "target": "a"}, edge("a", "end")],
    )
    found = [p for p in problems(defn) if p.code == "INVALID_ID"]
    assert [(p.transition_id, p.node_id) for p in found] == [(bad, None)]
    assert f"transition id '{bad}'" in found[0].message
    assert "INVALID_ID" not in [p.code for p in problems(chain(task("a", "u")))]


def test_a_schema_problem_in_a_transition_names_the_transition() -> None:
    defn, probs = parse_definition(
        {
            "nodes": [{"id": "s", "type": "start"}, {"id": "e", "type": "end"}],
            "transitions": [{"id": "t1", "source": "s", "target": "e", "default": "maybe"}],
        }
    )
    assert defn is None
    [problem] = probs
    assert (problem.code, problem.node_id, problem.transition_id) == ("SCHEMA", None, "t1")
    assert problem.message.startswith("transitions.0.default: ")


def test_a_stored_definition_is_parsed_once_and_shared() -> None:
    stored = chain(task("a", "u")).to_json()
    first = load_definition(stored)
    assert first == chain(task("a", "u"))
    assert load_definition(dict(stored)) is first
    assert load_definition({**stored, "name": "other"}) is not first
