"""跳转 (jump): a document manager moves the document to any task, countersign or end node.

What happens to the tokens, with the flow's parallel regions (block-structured, so each node
lies in a known branch of known splits, :func:`regions`):

* The scope of the jump is the innermost branch the document is in now that also holds the
  target (the whole document when there is none). Everything in that scope stops: open tasks
  close as ``jumped`` (their timers with them), countersigns lose their votes, activations and
  forks inside it go. Branches outside the scope (the other branches of a parallel region
  the target shares with the document) carry on untouched.
* Entering a branch of a region the document is not in starts that region with only the
  target's branch running: its other branches count as done (their tokens wait at the
  join), so the join completes when the target's branch arrives.
* The target is entered as routing would enter it: a fresh visit, its assignee rule resolved
  again (a countersign starts over with its voters), fresh deadlines. An end node ends the
  document (completed).
"""

from __future__ import annotations

from collections import deque

from i18n import _

from .actions import Jump
from .definition import FlowDefinition, NodeType, Transition
from .errors import EngineError, label
from .returns import clear_scope
from .routing import route
from .state import Fork, Token, TokenState
from .vocabulary import TaskStatus
from .working import Working, dedupe

__all__ = ["jump", "regions"]

Branch = tuple[str, str]
"""A branch of a parallel region: (split node id, the split's outgoing transition id)."""


def _reach(defn: FlowDefinition, start: str, stop: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for tr in defn.outgoing(todo.pop()):
            if tr.target != stop and tr.target not in seen:
                seen.add(tr.target)
                todo.append(tr.target)
    return seen


def _join(defn: FlowDefinition, start: str, common: set[str]) -> str:
    """The join closing a split: the first join of ``common`` a branch reaches."""
    queue, seen = deque([start]), {start}
    while queue:
        nid = queue.popleft()
        if nid in common and defn.is_join(nid):
            return nid
        for tr in defn.outgoing(nid):
            if tr.target not in seen:
                seen.add(tr.target)
                queue.append(tr.target)
    raise EngineError(
        "INVALID_DEFINITION", _("the parallel split after {start} has no join", start=start)
    )


def regions(defn: FlowDefinition) -> tuple[dict[str, tuple[Branch, ...]], dict[str, str]]:
    """Each node's enclosing parallel branches (outermost first), and each split's join."""
    members: dict[Branch, set[str]] = {}
    joins: dict[str, str] = {}
    for split in (n.id for n in defn.nodes if defn.is_split(n.id)):
        outs = defn.outgoing(split)
        reach = {tr.id: _reach(defn, tr.target, split) for tr in outs}
        common = set.intersection(*reach.values())
        joins[split] = _join(defn, outs[0].target, common)
        for tr in outs:
            members[(split, tr.id)] = reach[tr.id] - common
    depth = {s: sum(1 for b, nodes in members.items() if s in nodes) for s in joins}
    enclosing = {
        n.id: tuple(
            sorted((b for b, nodes in members.items() if n.id in nodes), key=lambda b: depth[b[0]])
        )
        for n in defn.nodes
    }
    return enclosing, joins


def jump(w: Working, a: Jump) -> None:
    """Move the document to ``a.node_id`` (checked for the manager by the caller)."""
    if not w.defn.has_node(a.node_id):
        raise EngineError("INVALID_TARGET", _("The flow has no such step"), node_id=a.node_id)
    node = w.defn.node(a.node_id)
    if not (node.is_wait or node.type is NodeType.END):
        raise EngineError(
            "INVALID_TARGET",
            _(
                "Jump to a task, a countersign or an end, not to {label}",
                label=label(w.defn, node.id),
            ),
            node_id=node.id,
        )
    if not (a.reason or "").strip():
        raise EngineError("INVALID_ACTION", _("A jump needs a reason"))
    enclosing, joins = regions(w.defn)
    path = enclosing[node.id]
    scope: tuple[str, ...] = ()
    entered = 0
    for split, branch in path:
        fork = next(
            (f for f in w.forks.values() if f.node_id == split and f.fork_path == scope), None
        )
        if fork is None:
            break
        scope, entered = (*scope, f"{fork.id}/{branch}"), entered + 1
    left = sorted({t.node_id for t in w.tasks.values() if t.status is TaskStatus.OPEN})
    handlers = _handlers(w, node.id, scope)
    clear_scope(w, scope, TaskStatus.JUMPED, "jumped")
    for split, branch in path[entered:]:
        scope = _start_region(w, split, branch, joins[split], scope, handlers)
    w.touch(a.actor)
    w.event("jumped", a.actor, node_id=node.id, left=left, reason=a.reason)
    token = Token(
        id=w.next_id("k"),
        node_id=node.id,
        state=TokenState.ARRIVED,
        fork_path=scope,
        prev_handlers=handlers,
    )
    route(w, token, Transition(id="jump", source=node.id, target=node.id))


def _handlers(w: Working, node_id: str, scope: tuple[str, ...]) -> tuple[str, ...]:
    """Who the target's ``previous_handler`` is: as at its last visit, else as for the
    tokens the jump stops, else the initiator."""
    visits = [v for v in w.visits.values() if v.node_id == node_id]
    if visits:
        return visits[-1].prev_handlers or (w.orig.initiator,)
    stopped = [
        u for k in w.tokens.values() if k.fork_path[: len(scope)] == scope for u in k.prev_handlers
    ]
    return dedupe(stopped) or (w.orig.initiator,)


def _start_region(
    w: Working,
    split: str,
    branch: str,
    join: str,
    scope: tuple[str, ...],
    handlers: tuple[str, ...],
) -> tuple[str, ...]:
    """A fork at ``split`` whose other branches are done (waiting at ``join``); the path of
    ``branch`` inside it."""
    outs = w.defn.outgoing(split)
    fork = Fork(id=w.next_id("f"), node_id=split, branches=len(outs), fork_path=scope)
    w.forks[fork.id] = fork
    for tr in outs:
        if tr.id != branch:
            done = Token(
                id=w.next_id("k"),
                node_id=join,
                state=TokenState.ARRIVED,
                fork_path=(*scope, f"{fork.id}/{tr.id}"),
                prev_handlers=handlers,
            )
            w.tokens[done.id] = done
    return (*scope, f"{fork.id}/{branch}")
