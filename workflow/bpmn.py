"""BPMN 2.0 XML import and export of the supported subset (bpmn-js / Camunda Modeler).

Mapping (import and export)::

    bpmn:startEvent (no event definition)         start
    bpmn:endEvent (terminateEventDefinition opt.)  end (terminate)
    bpmn:userTask                                  task
    bpmn:userTask + multiInstanceLoopCharacteristics
                                                   countersign (isSequential -> order)
    bpmn:task (untyped)                            task, with a warning
    bpmn:exclusiveGateway (default attribute)      exclusive_gateway (default transition)
    bpmn:parallelGateway                           parallel_gateway
    bpmn:sequenceFlow + conditionExpression        transition with a CEL condition

Assignees and node options live in our namespace ``https://officecloud.example/bpmn``
(prefix ``oc``): ``<oc:assignee kind=... roleCode=... orgUnitId=... levelsUp=...
field=...><oc:user id=.../></oc:assignee>``, ``<oc:fieldAccess><oc:field path access/>``,
``<oc:deadline hours remindBeforeHours onTimeout><oc:escalateTo kind=.../></oc:deadline>``
inside ``extensionElements``, and attributes ``oc:pool oc:allocateNumber oc:archives
oc:allowReturn oc:allowDelegate oc:allowAddSigner oc:rejectTo oc:countersignMode oc:share`` on
the task.
Without ``oc:assignee`` the Camunda attributes are read: ``camunda:assignee`` (a literal user
id) -> users, ``camunda:candidateUsers`` -> users + pool, ``camunda:candidateGroups`` (one
group) -> role + pool. A multi-instance ``completionCondition`` of the form
``${nrOfCompletedInstances >= 1}`` maps to mode any and ``${nrOfCompletedInstances /
nrOfInstances >= 0.6}`` to share 0.6 (our engine counts approvals, Camunda completions).
Export writes both (Camunda attributes where a rule has a Camunda equivalent).

Everything else (subProcess, callActivity, script/service/send/receive/business rule/manual
tasks, inclusive/event-based/complex gateways, intermediate and boundary events, event
definitions on start/end, messages, signals, message flows, data objects, lanes, annotations,
...) is reported as a :class:`~workflow.validation.Problem` with its id and tag: an error when
it changes behaviour, a warning when it is only drawing (lanes, annotations, groups,
documentation, data objects). Import returns a definition only when there is no error; run
:func:`workflow.validation.validate` on it before publishing.

Parsing refuses DTDs and entity declarations (so no XXE or entity expansion) and inputs over
:data:`MAX_BPMN_BYTES`; it uses defusedxml when installed, the stdlib parser otherwise.
Export adds a ``bpmndi:BPMNDiagram`` with a simple layered layout so the file opens in bpmn-js
and Camunda Modeler.
"""

from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pydantic import ValidationError

from .definition import (
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
from .validation import Problem

_safe_fromstring: Any
try:  # pragma: no cover - depends on the environment
    _safe_fromstring = importlib.import_module("defusedxml.ElementTree").fromstring
except ImportError:  # pragma: no cover
    _safe_fromstring = None

__all__ = ["MAX_BPMN_BYTES", "NS", "export_bpmn", "import_bpmn"]

MAX_BPMN_BYTES = 5 * 1024 * 1024

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "oc": "https://officecloud.example/bpmn",
}
_B = "{" + NS["bpmn"] + "}"
_OC = "{" + NS["oc"] + "}"
_CAM = "{" + NS["camunda"] + "}"
_XSI = "{" + NS["xsi"] + "}"

_UNSUPPORTED_FLOW = {
    "subProcess",
    "adHocSubProcess",
    "transaction",
    "callActivity",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "manualTask",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "choreographyTask",
    "implicitThrowEvent",
}
_COSMETIC = {
    "laneSet",
    "textAnnotation",
    "association",
    "group",
    "documentation",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "dataInputAssociation",
    "dataOutputAssociation",
    "category",
}
_CEL_LANGUAGES = {None, "", "cel", "CEL", "https://github.com/google/cel-spec"}


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


_PREFIX = {uri: prefix for prefix, uri in NS.items()}


def _qname(tag: str) -> str:
    ns, name = _local(tag)
    return f"{_PREFIX[ns]}:{name}" if ns in _PREFIX else (f"{{{ns}}}{name}" if ns else name)


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() in ("true", "1", "yes")


# ============================================================================ import


@dataclass
class _Importer:
    problems: list[Problem] = field(default_factory=list)

    def error(self, code: str, message: str, node_id: str | None = None, tr: str | None = None):
        self.problems.append(Problem(code, message, node_id, tr, "error"))

    def warn(self, code: str, message: str, node_id: str | None = None, tr: str | None = None):
        self.problems.append(Problem(code, message, node_id, tr, "warning"))

    def unsupported(self, el: ET.Element, where: str, cosmetic: bool = False) -> None:
        _, name = _local(el.tag)
        eid = el.get("id")
        label = f"{name} '{eid}'" if eid else name
        if cosmetic:
            self.warn("BPMN_IGNORED", f"{label} ({_qname(el.tag)}) in {where} is ignored", eid)
        else:
            self.error(
                "BPMN_UNSUPPORTED", f"{label} ({_qname(el.tag)}) in {where} is not supported", eid
            )

    # ------------------------------------------------------------------ entry
    def run(self, xml: str | bytes) -> FlowDefinition | None:
        root = self.parse(xml)
        if root is None:
            return None
        if root.tag != _B + "definitions":
            self.error("BPMN_PARSE", f"root element is {root.tag}, not bpmn:definitions")
            return None
        processes = []
        for child in root:
            ns, name = _local(child.tag)
            if ns == NS["bpmn"] and name == "process":
                processes.append(child)
            elif ns == NS["bpmndi"] and name == "BPMNDiagram":
                continue
            elif ns == NS["bpmn"] and name == "collaboration":
                self.collaboration(child)
            elif name in ("documentation", "extensionElements", "category"):
                self.unsupported(child, "definitions", cosmetic=True)
            else:
                self.unsupported(child, "definitions")
        if not processes:
            self.error("BPMN_NO_PROCESS", "the file has no bpmn:process")
            return None
        for extra in processes[1:]:
            self.error(
                "BPMN_UNSUPPORTED",
                f"process '{extra.get('id')}' is a second process; only one is supported",
                extra.get("id"),
            )
        defn = self.process(processes[0])
        if any(p.severity == "error" for p in self.problems):
            return None
        return defn

    def parse(self, xml: str | bytes) -> ET.Element | None:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        if len(data) > MAX_BPMN_BYTES:
            self.error("BPMN_PARSE", f"the file is larger than {MAX_BPMN_BYTES} bytes")
            return None
        if re.search(rb"<!\s*(DOCTYPE|ENTITY)", data, re.IGNORECASE):
            self.error("BPMN_PARSE", "DTDs and entity declarations are not allowed")
            return None
        try:
            if _safe_fromstring is not None:
                return _safe_fromstring(data, forbid_dtd=True, forbid_entities=True)
            return ET.fromstring(data)  # noqa: S314 - DOCTYPE/ENTITY refused above
        except Exception as exc:
            self.error("BPMN_PARSE", f"not well-formed XML: {exc}")
            return None

    def collaboration(self, el: ET.Element) -> None:
        for child in el:
            _, name = _local(child.tag)
            if name == "participant":
                self.warn(
                    "BPMN_IGNORED",
                    f"participant (pool) '{child.get('id')}' is ignored; its process is imported",
                    child.get("id"),
                )
            else:
                self.unsupported(child, f"collaboration '{el.get('id')}'", name in _COSMETIC)

    # ------------------------------------------------------------------ process
    def process(self, proc: ET.Element) -> FlowDefinition | None:
        nodes: list[dict[str, Any]] = []
        flows: list[dict[str, Any]] = []
        defaults: dict[str, str] = {}
        where = f"process '{proc.get('id')}'"
        for el in proc:
            ns, name = _local(el.tag)
            if ns != NS["bpmn"]:
                if name != "extensionElements":
                    self.unsupported(el, where, cosmetic=True)
                continue
            eid = el.get("id") or ""
            if name in ("documentation", "extensionElements"):
                if name == "documentation":
                    self.unsupported(el, where, cosmetic=True)
                continue
            if name == "sequenceFlow":
                flow = self.sequence_flow(el)
                if flow is not None:
                    flows.append(flow)
                continue
            if not eid:
                self.error("BPMN_MISSING_ID", f"a {name} in {where} has no id")
                continue
            if name == "startEvent":
                self.event_definitions(el, allowed=())
                nodes.append(self.base(el, NodeType.START))
            elif name == "endEvent":
                terminate = self.event_definitions(el, allowed=("terminateEventDefinition",))
                node = self.base(el, NodeType.END)
                if terminate:
                    node["terminate"] = True
                nodes.append(node)
            elif name in ("userTask", "task"):
                if name == "task":
                    self.warn(
                        "BPMN_UNTYPED_TASK",
                        f"task '{eid}' has no type; imported as a user task",
                        eid,
                    )
                nodes.append(self.user_task(el))
            elif name == "exclusiveGateway":
                nodes.append(self.base(el, NodeType.EXCLUSIVE_GATEWAY))
                if el.get("default"):
                    defaults[eid] = el.get("default") or ""
            elif name == "parallelGateway":
                nodes.append(self.base(el, NodeType.PARALLEL_GATEWAY))
            elif name in _COSMETIC:
                self.unsupported(el, where, cosmetic=True)
            else:
                self.unsupported(el, where)
        flow_ids = {f["id"] for f in flows}
        for gw, flow_id in defaults.items():
            if flow_id not in flow_ids:
                self.error(
                    "BPMN_BAD_DEFAULT",
                    f"exclusive gateway '{gw}' names default flow '{flow_id}', which is not a "
                    "sequence flow of the process",
                    gw,
                )
        for f in flows:
            if defaults.get(f["source"]) == f["id"]:
                f["default"] = True
        data: dict[str, Any] = {
            "id": proc.get("id") or "flow",
            "nodes": nodes,
            "transitions": flows,
        }
        if proc.get("name"):
            data["name"] = proc.get("name")
        try:
            return FlowDefinition.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err.get("loc", ()))
                self.error("SCHEMA", f"{loc}: {err.get('msg')}")
            return None

    def base(self, el: ET.Element, type_: NodeType) -> dict[str, Any]:
        node: dict[str, Any] = {"id": el.get("id"), "type": type_.value}
        if el.get("name"):
            node["name"] = el.get("name")
        where = f"node '{el.get('id')}'"
        for child in el:
            ns, name = _local(child.tag)
            if ns != NS["bpmn"]:
                self.unsupported(child, where, cosmetic=True)
            elif name == "extensionElements":
                for ext in child:
                    if _local(ext.tag)[0] == NS["oc"] and type_ is NodeType.TASK:
                        continue  # read by user_task
                    self.warn(
                        "BPMN_IGNORED",
                        f"extension {_qname(ext.tag)} on {where} is ignored",
                        el.get("id"),
                    )
            elif not (
                name in ("incoming", "outgoing")
                or name.endswith("EventDefinition")  # checked by event_definitions
                or (name.endswith("LoopCharacteristics") and type_ is NodeType.TASK)
            ):
                self.unsupported(child, where, cosmetic=name in _COSMETIC)
        return node

    def event_definitions(self, el: ET.Element, allowed: tuple[str, ...]) -> bool:
        found = False
        for child in el:
            _, name = _local(child.tag)
            if name.endswith("EventDefinition"):
                if name in allowed:
                    found = True
                else:
                    self.error(
                        "BPMN_UNSUPPORTED",
                        f"{_local(el.tag)[1]} '{el.get('id')}' has a {name} (only plain start "
                        "and plain or terminate end events are supported)",
                        el.get("id"),
                    )
        return found

    def sequence_flow(self, el: ET.Element) -> dict[str, Any] | None:
        fid = el.get("id")
        if not fid:
            self.error("BPMN_MISSING_ID", "a sequenceFlow has no id")
            return None
        flow: dict[str, Any] = {
            "id": fid,
            "source": el.get("sourceRef") or "",
            "target": el.get("targetRef") or "",
        }
        if el.get("name"):
            flow["name"] = el.get("name")
        cond = el.find(_B + "conditionExpression")
        if cond is not None:
            language = cond.get("language")
            text = (cond.text or "").strip()
            if language not in _CEL_LANGUAGES:
                self.error(
                    "BPMN_EXPRESSION_LANGUAGE",
                    f"sequence flow '{fid}' uses expression language '{language}'; conditions "
                    "are CEL over form and doc",
                    tr=fid,
                )
            elif text.startswith("${") and text.endswith("}"):
                self.warn(
                    "BPMN_JUEL",
                    f"sequence flow '{fid}' has a JUEL/UEL condition {text!r}; rewrite it in "
                    "CEL, e.g. form.amount > 10000",
                    tr=fid,
                )
            if text:
                flow["condition"] = text
        return flow

    # ------------------------------------------------------------------ user tasks
    def user_task(self, el: ET.Element) -> dict[str, Any]:
        eid = el.get("id") or ""
        node = self.base(el, NodeType.TASK)
        ext = el.find(_B + "extensionElements")
        oc_assignee = ext.find(_OC + "assignee") if ext is not None else None
        pool_attr = _bool(el.get(_OC + "pool"))
        pool = False
        if oc_assignee is not None:
            rule = self.rule(oc_assignee, eid)
            if rule is not None:
                node["assignee"] = rule
        else:
            assignee = el.get(_CAM + "assignee")
            users = [u.strip() for u in (el.get(_CAM + "candidateUsers") or "").split(",")]
            users = [u for u in users if u]
            groups = [g.strip() for g in (el.get(_CAM + "candidateGroups") or "").split(",")]
            groups = [g for g in groups if g]
            if assignee and not assignee.startswith("$") and not assignee.startswith("#"):
                node["assignee"] = {"kind": "users", "ids": [assignee]}
            elif assignee:
                self.warn(
                    "BPMN_ASSIGNEE_EXPRESSION",
                    f"userTask '{eid}' has assignee expression {assignee!r}; set an assignee "
                    "rule (oc:assignee) instead",
                    eid,
                )
            elif users:
                node["assignee"] = {"kind": "users", "ids": users}
                pool = True
            elif len(groups) == 1:
                node["assignee"] = {"kind": "role", "roleCode": groups[0]}
                pool = True
            elif groups:
                self.error(
                    "BPMN_ASSIGNEE",
                    f"userTask '{eid}' has several candidate groups ({', '.join(groups)}); a "
                    "node takes one role",
                    eid,
                )
        if ext is not None:
            for child in ext:
                ns, name = _local(child.tag)
                if ns != NS["oc"]:
                    continue
                if name == "fieldAccess":
                    access = {}
                    for f in child.findall(_OC + "field"):
                        path, value = f.get("path"), f.get("access")
                        if path and value:
                            access[path] = value
                    node["fieldAccess"] = access
                elif name == "deadline":
                    node["deadline"] = self.deadline(child, eid)
                elif name != "assignee":
                    self.warn("BPMN_IGNORED", f"oc:{name} on userTask '{eid}' is ignored", eid)
        pool = pool_attr if pool_attr is not None else pool
        if pool:
            node["pool"] = True
        for attr, key in (
            ("allocateNumber", "allocateNumber"),
            ("archives", "archives"),
            ("allowReturn", "allowReturn"),
            ("allowDelegate", "allowDelegate"),
            ("allowAddSigner", "allowAddSigner"),
        ):
            flag = _bool(el.get(_OC + attr))
            if flag is not None:
                node[key] = flag
        if el.get(_OC + "rejectTo"):
            node["rejectTo"] = el.get(_OC + "rejectTo")
        loops = [c for c in el if _local(c.tag)[1].endswith("LoopCharacteristics")]
        for loop in loops:
            if _local(loop.tag)[1] != "multiInstanceLoopCharacteristics":
                self.error(
                    "BPMN_UNSUPPORTED",
                    f"userTask '{eid}' has {_local(loop.tag)[1]}; only multi-instance "
                    "(countersign) is supported",
                    eid,
                )
                continue
            node["type"] = NodeType.COUNTERSIGN.value
            if pool_attr is None:  # candidate users/groups are voters here, not a pool
                node.pop("pool", None)
            cfg = self.countersign(el, loop, eid)
            if cfg is not None:
                node["countersign"] = cfg
        return node

    def countersign(self, el: ET.Element, loop: ET.Element, eid: str) -> dict[str, Any] | None:
        sequential = _bool(loop.get("isSequential")) or False
        order = CountersignOrder.SEQUENTIAL if sequential else CountersignOrder.PARALLEL
        mode = el.get(_OC + "countersignMode")
        share = el.get(_OC + "share")
        cfg: dict[str, Any] = {"order": order.value}
        if mode is not None:
            cfg["mode"] = mode
            if share is not None:
                try:
                    cfg["share"] = float(share)
                except ValueError:
                    self.error("BPMN_ATTRIBUTE", f"userTask '{eid}': oc:share is not a number", eid)
            return cfg
        cond_el = loop.find(_B + "completionCondition")
        cond = "".join((cond_el.text or "").split()) if cond_el is not None else ""
        if not cond:
            return cfg if sequential else None
        m_any = re.fullmatch(r"\$\{nrOfCompletedInstances(>=|==)1\}", cond)
        m_share = re.fullmatch(
            r"\$\{nrOfCompletedInstances/nrOfInstances>=([0-9]*\.?[0-9]+)\}", cond
        )
        if m_any:
            cfg["mode"] = CountersignMode.ANY.value
        elif m_share:
            cfg["mode"] = CountersignMode.SHARE.value
            cfg["share"] = float(m_share.group(1))
        else:
            self.warn(
                "BPMN_COMPLETION_CONDITION",
                f"userTask '{eid}': completionCondition {cond!r} is not understood; every "
                "voter must approve (mode all)",
                eid,
            )
            return cfg
        self.warn(
            "BPMN_COMPLETION_CONDITION",
            f"userTask '{eid}': completionCondition {cond!r} mapped to countersign mode "
            f"{cfg['mode']} (counting approvals)",
            eid,
        )
        return cfg

    def rule(self, el: ET.Element, eid: str) -> dict[str, Any] | None:
        kind = el.get("kind")
        if kind == "users":
            ids = [u.get("id") or "" for u in el.findall(_OC + "user")]
            return {"kind": "users", "ids": [i for i in ids if i]}
        if kind == "role":
            return {"kind": "role", "roleCode": el.get("roleCode") or ""}
        if kind == "org_unit_leader":
            return {"kind": "org_unit_leader", "orgUnitId": el.get("orgUnitId") or ""}
        if kind == "initiator_leader":
            try:
                levels = int(el.get("levelsUp") or "0")
            except ValueError:
                self.error("BPMN_ATTRIBUTE", f"node '{eid}': levelsUp is not an integer", eid)
                return None
            return {"kind": "initiator_leader", "levelsUp": levels}
        if kind == "previous_handler":
            return {"kind": "previous_handler"}
        if kind == "form_field":
            return {"kind": "form_field", "field": el.get("field") or ""}
        self.error("BPMN_ASSIGNEE", f"node '{eid}': unknown assignee kind {kind!r}", eid)
        return None

    def deadline(self, el: ET.Element, eid: str) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        try:
            out["hours"] = float(el.get("hours") or "nan")
            if el.get("remindBeforeHours") is not None:
                out["remindBeforeHours"] = float(el.get("remindBeforeHours") or "nan")
        except ValueError:
            self.error("BPMN_ATTRIBUTE", f"node '{eid}': deadline hours are not numbers", eid)
        if el.get("onTimeout"):
            out["onTimeout"] = el.get("onTimeout")
        esc = el.find(_OC + "escalateTo")
        if esc is not None:
            rule = self.rule(esc, eid)
            if rule is not None:
                out["escalateTo"] = rule
        return out


def import_bpmn(xml: str | bytes) -> tuple[FlowDefinition | None, list[Problem]]:
    """Parse BPMN 2.0 XML. Returns (definition or None when there is an error, problems)."""
    imp = _Importer()
    defn = imp.run(xml)
    return defn, imp.problems


# ============================================================================ export


@dataclass
class _El:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_El] = field(default_factory=list)
    text: str | None = None

    def add(self, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> _El:
        child = _El(tag, attrs or {}, [], text)
        self.children.append(child)
        return child

    def write(self, out: list[str], indent: int) -> None:
        pad = "  " * indent
        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())
        if not self.children and self.text is None:
            out.append(f"{pad}<{self.tag}{attrs} />")
            return
        if not self.children:
            out.append(f"{pad}<{self.tag}{attrs}>{escape(self.text or '')}</{self.tag}>")
            return
        out.append(f"{pad}<{self.tag}{attrs}>")
        for c in self.children:
            c.write(out, indent + 1)
        out.append(f"{pad}</{self.tag}>")


_SIZES = {
    NodeType.START: (36, 36),
    NodeType.END: (36, 36),
    NodeType.TASK: (100, 80),
    NodeType.COUNTERSIGN: (100, 80),
    NodeType.EXCLUSIVE_GATEWAY: (50, 50),
    NodeType.PARALLEL_GATEWAY: (50, 50),
}
_TAGS = {
    NodeType.START: "bpmn:startEvent",
    NodeType.END: "bpmn:endEvent",
    NodeType.TASK: "bpmn:userTask",
    NodeType.COUNTERSIGN: "bpmn:userTask",
    NodeType.EXCLUSIVE_GATEWAY: "bpmn:exclusiveGateway",
    NodeType.PARALLEL_GATEWAY: "bpmn:parallelGateway",
}


def _fmt(x: float) -> str:
    return repr(float(x)) if x != int(x) else str(int(x))


def _rule_el(tag: str, rule: Any) -> _El:
    el = _El(tag, {"kind": rule.kind})
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


def _layout(defn: FlowDefinition) -> dict[str, tuple[float, float]]:
    """Centre points: columns by longest path from the start (back edges ignored), rows in
    order of appearance within a column."""
    ids = [n.id for n in defn.nodes]
    succ: dict[str, list[str]] = {i: [] for i in ids}
    for t in defn.transitions:
        if t.source in succ and t.target in succ:
            succ[t.source].append(t.target)
    # DFS to find back edges
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}
    roots = [n.id for n in defn.nodes if n.type is NodeType.START] + ids
    for root in roots:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            v, i = stack.pop()
            if i < len(succ[v]):
                stack.append((v, i + 1))
                w = succ[v][i]
                if state.get(w) == 1:
                    back.add((v, w))
                elif w not in state:
                    state[w] = 1
                    stack.append((w, 0))
            else:
                state[v] = 2
    indeg = {i: 0 for i in ids}
    for v in ids:
        for w in succ[v]:
            if (v, w) not in back:
                indeg[w] += 1
    layer = {i: 0 for i in ids}
    queue = [i for i in ids if indeg[i] == 0]
    while queue:
        v = queue.pop(0)
        for w in succ[v]:
            if (v, w) in back:
                continue
            layer[w] = max(layer[w], layer[v] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    rows: dict[int, int] = {}
    pos: dict[str, tuple[float, float]] = {}
    for nid in ids:
        col = layer[nid]
        row = rows.get(col, 0)
        rows[col] = row + 1
        pos[nid] = (150.0 + col * 170.0, 120.0 + row * 130.0)
    return pos


def export_bpmn(defn: FlowDefinition) -> str:
    """BPMN 2.0 XML with Camunda attributes, our extensions and a diagram."""
    root = _El(
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
    proc = root.add("bpmn:process", proc_attrs)
    for node in defn.nodes:
        proc.children.append(_node_el(defn, node))
    for t in defn.transitions:
        attrs = {"id": t.id, "sourceRef": t.source, "targetRef": t.target}
        if t.name:
            attrs["name"] = t.name
        flow = proc.add("bpmn:sequenceFlow", attrs)
        if t.condition:
            flow.add(
                "bpmn:conditionExpression", {"xsi:type": "bpmn:tFormalExpression"}, t.condition
            )
    _diagram(root, defn)
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    root.write(out, 0)
    return "\n".join(out) + "\n"


def _node_el(defn: FlowDefinition, node: Node) -> _El:
    attrs = {"id": node.id}
    if node.name:
        attrs["name"] = node.name
    el = _El(_TAGS[node.type], attrs)
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


def _task_attrs(node: Node, el: _El) -> None:
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
    cfg = node.countersign
    if cfg is not None:
        el.attrs["oc:countersignMode"] = cfg.mode.value
        if cfg.share is not None:
            el.attrs["oc:share"] = repr(cfg.share)
    ext: list[_El] = []
    if rule is not None:
        ext.append(_rule_el("oc:assignee", rule))
    if node.field_access:
        fa = _El("oc:fieldAccess")
        for path, access in node.field_access.items():
            fa.add("oc:field", {"path": path, "access": FieldAccess(access).value})
        ext.append(fa)
    if node.deadline is not None:
        ext.append(_deadline_el(node.deadline))
    if ext:
        el.children.insert(0, _El("bpmn:extensionElements", {}, ext))


def _deadline_el(dl: Deadline) -> _El:
    el = _El("oc:deadline", {"hours": repr(dl.hours)})
    if dl.remind_before_hours is not None:
        el.attrs["remindBeforeHours"] = repr(dl.remind_before_hours)
    if dl.on_timeout is not TimeoutAction.NONE:
        el.attrs["onTimeout"] = dl.on_timeout.value
    if dl.escalate_to is not None:
        el.children.append(_rule_el("oc:escalateTo", dl.escalate_to))
    return el


def _diagram(root: _El, defn: FlowDefinition) -> None:
    pos = _layout(defn)
    diagram = root.add("bpmndi:BPMNDiagram", {"id": f"BPMNDiagram_{defn.id}"})
    plane = diagram.add("bpmndi:BPMNPlane", {"id": f"BPMNPlane_{defn.id}", "bpmnElement": defn.id})
    sizes = {n.id: _SIZES[n.type] for n in defn.nodes}
    for node in defn.nodes:
        cx, cy = pos[node.id]
        w, h = sizes[node.id]
        attrs = {"id": f"{node.id}_di", "bpmnElement": node.id}
        if node.type is NodeType.EXCLUSIVE_GATEWAY:
            attrs["isMarkerVisible"] = "true"
        shape = plane.add("bpmndi:BPMNShape", attrs)
        shape.add(
            "dc:Bounds",
            {"x": _fmt(cx - w / 2), "y": _fmt(cy - h / 2), "width": _fmt(w), "height": _fmt(h)},
        )
    bottom = max((y for _, y in pos.values()), default=0.0) + 100.0
    for t in defn.transitions:
        if t.source not in pos or t.target not in pos:
            continue
        edge = plane.add("bpmndi:BPMNEdge", {"id": f"{t.id}_di", "bpmnElement": t.id})
        for x, y in _waypoints(
            pos[t.source], sizes[t.source], pos[t.target], sizes[t.target], bottom
        ):
            edge.add("di:waypoint", {"x": _fmt(x), "y": _fmt(y)})


def _waypoints(
    src: tuple[float, float],
    ssize: tuple[int, int],
    dst: tuple[float, float],
    dsize: tuple[int, int],
    bottom: float,
) -> Iterable[tuple[float, float]]:
    (sx, sy), (tx, ty) = src, dst
    if tx > sx:
        start = (sx + ssize[0] / 2, sy)
        end = (tx - dsize[0] / 2, ty)
        if sy == ty:
            return [start, end]
        mid = (start[0] + end[0]) / 2
        return [start, (mid, sy), (mid, ty), end]
    # backwards or same column: route below everything
    start = (sx, sy + ssize[1] / 2)
    end = (tx, ty + dsize[1] / 2)
    return [start, (sx, bottom), (tx, bottom), end]
