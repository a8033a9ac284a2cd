"""What the BPMN import says of timers it maps to a deadline with a change, or cannot map: each
problem with its code, node, severity and exact words."""

from __future__ import annotations

import pytest

from tests.workflow.test_bpmn_deadlines import camunda, timer
from workflow import import_bpmn

_TWO_HOURS = "<bpmn:timeDuration>PT2H</bpmn:timeDuration>"

CASES = {
    "path": (
        timer(_TWO_HOURS, "false"),
        '<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="e"/>',
    ),
    "date": (timer("<bpmn:timeDate>2025-10-01T00:00:00</bpmn:timeDate>", "false"), ""),
    "zero": (timer("<bpmn:timeDuration>PT0H</bpmn:timeDuration>", "false"), ""),
    "message": (
        '<bpmn:boundaryEvent id="t" attachedToRef="u"><bpmn:messageEventDefinition/>'
        "</bpmn:boundaryEvent>",
        "",
    ),
    "interrupting": (timer(_TWO_HOURS), ""),
}


_ONLY_DURATIONS = (
    "boundaryEvent 't' (bpmn:boundaryEvent): only a timeDuration of days, hours and minutes is "
    "a deadline (not a timeCycle, timeDate or expression)"
)

EXPECTED = {
    "path": (
        "BPMN_TIMEOUT_PATH",
        "error",
        "boundaryEvent 't' leads to f3: a deadline approves, rejects, escalates or notifies "
        "(oc:onTimeout), it opens no path",
    ),
    "date": ("BPMN_UNSUPPORTED", "error", _ONLY_DURATIONS),
    "zero": ("BPMN_UNSUPPORTED", "error", _ONLY_DURATIONS),
    "message": (
        "BPMN_UNSUPPORTED",
        "error",
        "boundaryEvent 't' (bpmn:boundaryEvent) is supported as a timer only",
    ),
    "interrupting": (
        "BPMN_TIMER_MAPPED",
        "warning",
        "boundaryEvent 't' interrupts its task; here the deadline only notifies: set "
        "oc:onTimeout to approve, reject or escalate",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_timer_that_is_not_a_plain_deadline_is_named_in_words(case: str) -> None:
    boundary, extra = CASES[case]
    defn, problems = import_bpmn(camunda(boundary, extra))
    code, severity, message = EXPECTED[case]
    assert [(p.code, p.node_id, p.severity, p.message) for p in problems] == [
        (code, "t", severity, message)
    ]
    assert (defn is None) == (severity == "error")
