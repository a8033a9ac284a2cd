"""减签: removing signers from an open countersign (any mode, parallel or sequential).

Only signers who have not voted are removed, each by whoever added them (加签) or by a
manager; removing the last remaining signer is refused (``LAST_SIGNER``). Their open vote
tasks close as ``removed`` and the node's tally is recomputed over the signers left, so
removing the last one who held it up decides the node (see
:meth:`workflow.nodes.Countersign.remove_signers`)."""

from __future__ import annotations

from collections.abc import Iterable

from i18n import _

from .actions import RemoveSigners
from .definition import FlowDefinition, NodeType
from .errors import EngineError, label
from .state import Instance, Task, Token, TokenState
from .working import Working, dedupe

__all__ = ["check_may_remove", "check_remove", "removable_signers", "remove_signers"]


def _voted(token: Token, tasks: Iterable[Task]) -> set[int]:
    return {
        x.sequence
        for x in tasks
        if x.visit_id == token.visit_id
        and x.counted
        and x.outcome is not None
        and x.sequence is not None
    }


def _removable(
    token: Token, tasks: Iterable[Task], user: str, manager: bool, last: bool = False
) -> list[int]:
    """The slots ``user`` may remove on their own (while another signer stays, unless
    ``last``)."""
    if len(token.active_voters) < 2 and not last:
        return []
    voted = _voted(token, tasks)
    adders = dict(token.added_by)
    return [
        i
        for i in range(len(token.voters))
        if i not in token.removed and i not in voted and (manager or adders.get(i) == user)
    ]


def _countersigns(defn: FlowDefinition, instance: Instance) -> list[Token]:
    return [
        k
        for k in instance.tokens
        if k.state is TokenState.WAITING
        and defn.has_node(k.node_id)
        and defn.node(k.node_id).type is NodeType.COUNTERSIGN
    ]


def removable_signers(
    defn: FlowDefinition, instance: Instance, user: str, manager: bool = False
) -> dict[str, tuple[str, ...]]:
    """Per open countersign node, the signers ``user`` may remove now."""
    out: dict[str, tuple[str, ...]] = {}
    for token in _countersigns(defn, instance):
        slots = _removable(token, instance.tasks, user, manager)
        if slots:
            out[token.node_id] = tuple(token.voters[i] for i in slots)
    return out


def check_may_remove(defn: FlowDefinition, instance: Instance, user: str, manager: bool) -> None:
    """Whether ``user`` may remove some signer now (the button 减签); else EngineError."""
    if removable_signers(defn, instance, user, manager):
        return
    if any(
        _removable(k, instance.tasks, user, manager, True) for k in _countersigns(defn, instance)
    ):
        raise EngineError("LAST_SIGNER", _("A countersign needs at least one signer"))
    if removable_signers(defn, instance, user, manager=True):
        raise EngineError(
            "NOT_ASSIGNEE", _("Only whoever added a signer, or a manager, removes them")
        )
    raise EngineError("INVALID_ACTION", _("No countersign has a signer left to remove"))


def check_remove(defn: FlowDefinition, instance: Instance, a: RemoveSigners) -> Token:
    """The token of the countersign ``a`` removes signers from, if allowed; else EngineError."""
    token = next((k for k in _countersigns(defn, instance) if k.node_id == a.node_id), None)
    if token is None:
        where = label(defn, a.node_id) if defn.has_node(a.node_id) else a.node_id
        raise EngineError(
            "INVALID_TARGET", _("No countersign is open at {where}", where=where), node_id=a.node_id
        )
    name = label(defn, token.node_id)
    users = dedupe(a.users)
    if not users or len(users) != len(a.users):
        raise EngineError(
            "INVALID_TARGET", _("Name different signers of {name} to remove", name=name)
        )
    slots = {u: i for i, u in enumerate(token.voters) if i not in token.removed}
    voted = _voted(token, instance.tasks)
    adders = dict(token.added_by)
    for u in users:
        if u not in slots:
            raise EngineError(
                "INVALID_TARGET", _("Someone named does not sign at {name}", name=name)
            )
        if slots[u] in voted:
            raise EngineError(
                "INVALID_TARGET", _("Someone named has already voted at {name}", name=name)
            )
        if not a.manager and adders.get(slots[u]) != a.actor:
            raise EngineError(
                "NOT_ASSIGNEE",
                _("Only whoever added a signer to {name}, or a manager, removes them", name=name),
                node_id=token.node_id,
            )
    if len(slots) - len(users) < 1:
        raise EngineError(
            "LAST_SIGNER",
            _("{name} needs at least one signer: remove fewer", name=name),
            node_id=token.node_id,
        )
    return token


def remove_signers(w: Working, a: RemoveSigners) -> None:
    token = check_remove(w.defn, w.orig, a)
    slots = tuple(i for i, u in enumerate(token.voters) if u in a.users and i not in token.removed)
    w.touch(a.actor)
    w.event(
        "signers_removed",
        a.actor,
        node_id=token.node_id,
        users=list(dedupe(a.users)),
        reason=a.reason or "",
    )
    w.behaviour(token.node_id).remove_signers(w, w.tokens[token.id], slots, a.actor)
