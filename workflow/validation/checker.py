"""What every check shares: the definition, the bound form's fields, the graph as far as its
edges are sound (built by :func:`~workflow.validation.edges.check_transitions`), and the
problems found so far."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Literal

from workflow.definition import AssigneeRule, FlowDefinition, Node, NodeType, Transition

from .problems import Problem

__all__ = ["CheckAssignee", "Checker", "node_name", "transition_name"]

CheckAssignee = Callable[[AssigneeRule], "str | None"]


def node_name(node: Node) -> str:
    return f"node '{node.id}'" + (f" ({node.name})" if node.name else "")


def transition_name(tr: Transition) -> str:
    return f"transition '{tr.id}' ({tr.source} -> {tr.target})"


class Checker:
    def __init__(
        self,
        defn: FlowDefinition,
        form_fields: Collection[str] | None,
        check_assignee: CheckAssignee | None,
        doc_attributes: Collection[str],
    ) -> None:
        self.defn = defn
        self.fields = set(form_fields) if form_fields is not None else None
        self.check_assignee = check_assignee
        self.doc_attributes = set(doc_attributes)
        self.problems: list[Problem] = []
        #: the first node of each id, and the transitions between known nodes.
        self.nodes: dict[str, Node] = {}
        self.out: dict[str, list[Transition]] = {}
        self.inc: dict[str, list[Transition]] = {}

    def add(
        self,
        code: str,
        message: str,
        node: Node | None = None,
        tr: Transition | None = None,
        severity: Literal["error", "warning"] = "error",
    ) -> None:
        self.problems.append(
            Problem(code, message, node.id if node else None, tr.id if tr else None, severity)
        )

    def succ(self, node_id: str) -> list[str]:
        return [t.target for t in self.out.get(node_id, [])]

    def pred(self, node_id: str) -> list[str]:
        return [t.source for t in self.inc.get(node_id, [])]

    def is_split(self, node_id: str) -> bool:
        return self._is_parallel(node_id) and len(self.out.get(node_id, [])) > 1

    def is_join(self, node_id: str) -> bool:
        return self._is_parallel(node_id) and len(self.inc.get(node_id, [])) > 1

    def _is_parallel(self, node_id: str) -> bool:
        return self.nodes[node_id].type is NodeType.PARALLEL_GATEWAY
