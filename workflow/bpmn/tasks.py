"""Reading user tasks: the assignee (our ``oc:assignee``, else Camunda's attributes), our
extension elements and attributes, and multi-instance loops as countersign nodes."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

from i18n import _
from workflow.definition import CountersignMode, CountersignOrder, NodeType

from .names import CAM, NS, OC, B, flag, local
from .report import Report

__all__ = ["user_task"]

_FLAGS = (
    "allocateNumber",
    "archives",
    "allowReturn",
    "allowDelegate",
    "allowAddSigner",
    "separateDuties",
)


def user_task(r: Report, el: ET.Element, node: dict[str, Any]) -> dict[str, Any]:
    """Complete the node dict of a ``userTask`` (or untyped ``task``) element."""
    eid = el.get("id") or ""
    ext = el.find(B + "extensionElements")
    oc_assignee = ext.find(OC + "assignee") if ext is not None else None
    pool_attr = flag(el.get(OC + "pool"))
    pool = False
    if oc_assignee is not None:
        rule = read_rule(r, oc_assignee, eid)
        if rule is not None:
            node["assignee"] = rule
    else:
        pool = _camunda_assignee(r, el, eid, node)
    if ext is not None:
        _extensions(r, ext, eid, node)
    pool = pool_attr if pool_attr is not None else pool
    if pool:
        node["pool"] = True
    for attr in _FLAGS:
        value = flag(el.get(OC + attr))
        if value is not None:
            node[attr] = value
    if el.get(OC + "rejectTo"):
        node["rejectTo"] = el.get(OC + "rejectTo")
    _loops(r, el, eid, node, pool_attr)
    return node


def _camunda_assignee(r: Report, el: ET.Element, eid: str, node: dict[str, Any]) -> bool:
    """The rule from Camunda's attributes; whether they make the task a pool."""
    assignee = el.get(CAM + "assignee")
    users = [u.strip() for u in (el.get(CAM + "candidateUsers") or "").split(",")]
    users = [u for u in users if u]
    groups = [g.strip() for g in (el.get(CAM + "candidateGroups") or "").split(",")]
    groups = [g for g in groups if g]
    if assignee and not assignee.startswith("$") and not assignee.startswith("#"):
        node["assignee"] = {"kind": "users", "ids": [assignee]}
    elif assignee:
        r.warn(
            "BPMN_ASSIGNEE_EXPRESSION",
            _(
                "userTask '{eid}' has assignee expression {assignee}; set an "
                "assignee rule (oc:assignee) instead",
                eid=eid,
                assignee=repr(assignee),
            ),
            eid,
        )
    elif users:
        node["assignee"] = {"kind": "users", "ids": users}
        return True
    elif len(groups) == 1:
        node["assignee"] = {"kind": "role", "roleCode": groups[0]}
        return True
    elif groups:
        r.error(
            "BPMN_ASSIGNEE",
            _(
                "userTask '{eid}' has several candidate groups ({groups}); a node takes one role",
                eid=eid,
                groups=", ".join(groups),
            ),
            eid,
        )
    return False


def _extensions(r: Report, ext: ET.Element, eid: str, node: dict[str, Any]) -> None:
    for child in ext:
        ns, name = local(child.tag)
        if ns != NS["oc"]:
            continue
        if name == "fieldAccess":
            access = {}
            for f in child.findall(OC + "field"):
                path, value = f.get("path"), f.get("access")
                if path and value:
                    access[path] = value
            node["fieldAccess"] = access
        elif name == "deadline":
            node["deadline"] = _deadline(r, child, eid)
        elif name == "cc":
            rule = read_rule(r, child, eid)
            if rule is not None:
                node.setdefault("cc", []).append(rule)
        elif name != "assignee":
            r.warn(
                "BPMN_IGNORED",
                _("oc:{name} on userTask '{eid}' is ignored", name=name, eid=eid),
                eid,
            )


def _loops(
    r: Report, el: ET.Element, eid: str, node: dict[str, Any], pool_attr: bool | None
) -> None:
    """A multi-instance loop makes the task a countersign; other loops are refused."""
    loops = [c for c in el if local(c.tag)[1].endswith("LoopCharacteristics")]
    for loop in loops:
        if local(loop.tag)[1] != "multiInstanceLoopCharacteristics":
            r.error(
                "BPMN_UNSUPPORTED",
                _(
                    "userTask '{eid}' has {element}; only "
                    "multi-instance (countersign) is supported",
                    eid=eid,
                    element=local(loop.tag)[1],
                ),
                eid,
            )
            continue
        node["type"] = NodeType.COUNTERSIGN.value
        if pool_attr is None:  # candidate users/groups are voters here, not a pool
            node.pop("pool", None)
        cfg = _countersign(r, el, loop, eid)
        if cfg is not None:
            node["countersign"] = cfg


def _countersign(r: Report, el: ET.Element, loop: ET.Element, eid: str) -> dict[str, Any] | None:
    sequential = flag(loop.get("isSequential")) or False
    order = CountersignOrder.SEQUENTIAL if sequential else CountersignOrder.PARALLEL
    mode = el.get(OC + "countersignMode")
    share = el.get(OC + "share")
    cfg: dict[str, Any] = {"order": order.value}
    if mode is not None:
        cfg["mode"] = mode
        if share is not None:
            try:
                cfg["share"] = float(share)
            except ValueError:
                r.error(
                    "BPMN_ATTRIBUTE", _("userTask '{eid}': oc:share is not a number", eid=eid), eid
                )
        return cfg
    cond_el = loop.find(B + "completionCondition")
    cond = "".join((cond_el.text or "").split()) if cond_el is not None else ""
    if not cond:
        return cfg if sequential else None
    return _completion(r, cond, eid, cfg)


def _completion(r: Report, cond: str, eid: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """Camunda's completion condition as a countersign mode (we count approvals)."""
    m_any = re.fullmatch(r"\$\{nrOfCompletedInstances(>=|==)1\}", cond)
    m_share = re.fullmatch(r"\$\{nrOfCompletedInstances/nrOfInstances>=([0-9]*\.?[0-9]+)\}", cond)
    if m_any:
        cfg["mode"] = CountersignMode.ANY.value
    elif m_share:
        cfg["mode"] = CountersignMode.SHARE.value
        cfg["share"] = float(m_share.group(1))
    else:
        r.warn(
            "BPMN_COMPLETION_CONDITION",
            _(
                "userTask '{eid}': completionCondition {cond} is not "
                "understood; every voter must approve (mode all)",
                eid=eid,
                cond=repr(cond),
            ),
            eid,
        )
        return cfg
    r.warn(
        "BPMN_COMPLETION_CONDITION",
        _(
            "userTask '{eid}': completionCondition {cond} mapped to "
            "countersign mode {cfg_mode} (counting approvals)",
            eid=eid,
            cond=repr(cond),
            cfg_mode=cfg["mode"],
        ),
        eid,
    )
    return cfg


def read_rule(r: Report, el: ET.Element, eid: str) -> dict[str, Any] | None:
    """An ``oc:assignee`` or ``oc:escalateTo`` element as an assignee rule."""
    kind = el.get("kind")
    if kind == "users":
        ids = [u.get("id") or "" for u in el.findall(OC + "user")]
        return {"kind": "users", "ids": [i for i in ids if i]}
    if kind == "role":
        return {"kind": "role", "roleCode": el.get("roleCode") or ""}
    if kind == "org_unit_leader":
        return {"kind": "org_unit_leader", "orgUnitId": el.get("orgUnitId") or ""}
    if kind == "initiator_leader":
        try:
            levels = int(el.get("levelsUp") or "0")
        except ValueError:
            r.error("BPMN_ATTRIBUTE", _("node '{eid}': levelsUp is not an integer", eid=eid), eid)
            return None
        return {"kind": "initiator_leader", "levelsUp": levels}
    if kind == "previous_handler":
        return {"kind": "previous_handler"}
    if kind == "form_field":
        return {"kind": "form_field", "field": el.get("field") or ""}
    r.error(
        "BPMN_ASSIGNEE",
        _("node '{eid}': unknown assignee kind {kind}", eid=eid, kind=repr(kind)),
        eid,
    )
    return None


def _hours(text: str) -> float:
    """A number of hours; ValueError for text that is none (empty, "nan", "inf")."""
    hours = float(text)
    if not math.isfinite(hours):
        raise ValueError(text)
    return hours


def _deadline(r: Report, el: ET.Element, eid: str) -> dict[str, Any] | None:
    """``oc:deadline``: a deadline in working hours or days (or, from older exports, in
    hours; those are boundary timers now)."""
    out: dict[str, Any] = {}
    try:
        if (days := el.get("workingDays")) is not None:
            out["workingDays"] = int(days)
        elif (working := el.get("workingHours")) is not None:
            out["workingHours"] = _hours(working)
        else:
            out["hours"] = _hours(el.get("hours") or "")
        if (remind := el.get("remindBeforeHours")) is not None:
            out["remindBeforeHours"] = _hours(remind)
    except ValueError:
        r.error("BPMN_ATTRIBUTE", _("node '{eid}': deadline hours are not numbers", eid=eid), eid)
    if el.get("onTimeout"):
        out["onTimeout"] = el.get("onTimeout")
    esc = el.find(OC + "escalateTo")
    if esc is not None:
        rule = read_rule(r, esc, eid)
        if rule is not None:
            out["escalateTo"] = rule
    return out
