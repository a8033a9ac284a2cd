"""The XML namespaces of BPMN 2.0, its diagram interchange, Camunda and ours, and helpers for
qualified names."""

from __future__ import annotations

__all__ = ["CAM", "NS", "OC", "B", "flag", "local", "qname"]

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "oc": "https://officecloud.example/bpmn",
}
#: ElementTree's ``{namespace}`` prefixes of element and attribute names.
B = "{" + NS["bpmn"] + "}"
OC = "{" + NS["oc"] + "}"
CAM = "{" + NS["camunda"] + "}"

_PREFIX = {uri: prefix for prefix, uri in NS.items()}


def local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def qname(tag: str) -> str:
    """The tag as people write it (``bpmn:userTask``)."""
    ns, name = local(tag)
    return f"{_PREFIX[ns]}:{name}" if ns in _PREFIX else (f"{{{ns}}}{name}" if ns else name)


def flag(value: str | None) -> bool | None:
    """An XML boolean attribute; None when absent."""
    if value is None:
        return None
    return value.strip().lower() in ("true", "1", "yes")
