"""BPMN 2.0 import/export: a file made by the bpmn-js toolchain (tests/fixtures/bpmn-tools)
imports and runs, unsupported elements are reported, export round-trips and has DI."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given

from tests.conftest import FIXTURES
from tests.workflow.strategies import PROPERTY_SETTINGS, flows
from tests.workflow.support import (
    NOW,
    chain,
    countersign,
    do,
    edge,
    end_node,
    give,
    graph,
    open_task,
    par,
    start_node,
    task,
    xor,
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


def _wrap(process_body: str, extra: str = "") -> str:
    return (
        f'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="{NS["bpmn"]}" '
        f'xmlns:camunda="{NS["camunda"]}" xmlns:xsi="{NS["xsi"]}" id="d">{extra}'
        f'<bpmn:process id="p">{process_body}</bpmn:process></bpmn:definitions>'
    )


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
    defn, problems = import_bpmn(_wrap(body, '<bpmn:signal id="sig"/>'))
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
    defn, problems = import_bpmn(_wrap(body))
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
    _, problems = import_bpmn(_wrap(body))
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


def _rich_definition() -> FlowDefinition:
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


@pytest.mark.parametrize(
    "defn",
    [
        _rich_definition(),
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
    defn = _rich_definition()
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


_LINE = (
    '<bpmn:startEvent id="s"/><bpmn:userTask id="a" camunda:assignee="zhang"/>'
    '<bpmn:endEvent id="e"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="e"/>'
)


def _codes(problems: list) -> list[tuple[str, str | None, str]]:
    return [(p.code, p.node_id, p.severity) for p in problems]


def test_a_second_process_is_refused_by_name() -> None:
    defn, problems = import_bpmn(
        _wrap(_LINE).replace("</bpmn:definitions>", '<bpmn:process id="other"/></bpmn:definitions>')
    )
    assert defn is None
    assert _codes(problems) == [("BPMN_UNSUPPORTED", "other", "error")]
    assert "process 'other' is a second process" in problems[0].message


def test_a_pool_is_ignored_with_a_warning_and_its_process_imported() -> None:
    pool = (
        '<bpmn:collaboration id="c"><bpmn:participant id="office" processRef="p"/>'
        '<bpmn:textAnnotation id="memo"/><bpmn:messageFlow id="mf"/></bpmn:collaboration>'
    )
    defn, problems = import_bpmn(_wrap(_LINE, pool))
    assert defn is None
    assert _codes(problems) == [
        ("BPMN_IGNORED", "office", "warning"),
        ("BPMN_IGNORED", "memo", "warning"),
        ("BPMN_UNSUPPORTED", "mf", "error"),
    ]
    assert "participant (pool) 'office' is ignored" in problems[0].message
    assert "collaboration 'c'" in problems[2].message
    defn, problems = import_bpmn(_wrap(_LINE, pool.replace('<bpmn:messageFlow id="mf"/>', "")))
    assert defn is not None
    assert [n.id for n in defn.nodes] == ["s", "a", "e"]
    assert {p.severity for p in problems} == {"warning"}


def test_an_assignee_expression_is_left_to_the_author_with_a_warning() -> None:
    for expression in ("${initiator}", "#{manager}"):
        body = _LINE.replace('camunda:assignee="zhang"', f'camunda:assignee="{expression}"')
        defn, problems = import_bpmn(_wrap(body))
        assert defn is not None
        assert defn.node("a").assignee is None
        assert _codes(problems) == [("BPMN_ASSIGNEE_EXPRESSION", "a", "warning")]
        assert repr(expression) in problems[0].message


def test_a_share_that_is_not_a_number_is_refused() -> None:
    loop = (
        '<bpmn:userTask id="a" camunda:candidateUsers="u1,u2" oc:countersignMode="share" '
        'oc:share="{}"><bpmn:multiInstanceLoopCharacteristics/></bpmn:userTask>'
    )
    namespace = f'xmlns:oc="{NS["oc"]}"'
    for share, ok in (("half", False), ("0.5", True)):
        body = _LINE.replace('<bpmn:userTask id="a" camunda:assignee="zhang"/>', loop.format(share))
        defn, problems = import_bpmn(_wrap(body).replace('id="d"', f'id="d" {namespace}'))
        if ok:
            assert defn is not None
            assert defn.node("a").countersign is not None
            assert defn.node("a").countersign.share == 0.5
        else:
            assert defn is None
            assert _codes(problems) == [("BPMN_ATTRIBUTE", "a", "error")]
            assert "oc:share is not a number" in problems[0].message


def test_elements_of_foreign_namespaces_are_ignored_with_a_warning() -> None:
    foreign = 'xmlns:x="https://vendor.example/ns"'
    body = _LINE.replace(
        '<bpmn:startEvent id="s"/>',
        '<bpmn:startEvent id="s"><x:colour id="red"/><bpmn:extensionElements>'
        '<x:meta id="m"/></bpmn:extensionElements></bpmn:startEvent><x:note id="n"/>',
    )
    xml = _wrap(body, '<x:top id="t"/>').replace('id="d"', f'id="d" {foreign}')
    defn, problems = import_bpmn(xml)
    assert defn is None, "an unknown element beside the process may change its meaning"
    by_id = {p.node_id: p for p in problems}
    assert {i: p.severity for i, p in by_id.items()} == {
        "red": "warning",
        "s": "warning",
        "n": "warning",
        "t": "error",
    }
    assert "colour 'red' ({https://vendor.example/ns}colour) in node 's'" in by_id["red"].message
    assert "{https://vendor.example/ns}meta on node 's' is ignored" in by_id["s"].message
    assert "note 'n' ({https://vendor.example/ns}note) in process 'p'" in by_id["n"].message
    assert "top 't' ({https://vendor.example/ns}top) in definitions" in by_id["t"].message
    defn, problems = import_bpmn(xml.replace('<x:top id="t"/>', ""))
    assert defn is not None
    assert {p.severity for p in problems} == {"warning"}


def test_export_writes_each_option_as_its_attribute() -> None:
    root = ET.fromstring(export_bpmn(_rich_definition()))  # noqa: S314 - our own output
    oc, cam = "{" + NS["oc"] + "}", "{" + NS["camunda"] + "}"
    element = {el.get("id"): el for el in root.iter()}
    strip = {
        key.replace(oc, "oc:").replace(cam, "camunda:"): v
        for key, v in element["cs"].attrib.items()
    }
    assert strip == {
        "id": "cs",
        "camunda:candidateUsers": "a,b,c",
        "oc:pool": "false",
        "oc:allowAddSigner": "false",
        "oc:countersignMode": "share",
        "oc:share": "0.6",
    }
    assert element["draft"].get(oc + "allowReturn") == "false"
    assert element["draft"].get(oc + "allowDelegate") is None
    assert element["review"].get(cam + "candidateGroups") == "office_director"
    assert element["review"].get(oc + "pool") == "true"
    assert element["review"].get(oc + "rejectTo") == "draft"
    assert element["x2"].get(oc + "allowDelegate") == "false"
    assert element["sign"].get(oc + "allocateNumber") == "true"
    assert element["review_deadline"].get("cancelActivity") == "true"
    assert element["review_deadline"].get(oc + "onTimeout") == "escalate"
    assert element["review_deadline"].get("attachedToRef") == "review"


def test_conditions_are_written_as_formal_expressions() -> None:
    root = ET.fromstring(export_bpmn(_rich_definition()))  # noqa: S314 - our own output
    xsi_type = "{" + NS["xsi"] + "}type"
    conditions = list(root.iter("{" + NS["bpmn"] + "}conditionExpression"))
    completions = list(root.iter("{" + NS["bpmn"] + "}completionCondition"))
    assert [c.text for c in conditions] == ["form.amount > 10000"]
    assert [c.text for c in completions] == ["${nrOfCompletedInstances / nrOfInstances >= 0.6}"]
    assert {c.get(xsi_type) for c in conditions + completions} == {"bpmn:tFormalExpression"}
    flows = {el.get("id"): el for el in root.iter("{" + NS["bpmn"] + "}sequenceFlow")}
    assert (flows["g__review"].get("sourceRef"), flows["g__review"].get("targetRef")) == (
        "g",
        "review",
    )
    gateway = next(el for el in root.iter() if el.get("id") == "g")
    assert gateway.get("default") == "g__cs"


@pytest.mark.parametrize(
    ("condition", "mode", "understood"),
    [
        ("${nrOfCompletedInstances >= 1}", CountersignMode.ANY, True),
        ("${nrOfCompletedInstances == 1}", CountersignMode.ANY, True),
        ("${nrOfCompletedInstances/nrOfInstances >= 0.75}", CountersignMode.SHARE, True),
        ("${nrOfActiveInstances == 0}", CountersignMode.ALL, False),
    ],
)
def test_completion_conditions_become_countersign_modes(
    condition: str, mode: CountersignMode, understood: bool
) -> None:
    body = _LINE.replace(
        '<bpmn:userTask id="a" camunda:assignee="zhang"/>',
        '<bpmn:userTask id="a" camunda:candidateUsers="u1,u2">'
        "<bpmn:multiInstanceLoopCharacteristics>"
        f"<bpmn:completionCondition>{condition.replace('>', '&gt;')}</bpmn:completionCondition>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>",
    )
    defn, problems = import_bpmn(_wrap(body))
    assert defn is not None, problems
    cs = defn.node("a").countersign
    assert cs is not None
    assert cs.mode is mode
    assert cs.share == (0.75 if mode is CountersignMode.SHARE else None)
    [note] = problems
    assert (note.code, note.node_id, note.severity) == ("BPMN_COMPLETION_CONDITION", "a", "warning")
    assert ("is not understood" in note.message) is not understood


def test_the_diagram_lays_out_rows_loops_and_timers_exactly() -> None:
    """Columns left to right, parallel branches in rows below, a loop back under the flow,
    timers along the bottom edge of their task: pinned, so a viewer opens what we wrote."""
    defn = graph(
        [
            start_node(),
            task("a", "u", deadline={"hours": 8, "remindBeforeHours": 2}),
            par("p"),
            task("b", "u"),
            task("c", "u"),
            par("j"),
            xor("g"),
            end_node(),
        ],
        [
            edge("start", "a"),
            edge("a", "p"),
            edge("p", "b"),
            edge("p", "c"),
            edge("b", "j"),
            edge("c", "j"),
            edge("j", "g"),
            edge("g", "end", "form.amount > 1"),
            edge("g", "a", default=True),
        ],
    )
    root = ET.fromstring(export_bpmn(defn))  # noqa: S314 - our own output
    di, dc, dd = ("{" + NS[prefix] + "}" for prefix in ("bpmndi", "dc", "di"))
    [plane] = root.iter(di + "BPMNPlane")
    assert plane.attrib == {"id": "BPMNPlane_f", "bpmnElement": "f"}
    bounds = {s.get("bpmnElement"): s.find(dc + "Bounds") for s in root.iter(di + "BPMNShape")}
    shapes = {
        key: " ".join(b.get(k) or "" for k in ("x", "y", "width", "height"))
        for key, b in bounds.items()
        if b is not None
    }
    edges = {
        e.get("bpmnElement"): " ".join(
            f"{w.get('x')},{w.get('y')}" for w in e.iter(dd + "waypoint")
        )
        for e in root.iter(di + "BPMNEdge")
    }
    assert shapes == {
        "start": "132 102 36 36",
        "a": "270 80 100 80",
        "p": "465 95 50 50",
        "b": "610 80 100 80",
        "c": "610 210 100 80",
        "j": "805 95 50 50",
        "g": "975 95 50 50",
        "end": "1152 102 36 36",
        "a_deadline": "280 142 36 36",
        "a_remind": "324 142 36 36",
    }
    assert edges == {
        "start__a": "168,120 270,120",
        "a__p": "370,120 465,120",
        "p__b": "515,120 610,120",
        "p__c": "515,120 562.5,120 562.5,250 610,250",
        "b__j": "710,120 805,120",
        "c__j": "710,250 757.5,250 757.5,120 805,120",
        "j__g": "855,120 975,120",
        "g__end": "1025,120 1152,120",
        "g__a": "1000,145 1000,350 320,350 320,160",
    }


def test_drawing_and_notes_beside_the_process_are_ignored_with_warnings() -> None:
    extra = (
        '<bpmn:documentation id="doc"/><bpmn:extensionElements id="ext"/><bpmn:category id="cat"/>'
    )
    body = _LINE.replace(
        '<bpmn:userTask id="a" camunda:assignee="zhang"/>',
        '<bpmn:userTask id="a" camunda:assignee="zhang" default="f2"/>',
    )
    defn, problems = import_bpmn(_wrap(body, extra))
    assert defn is not None, problems
    assert _codes(problems) == [
        ("BPMN_IGNORED", "doc", "warning"),
        ("BPMN_IGNORED", "ext", "warning"),
        ("BPMN_IGNORED", "cat", "warning"),
    ]
    assert "in definitions is ignored" in problems[0].message
    assert not any(t.default for t in defn.transitions), "only a gateway's default counts"


def test_a_flow_without_a_target_is_imported_for_validation_to_name() -> None:
    body = _LINE.replace('targetRef="e"', "")
    defn, problems = import_bpmn(_wrap(body))
    assert defn is not None, problems
    assert [(t.id, t.target) for t in defn.transitions] == [("f1", "a"), ("f2", "")]
    assert "UNKNOWN_TARGET" in [p.code for p in validate(defn)]


def _with_extensions(inner: str) -> str:
    task = (
        '<bpmn:userTask id="a"><bpmn:extensionElements>'
        f"{inner}</bpmn:extensionElements></bpmn:userTask>"
    )
    body = _LINE.replace('<bpmn:userTask id="a" camunda:assignee="zhang"/>', task)
    return _wrap(body).replace('id="d"', f'id="d" xmlns:oc="{NS["oc"]}"')


def test_our_extensions_on_a_task_are_read_or_reported() -> None:
    defn, problems = import_bpmn(
        _with_extensions(
            '<oc:assignee kind="form_field"/><oc:colour/>'
            '<oc:fieldAccess><oc:field path="title" access="hidden"/><oc:field path="x"/>'
            "</oc:fieldAccess>"
        )
    )
    assert defn is not None, problems
    assert _codes(problems) == [("BPMN_IGNORED", "a", "warning")]
    assert problems[0].message == "oc:colour on userTask 'a' is ignored"
    assert defn.node("a").field_access == {"title": "hidden"}
    assert defn.node("a").assignee.field == ""  # type: ignore[union-attr]
    assert "field" in " ".join(p.message for p in validate(defn))
    defn, problems = import_bpmn(_with_extensions('<oc:assignee kind="astrologer"/>'))
    assert defn is None
    assert _codes(problems) == [("BPMN_ASSIGNEE", "a", "error")]
    assert problems[0].message == "node 'a': unknown assignee kind 'astrologer'"
