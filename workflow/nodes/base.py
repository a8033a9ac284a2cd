"""The base of every node behaviour: the lifecycle hooks of :class:`workflow.working.Behaviour`,
each refusing until a node type gives it a meaning (only wait nodes have tasks)."""

from __future__ import annotations

from i18n import _
from workflow.actions import AddSigner
from workflow.definition import Transition
from workflow.errors import EngineError
from workflow.state import Task, Token, Visit
from workflow.working import Working

__all__ = ["NodeBehaviour"]


class NodeBehaviour:
    """One instance per node type, without state of its own: the node comes from the token
    or task a hook gets, the state from the working copy."""

    def enter(self, w: Working, token: Token, via: Transition) -> list[tuple[Token, Transition]]:
        node = w.defn.node(token.node_id)
        raise EngineError(
            "INVALID_DEFINITION",
            _("cannot route into {type} node {id}", type=node.type.value, id=node.id),
        )

    def open(self, w: Working, token: Token, users: tuple[str, ...], origin: str) -> None:
        raise _no_tasks(w, token.node_id)

    def approve(self, w: Working, t: Task, actor: str | None, comment: str | None) -> None:
        raise _no_tasks(w, t.node_id)

    def reject(self, w: Working, t: Task, actor: str | None, comment: str | None) -> None:
        raise _no_tasks(w, t.node_id)

    def return_users(self, visit: Visit) -> tuple[str, ...]:
        return visit.handlers or visit.users

    def check_handover(self, w: Working, t: Task, to_user: str) -> None:
        return None

    def add_signers(self, w: Working, t: Task, users: tuple[str, ...], a: AddSigner) -> str:
        raise _no_tasks(w, t.node_id)

    def remove_signers(
        self, w: Working, token: Token, slots: tuple[int, ...], actor: str | None
    ) -> None:
        node = w.defn.node(token.node_id)
        raise EngineError(
            "INVALID_TARGET", _("{type} node {id} has no signers", type=node.type.value, id=node.id)
        )


def _no_tasks(w: Working, node_id: str) -> EngineError:
    node = w.defn.node(node_id)
    return EngineError(
        "INVALID_DEFINITION", _("{type} node {id} has no tasks", type=node.type.value, id=node.id)
    )
