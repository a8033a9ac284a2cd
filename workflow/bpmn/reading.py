"""Reading BPMN 2.0 XML into a definition: the supported elements of one process, each
unsupported one reported by id and tag (see the package docstring)."""

from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as ET
from typing import Any

from pydantic import ValidationError

from i18n import _
from workflow.definition import FlowDefinition, NodeType
from workflow.validation import Problem

from .names import NS, OC, B, flag, local, qname
from .report import Report
from .tasks import user_task
from .timers import attach_timers

_safe_fromstring: Any
try:  # pragma: no cover - depends on the environment
    _safe_fromstring = importlib.import_module("defusedxml.ElementTree").fromstring
except ImportError:  # pragma: no cover
    _safe_fromstring = None

__all__ = ["MAX_BPMN_BYTES", "import_bpmn"]

MAX_BPMN_BYTES = 5 * 1024 * 1024

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


def import_bpmn(xml: str | bytes) -> tuple[FlowDefinition | None, list[Problem]]:
    """Parse BPMN 2.0 XML. Returns (definition or None when there is an error, problems)."""
    imp = _Importer()
    defn = imp.run(xml)
    return defn, imp.problems


class _Importer(Report):
    def run(self, xml: str | bytes) -> FlowDefinition | None:
        root = self.parse(xml)
        if root is None:
            return None
        if root.tag != B + "definitions":
            self.error("BPMN_PARSE", _("root element is {tag}, not bpmn:definitions", tag=root.tag))
            return None
        processes = []
        for child in root:
            ns, name = local(child.tag)
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
            self.error("BPMN_NO_PROCESS", _("the file has no bpmn:process"))
            return None
        for extra in processes[1:]:
            self.error(
                "BPMN_UNSUPPORTED",
                _(
                    "process '{id}' is a second process; only one is supported",
                    id=extra.get("id"),
                ),
                extra.get("id"),
            )
        defn = self.process(processes[0])
        return None if self.failed else defn

    def parse(self, xml: str | bytes) -> ET.Element | None:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        if len(data) > MAX_BPMN_BYTES:
            self.error(
                "BPMN_PARSE",
                _("the file is larger than {MAX_BPMN_BYTES} bytes", MAX_BPMN_BYTES=MAX_BPMN_BYTES),
            )
            return None
        if re.search(rb"<!\s*(DOCTYPE|ENTITY)", data, re.IGNORECASE):
            self.error("BPMN_PARSE", _("DTDs and entity declarations are not allowed"))
            return None
        try:
            if _safe_fromstring is not None:
                return _safe_fromstring(data, forbid_dtd=True, forbid_entities=True)
            return ET.fromstring(data)  # noqa: S314 - DOCTYPE/ENTITY refused above
        except Exception as exc:
            self.error("BPMN_PARSE", _("not well-formed XML: {exc}", exc=exc))
            return None

    def collaboration(self, el: ET.Element) -> None:
        for child in el:
            _ns, name = local(child.tag)
            if name == "participant":
                self.warn(
                    "BPMN_IGNORED",
                    _(
                        "participant (pool) '{id}' is ignored; its process is imported",
                        id=child.get("id"),
                    ),
                    child.get("id"),
                )
            else:
                self.unsupported(child, f"collaboration '{el.get('id')}'", name in _COSMETIC)

    def process(self, proc: ET.Element) -> FlowDefinition | None:
        nodes: list[dict[str, Any]] = []
        flows: list[dict[str, Any]] = []
        boundaries: list[ET.Element] = []
        defaults: dict[str, str] = {}
        where = f"process '{proc.get('id')}'"
        for el in proc:
            ns, name = local(el.tag)
            if ns != NS["bpmn"]:
                if name != "extensionElements":
                    self.unsupported(el, where, cosmetic=True)
            elif name == "documentation":
                self.unsupported(el, where, cosmetic=True)
            elif name == "extensionElements":
                continue
            elif name == "sequenceFlow":
                flow = self.sequence_flow(el)
                if flow is not None:
                    flows.append(flow)
            elif not el.get("id"):
                self.error(
                    "BPMN_MISSING_ID", _("a {name} in {where} has no id", name=name, where=where)
                )
            elif name == "boundaryEvent":
                boundaries.append(el)
            else:
                node = self.flow_node(el, name, where)
                if node is not None:
                    nodes.append(node)
                if name == "exclusiveGateway" and el.get("default"):
                    defaults[el.get("id") or ""] = el.get("default") or ""
        self.mark_defaults(flows, defaults)
        attach_timers(self, boundaries, nodes, flows)
        return self.definition(proc, nodes, flows)

    def flow_node(self, el: ET.Element, name: str, where: str) -> dict[str, Any] | None:
        """The node dict of a start, end, task or gateway element, else None (reported)."""
        if name == "startEvent":
            self.event_definitions(el, allowed=())
            return self.base(el, NodeType.START)
        if name == "endEvent":
            terminate = self.event_definitions(el, allowed=("terminateEventDefinition",))
            node = self.base(el, NodeType.END)
            if terminate:
                node["terminate"] = True
            return node
        if name in ("userTask", "task"):
            if name == "task":
                self.warn(
                    "BPMN_UNTYPED_TASK",
                    _(
                        "task '{id}' has no type; imported as a user task",
                        id=el.get("id"),
                    ),
                    el.get("id"),
                )
            return user_task(self, el, self.base(el, NodeType.TASK))
        if name == "exclusiveGateway":
            return self.base(el, NodeType.EXCLUSIVE_GATEWAY)
        if name == "parallelGateway":
            return self.base(el, NodeType.PARALLEL_GATEWAY)
        self.unsupported(el, where, cosmetic=name in _COSMETIC)
        return None

    def mark_defaults(self, flows: list[dict[str, Any]], defaults: dict[str, str]) -> None:
        """Each exclusive gateway's ``default`` flow becomes a default transition."""
        flow_ids = {f["id"] for f in flows}
        for gw, flow_id in defaults.items():
            if flow_id not in flow_ids:
                self.error(
                    "BPMN_BAD_DEFAULT",
                    _(
                        "exclusive gateway '{gw}' names default flow '{flow_id}', "
                        "which is not a sequence flow of the process",
                        gw=gw,
                        flow_id=flow_id,
                    ),
                    gw,
                )
        for f in flows:
            if defaults.get(f["source"]) == f["id"]:
                f["default"] = True

    def definition(
        self, proc: ET.Element, nodes: list[dict[str, Any]], flows: list[dict[str, Any]]
    ) -> FlowDefinition | None:
        data: dict[str, Any] = {
            "id": proc.get("id") or "flow",
            "nodes": nodes,
            "transitions": flows,
        }
        if proc.get("name"):
            data["name"] = proc.get("name")
        if flag(proc.get(OC + "separateDuties")):
            data["separateDuties"] = True
        try:
            return FlowDefinition.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err.get("loc", ()))
                self.error("SCHEMA", _("{loc}: {problem}", loc=loc, problem=err.get("msg")))
            return None

    def base(self, el: ET.Element, type_: NodeType) -> dict[str, Any]:
        node: dict[str, Any] = {"id": el.get("id"), "type": type_.value}
        if el.get("name"):
            node["name"] = el.get("name")
        where = f"node '{el.get('id')}'"
        for child in el:
            ns, name = local(child.tag)
            if ns != NS["bpmn"]:
                self.unsupported(child, where, cosmetic=True)
            elif name == "extensionElements":
                for ext in child:
                    if local(ext.tag)[0] == NS["oc"] and type_ is NodeType.TASK:
                        continue  # read by user_task
                    self.warn(
                        "BPMN_IGNORED",
                        _(
                            "extension {qname} on {where} is ignored",
                            qname=qname(ext.tag),
                            where=where,
                        ),
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
            _ns, name = local(child.tag)
            if name.endswith("EventDefinition"):
                if name in allowed:
                    found = True
                else:
                    self.error(
                        "BPMN_UNSUPPORTED",
                        _(
                            "{element} '{id}' has a {name} (only plain "
                            "start and plain or terminate end events are supported)",
                            element=local(el.tag)[1],
                            id=el.get("id"),
                            name=name,
                        ),
                        el.get("id"),
                    )
        return found

    def sequence_flow(self, el: ET.Element) -> dict[str, Any] | None:
        fid = el.get("id")
        if not fid:
            self.error("BPMN_MISSING_ID", _("a sequenceFlow has no id"))
            return None
        flow: dict[str, Any] = {
            "id": fid,
            "source": el.get("sourceRef") or "",
            "target": el.get("targetRef") or "",
        }
        if el.get("name"):
            flow["name"] = el.get("name")
        cond = el.find(B + "conditionExpression")
        if cond is not None:
            language = cond.get("language")
            text = (cond.text or "").strip()
            if language not in _CEL_LANGUAGES:
                self.error(
                    "BPMN_EXPRESSION_LANGUAGE",
                    _(
                        "sequence flow '{fid}' uses expression language "
                        "'{language}'; conditions are CEL over form and doc",
                        fid=fid,
                        language=language,
                    ),
                    tr=fid,
                )
            elif text.startswith("${") and text.endswith("}"):
                self.warn(
                    "BPMN_JUEL",
                    _(
                        "sequence flow '{fid}' has a JUEL/UEL condition {text}; "
                        "rewrite it in CEL, e.g. form.amount > 10000",
                        fid=fid,
                        text=repr(text),
                    ),
                    tr=fid,
                )
            if text:
                flow["condition"] = text
        return flow
