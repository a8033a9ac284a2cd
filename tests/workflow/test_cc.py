"""CC rules (抄送) on flow nodes: validated like assignees, resolved from the node's handlers
and the form, and carried through BPMN as oc:cc."""

from __future__ import annotations

import copy
from typing import Any

import workflow
from tests.circulation.support import FLOW


def problems(flow: dict[str, Any]) -> list[tuple[str, str]]:
    definition, found = workflow.parse_definition(flow)
    assert definition is not None, found
    return [(p.code, p.message) for p in workflow.validate(definition)]


def test_cc_is_checked_like_an_assignee_and_only_on_wait_nodes() -> None:
    assert problems(FLOW) == []
    flow = copy.deepcopy(FLOW)
    flow["nodes"][2]["cc"] = [{"kind": "users", "ids": []}]
    flow["nodes"][4]["cc"] = [{"kind": "role", "roleCode": "leader"}]
    found = problems(flow)
    assert ("EMPTY_ASSIGNEE", "node 'review' (核稿): cc lists no users") in found
    assert any(code == "NOT_ALLOWED" and "cannot copy (cc)" in text for code, text in found)


def test_cc_users_come_from_the_handlers_and_the_form() -> None:
    handlers = ("u1", "u2")
    assert workflow.copy_users(workflow.PreviousHandlerRule(), handlers, {}) == handlers
    rule = workflow.FormFieldRule(field="readers")
    assert workflow.copy_users(rule, handlers, {"readers": [{"id": "u3"}, "u4"]}) == ("u3", "u4")
    assert workflow.copy_users(workflow.RoleRule(role_code="x"), handlers, {}) is None


def test_bpmn_carries_cc_rules() -> None:
    definition = workflow.FlowDefinition.from_json(FLOW)
    exported = workflow.export_bpmn(definition)
    imported, _ = workflow.import_bpmn(exported)
    assert imported is not None
    assert imported.node("review").cc == definition.node("review").cc
    notes = [p.message for p in workflow.export_notes(definition)]
    assert "核稿: CC (抄送) is kept as an oc: extension" in notes
