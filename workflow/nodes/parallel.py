"""The parallel gateway: it splits when it has several outgoing transitions (a child token per
branch, whose ``fork_path`` gains ``"<fork id>/<transition id>"``) and joins when it has
several incoming ones (the token waits, ``arrived``, until every branch of its fork is in)."""

from __future__ import annotations

from i18n import _
from workflow.definition import Node, Transition
from workflow.errors import EngineError
from workflow.state import Fork, Token, TokenState
from workflow.working import Working, dedupe

from .base import NodeBehaviour

__all__ = ["ParallelGateway", "fork_of"]


def fork_of(token: Token) -> str:
    """The id of the innermost fork the token is a branch of."""
    return token.fork_path[-1].split("/", 1)[0]  # pragma: no mutate


class ParallelGateway(NodeBehaviour):
    def enter(self, w: Working, token: Token, via: Transition) -> list[tuple[Token, Transition]]:
        node = w.defn.node(token.node_id)
        if w.defn.is_join(node.id):
            merged = self.arrive(w, token, node, via)
            if merged is None:
                return []
            token = merged
        outs = w.defn.outgoing(node.id)
        if len(outs) == 1:
            return [(token, outs[0])]
        if outs:
            return self.split(w, token, node, outs)
        raise EngineError(
            "INVALID_DEFINITION", _("parallel gateway {id} has no outgoing", id=node.id)
        )

    def split(
        self, w: Working, token: Token, node: Node, outs: list[Transition]
    ) -> list[tuple[Token, Transition]]:
        w.tokens.pop(token.id, None)
        fork = Fork(
            id=w.next_id("f"), node_id=node.id, branches=len(outs), fork_path=token.fork_path
        )
        w.forks[fork.id] = fork
        w.event("parallel_split", None, node_id=node.id, fork_id=fork.id, branches=len(outs))
        children = []
        for t in outs:
            child = Token(
                id=w.next_id("k"),
                node_id=node.id,
                state=TokenState.ARRIVED,
                fork_path=(*token.fork_path, f"{fork.id}/{t.id}"),
                prev_handlers=token.prev_handlers,
                came_from=token.came_from,
            )
            children.append((child, t))
        return children

    def arrive(self, w: Working, token: Token, node: Node, via: Transition) -> Token | None:
        """The token merged from every branch once the last one arrives, else None."""
        if not token.fork_path:
            raise EngineError(
                "INVALID_DEFINITION",
                _("parallel join {id} was reached outside any parallel split", id=node.id),
                node_id=node.id,
            )
        fork_id = fork_of(token)
        fork = w.forks.get(fork_id)
        if fork is None:
            raise EngineError(
                "INVALID_DEFINITION",
                _("join {id}: unknown fork {fork_id}", id=node.id, fork_id=fork_id),
            )
        arrived = token.model_copy(update={"state": TokenState.ARRIVED, "visit_id": None})
        w.tokens[arrived.id] = arrived
        w.event("join_arrived", None, node_id=node.id, fork_id=fork_id, transition_id=via.id)
        siblings = [
            t
            for t in w.tokens.values()
            if t.node_id == node.id
            and t.state is TokenState.ARRIVED
            and t.fork_path
            and fork_of(t) == fork_id
        ]
        if len(siblings) < fork.branches:
            return None
        handlers: list[str] = []
        for s in siblings:
            handlers.extend(s.prev_handlers)
            del w.tokens[s.id]
        del w.forks[fork_id]
        w.event("join_completed", None, node_id=node.id, fork_id=fork_id, branches=fork.branches)
        return Token(
            id=w.next_id("k"),
            node_id=node.id,
            state=TokenState.ARRIVED,
            fork_path=fork.fork_path,
            prev_handlers=dedupe(handlers),
        )
