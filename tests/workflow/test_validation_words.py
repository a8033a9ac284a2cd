"""Every problem a node can have, worded as the designer shows it: one flow with all of them,
and the exact list validation gives for it (code, node, transition, severity, message)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.workflow.support import countersign, end_node, graph, par, start_node, task
from workflow import FlowDefinition, validate
from workflow.definition import AssigneeRule, RoleRule


def _everything_wrong() -> FlowDefinition:
    def node(node_id: str, **options: Any) -> dict[str, Any]:
        return task(node_id, "u", **options)

    nodes = [
        {
            **start_node(),
            "assignee": {"kind": "users", "ids": ["u"]},
            "deadline": {"hours": 1},
            "rejectTo": "draft",
            "allocateNumber": True,
            "archives": True,
            "fieldAccess": {"nosuch": "readonly"},
            "pool": True,
            "separateDuties": True,
            "cc": [{"kind": "users", "ids": ["c"]}],
            "terminate": True,
        },
        {**task("draft"), "fieldAccess": {"ghost": "editable"}},
        {
            **node("t1", rejectTo="nowhere", countersign={"mode": "all"}),
            "assignee": {"kind": "users", "ids": [""]},
            "cc": [{"kind": "role", "roleCode": ""}],
            "deadline": {
                "hours": 0,
                "workingHours": -1,
                "escalateTo": {"kind": "users", "ids": ["boss"]},
            },
        },
        {
            **node("t2", archives=True),
            "assignee": {"kind": "initiator_leader", "levelsUp": -1},
            "deadline": {"workingDays": 400, "remindBeforeHours": 0, "onTimeout": "escalate"},
        },
        {
            **node("t3"),
            "assignee": {"kind": "form_field", "field": "whom"},
            "deadline": {
                "hours": 2,
                "remindBeforeHours": 2,
                "onTimeout": "escalate",
                "escalateTo": {"kind": "org_unit_leader", "orgUnitId": ""},
            },
        },
        {**countersign("cs1", ["a", "b"], mode="share"), "pool": True},
        countersign("cs2", ["a", "b"], mode="all", share=0.5),
        {"id": "nobody", "type": "task", "assignee": {"kind": "role", "roleCode": "ghosts"}},
        {"id": "bare", "type": "task"},
        par("pg"),
        end_node(),
    ]
    ids = [n["id"] for n in nodes]
    pairs = enumerate(itertools.pairwise(ids))
    edges = [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in pairs]
    return graph(nodes, edges).model_copy(update={"separate_duties": True})


def _roles_known(rule: AssigneeRule) -> str | None:
    if isinstance(rule, RoleRule) and rule.role_code == "ghosts":
        return "no role 'ghosts' in this tenant"
    return None


def test_every_problem_of_a_node_is_worded_for_the_designer() -> None:
    problems = validate(_everything_wrong(), {"title", "who"}, _roles_known)
    got = [(p.code, p.node_id, p.transition_id, p.severity, p.message) for p in problems]
    assert got == EXPECTED


EXPECTED: list[tuple[str, str | None, str | None, str, str]] = [
    ("NOT_ALLOWED", "start", None, "error", "start node 'start' cannot have an assignee"),
    ("NOT_ALLOWED", "start", None, "error", "start node 'start' cannot have a deadline"),
    ("NOT_ALLOWED", "start", None, "error", "start node 'start' cannot have rejectTo"),
    (
        "NOT_ALLOWED",
        "start",
        None,
        "error",
        "start node 'start' cannot allocate numbers; only wait nodes",
    ),
    ("NOT_ALLOWED", "start", None, "error", "start node 'start' cannot archive; only wait nodes"),
    (
        "UNKNOWN_FIELD",
        "start",
        None,
        "error",
        "node 'start' sets access for form field 'nosuch', which the form does not have",
    ),
    ("NOT_ALLOWED", "start", None, "error", "start node 'start' cannot be a pool"),
    (
        "NOT_ALLOWED",
        "start",
        None,
        "error",
        "start node 'start' cannot separate duties; only wait nodes",
    ),
    ("NOT_ALLOWED", "start", None, "error", "start node 'start' cannot copy (cc); only wait nodes"),
    ("NOT_ALLOWED", "start", None, "error", "only end nodes can terminate; node 'start' is start"),
    (
        "UNKNOWN_FIELD",
        "draft",
        None,
        "error",
        "node 'draft' (Draft) sets access for form field 'ghost', which the form does not have",
    ),
    (
        "SEPARATION_BLOCKS_INITIATOR",
        "draft",
        None,
        "error",
        "node 'draft' (Draft) is the initiator's own step, but separates duties, so she could not "
        "submit: set separateDuties: false on it",
    ),
    ("EMPTY_ASSIGNEE", "t1", None, "error", "node 't1' (T1): assignee lists no users"),
    ("INVALID_ASSIGNEE", "t1", None, "error", "node 't1' (T1): cc has an empty role_code"),
    (
        "NOT_ALLOWED",
        "t1",
        None,
        "error",
        "task node 't1' (T1) has countersign settings; make it a countersign node",
    ),
    (
        "INVALID_DEADLINE",
        "t1",
        None,
        "error",
        "node 't1' (T1): a deadline sets exactly one of hours, workingHours and workingDays",
    ),
    ("INVALID_DEADLINE", "t1", None, "error", "node 't1' (T1): deadline hours must be > 0"),
    ("INVALID_DEADLINE", "t1", None, "error", "node 't1' (T1): deadline workingHours must be > 0"),
    ("NOT_ALLOWED", "t1", None, "warning", "node 't1' (T1) has escalateTo but onTimeout is 'none'"),
    (
        "INVALID_REJECT_TO",
        "t1",
        None,
        "error",
        "node 't1' (T1): rejectTo names unknown node 'nowhere'",
    ),
    (
        "INVALID_ASSIGNEE",
        "t2",
        None,
        "error",
        "node 't2' (T2): assignee levelsUp must be >= 0 (got -1)",
    ),
    (
        "INVALID_DEADLINE",
        "t2",
        None,
        "error",
        "node 't2' (T2): deadline workingDays must be at most 366",
    ),
    (
        "INVALID_DEADLINE",
        "t2",
        None,
        "error",
        "node 't2' (T2): remindBeforeHours must be > 0 and below the deadline",
    ),
    (
        "MISSING_ESCALATE_TO",
        "t2",
        None,
        "error",
        "node 't2' (T2) escalates at its deadline but has no escalateTo rule",
    ),
    (
        "ARCHIVE_NOT_LAST",
        "t2",
        None,
        "error",
        "node 't2' (T2) archives the document, so it must lead straight to an end node",
    ),
    (
        "UNKNOWN_FIELD",
        "t3",
        None,
        "error",
        "node 't3' (T3): assignee reads form field 'whom', which the form does not have",
    ),
    (
        "INVALID_DEADLINE",
        "t3",
        None,
        "error",
        "node 't3' (T3): remindBeforeHours must be > 0 and below the deadline",
    ),
    (
        "INVALID_ASSIGNEE",
        "t3",
        None,
        "error",
        "node 't3' (T3): escalateTo has an empty org_unit_id",
    ),
    (
        "NOT_ALLOWED",
        "cs1",
        None,
        "error",
        "countersign node 'cs1' cannot be a pool: every voter gets a task",
    ),
    (
        "INVALID_SHARE",
        "cs1",
        None,
        "error",
        "countersign node 'cs1' needs a share in (0, 1] for mode 'share' (got None)",
    ),
    (
        "INVALID_SHARE",
        "cs2",
        None,
        "warning",
        "countersign node 'cs2' sets a share but its mode is 'all'",
    ),
    (
        "INVALID_ASSIGNEE",
        "nobody",
        None,
        "error",
        "node 'nobody': assignee: no role 'ghosts' in this tenant",
    ),
    ("MISSING_ASSIGNEE", "bare", None, "error", "task node 'bare' has no assignee rule"),
    (
        "PASS_THROUGH_GATEWAY",
        "pg",
        None,
        "warning",
        "parallel gateway node 'pg' neither splits nor joins",
    ),
]
