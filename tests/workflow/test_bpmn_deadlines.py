"""Deadlines and separation of duties in BPMN: wall-clock deadlines travel as timer boundary
events (what Camunda and bpmn-js draw), working-time deadlines and separation of duties as
``oc:`` extensions (and export says so), and timers BPMN means differently are reported."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.workflow.support import chain, task
from workflow import FlowDefinition, export_bpmn, export_notes, import_bpmn
from workflow.bpmn import NS
from workflow.bpmn.timers import duration, hours_of


def flow(**review: object) -> FlowDefinition:
    return chain(task("draft"), task("review", "r1", **review))


def test_a_wall_clock_deadline_is_a_timer_boundary_event_and_comes_back() -> None:
    defn = flow(deadline={"hours": 26.5, "remindBeforeHours": 2.5, "onTimeout": "reject"})
    xml = export_bpmn(defn)
    assert '<bpmn:boundaryEvent id="review_deadline" attachedToRef="review"' in xml
    assert "<bpmn:timeDuration" in xml
    assert ">PT26H30M<" in xml
    assert ">PT24H<" in xml
    assert "oc:deadline" not in xml
    back, problems = import_bpmn(xml)
    assert problems == []
    assert back == defn
    assert [p.message for p in export_notes(defn)] == [
        "Review: what its timer does: reject is kept as an oc: extension"
    ]


def test_working_time_deadlines_and_separated_duties_are_oc_extensions() -> None:
    defn = flow(
        deadline={"workingDays": 3, "remindBeforeHours": 4, "onTimeout": "escalate",
                  "escalateTo": {"kind": "users", "ids": ["boss"]}},
        separateDuties=True,
    )  # fmt: skip
    whole = FlowDefinition.model_validate({**flow().to_json(), "separateDuties": True})
    for definition in (defn, whole):
        xml = export_bpmn(definition)
        back, problems = import_bpmn(xml)
        assert problems == []
        assert back == definition
    assert 'workingDays="3"' in export_bpmn(defn)
    assert 'oc:separateDuties="true"' in export_bpmn(whole)
    notes = {p.message for p in export_notes(defn)}
    assert notes == {
        "Review: the deadline of 3 working days (BPMN timers know no calendar) is kept as an "
        "oc: extension",
        "Review: separation of duties is kept as an oc: extension",
    }


def camunda(boundary: str, extra_flow: str = "") -> str:
    return (
        f'<bpmn:definitions xmlns:bpmn="{NS["bpmn"]}" xmlns:camunda="{NS["camunda"]}" '
        f'xmlns:xsi="{NS["xsi"]}" id="d"><bpmn:process id="p">'
        '<bpmn:startEvent id="s"/><bpmn:userTask id="u" camunda:assignee="u1"/>'
        '<bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/>'
        f'<bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="e"/>{boundary}{extra_flow}'
        "</bpmn:process></bpmn:definitions>"
    )


def timer(body: str, cancel: str = "") -> str:
    attrs = f' cancelActivity="{cancel}"' if cancel else ""
    return (
        f'<bpmn:boundaryEvent id="t" attachedToRef="u"{attrs}>'
        f"<bpmn:timerEventDefinition>{body}</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )


def test_camunda_timers_import_as_deadlines() -> None:
    quiet, problems = import_bpmn(
        camunda(timer("<bpmn:timeDuration>P1DT2H30M</bpmn:timeDuration>", "false"))
    )
    assert problems == []
    assert quiet is not None
    deadline = quiet.node("u").deadline
    assert deadline is not None
    assert deadline.hours == 26.5
    loud, problems = import_bpmn(camunda(timer("<bpmn:timeDuration>PT2H</bpmn:timeDuration>")))
    assert loud is not None
    assert [p.code for p in problems] == ["BPMN_TIMER_MAPPED"], "an interrupting timer notifies"


@pytest.mark.parametrize(
    ("boundary", "extra", "code"),
    [
        (timer("<bpmn:timeDuration>PT2H</bpmn:timeDuration>"), '<bpmn:sequenceFlow id="f3" '
         'sourceRef="t" targetRef="e"/>', "BPMN_TIMEOUT_PATH"),
        (timer("<bpmn:timeDate>2025-10-01T00:00:00</bpmn:timeDate>"), "", "BPMN_UNSUPPORTED"),
        (timer("<bpmn:timeDuration>${due}</bpmn:timeDuration>"), "", "BPMN_UNSUPPORTED"),
        (timer("<bpmn:timeDuration>P1M</bpmn:timeDuration>"), "", "BPMN_UNSUPPORTED"),
        ('<bpmn:boundaryEvent id="t" attachedToRef="u"><bpmn:messageEventDefinition/>'
         "</bpmn:boundaryEvent>", "", "BPMN_UNSUPPORTED"),
        (timer("<bpmn:timeDuration>PT2H</bpmn:timeDuration>").replace('"u"', '"s"'), "",
         "BPMN_UNSUPPORTED"),
    ],
    ids=["path", "date", "expression", "months", "message", "not-a-task"],
)  # fmt: skip
def test_timers_that_mean_something_else_are_refused(boundary: str, extra: str, code: str) -> None:
    defn, problems = import_bpmn(camunda(boundary, extra))
    assert defn is None
    assert code in {p.code for p in problems if p.severity == "error"}
    assert any(p.node_id == "t" for p in problems)


@pytest.mark.parametrize("hours", [24, 0.5, 26.5, 1 / 60, 100])
def test_durations_round_trip(hours: float) -> None:
    assert hours_of(duration(hours)) == pytest.approx(hours)
    assert hours_of("PT") is None
    assert hours_of("P1W") is None


@pytest.mark.parametrize(
    ("hours", "text"),
    [(24, "PT24H"), (1.5, "PT1H30M"), (0, "PT0S"), (0.5 / 3600, "PT0.5S"), (25 / 60, "PT25M")],
)
def test_durations_are_written_as_people_write_them(hours: float, text: str) -> None:
    assert duration(hours) == text


def test_a_working_time_deadline_and_a_plain_timer_are_written_exactly() -> None:
    defn = FlowDefinition.model_validate(
        {
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "review",
                    "type": "task",
                    "assignee": {"kind": "users", "ids": ["r"]},
                    "deadline": {"workingHours": 8, "remindBeforeHours": 2, "onTimeout": "approve"},
                },
                {
                    "id": "sign",
                    "type": "task",
                    "assignee": {"kind": "users", "ids": ["s"]},
                    "deadline": {"hours": 4},
                },
                {"id": "end", "type": "end"},
            ],
            "transitions": [
                {"id": "a", "source": "start", "target": "review"},
                {"id": "b", "source": "review", "target": "sign"},
                {"id": "c", "source": "sign", "target": "end"},
            ],
        }
    )
    root = ET.fromstring(export_bpmn(defn))  # noqa: S314 - our own output
    oc = "{" + NS["oc"] + "}"
    [working] = root.iter(oc + "deadline")
    assert working.attrib == {
        "workingHours": "8.0",
        "remindBeforeHours": "2.0",
        "onTimeout": "approve",
    }
    element = {el.get("id"): el for el in root.iter()}
    assert element["sign_deadline"].get("cancelActivity") == "false"
    assert element["sign_deadline"].get(oc + "onTimeout") is None
    back, problems = import_bpmn(export_bpmn(defn))
    assert back is not None, problems
    assert back.node("review").deadline == defn.node("review").deadline
