"""Routing: moving a token along a transition and on through gateways until every token rests
at a wait node or a parallel join, or has been consumed by an end event. Each node decides
what happens to a token that reaches it (its behaviour's ``enter`` hook)."""

from __future__ import annotations

from i18n import _

from .definition import Transition
from .errors import EngineError
from .state import InstanceStatus, Token
from .working import Working

__all__ = ["MAX_ROUTING_STEPS", "route"]

MAX_ROUTING_STEPS = 10_000


def route(w: Working, token: Token, transition: Transition) -> None:
    """Move ``token`` along ``transition`` and on; the instance completes when no token is
    left."""
    work: list[tuple[Token, Transition]] = [(token, transition)]
    steps = 0
    while work and w.status is InstanceStatus.RUNNING:
        steps += 1
        if steps > MAX_ROUTING_STEPS:
            raise EngineError(
                "ROUTING_LOOP", _("routing did not reach a wait node (gateway cycle?)")
            )
        tok, tr = work.pop(0)
        if not w.defn.has_node(tr.target):
            raise EngineError(
                "INVALID_DEFINITION",
                _("transition {id} targets unknown node {target}", id=tr.id, target=tr.target),
            )
        w.event("transition_taken", None, node_id=tr.target, transition_id=tr.id)
        tok = tok.model_copy(update={"node_id": tr.target})
        work.extend(w.behaviour(tr.target).enter(w, tok, tr))
    if w.status is InstanceStatus.RUNNING and not w.tokens:
        w.end_instance(InstanceStatus.COMPLETED, None)
