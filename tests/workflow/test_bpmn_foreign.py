"""BPMN from other tools: what the import keeps, warns about or refuses (a second process, pools,
expressions, foreign namespaces, our extensions), and the attributes and layout export writes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.workflow.bpmn_support import LINE, rich_definition, wrap
from tests.workflow.support import (
    edge,
    end_node,
    graph,
    par,
    start_node,
    task,
    xor,
)
from workflow import (
    CountersignMode,
    export_bpmn,
    import_bpmn,
    validate,
)
from workflow.bpmn import NS


def _codes(problems: list) -> list[tuple[str, str | None, str]]:
    return [(p.code, p.node_id, p.severity) for p in problems]


def test_a_second_process_is_refused_by_name() -> None:
    defn, problems = import_bpmn(
        wrap(LINE).replace("</bpmn:definitions>", '<bpmn:process id="other"/></bpmn:definitions>')
    )
    assert defn is None
    assert _codes(problems) == [("BPMN_UNSUPPORTED", "other", "error")]
    assert "process 'other' is a second process" in problems[0].message


def test_a_pool_is_ignored_with_a_warning_and_its_process_imported() -> None:
    pool = (
        '<bpmn:collaboration id="c"><bpmn:participant id="office" processRef="p"/>'
        '<bpmn:textAnnotation id="memo"/><bpmn:messageFlow id="mf"/></bpmn:collaboration>'
    )
    defn, problems = import_bpmn(wrap(LINE, pool))
    assert defn is None
    assert _codes(problems) == [
        ("BPMN_IGNORED", "office", "warning"),
        ("BPMN_IGNORED", "memo", "warning"),
        ("BPMN_UNSUPPORTED", "mf", "error"),
    ]
    assert "participant (pool) 'office' is ignored" in problems[0].message
    assert "collaboration 'c'" in problems[2].message
    defn, problems = import_bpmn(wrap(LINE, pool.replace('<bpmn:messageFlow id="mf"/>', "")))
    assert defn is not None
    assert [n.id for n in defn.nodes] == ["s", "a", "e"]
    assert {p.severity for p in problems} == {"warning"}


def test_an_assignee_expression_is_left_to_the_author_with_a_warning() -> None:
    for expression in ("${initiator}", "#{manager}"):
        body = LINE.replace('camunda:assignee="zhang"', f'camunda:assignee="{expression}"')
        defn, problems = import_bpmn(wrap(body))
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
        body = LINE.replace('<bpmn:userTask id="a" camunda:assignee="zhang"/>', loop.format(share))
        defn, problems = import_bpmn(wrap(body).replace('id="d"', f'id="d" {namespace}'))
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
    body = LINE.replace(
        '<bpmn:startEvent id="s"/>',
        '<bpmn:startEvent id="s"><x:colour id="red"/><bpmn:extensionElements>'
        '<x:meta id="m"/></bpmn:extensionElements></bpmn:startEvent><x:note id="n"/>',
    )
    xml = wrap(body, '<x:top id="t"/>').replace('id="d"', f'id="d" {foreign}')
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
    root = ET.fromstring(export_bpmn(rich_definition()))  # noqa: S314 - our own output
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
    root = ET.fromstring(export_bpmn(rich_definition()))  # noqa: S314 - our own output
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
    body = LINE.replace(
        '<bpmn:userTask id="a" camunda:assignee="zhang"/>',
        '<bpmn:userTask id="a" camunda:candidateUsers="u1,u2">'
        "<bpmn:multiInstanceLoopCharacteristics>"
        f"<bpmn:completionCondition>{condition.replace('>', '&gt;')}</bpmn:completionCondition>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>",
    )
    defn, problems = import_bpmn(wrap(body))
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
    body = LINE.replace(
        '<bpmn:userTask id="a" camunda:assignee="zhang"/>',
        '<bpmn:userTask id="a" camunda:assignee="zhang" default="f2"/>',
    )
    defn, problems = import_bpmn(wrap(body, extra))
    assert defn is not None, problems
    assert _codes(problems) == [
        ("BPMN_IGNORED", "doc", "warning"),
        ("BPMN_IGNORED", "ext", "warning"),
        ("BPMN_IGNORED", "cat", "warning"),
    ]
    assert "in definitions is ignored" in problems[0].message
    assert not any(t.default for t in defn.transitions), "only a gateway's default counts"


def test_a_flow_without_a_target_is_imported_for_validation_to_name() -> None:
    body = LINE.replace('targetRef="e"', "")
    defn, problems = import_bpmn(wrap(body))
    assert defn is not None, problems
    assert [(t.id, t.target) for t in defn.transitions] == [("f1", "a"), ("f2", "")]
    assert "UNKNOWN_TARGET" in [p.code for p in validate(defn)]


def _with_extensions(inner: str) -> str:
    task = (
        '<bpmn:userTask id="a"><bpmn:extensionElements>'
        f"{inner}</bpmn:extensionElements></bpmn:userTask>"
    )
    body = LINE.replace('<bpmn:userTask id="a" camunda:assignee="zhang"/>', task)
    return wrap(body).replace('id="d"', f'id="d" xmlns:oc="{NS["oc"]}"')


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
