"""The exclusive gateway: the first outgoing transition (in order) whose CEL condition holds,
else the default."""

from __future__ import annotations

from i18n import _
from workflow.definition import Node, Transition
from workflow.errors import EngineError, label
from workflow.expressions import ExpressionError, compile_condition
from workflow.state import Token
from workflow.working import Working

from .base import NodeBehaviour

__all__ = ["ExclusiveGateway"]


class ExclusiveGateway(NodeBehaviour):
    def enter(self, w: Working, token: Token, via: Transition) -> list[tuple[Token, Transition]]:
        node = w.defn.node(token.node_id)
        chosen = self.choose(w, node)
        w.event("gateway_routed", None, node_id=node.id, transition_id=chosen.id)
        return [(token, chosen)]

    def choose(self, w: Working, node: Node) -> Transition:
        outs = w.defn.outgoing(node.id)
        default: Transition | None = None
        for t in outs:
            if t.default:
                default = default or t
                continue
            if t.condition is None or not t.condition.strip():
                if len(outs) == 1:
                    return t
                continue
            if self.holds(w, node, t):
                return t
        if default is not None:
            return default
        raise EngineError(
            "NO_ROUTE",
            _(
                "No way on from {label}: no condition holds and there is no default",
                label=label(w.defn, node.id),
            ),
            node_id=node.id,
        )

    @staticmethod
    def holds(w: Working, node: Node, t: Transition) -> bool:
        assert t.condition is not None
        try:
            return compile_condition(t.condition).evaluate_activation(w.cel())
        except ExpressionError as exc:
            raise EngineError(
                "CONDITION_ERROR",
                _(
                    "The condition of {transition} at {label} failed: {message}",
                    transition=t.name or t.id,
                    label=label(w.defn, node.id),
                    message=exc.message,
                ),
                node_id=node.id,
            ) from exc
