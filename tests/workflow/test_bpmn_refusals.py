"""What the BPMN import says about a file it cannot take, or takes with a change: each problem
with its code, node, severity and words, exactly as an author reads them."""

from __future__ import annotations

import pytest

from tests.workflow.bpmn_support import LINE, wrap
from workflow import import_bpmn
from workflow.bpmn import NS
from workflow.bpmn.reading import MAX_BPMN_BYTES

_TASK = '<bpmn:userTask id="a" camunda:assignee="zhang"/>'


def _with_task(element: str, oc: bool = False) -> str:
    xml = wrap(LINE.replace(_TASK, element))
    return xml.replace('id="d"', f'id="d" xmlns:oc="{NS["oc"]}"') if oc else xml


def _extension(inner: str, attrs: str = "") -> str:
    return (
        f'<bpmn:userTask id="a"{attrs}><bpmn:extensionElements>{inner}'
        "</bpmn:extensionElements></bpmn:userTask>"
    )


CASES = {
    "not-bpmn": ("<foo/>", "BPMN_PARSE", None, "root element is foo, not bpmn:definitions"),
    "no-process": (
        wrap("").replace('<bpmn:process id="p"></bpmn:process>', ""),
        "BPMN_NO_PROCESS",
        None,
        "the file has no bpmn:process",
    ),
    "doctype": (
        "<!doctype x><bpmn:definitions/>",
        "BPMN_PARSE",
        None,
        "DTDs and entity declarations are not allowed",
    ),
    "broken": (
        "<bpmn:definitions",
        "BPMN_PARSE",
        None,
        "not well-formed XML: unclosed token: line 1, column 0",
    ),
    "task-without-id": (
        _with_task('<bpmn:userTask camunda:assignee="zhang"/>'),
        "BPMN_MISSING_ID",
        None,
        "a userTask in process 'p' has no id",
    ),
    "flow-without-id": (
        wrap(LINE.replace('<bpmn:sequenceFlow id="f2"', "<bpmn:sequenceFlow")),
        "BPMN_MISSING_ID",
        None,
        "a sequenceFlow has no id",
    ),
    "bad-default": (
        _with_task('<bpmn:exclusiveGateway id="a" default="nope"/>'),
        "BPMN_BAD_DEFAULT",
        "a",
        "exclusive gateway 'a' names default flow 'nope', which is not a sequence flow of the "
        "process",
    ),
    "levels-up": (
        _with_task(_extension('<oc:assignee kind="initiator_leader" levelsUp="two"/>'), oc=True),
        "BPMN_ATTRIBUTE",
        "a",
        "node 'a': levelsUp is not an integer",
    ),
    "deadline-hours": (
        _with_task(_extension('<oc:deadline hours="soon"/>', ' camunda:assignee="zhang"'), oc=True),
        "BPMN_ATTRIBUTE",
        "a",
        "node 'a': deadline hours are not numbers",
    ),
    "message-start": (
        wrap(
            LINE.replace(
                '<bpmn:startEvent id="s"/>',
                '<bpmn:startEvent id="s"><bpmn:messageEventDefinition id="m"/></bpmn:startEvent>',
            )
        ),
        "BPMN_UNSUPPORTED",
        "s",
        "startEvent 's' has a messageEventDefinition (only plain start and plain or terminate "
        "end events are supported)",
    ),
    "diagram-part": (
        wrap(LINE, f'<bpmndi:BPMNLabelStyle xmlns:bpmndi="{NS["bpmndi"]}" id="ls"/>'),
        "BPMN_UNSUPPORTED",
        "ls",
        "BPMNLabelStyle 'ls' (bpmndi:BPMNLabelStyle) in definitions is not supported",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_that_cannot_be_imported_is_refused_in_words(case: str) -> None:
    xml, code, node_id, message = CASES[case]
    defn, problems = import_bpmn(xml)
    assert defn is None
    assert [(p.code, p.node_id, p.severity, p.message) for p in problems] == [
        (code, node_id, "error", message)
    ]


def test_what_is_imported_with_a_change_is_a_warning() -> None:
    defn, problems = import_bpmn(_with_task('<bpmn:task id="a"/>'))
    assert defn is not None
    assert defn.node("a").type == "task"
    assert [(p.code, p.node_id, p.severity, p.message) for p in problems] == [
        ("BPMN_UNTYPED_TASK", "a", "warning", "task 'a' has no type; imported as a user task")
    ]
    noted = LINE.replace(
        '<bpmn:startEvent id="s"/>',
        '<bpmn:startEvent id="s"><bpmn:documentation>起点</bpmn:documentation></bpmn:startEvent>',
    )
    defn, problems = import_bpmn(wrap(noted))
    assert defn is not None
    assert [(p.code, p.node_id, p.severity, p.message) for p in problems] == [
        (
            "BPMN_IGNORED",
            None,
            "warning",
            "documentation (bpmn:documentation) in node 's' is ignored",
        )
    ]
    terminate = LINE.replace(
        '<bpmn:endEvent id="e"/>',
        '<bpmn:endEvent id="e"><bpmn:terminateEventDefinition id="t"/></bpmn:endEvent>',
    )
    defn, problems = import_bpmn(wrap(terminate))
    assert (problems, defn and defn.node("e").terminate) == ([], True)
    drawn = wrap(LINE, f'<bpmndi:BPMNDiagram xmlns:bpmndi="{NS["bpmndi"]}" id="dg"/>')
    assert import_bpmn(drawn)[1] == [], "the diagram is ours to redraw, silently"


def test_a_file_may_be_as_large_as_the_limit_and_no_larger() -> None:
    line = wrap(LINE)
    exact = line.replace(
        "</bpmn:definitions>", " " * (MAX_BPMN_BYTES - len(line)) + "</bpmn:definitions>"
    )
    assert len(exact.encode()) == MAX_BPMN_BYTES
    defn, problems = import_bpmn(exact)
    assert defn is not None
    assert problems == []
    for over in (exact + " ", (exact + " ").encode()):
        defn, problems = import_bpmn(over)
        assert defn is None
        assert [(p.code, p.message) for p in problems] == [
            ("BPMN_PARSE", f"the file is larger than {MAX_BPMN_BYTES} bytes")
        ]


@pytest.mark.parametrize(
    "deadline",
    [
        "<oc:deadline/>",
        '<oc:deadline hours=""/>',
        '<oc:deadline hours="nan"/>',
        '<oc:deadline workingHours="inf"/>',
        '<oc:deadline workingHours=""/>',
        '<oc:deadline workingDays="1.5"/>',
        '<oc:deadline hours="2" remindBeforeHours=""/>',
    ],
)
def test_a_deadline_without_a_number_of_hours_is_refused(deadline: str) -> None:
    defn, problems = import_bpmn(
        _with_task(_extension(deadline, ' camunda:assignee="zhang"'), oc=True)
    )
    assert defn is None
    assert [(p.code, p.message) for p in problems] == [
        ("BPMN_ATTRIBUTE", "node 'a': deadline hours are not numbers")
    ]


@pytest.mark.parametrize(
    ("attrs", "assignee", "pool"),
    [
        ('camunda:assignee="zhang"', {"kind": "users", "ids": ["zhang"]}, False),
        ('camunda:candidateUsers="u1, u2,,"', {"kind": "users", "ids": ["u1", "u2"]}, True),
        ('camunda:candidateGroups=" clerks "', {"kind": "role", "roleCode": "clerks"}, True),
        ("", None, False),
    ],
    ids=["assignee", "candidates", "one-group", "nobody"],
)
def test_camunda_assignees_become_rules(attrs: str, assignee: dict | None, pool: bool) -> None:
    defn, problems = import_bpmn(_with_task(f'<bpmn:userTask id="a" {attrs}/>'))
    assert defn is not None
    assert problems == []
    node = defn.node("a")
    rule = node.assignee.to_json_dict() if node.assignee else None
    assert (rule, node.pool) == (assignee, pool)


def test_several_candidate_groups_are_refused_by_name() -> None:
    defn, problems = import_bpmn(
        _with_task('<bpmn:userTask id="a" camunda:candidateGroups="clerks, deans"/>')
    )
    assert defn is None
    assert [(p.code, p.node_id, p.message) for p in problems] == [
        (
            "BPMN_ASSIGNEE",
            "a",
            "userTask 'a' has several candidate groups (clerks, deans); a node takes one role",
        )
    ]


def test_a_value_our_schema_refuses_is_named_by_its_place() -> None:
    deadline = _extension('<oc:deadline hours="2" onTimeout="later"/>', ' camunda:assignee="zhang"')
    defn, problems = import_bpmn(_with_task(deadline, oc=True))
    assert defn is None
    assert [(p.code, p.node_id, p.message) for p in problems] == [
        (
            "SCHEMA",
            None,
            "nodes.1.deadline.onTimeout: Input should be 'none', 'approve', 'reject' or 'escalate'",
        )
    ]


def test_a_process_without_an_id_and_empty_extensions_import_quietly() -> None:
    body = LINE.replace(
        '<bpmn:startEvent id="s"/>',
        '<bpmn:startEvent id="s"><bpmn:extensionElements/></bpmn:startEvent>',
    )
    defn, problems = import_bpmn(wrap(body).replace('<bpmn:process id="p">', "<bpmn:process>"))
    assert problems == []
    assert defn is not None
    assert (defn.id, [n.id for n in defn.nodes]) == ("flow", ["s", "a", "e"])
