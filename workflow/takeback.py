"""撤回 (take back): whoever approved a task node, and so moved the document on, takes the step
back while the step it led to is untouched: nobody has opened, claimed or acted on its tasks
(a countersign there has no vote, no signer added or removed). The tasks of that step close
as ``withdrawn``, and the node opens again for the one who took it back.

The step a completion led to is what its token reached: every token that left the visit and
has not merged with anything since (``Token.came_from``), through exclusive gateways and
parallel splits. Once a join completed, other branches took part in what follows, and a
countersign's decision is everyone's: neither is taken back (a return, 退回, still is)."""

from __future__ import annotations

from i18n import _

from .definition import FlowDefinition, NodeType
from .errors import refuse
from .state import Instance, Task, Token, TokenState, Visit
from .vocabulary import TaskOutcome, TaskStatus
from .working import Working

__all__ = ["check_take_back", "take_back"]


def _forks_after(visit: Visit, tokens: list[Token]) -> set[str]:
    """The forks the tokens split into after leaving ``visit``."""
    return {entry.split("/", 1)[0] for k in tokens for entry in k.fork_path[len(visit.fork_path) :]}


def _untouched(instance: Instance, token: Token) -> bool:
    if token.state is not TokenState.WAITING:
        return True  # at a join, or awaiting its assignees: nobody has it yet
    if token.added_by or token.removed:
        return False
    return all(
        x.status is TaskStatus.OPEN
        and x.opened_at is None
        and not x.after
        and not ((x.pool or len(x.candidates) > 1) and x.assignee is not None)
        for x in instance.tasks
        if x.visit_id == token.visit_id
    )


def check_take_back(
    defn: FlowDefinition, instance: Instance, t: Task, user: str
) -> tuple[Visit, list[Token]]:
    """The visit ``t`` closed and the tokens of the step it led to, if ``user`` may take it
    back now; else EngineError."""
    if t.status is not TaskStatus.COMPLETED or t.acted_by != user:
        raise refuse(defn, t, "NOT_ASSIGNEE", _("You did not complete the task at {node}"))
    if t.outcome is not TaskOutcome.APPROVE or not t.counted:
        raise refuse(
            defn, t, "INVALID_ACTION", _("Only an approval that moved {node} on is taken back")
        )
    if defn.node(t.node_id).type is not NodeType.TASK:
        raise refuse(
            defn, t, "CANNOT_TAKE_BACK", _("A countersign's decision at {node} is not taken back")
        )
    visit = next((v for v in instance.visits if v.id == t.visit_id), None)
    tokens = [k for k in instance.tokens if visit is not None and k.came_from == visit.id]
    if visit is None or visit.outcome != "approved" or not tokens:
        raise refuse(defn, t, "CANNOT_TAKE_BACK", _("The document has moved on since {node}"))
    forks = _forks_after(visit, tokens)
    others = [
        k
        for k in instance.tokens
        if k not in tokens
        and k.fork_path[: len(visit.fork_path)] == visit.fork_path
        and forks & _forks_after(visit, [k])
    ]
    if others or not all(_untouched(instance, k) for k in tokens):
        raise refuse(
            defn,
            t,
            "CANNOT_TAKE_BACK",
            _("Someone has opened, claimed or acted on the step after {node}"),
        )
    return visit, tokens


def take_back(w: Working, t: Task, comment: str | None) -> None:
    """Undo the step ``t`` led to and give its node back to ``t``'s handler (checked)."""
    assert t.acted_by is not None
    visit, tokens = check_take_back(w.defn, w.orig, t, t.acted_by)
    for k in tokens:
        for x in w.open_tasks_of(k.id):
            w.close_task(x.id, TaskStatus.WITHDRAWN)
        if k.visit_id is not None and w.visits[k.visit_id].outcome is None:
            v = w.visits[k.visit_id]
            w.visits[v.id] = v.model_copy(update={"outcome": "withdrawn", "closed_at": w.now})
        del w.tokens[k.id]
    for fork in _forks_after(visit, tokens):
        w.forks.pop(fork, None)  # pragma: no mutate
    for pid, p in list(w.pending.items()):
        if p.token_id not in w.tokens:
            del w.pending[pid]
    w.visits[visit.id] = visit.model_copy(update={"outcome": "withdrawn"})
    token = w.enter_visit(
        Token(
            id=w.next_id("k"),
            node_id=t.node_id,
            state=TokenState.ASSIGNING,
            fork_path=visit.fork_path,
            prev_handlers=visit.prev_handlers,
        )
    )
    w.touch(t.acted_by)
    w.event(
        "taken_back",
        t.acted_by,
        node_id=t.node_id,
        task_id=t.id,
        visit_id=token.visit_id,
        comment=comment or "",
    )
    w.behaviour(t.node_id).open(w, token, (t.acted_by,), "take_back")
