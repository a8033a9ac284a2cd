"""The graph as a whole: every node reachable from the start and able to reach an end,
``rejectTo`` pointing at a node every path passes (a dominator), and no cycle of gateways alone
(routing could loop forever)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from i18n import _
from workflow.definition import Node, NodeType

from .checker import Checker, node_name

__all__ = ["check_gateway_cycles", "check_reachability", "check_reject_to"]


def check_reachability(v: Checker, start: Node, ends: list[Node]) -> None:
    reach = _bfs([start.id], v.succ)
    for node in v.defn.nodes:
        if node.id in v.nodes and v.nodes[node.id] is node and node.id not in reach:
            v.add(
                "UNREACHABLE",
                _("{node_name} cannot be reached from the start", node_name=node_name(node)),
                node,
            )
    back = _bfs([e.id for e in ends], v.pred)
    for node in v.defn.nodes:
        if (
            v.nodes.get(node.id) is node
            and node.id in reach
            and node.id not in back
            and node.type is not NodeType.END
        ):
            v.add(
                "DEAD_END",
                _("{node_name} cannot reach an end node", node_name=node_name(node)),
                node,
            )


def check_reject_to(v: Checker, start: Node) -> None:
    dom = _dominators(start.id, list(v.nodes), v.succ, v.pred)
    for node in v.defn.nodes:
        target = node.reject_to
        if target is None or target not in v.nodes or not node.is_wait:
            continue
        if not v.nodes[target].is_wait:
            v.add(
                "INVALID_REJECT_TO",
                _(
                    "{node_name}: rejectTo '{target}' is not a task or countersign node",
                    node_name=node_name(node),
                    target=target,
                ),
                node,
            )
        elif target == node.id or target not in dom.get(node.id, set()):
            v.add(
                "INVALID_REJECT_TO",
                _(
                    "{node_name}: rejectTo '{target}' must be an earlier node "
                    "that every path to this node passes",
                    node_name=node_name(node),
                    target=target,
                ),
                node,
            )


def check_gateway_cycles(v: Checker) -> None:
    gateways = {
        n.id
        for n in v.nodes.values()
        if n.type in (NodeType.EXCLUSIVE_GATEWAY, NodeType.PARALLEL_GATEWAY)
    }
    for comp in _sccs(gateways, lambda n: [s for s in v.succ(n) if s in gateways]):
        if len(comp) > 1:
            first = v.nodes[sorted(comp)[0]]
            v.add(
                "GATEWAY_CYCLE",
                _(
                    "gateways {comp} form a cycle without a task; routing could "
                    "loop forever (at {node_name})",
                    comp=", ".join(sorted(comp)),
                    node_name=node_name(first),
                ),
                first,
            )


def _bfs(roots: Iterable[str], succ: Callable[[str], list[str]]) -> set[str]:
    seen = set(roots)
    stack = list(seen)
    while stack:
        for nxt in succ(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _dominators(
    root: str,
    nodes: list[str],
    succ: Callable[[str], list[str]],
    pred: Callable[[str], list[str]],
) -> dict[str, set[str]]:
    reach = _bfs([root], succ)
    order = [n for n in nodes if n in reach]
    dom: dict[str, set[str]] = {n: set(reach) for n in order}
    dom[root] = {root}
    changed = True
    while changed:
        changed = False
        for n in order:
            if n == root:
                continue
            preds = [p for p in pred(n) if p in reach]
            new = set.intersection(*(dom[p] for p in preds)) if preds else set()
            new = new | {n}
            if new != dom[n]:
                dom[n] = new
                changed = True
    return dom


def _sccs(nodes: set[str], succ: Callable[[str], list[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succs = succ(v)
            if i < len(succs):
                work.append((v, i + 1))
                w = succs[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out
