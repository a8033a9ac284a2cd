"""Publish-time validation: one test per rule, checking the code and that the message names
the node or transition at fault."""

from __future__ import annotations

from typing import Any

from tests.workflow.support import (
    FIELDS,
    chain,
    countersign,
    edge,
    end_node,
    graph,
    only,
    problems,
    role_task,
    start_node,
    task,
    xor,
)
from workflow import (
    FlowDefinition,
    RoleRule,
    dispatch_template,
    field_known,
    receipt_template,
    validate,
)


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
