"""Writing a definition as BPMN 2.0 XML, with Camunda attributes where a rule has a Camunda
equivalent, our ``oc:`` extensions for the rest, and a diagram."""

from __future__ import annotations

from typing import Any

from workflow.definition import (
    CountersignMode,
    CountersignOrder,
    Deadline,
    FieldAccess,
    FlowDefinition,
    FormFieldRule,
    InitiatorLeaderRule,
    Node,
    NodeType,
    OrgUnitLeaderRule,
    PreviousHandlerRule,
    RoleRule,
    TimeoutAction,
    UsersRule,
)

from .element import El
from .layout import diagram
from .names import NS
from .timers import duration

__all__ = ["export_bpmn"]

_TAGS = {
    NodeType.START: "bpmn:startEvent",
    NodeType.END: "bpmn:endEvent",
    NodeType.TASK: "bpmn:userTask",
    NodeType.COUNTERSIGN: "bpmn:userTask",
    NodeType.EXCLUSIVE_GATEWAY: "bpmn:exclusiveGateway",
    NodeType.PARALLEL_GATEWAY: "bpmn:parallelGateway",
}


def export_bpmn(defn: FlowDefinition) -> str:
    """BPMN 2.0 XML with Camunda attributes, our extensions and a diagram."""
    root = El(
        "bpmn:definitions",
        {
            "xmlns:bpmn": NS["bpmn"],
            "xmlns:bpmndi": NS["bpmndi"],
            "xmlns:dc": NS["dc"],
            "xmlns:di": NS["di"],
            "xmlns:xsi": NS["xsi"],
            "xmlns:camunda": NS["camunda"],
            "xmlns:oc": NS["oc"],
            "id": f"Definitions_{defn.id}",
            "targetNamespace": "https://officecloud.example/bpmn/flows",
            "exporter": "officecloud",
            "exporterVersion": "1",
        },
    )
    proc_attrs = {"id": defn.id, "isExecutable": "true"}
    if defn.name:
        proc_attrs["name"] = defn.name
    if defn.separate_duties:
        proc_attrs["oc:separateDuties"] = "true"
    proc = root.add("bpmn:process", proc_attrs)
    for node in defn.nodes:
        proc.children.append(_node_el(defn, node))
    events = [e for node in defn.nodes for e in _boundary_events(node)]
    proc.children.extend(events)
    for t in defn.transitions:
        attrs = {"id": t.id, "sourceRef": t.source, "targetRef": t.target}
        if t.name:
            attrs["name"] = t.name
        flow = proc.add("bpmn:sequenceFlow", attrs)
        if t.condition:
            flow.add(
                "bpmn:conditionExpression", {"xsi:type": "bpmn:tFormalExpression"}, t.condition
            )
    diagram(root, defn, [(e.attrs["id"], e.attrs["attachedToRef"]) for e in events])
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    root.write(out, 0)
    return "\n".join(out) + "\n"


def _node_el(defn: FlowDefinition, node: Node) -> El:
    attrs = {"id": node.id}
    if node.name:
        attrs["name"] = node.name
    el = El(_TAGS[node.type], attrs)
    if node.type is NodeType.EXCLUSIVE_GATEWAY:
        default = next((t for t in defn.outgoing(node.id) if t.default), None)
        if default is not None:
            el.attrs["default"] = default.id
    if node.is_wait:
        _task_attrs(node, el)
    for t in defn.incoming(node.id):
        el.add("bpmn:incoming", text=t.id)
    for t in defn.outgoing(node.id):
        el.add("bpmn:outgoing", text=t.id)
    if node.type is NodeType.END and node.terminate:
        el.add("bpmn:terminateEventDefinition", {"id": f"{node.id}_terminate"})
    if node.type is NodeType.COUNTERSIGN:
        cfg = node.countersign
        sequential = cfg is not None and cfg.order is CountersignOrder.SEQUENTIAL
        loop = el.add(
            "bpmn:multiInstanceLoopCharacteristics",
            {"isSequential": "true" if sequential else "false"},
        )
        if cfg is not None and cfg.mode is CountersignMode.ANY:
            loop.add(
                "bpmn:completionCondition",
                {"xsi:type": "bpmn:tFormalExpression"},
                "${nrOfCompletedInstances >= 1}",
            )
        elif cfg is not None and cfg.mode is CountersignMode.SHARE and cfg.share is not None:
            loop.add(
                "bpmn:completionCondition",
                {"xsi:type": "bpmn:tFormalExpression"},
                f"${{nrOfCompletedInstances / nrOfInstances >= {cfg.share!r}}}",
            )
    return el


def _task_attrs(node: Node, el: El) -> None:
    rule = node.assignee
    if isinstance(rule, UsersRule) and len(rule.ids) == 1 and not node.pool:
        el.attrs["camunda:assignee"] = rule.ids[0]
    elif isinstance(rule, UsersRule) and rule.ids:
        el.attrs["camunda:candidateUsers"] = ",".join(rule.ids)
    elif isinstance(rule, RoleRule):
        el.attrs["camunda:candidateGroups"] = rule.role_code
    el.attrs["oc:pool"] = "true" if node.pool else "false"
    if node.allocate_number:
        el.attrs["oc:allocateNumber"] = "true"
    if node.archives:
        el.attrs["oc:archives"] = "true"
    for attr, value in (
        ("allowReturn", node.allow_return),
        ("allowDelegate", node.allow_delegate),
        ("allowAddSigner", node.allow_add_signer),
    ):
        if not value:
            el.attrs[f"oc:{attr}"] = "false"
    if node.reject_to:
        el.attrs["oc:rejectTo"] = node.reject_to
    if node.separate_duties is not None:
        el.attrs["oc:separateDuties"] = "true" if node.separate_duties else "false"
    cfg = node.countersign
    if cfg is not None:
        el.attrs["oc:countersignMode"] = cfg.mode.value
        if cfg.share is not None:
            el.attrs["oc:share"] = repr(cfg.share)
    ext: list[El] = []
    if rule is not None:
        ext.append(_rule_el("oc:assignee", rule))
    if node.field_access:
        fa = El("oc:fieldAccess")
        for path, access in node.field_access.items():
            fa.add("oc:field", {"path": path, "access": FieldAccess(access).value})
        ext.append(fa)
    if node.deadline is not None and node.deadline.hours is None:
        ext.append(_deadline_el(node.deadline))
    ext += [_rule_el("oc:cc", cc) for cc in node.cc]
    if ext:
        el.children.insert(0, El("bpmn:extensionElements", {}, ext))


def _deadline_el(dl: Deadline) -> El:
    """A deadline in working time, which BPMN timers cannot say."""
    if dl.working_hours is not None:
        el = El("oc:deadline", {"workingHours": repr(dl.working_hours)})
    else:
        el = El("oc:deadline", {"workingDays": str(dl.working_days)})
    if dl.remind_before_hours is not None:
        el.attrs["remindBeforeHours"] = repr(dl.remind_before_hours)
    if dl.on_timeout is not TimeoutAction.NONE:
        el.attrs["onTimeout"] = dl.on_timeout.value
    if dl.escalate_to is not None:
        el.children.append(_rule_el("oc:escalateTo", dl.escalate_to))
    return el


def _boundary_events(node: Node) -> list[El]:
    """The timer boundary events of a wall-clock deadline (see :mod:`.timers`)."""
    dl = node.deadline
    if dl is None or dl.hours is None:
        return []
    attrs = {
        "id": f"{node.id}_deadline",
        "attachedToRef": node.id,
        "cancelActivity": "false" if dl.on_timeout is TimeoutAction.NONE else "true",
    }
    if dl.on_timeout is not TimeoutAction.NONE:
        attrs["oc:onTimeout"] = dl.on_timeout.value
    deadline = El("bpmn:boundaryEvent", attrs)
    if dl.escalate_to is not None:
        deadline.add("bpmn:extensionElements").children.append(
            _rule_el("oc:escalateTo", dl.escalate_to)
        )
    _timer(deadline, dl.hours)
    if dl.remind_before_hours is None:
        return [deadline]
    remind = El(
        "bpmn:boundaryEvent",
        {
            "id": f"{node.id}_remind",
            "attachedToRef": node.id,
            "cancelActivity": "false",
            "oc:kind": "remind",
        },
    )
    _timer(remind, dl.hours - dl.remind_before_hours)
    return [deadline, remind]


def _timer(event: El, hours: float) -> None:
    definition = event.add("bpmn:timerEventDefinition", {"id": f"{event.attrs['id']}_timer"})
    definition.add("bpmn:timeDuration", {"xsi:type": "bpmn:tFormalExpression"}, duration(hours))


def _rule_el(tag: str, rule: Any) -> El:
    el = El(tag, {"kind": rule.kind})
    if isinstance(rule, UsersRule):
        for uid in rule.ids:
            el.add("oc:user", {"id": uid})
    elif isinstance(rule, RoleRule):
        el.attrs["roleCode"] = rule.role_code
    elif isinstance(rule, OrgUnitLeaderRule):
        el.attrs["orgUnitId"] = rule.org_unit_id
    elif isinstance(rule, InitiatorLeaderRule):
        el.attrs["levelsUp"] = str(rule.levels_up)
    elif isinstance(rule, FormFieldRule):
        el.attrs["field"] = rule.field
    else:
        assert isinstance(rule, PreviousHandlerRule)
    return el
