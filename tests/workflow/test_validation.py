"""Publish-time validation: one test per rule, checking the code and that the message names
the node or transition at fault."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.workflow.support import (
    chain,
    countersign,
    edge,
    end_node,
    graph,
    par,
    role_task,
    start_node,
    task,
    xor,
)
from workflow import (
    FlowDefinition,
    Problem,
    RoleRule,
    dispatch_template,
    field_known,
    load_definition,
    parse_definition,
    receipt_template,
    validate,
)

FIELDS = {"amount", "title", "applicant", "applicant.dept", "handler"}


def problems(defn: FlowDefinition, fields: set[str] | None = FIELDS, **kw: Any) -> list[Problem]:
    return [p for p in validate(defn, fields, **kw) if p.severity == "error"]


def only(
    defn: FlowDefinition,
    code: str,
    *,
    node: str | None = None,
    transition: str | None = None,
    fields: set[str] | None = FIELDS,
    **kw: Any,
) -> Problem:
    found = [p for p in problems(defn, fields, **kw) if p.code == code]
    assert found, (code, validate(defn, fields, **kw))
    p = found[0]
    if node is not None:
        assert p.node_id == node
        assert f"'{node}'" in p.message
    if transition is not None:
        assert p.transition_id == transition
        assert f"'{transition}'" in p.message
    return p


def test_valid_flows_have_no_problems() -> None:
    assert validate(chain(task("a", "u1"), countersign("b", ["x", "y"])), FIELDS) == []
    assert validate(dispatch_template(), FIELDS) == []
    assert validate(receipt_template(), FIELDS | {"handlers"}) == []


def test_start_and_end_rules() -> None:
    no_start = graph([task("a", "u"), end_node()], [edge("a", "end")])
    only(no_start, "NO_START")
    no_end = graph([start_node(), task("a", "u")], [edge("start", "a")])
    only(no_end, "NO_END")
    two = graph(
        [start_node(), start_node("s2"), task("a", "u"), end_node()],
        [edge("start", "a"), edge("s2", "a"), edge("a", "end")],
    )
    only(two, "MULTIPLE_START", node="s2")
    back_to_start = graph(
        [start_node(), task("a", "u"), xor("g"), end_node()],
        [
            edge("start", "a"),
            edge("a", "g"),
            edge("g", "start", "form.amount > 1"),
            edge("g", "end", default=True),
        ],
    )
    only(back_to_start, "START_HAS_INCOMING", node="start")
    end_out = graph(
        [start_node(), task("a", "u"), end_node(), task("b", "u")],
        [edge("start", "a"), edge("a", "end"), edge("end", "b")],
    )
    only(end_out, "END_HAS_OUTGOING", node="end")
    start_two = graph(
        [start_node(), task("a", "u"), task("b", "u"), end_node()],
        [edge("start", "a"), edge("start", "b"), edge("a", "end"), edge("b", "end")],
    )
    only(start_two, "START_OUTGOING", node="start")


def test_ids_and_references() -> None:
    dup = graph(
        [start_node(), task("a", "u"), task("a", "v"), end_node()],
        [edge("start", "a"), edge("a", "end")],
    )
    only(dup, "DUPLICATE_NODE_ID", node="a")
    bad_id = graph(
        [start_node(), task("1a", "u"), end_node()], [edge("start", "1a"), edge("1a", "end")]
    )
    only(bad_id, "INVALID_ID", node="1a")
    unknown = graph(
        [start_node(), task("a", "u"), end_node()],
        [
            edge("start", "a"),
            edge("a", "end"),
            {"id": "tx", "source": "a", "target": "zz"},
            {"id": "ty", "source": "qq", "target": "a"},
        ],
    )
    assert "'zz'" in only(unknown, "UNKNOWN_TARGET", transition="tx").message
    assert "'qq'" in only(unknown, "UNKNOWN_SOURCE", transition="ty").message
    dup_t = graph(
        [start_node(), task("a", "u"), end_node()],
        [
            {"id": "t", "source": "start", "target": "a"},
            {"id": "t", "source": "a", "target": "end"},
        ],
    )
    only(dup_t, "DUPLICATE_TRANSITION_ID", transition="t")
    clash = graph(
        [start_node(), task("a", "u"), end_node()],
        [{"id": "a", "source": "start", "target": "a"}, edge("a", "end")],
    )
    only(clash, "DUPLICATE_ID", transition="a")
    loop = graph(
        [start_node(), xor("g"), task("a", "u"), end_node()],
        [
            edge("start", "a"),
            edge("a", "g"),
            edge("g", "g", "form.amount > 1"),
            edge("g", "end", default=True),
        ],
    )
    only(loop, "SELF_LOOP", transition="g__g")


def test_reachability_and_dead_ends() -> None:
    island = graph(
        [start_node(), task("a", "u"), task("lost", "u"), end_node()],
        [edge("start", "a"), edge("a", "end"), edge("lost", "end")],
    )
    only(island, "UNREACHABLE", node="lost")
    trap = graph(
        [start_node(), task("a", "u"), xor("g"), task("b", "u"), task("c", "u"), end_node()],
        [
            edge("start", "a"),
            edge("a", "g"),
            edge("g", "b", "form.amount > 1"),
            edge("g", "end", default=True),
            edge("b", "c"),
            edge("c", "b"),
        ],
    )
    only(trap, "DEAD_END", node="b")


def test_wait_node_needs_exactly_one_outgoing() -> None:
    defn = graph(
        [start_node(), task("a", "u"), task("b", "u"), end_node()],
        [edge("start", "a"), edge("a", "b"), edge("a", "end"), edge("b", "end")],
    )
    only(defn, "WAIT_NODE_OUTGOING", node="a")


def _gateway(*edges_: dict[str, Any]) -> FlowDefinition:
    return graph(
        [start_node(), task("a", "u"), xor("g"), task("b", "u"), task("c", "u"), end_node()],
        [edge("start", "a"), edge("a", "g"), *edges_, edge("b", "end"), edge("c", "end")],
    )


def test_exclusive_gateway_rules() -> None:
    only(
        _gateway(edge("g", "b", "form.amount > 1"), edge("g", "c")),
        "MISSING_CONDITION",
        transition="g__c",
    )
    only(
        _gateway(edge("g", "b", "form.amount > 1"), edge("g", "c", "form.amount < 1")),
        "MISSING_DEFAULT",
        node="g",
    )
    only(
        _gateway(edge("g", "b", default=True), edge("g", "c", default=True)),
        "MULTIPLE_DEFAULT",
        node="g",
    )
    only(
        _gateway(
            edge("g", "b", "form.amount > 1"), edge("g", "c", "form.amount > 2", default=True)
        ),
        "DEFAULT_HAS_CONDITION",
        transition="g__c",
    )
    exhaustive = _gateway(edge("g", "b", "form.amount > 1"), edge("g", "c", "!(form.amount > 1)"))
    assert problems(exhaustive) == []


def test_conditions_only_on_exclusive_gateways() -> None:
    defn = chain(task("a", "u"))
    bad = defn.model_copy(
        update={
            "transitions": [
                defn.transitions[0],
                defn.transitions[1].model_copy(
                    update={"condition": "form.amount > 1", "default": True}
                ),
            ]
        }
    )
    tid = defn.transitions[1].id
    only(bad, "CONDITION_NOT_ALLOWED", transition=tid)
    only(bad, "DEFAULT_NOT_ALLOWED", transition=tid)


def test_condition_must_compile_and_name_known_fields() -> None:
    p = only(
        _gateway(edge("g", "b", "form.amount >"), edge("g", "c", default=True)),
        "INVALID_CONDITION",
        transition="g__b",
    )
    assert "syntax" in p.message
    p = only(
        _gateway(edge("g", "b", "__import__('os')"), edge("g", "c", default=True)),
        "INVALID_CONDITION",
        transition="g__b",
    )
    assert "__import__" in p.message
    p = only(
        _gateway(edge("g", "b", "form.budget > 1"), edge("g", "c", default=True)),
        "UNKNOWN_FIELD",
        transition="g__b",
    )
    assert "'budget'" in p.message
    p = only(
        _gateway(edge("g", "b", "doc.colour == 'red'"), edge("g", "c", default=True)),
        "UNKNOWN_DOC_ATTRIBUTE",
        transition="g__b",
    )
    assert "colour" in p.message
    ok = _gateway(
        edge("g", "b", "form.applicant.dept == 'x' && doc.urgency == 'urgent'"),
        edge("g", "c", default=True),
    )
    assert problems(ok) == []
    # without a bound form, field names are not checked
    assert (
        problems(_gateway(edge("g", "b", "form.budget > 1"), edge("g", "c", default=True)), None)
        == []
    )


def test_field_known_prefix_rule() -> None:
    assert field_known("applicant.dept", {"applicant", "applicant.dept"})
    assert not field_known("applicant.age", {"applicant", "applicant.dept"})
    assert field_known("contact.phone", {"contact"})  # children not described
    assert not field_known("x", {"contact"})


def test_gateway_only_cycle() -> None:
    defn = graph(
        [start_node(), task("a", "u"), xor("g1"), xor("g2"), end_node()],
        [
            edge("start", "a"),
            edge("a", "g1"),
            edge("g1", "g2", "form.amount > 1"),
            edge("g1", "end", default=True),
            edge("g2", "g1", "form.amount > 2"),
            edge("g2", "end", default=True),
        ],
    )
    only(defn, "GATEWAY_CYCLE", node="g1")


def test_assignee_rules() -> None:
    only(chain({"id": "a", "type": "task"}), "MISSING_ASSIGNEE", node="a")
    only(
        chain({"id": "a", "type": "task", "assignee": {"kind": "users", "ids": []}}),
        "EMPTY_ASSIGNEE",
        node="a",
    )
    only(
        chain({"id": "a", "type": "task", "assignee": {"kind": "form_field", "field": "boss"}}),
        "UNKNOWN_FIELD",
        node="a",
    )
    only(
        chain(
            {"id": "a", "type": "task", "assignee": {"kind": "initiator_leader", "levelsUp": -1}}
        ),
        "INVALID_ASSIGNEE",
        node="a",
    )
    only(chain(role_task("a", "")), "INVALID_ASSIGNEE", node="a")

    def check(rule: Any) -> str | None:
        if isinstance(rule, RoleRule) and rule.role_code != "leader":
            return f"role {rule.role_code} does not exist"
        return None

    p = only(chain(role_task("a", "ghost")), "INVALID_ASSIGNEE", node="a", check_assignee=check)
    assert "ghost" in p.message
    assert problems(chain(role_task("a", "leader")), check_assignee=check) == []


def test_countersign_and_node_options() -> None:
    only(chain(countersign("c", ["a"], mode="share", share=1.5)), "INVALID_SHARE", node="c")
    only(chain(countersign("c", ["a"], mode="share", share=0)), "INVALID_SHARE", node="c")
    only(chain(countersign("c", ["a"], mode="share")), "INVALID_SHARE", node="c")
    assert problems(chain(countersign("c", ["a"], mode="share", share=1.0))) == []
    only(chain(countersign("c", ["a"], pool=True)), "NOT_ALLOWED", node="c")
    only(chain(task("a", "u", countersign={"mode": "all"})), "NOT_ALLOWED", node="a")
    only(chain(task("a", "u", deadline={"hours": 0})), "INVALID_DEADLINE", node="a")
    only(
        chain(task("a", "u", deadline={"hours": 2, "remindBeforeHours": 3})),
        "INVALID_DEADLINE",
        node="a",
    )
    only(
        chain(task("a", "u", deadline={"hours": 2, "onTimeout": "escalate"})),
        "MISSING_ESCALATE_TO",
        node="a",
    )
    only(chain(task("a", "u", fieldAccess={"secret": "hidden"})), "UNKNOWN_FIELD", node="a")
    gw_with_assignee = graph(
        [
            start_node(),
            task("a", "u"),
            {"id": "g", "type": "exclusive_gateway", "allocateNumber": True},
            end_node(),
        ],
        [edge("start", "a"), edge("a", "g"), edge("g", "end")],
    )
    only(gw_with_assignee, "NOT_ALLOWED", node="g")


def test_an_archive_node_is_a_wait_node_that_ends_the_flow() -> None:
    assert problems(chain(task("a", "u"), task("file", "c", archives=True))) == []
    only(chain(task("file", "c", archives=True), task("b", "u")), "ARCHIVE_NOT_LAST", node="file")
    gateway = graph(
        [
            start_node(),
            task("a", "u"),
            {"id": "g", "type": "exclusive_gateway", "archives": True},
            end_node(),
        ],
        [edge("start", "a"), edge("a", "g"), edge("g", "end")],
    )
    only(gateway, "NOT_ALLOWED", node="g")


def test_reject_to_must_dominate() -> None:
    ok = chain(task("draft"), task("review", "r", rejectTo="draft"))
    assert problems(ok) == []
    only(
        chain(task("draft"), task("review", "r", rejectTo="nowhere")),
        "INVALID_REJECT_TO",
        node="review",
    )
    only(
        chain(task("draft", rejectTo="review"), task("review", "r")),
        "INVALID_REJECT_TO",
        node="draft",
    )
    branchy = graph(
        [
            start_node(),
            task("a", "u"),
            xor("g"),
            task("b", "u"),
            task("c", "u", rejectTo="b"),
            xor("m"),
            end_node(),
        ],
        [
            edge("start", "a"),
            edge("a", "g"),
            edge("g", "b", "form.amount > 1"),
            edge("g", "m", default=True),
            edge("b", "m"),
            edge("m", "c"),
            edge("c", "end"),
        ],
    )
    only(branchy, "INVALID_REJECT_TO", node="c")


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
