"""The start event: where :func:`workflow.start` puts the first token. Nothing routes into it."""

from __future__ import annotations

from i18n import _
from workflow.definition import FlowDefinition, Node, Transition
from workflow.errors import EngineError

from .base import NodeBehaviour

__all__ = ["StartEvent"]


class StartEvent(NodeBehaviour):
    @staticmethod
    def leave(defn: FlowDefinition) -> tuple[Node, Transition]:
        """The start node and the one transition the first token takes."""
        try:
            node = defn.start_node
        except KeyError:
            raise EngineError("INVALID_DEFINITION", _("the flow has no start node")) from None
        outs = defn.outgoing(node.id)
        if len(outs) != 1:
            raise EngineError(
                "INVALID_DEFINITION",
                _("start node {id} must have exactly one outgoing", id=node.id),
            )
        return node, outs[0]
