"""BPMN documents and a definition shared by the BPMN tests. Holds no tests itself."""

from __future__ import annotations

from tests.workflow.support import (
    countersign,
    edge,
    end_node,
    graph,
    par,
    start_node,
    task,
    xor,
)
from workflow import FlowDefinition
from workflow.bpmn import NS


def wrap(process_body: str, extra: str = "") -> str:
    """A BPMN document of one process holding `process_body`."""
    return (
        f'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="{NS["bpmn"]}" '
        f'xmlns:camunda="{NS["camunda"]}" xmlns:xsi="{NS["xsi"]}" id="d">{extra}'
        f'<bpmn:process id="p">{process_body}</bpmn:process></bpmn:definitions>'
    )


def rich_definition() -> FlowDefinition:
    return graph(
        [
            start_node(),
            task("draft", fieldAccess={"title": "editable", "body": "readonly"}, allowReturn=False),
            xor("g"),
            {
                "id": "review",
                "name": "核稿",
                "type": "task",
                "pool": True,
                "assignee": {"kind": "role", "roleCode": "office_director"},
                "deadline": {
                    "hours": 24.5,
                    "remindBeforeHours": 2,
                    "onTimeout": "escalate",
                    "escalateTo": {"kind": "initiator_leader", "levelsUp": 1},
                },
                "rejectTo": "draft",
            },
            countersign(
                "cs",
                ["a", "b", "c"],
                mode="share",
                share=0.6,
                order="sequential",
                allowAddSigner=False,
            ),
            par("p"),
            {
                "id": "x1",
                "type": "task",
                "assignee": {"kind": "org_unit_leader", "orgUnitId": "ou-1"},
            },
            {
                "id": "x2",
                "type": "task",
                "assignee": {"kind": "form_field", "field": "who"},
                "allowDelegate": False,
            },
            par("j"),
            {
                "id": "sign",
                "name": "签发",
                "type": "countersign",
                "allocateNumber": True,
                "assignee": {"kind": "users", "ids": ["boss"]},
            },
            end_node(),
            end_node("stop", terminate=True),
        ],
        [
            edge("start", "draft"),
            edge("draft", "g"),
            {**edge("g", "review", "form.amount > 10000"), "name": "大额"},
            edge("g", "cs", default=True),
            edge("review", "p"),
            edge("cs", "stop"),
            edge("p", "x1"),
            edge("p", "x2"),
            edge("x1", "j"),
            edge("x2", "j"),
            edge("j", "sign"),
            edge("sign", "end"),
        ],
    ).model_copy(update={"id": "rich", "name": "综合"})


LINE = (
    '<bpmn:startEvent id="s"/><bpmn:userTask id="a" camunda:assignee="zhang"/>'
    '<bpmn:endEvent id="e"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="e"/>'
)
"""start → a user task assigned to zhang → end."""
