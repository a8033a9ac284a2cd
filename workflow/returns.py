"""Returns (退回): back to the previous wait node on the same path, or to any earlier visited
wait node whose path encloses the current one (the same parallel branch, or outside the
parallel region). Everything inside the target's scope is cancelled, so returning from a
branch to before its split cancels the sibling branches; the node goes to the users who
handled it last time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .definition import FlowDefinition
from .state import Instance, Token, TokenState, Visit
from .vocabulary import TaskStatus
from .working import Working

__all__ = ["candidates", "clear_scope", "find_return_visit", "return_targets", "return_to"]


def candidates(visits: Iterable[Visit], token: Token) -> list[Visit]:
    """The approved earlier visits a token may return to, in visit order."""
    return [
        v
        for v in visits
        if v.outcome == "approved"
        and v.id != token.visit_id
        and v.fork_path == token.fork_path[: len(v.fork_path)]
    ]


def find_return_visit(
    w: Working, token: Token, node_id: str | None, besides: str | None = None
) -> Visit | None:
    """The latest earlier visit of ``node_id`` (of any node but ``besides`` when None)."""
    found = candidates(w.visits.values(), token)
    if node_id is not None:
        found = [v for v in found if v.node_id == node_id]
    found = [v for v in found if v.node_id != besides]
    return found[-1] if found else None


def return_to(w: Working, target: Visit, actor: str | None) -> None:
    """Cancel everything in the scope of ``target`` and open its node again."""
    clear_scope(w, target.fork_path)
    token = Token(
        id=w.next_id("k"),
        node_id=target.node_id,
        state=TokenState.ASSIGNING,
        fork_path=target.fork_path,
        prev_handlers=target.prev_handlers,
    )
    token = w.enter_visit(token)
    w.event("returned", actor, node_id=target.node_id, visit_id=token.visit_id)
    node = w.behaviour(target.node_id)
    node.open(w, token, node.return_users(target), "return")


def clear_scope(
    w: Working,
    scope: tuple[str, ...],
    status: TaskStatus = TaskStatus.CANCELLED,
    outcome: Literal["returned", "jumped"] = "returned",
) -> None:
    """Stop everything inside ``scope`` (a fork path): open tasks close with ``status``, open
    visits with ``outcome``; tokens, forks and activations there go."""
    for tok in list(w.tokens.values()):
        if tok.fork_path[: len(scope)] != scope:
            continue
        for x in w.open_tasks_of(tok.id):
            w.close_task(x.id, status)
        if tok.visit_id is not None and w.visits[tok.visit_id].outcome is None:
            v = w.visits[tok.visit_id]
            w.visits[v.id] = v.model_copy(update={"outcome": outcome, "closed_at": w.now})
        del w.tokens[tok.id]
    for fid, f in list(w.forks.items()):
        if f.fork_path[: len(scope)] == scope:
            del w.forks[fid]
    for pid, p in list(w.pending.items()):
        if p.token_id not in w.tokens:
            del w.pending[pid]


def return_targets(defn: FlowDefinition, instance: Instance, task_id: str) -> list[str]:
    """Node ids the holder of ``task_id`` may return to, most recent first."""
    t = next((x for x in instance.tasks if x.id == task_id), None)
    tokens = {k.id: k for k in instance.tokens}
    if t is None or t.status is not TaskStatus.OPEN or t.token_id not in tokens:
        return []
    if not defn.node(t.node_id).allow_return or t.return_stack:
        return []
    seen: dict[str, None] = {}
    for v in reversed(candidates(instance.visits, tokens[t.token_id])):
        if v.node_id != t.node_id:
            seen.setdefault(v.node_id, None)
    return list(seen)
