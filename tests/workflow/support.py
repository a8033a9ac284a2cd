"""Builders shared by the workflow tests (pure data, no database). Holds no tests itself."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from workflow import (
    EngineError,
    FlowDefinition,
    Instance,
    Problem,
    Step,
    TaskStatus,
    act,
    assign,
    start,
    validate,
)
from workflow.actions import Action

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=30)


def start_node(node_id: str = "start") -> dict[str, Any]:
    return {"id": node_id, "type": "start"}


def end_node(node_id: str = "end", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "end", **extra}


def task(node_id: str, *users: str, **extra: Any) -> dict[str, Any]:
    rule = {"kind": "users", "ids": list(users)} if users else {"kind": "previous_handler"}
    return {"id": node_id, "name": node_id.title(), "type": "task", "assignee": rule, **extra}


def role_task(node_id: str, role: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "task",
        "assignee": {"kind": "role", "roleCode": role},
        **extra,
    }


def countersign(
    node_id: str,
    users: list[str],
    mode: str = "all",
    share: float | None = None,
    order: str = "parallel",
    **extra: Any,
) -> dict[str, Any]:
    cfg: dict[str, Any] = {"mode": mode, "order": order}
    if share is not None:
        cfg["share"] = share
    return {
        "id": node_id,
        "type": "countersign",
        "assignee": {"kind": "users", "ids": users},
        "countersign": cfg,
        **extra,
    }


def xor(node_id: str) -> dict[str, Any]:
    return {"id": node_id, "type": "exclusive_gateway"}


def par(node_id: str) -> dict[str, Any]:
    return {"id": node_id, "type": "parallel_gateway"}


def edge(
    source: str, target: str, condition: str | None = None, default: bool = False
) -> dict[str, Any]:
    t: dict[str, Any] = {"id": f"{source}__{target}", "source": source, "target": target}
    if condition is not None:
        t["condition"] = condition
    if default:
        t["default"] = True
    return t


def chain(*nodes: dict[str, Any]) -> FlowDefinition:
    """start -> nodes... -> end, in order."""
    all_nodes = [start_node(), *nodes, end_node()]
    edges = [edge(a["id"], b["id"]) for a, b in itertools.pairwise(all_nodes)]
    return FlowDefinition.model_validate({"nodes": all_nodes, "transitions": edges})


def graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> FlowDefinition:
    return FlowDefinition.model_validate({"id": "f", "nodes": nodes, "transitions": edges})


def begin(
    defn: FlowDefinition, form: dict[str, Any] | None = None, initiator: str = "ini"
) -> Instance:
    return start(defn, form or {}, {"title": "t"}, initiator, now=NOW).instance


def do(
    defn: FlowDefinition, inst: Instance, action: Action, form: dict[str, Any] | None = None
) -> Step:
    return act(defn, inst, action, form or {}, {"title": "t"}, now=NOW)


def give(defn: FlowDefinition, inst: Instance, activation: str, *users: str) -> Instance:
    return assign(defn, inst, activation, list(users), now=NOW).instance


def open_task(inst: Instance, node_id: str, user: str | None = None) -> str:
    """Id of the (single) open task at node_id, optionally held by/offered to user."""
    found = [
        t
        for t in inst.tasks
        if t.node_id == node_id
        and t.status is TaskStatus.OPEN
        and (user is None or t.assignee == user or (t.assignee is None and user in t.candidates))
    ]
    assert len(found) == 1, (node_id, user, found)
    return found[0].id


def open_nodes(inst: Instance) -> list[str]:
    return sorted({t.node_id for t in inst.tasks if t.status is TaskStatus.OPEN})


def expect(code: str, defn: FlowDefinition, inst: Instance, action: Action) -> EngineError:
    """The action is refused with `code` and the instance is left exactly as it was."""
    before = inst.to_json()
    with pytest.raises(EngineError) as info:
        do(defn, inst, action)
    assert info.value.code == code, info.value
    assert inst.to_json() == before  # nothing changed
    return info.value


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
    """The first error of `code`, checked to name its node or transition."""
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


def parallel_flow() -> FlowDefinition:
    """draft, then a split into a1 → a2 and b, joined before sign."""
    return graph(
        [
            start_node(),
            task("draft"),
            par("p"),
            task("a1", "ua"),
            task("a2", "ua2"),
            task("b", "ub"),
            par("j"),
            task("sign", "s"),
            end_node(),
        ],
        [
            edge("start", "draft"),
            edge("draft", "p"),
            edge("p", "a1"),
            edge("a1", "a2"),
            edge("a2", "j"),
            edge("p", "b"),
            edge("b", "j"),
            edge("j", "sign"),
            edge("sign", "end"),
        ],
    )
