"""End events consume the token; a terminate end ends the whole instance at once."""

from __future__ import annotations

from workflow.definition import Transition
from workflow.state import InstanceStatus, Token
from workflow.working import Working

from .base import NodeBehaviour

__all__ = ["EndEvent"]


class EndEvent(NodeBehaviour):
    def enter(self, w: Working, token: Token, via: Transition) -> list[tuple[Token, Transition]]:
        node = w.defn.node(token.node_id)
        w.tokens.pop(token.id, None)
        w.event("end_reached", None, node_id=node.id)
        if node.terminate:
            w.end_instance(InstanceStatus.COMPLETED, None, node_id=node.id)
        return []
