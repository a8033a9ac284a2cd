"""BPMN 2.0 import/export: a file made by the bpmn-js toolchain (tests/fixtures/bpmn-tools)
imports and runs, unsupported elements are reported, export round-trips and has DI."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given

from tests.conftest import FIXTURES
from tests.workflow.bpmn_support import rich_definition, wrap
from tests.workflow.strategies import PROPERTY_SETTINGS, flows
from tests.workflow.support import (
    NOW,
    chain,
    countersign,
    do,
    give,
    open_task,
    task,
)
from workflow import (
    Approve,
    Claim,
    CountersignMode,
    CountersignOrder,
    FlowDefinition,
    InstanceStatus,
    NodeType,
    RoleRule,
    Submit,
    act,
    dispatch_template,
    export_bpmn,
    import_bpmn,
    receipt_template,
    start,
    validate,
)
from workflow.bpmn import NS


def test_bpmnjs_fixture_imports_validates_and_runs() -> None:
    defn, problems = import_bpmn((FIXTURES / "dispatch-bpmnjs.bpmn").read_bytes())
    assert problems == []
    assert defn is not None
    assert (defn.id, defn.name) == ("dispatch", "发文")
    types = {n.id: n.type for n in defn.nodes}
    assert types["countersign"] is NodeType.COUNTERSIGN
    assert types["amount_check"] is NodeType.EXCLUSIVE_GATEWAY
    review = defn.node("review")
    assert isinstance(review.assignee, RoleRule)  # from camunda:candidateGroups
    assert (review.assignee.role_code, review.pool) == ("office_director", True)
    assert defn.node("signoff").allocate_number
    assert [t.id for t in defn.outgoing("amount_check") if t.default] == ["f_default"]
    assert validate(defn, {"amount"}) == []

    # big amount: draft -> countersign (3 parallel votes) -> sign-off -> end
    form = {"amount": 50000}
    inst = start(defn, form, {}, "drafter", now=NOW).instance
    inst = act(defn, inst, Submit("drafter"), form, now=NOW).instance
    voters = [t.assignee or "" for t in inst.open_tasks]
    assert voters == ["finance_head", "legal_head", "hr_head"]
    for user in voters:
        inst = act(
            defn, inst, Approve(user, open_task(inst, "countersign", user)), form, now=NOW
        ).instance
    inst = give(defn, inst, "signoff", "leader1")
    sign = open_task(inst, "signoff")
    inst = do(defn, inst, Claim("leader1", sign)).instance
    step = act(defn, inst, Approve("leader1", sign), form, now=NOW)
    assert step.allocate_number
    assert step.instance.status is InstanceStatus.COMPLETED

    # small amount: default flow to review
    form = {"amount": 10}
    inst = start(defn, form, {}, "drafter", now=NOW).instance
    step = act(defn, inst, Submit("drafter"), form, now=NOW)
    assert [a.id for a in step.activations] == ["review"]


def test_unsupported_elements_are_reported_not_dropped() -> None:
    defn, problems = import_bpmn((FIXTURES / "unsupported-bpmnjs.bpmn").read_bytes())
    assert defn is None
    reported = {p.node_id: p for p in problems if p.code == "BPMN_UNSUPPORTED"}
    expected = {
        "u_message": "bpmn:message",
        "u_service": "bpmn:serviceTask",
        "u_script": "bpmn:scriptTask",
        "u_inclusive": "bpmn:inclusiveGateway",
        "u_sub": "bpmn:subProcess",
        "u_wait": "bpmn:intermediateCatchEvent",
        "u_timer": "bpmn:boundaryEvent",
    }
    assert set(reported) == set(expected)
    for eid, tag in expected.items():
        assert eid in reported[eid].message
        assert tag in reported[eid].message
        assert reported[eid].severity == "error"


def test_event_definitions_and_gateways_reported() -> None:
    body = (
        '<bpmn:startEvent id="s"><bpmn:timerEventDefinition/></bpmn:startEvent>'
        '<bpmn:eventBasedGateway id="eg"/><bpmn:complexGateway id="cg"/>'
        '<bpmn:endEvent id="e"><bpmn:messageEventDefinition/></bpmn:endEvent>'
        '<bpmn:textAnnotation id="note"/><bpmn:laneSet id="lanes"/>'
        '<bpmn:userTask id="u"><bpmn:standardLoopCharacteristics/></bpmn:userTask>'
        '<bpmn:userTask id="v"><bpmn:extensionElements><camunda:taskListener event="create"/>'
        '</bpmn:extensionElements><bpmn:potentialOwner id="owner"/></bpmn:userTask>'
    )
    defn, problems = import_bpmn(wrap(body, '<bpmn:signal id="sig"/>'))
    assert defn is None
    errors = {p.node_id for p in problems if p.severity == "error"}
    warnings = {p.node_id for p in problems if p.severity == "warning"}
    assert {"s", "eg", "cg", "e", "u", "sig"} <= errors
    assert {"note", "lanes", "v"} <= warnings
    assert {"owner"} <= errors  # bpmn:potentialOwner inside task v
    listener = next(p for p in problems if p.node_id == "v" and p.severity == "warning")
    assert "camunda:taskListener" in listener.message


def test_camunda_attributes_and_completion_conditions() -> None:
    body = (
        '<bpmn:startEvent id="s"/>'
        '<bpmn:userTask id="a" camunda:assignee="zhang"/>'
        '<bpmn:userTask id="b" camunda:candidateUsers="u1, u2"/>'
        '<bpmn:userTask id="c" camunda:candidateGroups="office_clerk">'
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">'
        "${nrOfCompletedInstances/nrOfInstances &gt;= 0.5}</bpmn:completionCondition>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
        '<bpmn:endEvent id="e"><bpmn:terminateEventDefinition/></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="c"/>'
        '<bpmn:sequenceFlow id="f4" sourceRef="c" targetRef="e"/>'
    )
    defn, problems = import_bpmn(wrap(body))
    assert defn is not None, problems
    assert defn.node("a").assignee.ids == ["zhang"]  # type: ignore[union-attr]
    assert defn.node("b").pool
    c = defn.node("c")
    assert c.type is NodeType.COUNTERSIGN
    assert c.pool is False
    assert c.countersign is not None
    assert (c.countersign.mode, c.countersign.share, c.countersign.order) == (
        CountersignMode.SHARE,
        0.5,
        CountersignOrder.SEQUENTIAL,
    )
    assert defn.node("e").terminate
    assert any(p.code == "BPMN_COMPLETION_CONDITION" for p in problems)
    assert validate(defn) == []


def test_foreign_expression_language_and_juel() -> None:
    body = (
        '<bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b">'
        '<bpmn:conditionExpression language="groovy">x &gt; 1</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b">'
        "<bpmn:conditionExpression>${amount &gt; 1}</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>"
    )
    _, problems = import_bpmn(wrap(body))
    codes = {(p.code, p.transition_id) for p in problems}
    assert ("BPMN_EXPRESSION_LANGUAGE", "f1") in codes
    assert ("BPMN_JUEL", "f2") in codes


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>',
        '<!DOCTYPE d SYSTEM "file:///etc/passwd"><d/>',
        "<not-closed>",
        "<x/>",
    ],
)
def test_hostile_or_broken_xml_is_refused(xml: str) -> None:
    defn, problems = import_bpmn(xml)
    assert defn is None
    assert problems[0].code == "BPMN_PARSE"


@pytest.mark.parametrize(
    "defn",
    [
        rich_definition(),
        dispatch_template(),
        receipt_template(),
        chain(task("a", "u1", "u2"), countersign("c", ["x"], mode="any")),
    ],
    ids=["rich", "dispatch", "receipt", "chain"],
)
def test_export_import_round_trip(defn: FlowDefinition) -> None:
    xml = export_bpmn(defn)
    back, problems = import_bpmn(xml)
    assert [p for p in problems if p.severity == "error"] == []
    assert back == defn
    assert export_bpmn(back) == xml


def test_the_archive_node_travels_as_an_oc_attribute() -> None:
    xml = export_bpmn(dispatch_template())
    assert 'oc:archives="true"' in xml
    back, _ = import_bpmn(xml)
    assert back is not None
    assert [n.id for n in back.nodes if n.archives] == ["archive"]


def test_export_has_di_for_every_node_and_edge() -> None:
    defn = rich_definition()
    root = ET.fromstring(export_bpmn(defn))  # noqa: S314 - our own output
    b, di, dc, wp, cam = (f"{{{NS[k]}}}" for k in ("bpmn", "bpmndi", "dc", "di", "camunda"))
    proc = root.find(b + "process")
    assert proc is not None
    plane = root.find(f"{di}BPMNDiagram/{di}BPMNPlane")
    assert plane is not None
    assert plane.get("bpmnElement") == "rich"
    shapes = {s.get("bpmnElement"): s for s in plane.findall(di + "BPMNShape")}
    assert set(shapes) == {n.id for n in defn.nodes} | {"review_deadline", "review_remind"}
    for shape in shapes.values():
        bounds = shape.find(dc + "Bounds")
        assert bounds is not None
        assert float(bounds.get("width", "0")) > 0
    edges = {e.get("bpmnElement"): e for e in plane.findall(di + "BPMNEdge")}
    assert set(edges) == {t.id for t in defn.transitions}
    assert all(len(e.findall(wp + "waypoint")) >= 2 for e in edges.values())
    # Camunda Modeler sees the assignee; the gateway's default is a BPMN attribute
    review = proc.find(f"{b}userTask[@id='review']")
    assert review is not None
    assert review.get(cam + "candidateGroups") == "office_director"
    assert proc.find(f"{b}exclusiveGateway[@id='g']").get("default") == "g__cs"  # type: ignore[union-attr]


@PROPERTY_SETTINGS
@given(defn=flows())
@pytest.mark.slow
def test_random_flows_round_trip_through_bpmn(defn: FlowDefinition) -> None:
    xml = export_bpmn(defn)
    back, problems = import_bpmn(xml)
    assert problems == []
    assert back == defn
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    shapes = root.findall(f".//{{{NS['bpmndi']}}}BPMNShape")
    assert {s.get("bpmnElement") for s in shapes} == {n.id for n in defn.nodes}
