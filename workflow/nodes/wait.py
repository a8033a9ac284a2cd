"""What task and countersign nodes share: a token that enters waits for assignees (an
:class:`~workflow.state.Activation`), then for decisions on its tasks. Approving works through
the task's chain first (后加签 signers after the holder, a 委托 or 前加签 hand-back); a
decision that counts goes to the node type (:meth:`WaitNode.decided`). The node then passes
(the token routes on) or is rejected (back to ``rejectTo``, else the instance ends
``rejected``)."""

from __future__ import annotations

from typing import Literal

from i18n import _
from workflow.definition import Transition
from workflow.effects import CompletedNode
from workflow.errors import EngineError, label
from workflow.returns import find_return_visit, return_to
from workflow.routing import route
from workflow.state import Activation, InstanceStatus, Task, Token, TokenState, Visit
from workflow.vocabulary import TaskOutcome, TaskStatus
from workflow.working import SYSTEM, Working, dedupe

from .base import NodeBehaviour

__all__ = ["WaitNode", "complete"]


def complete(
    w: Working,
    t: Task,
    outcome: TaskOutcome,
    actor: str | None,
    comment: str | None,
    *,
    counted: bool = False,
    **data: object,
) -> None:
    """Close ``t`` as decided by ``actor`` (None: the engine) and record it."""
    w.close_task(
        t.id,
        TaskStatus.COMPLETED,
        actor=actor or SYSTEM,
        outcome=outcome,
        counted=counted,
        comment=comment,
    )
    w.event("task_completed", actor, node_id=t.node_id, task_id=t.id, outcome=outcome, **data)


class WaitNode(NodeBehaviour):
    def enter(self, w: Working, token: Token, via: Transition) -> list[tuple[Token, Transition]]:
        node = w.defn.node(token.node_id)
        token = w.enter_visit(token)
        w.event("node_entered", None, node_id=node.id, visit_id=token.visit_id)
        if node.assignee is None:
            raise EngineError(
                "NO_ASSIGNEE",
                _("{label} has no assignee rule", label=label(w.defn, node.id)),
                node_id=node.id,
            )
        act = Activation(id=node.id, node_id=node.id, token_id=token.id, rule=node.assignee)
        w.pending[act.id] = act
        w.new_activations.append(act.id)
        return []

    def open(self, w: Working, token: Token, users: tuple[str, ...], origin: str) -> None:
        assert token.visit_id is not None
        visit = w.visits[token.visit_id]
        w.visits[visit.id] = visit.model_copy(update={"users": users})
        self.open_tasks(w, token.model_copy(update={"state": TokenState.WAITING}), users, origin)

    def open_tasks(self, w: Working, token: Token, users: tuple[str, ...], origin: str) -> None:
        """Store the waiting token and create its tasks for ``users``."""
        raise NotImplementedError

    def decided(self, w: Working, t: Task, actor: str | None) -> None:
        """A decision that counts for the node was recorded on ``t`` (outcome approve or
        reject)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ decisions
    def approve(self, w: Working, t: Task, actor: str | None, comment: str | None) -> None:
        who = actor or SYSTEM
        if t.after:
            complete(w, t, TaskOutcome.APPROVE, actor, comment)
            nxt = t.after[0]
            w.clone_task(
                t,
                assignee=nxt,
                candidates=(nxt,),
                after=t.after[1:],
                origin="add_signer",
                from_user=who,
            )
        elif t.return_stack:
            complete(w, t, TaskOutcome.APPROVE, actor, comment)
            back = w.tasks[t.return_stack[-1]]
            holder = back.acted_by or back.assignee or who
            w.clone_task(
                back, assignee=holder, candidates=(holder,), origin="handback", from_user=actor
            )
            w.event("task_handed_back", actor, node_id=t.node_id, task_id=t.id, to=holder)
        else:
            complete(w, t, TaskOutcome.APPROVE, actor, comment, counted=True)
            self.decided(w, t, actor)

    def reject(self, w: Working, t: Task, actor: str | None, comment: str | None) -> None:
        complete(w, t, TaskOutcome.REJECT, actor, comment, counted=True)
        self.decided(w, t, actor)

    # ------------------------------------------------------------------ the node decided
    def passed(self, w: Working, token: Token) -> None:
        node = w.defn.node(token.node_id)
        v = self.close_visit(w, token, "approved")
        w.completed_nodes.append(
            CompletedNode(node.id, v.id, "approved", v.handlers, node.allocate_number)
        )
        w.event(
            "node_completed",
            None,
            node_id=node.id,
            outcome="approved",
            handlers=list(v.handlers),
            allocate_number=node.allocate_number,
        )
        outs = w.defn.outgoing(node.id)
        if len(outs) != 1:
            raise EngineError(
                "INVALID_DEFINITION",
                _("node {id} must have exactly one outgoing transition", id=node.id),
            )
        moved = token.model_copy(
            update={
                "prev_handlers": v.handlers or token.prev_handlers,
                "visit_id": None,
                "voters": (),
                "added_by": (),
                "removed": (),
                "came_from": v.id,
                "state": TokenState.ARRIVED,
            }
        )
        w.tokens[moved.id] = moved
        route(w, moved, outs[0])

    def rejected(self, w: Working, token: Token, actor: str | None) -> None:
        node = w.defn.node(token.node_id)
        v = self.close_visit(w, token, "rejected")
        w.completed_nodes.append(
            CompletedNode(node.id, v.id, "rejected", v.handlers, node.allocate_number)
        )
        w.event("node_completed", None, node_id=node.id, outcome="rejected")
        if node.reject_to:
            target = find_return_visit(w, token, node.reject_to)
            if target is not None:
                return_to(w, target, actor)
                return
        w.end_instance(InstanceStatus.REJECTED, actor, node_id=node.id)

    def close_visit(
        self, w: Working, token: Token, outcome: Literal["approved", "rejected"]
    ) -> Visit:
        """Cancel what is still open at the visit and record who approved there."""
        assert token.visit_id is not None
        for x in w.open_tasks_of(token.id):
            w.close_task(x.id, TaskStatus.CANCELLED)
        v = w.visits[token.visit_id]
        handlers = dedupe(
            x.acted_by or ""
            for x in w.tasks.values()
            if x.visit_id == v.id
            and x.counted
            and x.outcome is TaskOutcome.APPROVE
            and x.acted_by != SYSTEM
        )
        v = v.model_copy(update={"outcome": outcome, "handlers": handlers, "closed_at": w.now})
        w.visits[v.id] = v
        return v
