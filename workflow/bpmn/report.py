"""The problems an import finds, each naming its element: errors (the file is not imported)
and warnings (something only drawn, or mapped approximately)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from i18n import _
from workflow.validation import Problem

from .names import local, qname

__all__ = ["Report"]


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def error(self, code: str, message: str, node_id: str | None = None, tr: str | None = None):
        self.problems.append(Problem(code, message, node_id, tr))

    def warn(self, code: str, message: str, node_id: str | None = None, tr: str | None = None):
        self.problems.append(Problem(code, message, node_id, tr, "warning"))

    def unsupported(self, el: ET.Element, where: str, cosmetic: bool = False) -> None:
        """An element we do not import: a warning when it is only drawing."""
        _ns, name = local(el.tag)
        eid = el.get("id")
        label = f"{name} '{eid}'" if eid else name
        if cosmetic:
            self.warn(
                "BPMN_IGNORED",
                _(
                    "{label} ({qname}) in {where} is ignored",
                    label=label,
                    qname=qname(el.tag),
                    where=where,
                ),
                eid,
            )
        else:
            self.error(
                "BPMN_UNSUPPORTED",
                _(
                    "{label} ({qname}) in {where} is not supported",
                    label=label,
                    qname=qname(el.tag),
                    where=where,
                ),
                eid,
            )

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)
