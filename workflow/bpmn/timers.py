"""Deadlines in BPMN: a wall-clock deadline is a timer boundary event on its user task
(``timeDuration``, ISO 8601), as Camunda and bpmn-js draw it, and its reminder a second,
non-interrupting one marked ``oc:kind="remind"``; what the timeout does (``oc:onTimeout``, and
``oc:escalateTo`` inside its extension elements) rides on the deadline's event. A deadline in
working hours or days has no BPMN form (timers know no working calendar): it stays an
``oc:deadline`` extension, and :func:`export_notes` says so.

On import, a timer that leads somewhere (an outgoing sequence flow), repeats (``timeCycle``),
falls on a date (``timeDate``) or is an expression is refused: a deadline here approves,
rejects, escalates or only notifies, it opens no path. An interrupting timer without
``oc:onTimeout`` is imported as a deadline that notifies, with a warning."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from i18n import _
from workflow.definition import FlowDefinition, Node, TimeoutAction
from workflow.validation import Problem

from .names import OC, B, flag, local
from .report import Report
from .tasks import read_rule

__all__ = ["attach_timers", "duration", "export_notes", "hours_of"]

_DURATION = re.compile(
    r"P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def duration(hours: float) -> str:
    """``hours`` as an ISO 8601 duration (PT24H, PT1H30M, PT0.5S)."""
    seconds = round(hours * 3600, 6)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    out = "PT" + (f"{int(h)}H" if h else "") + (f"{int(m)}M" if m else "")
    if s or out == "PT":
        out += f"{s:g}S"
    return out


def hours_of(text: str) -> float | None:
    """An ISO 8601 duration of days, hours, minutes and seconds in hours; None otherwise."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or not any(match.groupdict().values()):
        return None
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    hours = (
        parts.get("d", 0) * 24
        + parts.get("h", 0)
        + parts.get("m", 0) / 60
        + parts.get("s", 0) / 3600
    )
    return round(hours, 9)


def export_notes(defn: FlowDefinition) -> list[Problem]:
    """What of ``defn`` only Officecloud's ``oc:`` extensions carry in BPMN: another engine
    reading the file would not apply it."""
    notes: list[Problem] = []
    for node in defn.nodes:
        dl = node.deadline
        if dl is not None and dl.hours is None:
            amount = (
                f"{dl.working_hours} working hours"
                if dl.working_hours is not None
                else f"{dl.working_days} working days"
            )
            notes.append(_note(node, f"the deadline of {amount} (BPMN timers know no calendar)"))
        if dl is not None and dl.hours is not None and dl.on_timeout is not TimeoutAction.NONE:
            notes.append(_note(node, f"what its timer does: {dl.on_timeout.value}"))
        if node.is_wait and defn.separates_duties(node.id):
            notes.append(_note(node, "separation of duties"))
        if node.cc:
            notes.append(_note(node, "CC (抄送)"))
    return notes


def _note(node: Node, what: str) -> Problem:
    name = node.name or node.id
    return Problem(
        "BPMN_EXTENSION_ONLY",
        _("{name}: {what} is kept as an oc: extension", name=name, what=what),
        node.id,
        None,
        "warning",
    )


# ---------------------------------------------------------------------------- import


def attach_timers(
    r: Report, events: list[ET.Element], nodes: list[dict[str, Any]], flows: list[dict[str, Any]]
) -> None:
    """Turn the timer boundary events into the deadlines of the tasks they are attached to."""
    by_id = {n["id"]: n for n in nodes}
    for el in events:
        eid = el.get("id") or ""
        task = by_id.get(el.get("attachedToRef") or "")
        outgoing = [f["id"] for f in flows if f["source"] == eid]
        hours = _timer_hours(r, el, eid)
        if task is None or task.get("type") not in ("task", "countersign"):
            r.error(
                "BPMN_UNSUPPORTED", _("boundaryEvent '{eid}' is not on a user task", eid=eid), eid
            )
            continue
        if outgoing:
            r.error(
                "BPMN_TIMEOUT_PATH",
                _(
                    "boundaryEvent '{eid}' leads to {outgoing}: a deadline "
                    "approves, rejects, escalates or notifies (oc:onTimeout), it "
                    "opens no path",
                    eid=eid,
                    outgoing=", ".join(outgoing),
                ),
                eid,
            )
            continue
        if hours is None:
            continue
        deadline = dict(task.get("deadline") or {})
        if el.get(OC + "kind") == "remind":
            deadline["remindAfterHours"] = hours
        else:
            deadline["hours"] = hours
            _timeout(r, el, eid, deadline)
        task["deadline"] = deadline
    for task in nodes:
        dl = task.get("deadline")
        if dl and "remindAfterHours" in dl:
            after = dl.pop("remindAfterHours")
            if "hours" in dl:
                dl["remindBeforeHours"] = round(dl["hours"] - after, 9)
            else:
                r.error(
                    "BPMN_UNSUPPORTED",
                    _(
                        "task '{task_id}' has a reminder timer but no deadline timer",
                        task_id=task["id"],
                    ),
                    task["id"],
                )


def _timer_hours(r: Report, el: ET.Element, eid: str) -> float | None:
    timer = el.find(B + "timerEventDefinition")
    others = [c for c in el if local(c.tag)[1].endswith("EventDefinition") and c is not timer]
    if timer is None or others:
        r.error(
            "BPMN_UNSUPPORTED",
            _("boundaryEvent '{eid}' (bpmn:boundaryEvent) is supported as a timer only", eid=eid),
            eid,
        )
        return None
    text = timer.find(B + "timeDuration")
    hours = hours_of(text.text or "") if text is not None else None
    if hours is None or hours <= 0:
        r.error(
            "BPMN_UNSUPPORTED",
            _(
                "boundaryEvent '{eid}' (bpmn:boundaryEvent): only a "
                "timeDuration of days, hours and minutes is a deadline (not "
                "a timeCycle, timeDate or expression)",
                eid=eid,
            ),
            eid,
        )
        return None
    return hours


def _timeout(r: Report, el: ET.Element, eid: str, deadline: dict[str, Any]) -> None:
    action = el.get(OC + "onTimeout")
    if action:
        deadline["onTimeout"] = action
    elif flag(el.get("cancelActivity")) is not False:
        r.warn(
            "BPMN_TIMER_MAPPED",
            _(
                "boundaryEvent '{eid}' interrupts its task; here the "
                "deadline only notifies: set oc:onTimeout to approve, reject "
                "or escalate",
                eid=eid,
            ),
            eid,
        )
    ext = el.find(B + "extensionElements")
    escalate = ext.find(OC + "escalateTo") if ext is not None else None
    if escalate is not None:
        rule = read_rule(r, escalate, eid)
        if rule is not None:
            deadline["escalateTo"] = rule
